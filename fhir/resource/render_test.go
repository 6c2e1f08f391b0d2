package resource

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/fhir/go/fhirversion"
	"github.com/google/fhir/go/jsonformat"
	d4pb "github.com/google/fhir/go/proto/google/fhir/proto/r4/core/datatypes_go_proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trialfhir/trialfhir/internal/testfiles"
)

// TestRenderMatchesGoogleFHIR holds Render, which splices id and meta into
// the client's JSON, to what google/fhir renders from the parsed resource
// with the same id and meta, over the official R4 examples: the splice
// must neither lose nor invent content.
func TestRenderMatchesGoogleFHIR(t *testing.T) {
	dir := testfiles.R4Examples(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	m, err := jsonformat.NewMarshaller(false, "", "", fhirversion.R4)
	require.NoError(t, err)
	lu := time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)
	compared := 0
	perType := map[string]int{}
	for _, f := range files {
		// Four examples of each type (the file name starts with it) keep
		// every type covered at a quarter of the cost of all 5,300.
		typ, _, _ := strings.Cut(filepath.Base(f), "-")
		if perType[typ]++; perType[typ] > 4 {
			continue
		}
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		doc, err := Parse(body)
		if err != nil {
			continue // the invalid examples: nothing to render
		}
		got, err := doc.Render("rendered", 7, lu)
		require.NoError(t, err, f)

		msg, err := parseProto(body)
		require.NoError(t, err, f)
		fields := msg.Descriptor().Fields()
		msg.Set(fields.ByName("id"), protoreflect.ValueOfMessage((&d4pb.Id{Value: "rendered"}).ProtoReflect()))
		meta := &d4pb.Meta{}
		if mf := fields.ByName("meta"); msg.Has(mf) {
			meta = proto.Clone(msg.Get(mf).Message().Interface()).(*d4pb.Meta)
		}
		meta.VersionId = &d4pb.Id{Value: strconv.Itoa(7)}
		meta.LastUpdated = &d4pb.Instant{ValueUs: lu.UnixMicro(), Timezone: "Z", Precision: d4pb.Instant_MILLISECOND}
		msg.Set(fields.ByName("meta"), protoreflect.ValueOfMessage(meta.ProtoReflect()))
		want, err := m.MarshalResource(msg.Interface())
		require.NoError(t, err, f)

		var g, w any
		require.NoError(t, json.Unmarshal(got, &g), f)
		require.NoError(t, json.Unmarshal(want, &w), f)
		require.Equal(t, w, g, f)
		compared++
	}
	require.Greater(t, compared, 100)
}
