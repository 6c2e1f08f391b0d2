package resource

import (
	"sort"

	bcrpb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/resources/bundle_and_contained_resource_go_proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// types is built once from the ContainedResource oneof, which google/fhir
// generates with one field per R4 resource type.
var types = func() map[string]protoreflect.MessageDescriptor {
	m := map[string]protoreflect.MessageDescriptor{}
	fields := (&bcrpb.ContainedResource{}).ProtoReflect().Descriptor().Oneofs().Get(0).Fields()
	for i := 0; i < fields.Len(); i++ {
		md := fields.Get(i).Message()
		m[string(md.Name())] = md
	}
	return m
}()

// Types returns every R4 resource type, sorted.
func Types() []string {
	out := make([]string, 0, len(types))
	for t := range types {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Known reports whether t is an R4 resource type name.
func Known(t string) bool { return types[t] != nil }

// HasElement reports whether resource type t has a top-level element name.
func HasElement(t, name string) bool {
	md := types[t]
	return md != nil && md.Fields().ByName(protoreflect.Name(name)) != nil
}
