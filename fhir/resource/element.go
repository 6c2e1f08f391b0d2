package resource

import (
	"strings"

	apb "github.com/google/fhir/go/proto/google/fhir/proto/annotations_go_proto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Element describes an element of an R4 resource as JSON sees it.
type Element struct {
	Repeated bool // 0..*: a JSON array
	Choice   bool // declared name[x]: its JSON key carries the type (valueQuantity)
}

// ElementOf looks up the element reached from resource type typ by path, the
// JSON keys of the elements in between (array levels left out, choice
// elements by their typed key: "valueQuantity", "code"). The last name may
// be a choice element's bare name ("value"). ok is false when typ or the
// path is not in the R4 model. A FHIRPath Patch needs it to tell a list
// from a single element, which the JSON of a resource lacking the element
// cannot say.
func ElementOf(typ string, path ...string) (e Element, ok bool) {
	md := types[typ]
	for i, name := range path {
		if md == nil {
			return Element{}, false
		}
		f, variant := jsonField(md, name)
		switch {
		case f == nil:
			return Element{}, false
		case i == len(path)-1:
			return Element{Repeated: f.Cardinality() == protoreflect.Repeated, Choice: isChoice(f.Message()) && variant == nil}, true
		case variant != nil:
			md = variant.Message()
		default:
			md = f.Message()
		}
	}
	return Element{}, false
}

// jsonField finds the field of md whose JSON name is name, or the choice field
// name is a typed key of (with the variant it names).
func jsonField(md protoreflect.MessageDescriptor, name string) (f, variant protoreflect.FieldDescriptor) {
	fields := md.Fields()
	if fd := fields.ByJSONName(name); fd != nil {
		return fd, nil
	}
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		jn := fd.JSONName()
		if !strings.HasPrefix(name, jn) || len(name) == len(jn) || !isChoice(fd.Message()) {
			continue
		}
		rest := name[len(jn):]
		vs := fd.Message().Fields()
		for j := 0; j < vs.Len(); j++ {
			if v := vs.Get(j); strings.EqualFold(v.JSONName(), rest) && v.JSONName()[1:] == rest[1:] {
				return fd, v
			}
		}
	}
	return nil, nil
}

func isChoice(md protoreflect.MessageDescriptor) bool {
	return md != nil && proto.HasExtension(md.Options(), apb.E_IsChoiceType)
}
