package resource

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	d4pb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/datatypes_go_proto"
	bcrpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/resources/bundle_and_contained_resource_go_proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trialfhir/trialfhir/fhir"
	"github.com/trialfhir/trialfhir/fhir/resource/schema"
)

// MaxDepth bounds the nesting of incoming JSON, so a hostile document cannot
// exhaust the stack.
const MaxDepth = 64

var unmarshaller = mustUnmarshaller()

func mustUnmarshaller() *jsonformat.Unmarshaller {
	u, err := jsonformat.NewUnmarshaller("UTC", fhirversion.R4)
	if err != nil {
		panic(err)
	}
	u.MaxNestingDepth = MaxDepth
	return u
}

// Doc is a parsed, valid resource. It keeps the JSON, not the parsed
// proto: the proto only proves the JSON valid, and dropping it at once
// keeps a large transaction's entries from each being held as both.
type Doc struct {
	Type string
	id   string
	body []byte // the JSON Parse validated
}

// Parse parses and validates FHIR R4 JSON. It returns an *fhir.Error whose
// Issues list every problem found, each with the FHIRPath of its element.
//
// A resource of the common shapes is validated by package schema alone,
// which accepts only what google/fhir would; anything else, and every
// invalid resource, goes through google/fhir, which names the problems.
func Parse(body []byte) (*Doc, error) {
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	if typ, id, ok := schema.Check(body); ok {
		return &Doc{Type: typ, id: id, body: body}, nil
	}
	return parseChecked(body)
}

// parseChecked validates body, which checkJSON has passed, with google/fhir.
func parseChecked(body []byte) (*Doc, error) {
	msg, err := parseProto(body)
	if err != nil {
		return nil, err
	}
	doc := &Doc{Type: string(msg.Descriptor().Name()), body: body}
	if id := msg.Get(msg.Descriptor().Fields().ByName("id")); id.Message().IsValid() {
		doc.id = id.Message().Interface().(*d4pb.Id).GetValue()
	}
	return doc, nil
}

// parseProto validates body, which checkJSON has passed, and returns the
// resource it holds as a proto.
func parseProto(body []byte) (protoreflect.Message, error) {
	var issues collector
	pb, err := unmarshaller.UnmarshalWithErrorReporter(body, &issues)
	if err != nil {
		issues.fromUnmarshal(err)
	}
	if len(issues) > 0 {
		return nil, issues.err()
	}
	cr, ok := pb.(*bcrpb.ContainedResource)
	if !ok {
		return nil, fhir.Errorf(fhir.CodeException, "unexpected parse result %T", pb)
	}
	oneof := cr.ProtoReflect().Descriptor().Oneofs().Get(0)
	field := cr.ProtoReflect().WhichOneof(oneof)
	if field == nil {
		return nil, fhir.Errorf(fhir.CodeStructure, "no resource in the body")
	}
	return cr.ProtoReflect().Get(field).Message(), nil
}

// ID returns the resource's id, "" when it has none.
func (d *Doc) ID() string { return d.id }

// collector is a google/fhir ErrorReporter gathering every validation issue.
type collector []*fhir.Error

func (c *collector) ReportValidationError(path string, err error) error {
	*c = append(*c, issueFrom(path, err))
	return nil
}

// ReportValidationWarning ignores warnings: google/fhir reports none that a
// client should act on.
func (c *collector) ReportValidationWarning(string, error) error { return nil }

func (c collector) err() *fhir.Error {
	first := *c[0]
	first.Issues = c[1:]
	if len(c) > 1 {
		first.Message = fmt.Sprintf("%s (and %d more issues)", first.Message, len(c)-1)
	}
	return &first
}

// fromUnmarshal reads the issues out of the error Unmarshal returns. Its
// types are internal to google/fhir, so their fields (Path, Details,
// Diagnostics) are read by reflection; anything else is one structural issue.
func (c *collector) fromUnmarshal(err error) {
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Slice {
		for i := 0; i < v.Len(); i++ {
			c.fromUnmarshal(v.Index(i).Interface().(error))
		}
		return
	}
	path, details, diag := field(v, "Path"), field(v, "Details"), field(v, "Diagnostics")
	if details == "" {
		*c = append(*c, fhir.Errorf(fhir.CodeStructure, "%s", err.Error()))
		return
	}
	*c = append(*c, issue(path, details, diag))
}

func field(v reflect.Value, name string) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.String {
		return ""
	}
	return f.String()
}

// issueFrom turns an error google/fhir reports to the ErrorReporter, whose
// text is `error at "path": details`, into an issue.
func issueFrom(path string, err error) *fhir.Error {
	details := err.Error()
	if _, rest, ok := strings.Cut(details, `": `); ok && strings.HasPrefix(details, "error at ") {
		details = rest
	}
	return issue(path, details, "")
}

func issue(path, details, diag string) *fhir.Error {
	code := fhir.CodeInvalid
	switch {
	case details == "unknown field":
		code = fhir.CodeStructure
		if name, err := strconv.Unquote(diag); err == nil && path != "" {
			path += "." + name
			details = "unknown element " + strconv.Quote(name)
			diag = ""
		}
	case strings.HasPrefix(details, "missing required field"):
		code = fhir.CodeRequired
		details = strings.Replace(details, "missing required field", "missing required element", 1)
		// Point at the missing element itself, not its parent.
		if name, err := strconv.Unquote(strings.TrimSpace(strings.TrimPrefix(details, "missing required element"))); err == nil && path != "" {
			path += "." + name
		}
	case strings.HasPrefix(details, "expected") || strings.Contains(details, "mismatch") ||
		strings.Contains(details, "format") || strings.Contains(details, "invalid"):
		code = fhir.CodeValue
	case details == "invalid JSON":
		code = fhir.CodeStructure
	case details == "unknown resource type":
		code = fhir.CodeNotSupported
		details = "unknown resource type " + diag
		diag = ""
		// google/fhir ends the path with the unknown type's name ("Foo",
		// "Patient.contained[0].Foo"); the element at fault is resourceType.
		if i := strings.LastIndexByte(path, '.'); i >= 0 {
			path = path[:i+1] + "resourceType"
		} else {
			path = "resourceType"
		}
	}
	e := fhir.Errorf(code, "%s", details)
	if diag != "" {
		e.Diagnostics = details + ": " + diag
	}
	if path != "" {
		e.Expression = []string{path}
	}
	return e
}
