package schema

import (
	"strings"
	"sync"

	apb "github.com/google/fhir/go/proto/google/fhir/proto/annotations_go_proto"
	d4pb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/datatypes_go_proto"
	bcrpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/resources/bundle_and_contained_resource_go_proto"
	d3pb "github.com/google/fhir/go/proto/google/fhir/proto/stu3/datatypes_go_proto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// field is what one JSON property name of a message accepts.
type field struct {
	kind     kind
	repeated bool
	msg      *message            // kObject
	codes    map[string]struct{} // kEnum: the exact strings google/fhir maps to a value
	refTypes []string            // a Reference's valid_reference_type; nil or "Resource" allow any
	required uint64              // the message's required bit this property fills, 0 if none
	choice   uint64              // the message's choice-group bit, 0 if not a choice variant
	nonEmpty bool                // a string primitive whose value google/fhir requires
}

// message is one proto message as JSON: each property name it accepts.
// A name that is absent, or present with a nil field, makes Check defer.
type message struct {
	fields   map[string]*field
	required uint64 // the bits every instance must fill
}

// tables is the schema, built once from google/fhir's descriptors.
type tables struct {
	resources map[string]*message // by resourceType
	// refR4 are the resource types an R4 reference "Type/id" is
	// normalised to a typed field for; refR3 those google/fhir knows
	// only from STU3 (it fails a reference to them).
	refR4, refR3 map[string]bool
}

var (
	once   sync.Once
	schema *tables
)

func load() *tables {
	once.Do(func() { schema = build() })
	return schema
}

type builder struct {
	msgs  map[protoreflect.FullName]*message
	enums map[protoreflect.FullName]map[string]struct{}
}

func build() *tables {
	b := &builder{msgs: map[protoreflect.FullName]*message{}, enums: map[protoreflect.FullName]map[string]struct{}{}}
	t := &tables{resources: map[string]*message{}, refR4: refTypes(&d4pb.Reference{}), refR3: refTypes(&d3pb.Reference{})}
	for ty := range t.refR4 {
		delete(t.refR3, ty)
	}
	fields := (&bcrpb.ContainedResource{}).ProtoReflect().Descriptor().Oneofs().ByName("oneof_resource").Fields()
	for i := 0; i < fields.Len(); i++ {
		md := fields.Get(i).Message()
		if md == nil {
			continue
		}
		if m := b.message(md); m != nil {
			t.resources[string(md.Name())] = m
		}
	}
	return t
}

// refTypes lists the resource types of a Reference proto's typed fields,
// as jsonpbhelper's initReferenceTypes reads them.
func refTypes(ref proto.Message) map[string]bool {
	out := map[string]bool{}
	fields := ref.ProtoReflect().Descriptor().Oneofs().ByName("reference").Fields()
	for i := 0; i < fields.Len(); i++ {
		if t := proto.GetExtension(fields.Get(i).Options(), apb.E_ReferencedFhirType).(string); t != "" {
			out[t] = true
		}
	}
	return out
}

// message returns the schema of md, nil when md is not modelled (Check
// then defers on any property of its type).
func (b *builder) message(md protoreflect.MessageDescriptor) *message {
	if m, ok := b.msgs[md.FullName()]; ok {
		return m
	}
	if md.FullName() == "google.protobuf.Any" || md.Name() == "ContainedResource" || md.Name() == "ReferenceId" ||
		isPrimitive(md) || isChoice(md) {
		b.msgs[md.FullName()] = nil
		return nil
	}
	m := &message{fields: map[string]*field{}}
	b.msgs[md.FullName()] = m // before the fields: types nest recursively
	isRef := proto.HasExtension(md.Options(), apb.E_FhirReferenceType)
	var nextReq, nextChoice uint
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		req := proto.GetExtension(f.Options(), apb.E_ValidationRequirement).(apb.Requirement) == apb.Requirement_REQUIRED_BY_FHIR
		if f.Message() == nil {
			if req {
				return b.unsupported(md) // a required value JSON cannot give
			}
			// google/fhir's FieldMap has its name but cannot read it
			// from JSON; should a choice variant share it, defer on both.
			m.add(f.JSONName(), nil)
			continue
		}
		if isRef && f.ContainingOneof() != nil && f.Name() != "uri" {
			continue // fragment and the typed ids are normalised forms, not JSON
		}
		var bit uint64
		if req {
			if nextReq == 64 {
				return b.unsupported(md)
			}
			bit = 1 << nextReq
			nextReq++
			m.required |= bit
		}
		if !isChoice(f.Message()) {
			fl := b.leaf(f)
			if fl != nil {
				fl.required = bit
				if isRef && f.Name() == "uri" {
					fl.kind = kRefString
				}
			}
			m.add(f.JSONName(), fl)
			continue
		}
		if nextChoice == 64 {
			return b.unsupported(md)
		}
		choice := uint64(1) << nextChoice
		nextChoice++
		variants := f.Message().Fields()
		for j := 0; j < variants.Len(); j++ {
			v := variants.Get(j)
			name := f.JSONName() + strings.ToUpper(v.JSONName()[:1]) + v.JSONName()[1:]
			if v.Message() == nil || v.Cardinality() == protoreflect.Repeated || !lowerStart(v.JSONName()) {
				m.add(name, nil)
				continue
			}
			fl := b.leaf(v)
			if fl != nil {
				fl.required, fl.choice = bit, choice
			}
			m.add(name, fl)
		}
	}
	return m
}

func (b *builder) unsupported(md protoreflect.MessageDescriptor) *message {
	b.msgs[md.FullName()] = nil
	return nil
}

// add registers a property name; a name claimed twice is ambiguous, and
// is kept as nil so that Check defers on it.
func (m *message) add(name string, f *field) {
	if _, dup := m.fields[name]; dup {
		f = nil
	}
	m.fields[name] = f
}

func lowerStart(s string) bool { return s != "" && s[0] >= 'a' && s[0] <= 'z' }

// leaf is the check for one proto field's JSON value, nil if not modelled.
func (b *builder) leaf(f protoreflect.FieldDescriptor) *field {
	md := f.Message()
	out := &field{repeated: f.Cardinality() == protoreflect.Repeated}
	if isPrimitive(md) {
		k, ok := primitiveKinds[md.Name()]
		switch {
		case ok:
			out.kind = k
		case proto.HasExtension(md.Options(), apb.E_FhirValuesetUrl):
			// A bound code: UnmarshalCode takes any string into a string
			// value (Check asks the Code regex of it), and into an enum
			// only the codes of the value set.
			vf := md.Fields().ByName("value")
			switch {
			case vf != nil && vf.Kind() == protoreflect.StringKind:
				out.kind = kCode
			case vf != nil && vf.Kind() == protoreflect.EnumKind:
				out.kind, out.codes = kEnum, b.codes(vf.Enum())
			default:
				return nil
			}
		default:
			return nil
		}
		if requiresValue(md) {
			// Xhtml's value is required: "" leaves it unset, which
			// fhirvalidate reports. Only string kinds are modelled so.
			if out.kind != kText && out.kind != kString && out.kind != kURI {
				return nil
			}
			out.nonEmpty = true
		}
		return out
	}
	if md.Name() == "ContainedResource" || md.FullName() == "google.protobuf.Any" && f.JSONName() == "contained" {
		// google/fhir reads both through parseContainedResource. It
		// does not validate what it packs into an Any (required
		// elements, reference types, primitive formats); Check does, as
		// it does any resource.
		out.kind = kResource
		return out
	}
	out.msg = b.message(md)
	if out.msg == nil {
		return nil
	}
	if proto.HasExtension(md.Options(), apb.E_FhirReferenceType) {
		out.refTypes = proto.GetExtension(f.Options(), apb.E_ValidReferenceType).([]string)
		if out.refTypes == nil {
			out.refTypes = []string{}
		}
	}
	return out
}
