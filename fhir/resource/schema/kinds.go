package schema

import (
	"strings"

	apb "github.com/google/fhir/go/proto/google/fhir/proto/annotations_go_proto"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// kind is how one JSON value is checked.
type kind uint8

const (
	kObject      kind = iota // a complex type, backbone element or resource
	kRefString               // Reference.reference: a String that google/fhir normalises
	kString                  // String: control characters and size checked
	kText                    // Markdown, Xhtml: any string
	kURI                     // Uri, Url, Canonical: url.Parse must accept it
	kCode                    // Code: its value_regex
	kID                      // Id: its value_regex
	kOID                     // Oid: its value_regex
	kUUID                    // Uuid: its value_regex
	kEnum                    // a code bound to a value set, one of its codes
	kBoolean                 // true or false
	kInteger                 // int32
	kPositiveInt             // 1..2^31-1
	kUnsignedInt             // 0..2^31-1
	kDecimal                 // any JSON number
	kDate                    // YYYY, YYYY-MM or YYYY-MM-DD
	kDateTime                // a date, or a date with time to the second and a zone
	kInstant                 // a full date, time to the second, and a zone
	kTime                    // hh:mm:ss with an optional fraction
	kBase64                  // base64Binary with no separators
	kResource                // a contained resource (Any) or a Bundle entry's (ContainedResource)
)

// primitiveKinds maps google/fhir's primitive message names to their
// checks: the names unmarshaller.go's parsePrimitiveType switches on.
var primitiveKinds = map[protoreflect.Name]kind{
	"String": kString, "Markdown": kText, "Xhtml": kText,
	"Uri": kURI, "Url": kURI, "Canonical": kURI,
	"Code": kCode, "Id": kID, "Oid": kOID, "Uuid": kUUID,
	"Boolean": kBoolean, "Integer": kInteger, "PositiveInt": kPositiveInt, "UnsignedInt": kUnsignedInt,
	"Decimal": kDecimal, "Date": kDate, "DateTime": kDateTime, "Instant": kInstant, "Time": kTime,
	"Base64Binary": kBase64,
}

// codes lists the strings jsonpbhelper.UnmarshalCode maps to a value of a
// bound code's enum: each value's fhir_original_code, and the lower-case,
// hyphenated form of its name when upper-casing and underscoring it gives
// the name back. The zero value (INVALID_UNINITIALIZED) never counts.
func (b *builder) codes(ed protoreflect.EnumDescriptor) map[string]struct{} {
	if set, ok := b.enums[ed.FullName()]; ok {
		return set
	}
	set := map[string]struct{}{}
	values := ed.Values()
	for i := 0; i < values.Len(); i++ {
		v := values.Get(i)
		if v.Number() == 0 {
			continue
		}
		if orig := originalCode(v); orig != "" {
			set[orig] = struct{}{}
		}
		if code := strings.ReplaceAll(strings.ToLower(string(v.Name())), "_", "-"); enumName(code) == v.Name() {
			set[code] = struct{}{}
		}
	}
	// A code the zero value also answers to might be read as that value.
	for i := 0; i < values.Len(); i++ {
		if v := values.Get(i); v.Number() == 0 {
			delete(set, originalCode(v))
			delete(set, strings.ReplaceAll(strings.ToLower(string(v.Name())), "_", "-"))
		}
	}
	b.enums[ed.FullName()] = set
	return set
}

func originalCode(v protoreflect.EnumValueDescriptor) string {
	return proto.GetExtension(v.Options(), apb.E_FhirOriginalCode).(string)
}

// enumName is the enum value name UnmarshalCode looks a code up by first.
func enumName(code string) protoreflect.Name {
	return protoreflect.Name(strings.ReplaceAll(strings.ToUpper(code), "-", "_"))
}

// requiresValue reports whether a primitive's scalar value field is
// required (validation_requirement), as Xhtml's is.
func requiresValue(md protoreflect.MessageDescriptor) bool {
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		f := fields.Get(i)
		if f.Message() == nil && proto.GetExtension(f.Options(), apb.E_ValidationRequirement).(apb.Requirement) == apb.Requirement_REQUIRED_BY_FHIR {
			return true
		}
	}
	return false
}

func isPrimitive(md protoreflect.MessageDescriptor) bool {
	return proto.GetExtension(md.Options(), apb.E_StructureDefinitionKind).(apb.StructureDefinitionKindValue) ==
		apb.StructureDefinitionKindValue_KIND_PRIMITIVE_TYPE
}

func isChoice(md protoreflect.MessageDescriptor) bool {
	return md != nil && proto.HasExtension(md.Options(), apb.E_IsChoiceType)
}
