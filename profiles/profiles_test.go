package profiles_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/profiles"
)

// file is one JSON resource under test: an embedded profile resource or an
// example from testdata/profiles.
type file struct {
	name string
	typ  string
	body []byte
	json map[string]any
}

func embedded(t *testing.T) []file {
	t.Helper()
	rs, err := profiles.Resources()
	require.NoError(t, err)
	var out []file
	for _, r := range rs {
		out = append(out, decode(t, r.Type+"/"+r.ID, r.Body))
	}
	return out
}

func examples(t *testing.T) []file {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "testdata", "profiles", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, names, "no examples in testdata/profiles")
	var out []file
	for _, n := range names {
		body, err := os.ReadFile(n)
		require.NoError(t, err)
		out = append(out, decode(t, filepath.Base(n), body))
	}
	return out
}

func decode(t *testing.T, name string, body []byte) file {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), name)
	typ, _ := m["resourceType"].(string)
	return file{name: name, typ: typ, body: body, json: m}
}

func TestResourcesParseAndValidate(t *testing.T) {
	for _, f := range append(embedded(t), examples(t)...) {
		t.Run(f.name, func(t *testing.T) {
			doc, err := resource.Parse(f.body)
			require.NoError(t, err)
			require.Equal(t, f.typ, doc.Type)
			require.NotEmpty(t, doc.ID(), "every resource has a fixed id")
		})
	}
}

func TestResourcesHaveFixedCanonicals(t *testing.T) {
	bases := map[string]string{
		"CodeSystem":          profiles.CodeSystemBase,
		"ValueSet":            profiles.ValueSetBase,
		"StructureDefinition": profiles.StructureDefinitionBase,
	}
	for _, f := range embedded(t) {
		base, ok := bases[f.typ]
		if !ok {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			require.Equal(t, base+f.json["id"].(string), f.json["url"])
			require.Equal(t, profiles.Version, f.json["version"])
			require.Equal(t, "active", f.json["status"])
			if f.typ == "CodeSystem" {
				require.Equal(t, "complete", f.json["content"])
				require.Equal(t, profiles.ValueSetBase+f.json["id"].(string), f.json["valueSet"])
				require.EqualValues(t, len(f.json["concept"].([]any)), f.json["count"])
			}
		})
	}
}

// TestConstantsResolve checks that every exported URL constant names an
// embedded resource, so code using a constant never points at nothing.
func TestConstantsResolve(t *testing.T) {
	urls := map[string]bool{}
	for _, f := range embedded(t) {
		if u, ok := f.json["url"].(string); ok {
			urls[u] = true
		}
	}
	for _, u := range []string{
		profiles.CriterionSystem, profiles.OutcomeSystem, profiles.DecisionSystem, profiles.ObservationSystem,
		profiles.LesionRoleSystem, profiles.ResponseSystem, profiles.LesionStatusSystem, profiles.AdherenceSystem,
		profiles.AdherenceRefSystem,
		profiles.LesionProfile, profiles.MeasurementProfile, profiles.ImagingReportProfile, profiles.ResponseProfile,
		profiles.BestOverallResponseProfile, profiles.EligibilityAssessmentProfile, profiles.AdherenceProfile,
		profiles.EnrollmentTargetExt, profiles.LesionNodalExt, profiles.LesionRoleExt, profiles.LesionStatusExt,
		profiles.ReasonExt, profiles.EvidenceExt, profiles.FlagExt, profiles.RuleVersionExt, profiles.DefaultExt,
	} {
		t.Run(u, func(t *testing.T) { require.True(t, urls[u], "no embedded resource has url %s", u) })
	}
}

// walk calls fn on every JSON object in v.
func walk(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, e := range x {
			walk(e, fn)
		}
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	}
}

// codeSystems maps each embedded CodeSystem URL to its codes.
func codeSystems(t *testing.T) map[string]map[string]map[string]any {
	out := map[string]map[string]map[string]any{}
	for _, f := range embedded(t) {
		if f.typ != "CodeSystem" {
			continue
		}
		codes := map[string]map[string]any{}
		for _, c := range f.json["concept"].([]any) {
			c := c.(map[string]any)
			codes[c["code"].(string)] = c
		}
		out[f.json["url"].(string)] = codes
	}
	return out
}

// TestProjectReferencesResolve checks every use of a project code or
// canonical URL in any other file: codings of a project CodeSystem name an
// existing code (with its display, when given), and profile, extension and
// ValueSet URLs name an embedded resource.
func TestProjectReferencesResolve(t *testing.T) {
	systems := codeSystems(t)
	canon := map[string]string{}
	for _, f := range embedded(t) {
		if u, ok := f.json["url"].(string); ok {
			canon[u] = f.typ
		}
	}
	uses := 0
	for _, f := range append(embedded(t), examples(t)...) {
		t.Run(f.name, func(t *testing.T) {
			walk(f.json, func(o map[string]any) {
				if sys, ok := o["system"].(string); ok && strings.HasPrefix(sys, profiles.CodeSystemBase) {
					codes, ok := systems[sys]
					require.True(t, ok, "unknown code system %s", sys)
					if code, ok := o["code"].(string); ok {
						uses++
						c, ok := codes[code]
						require.True(t, ok, "%s has no code %q", sys, code)
						if d, ok := o["display"]; ok {
							require.Equal(t, c["display"], d, "display of %s#%s", sys, code)
						}
					}
				}
				for _, key := range []string{"url", "valueSet", "baseDefinition", "fixedUri"} {
					if u, ok := o[key].(string); ok && strings.HasPrefix(u, profiles.Base) && f.json["url"] != u {
						uses++
						require.Contains(t, canon, u, "%s %s names no embedded resource", key, u)
					}
				}
				for _, key := range []string{"profile", "targetProfile"} {
					if list, ok := o[key].([]any); ok {
						for _, u := range list {
							if strings.HasPrefix(u.(string), profiles.Base) {
								uses++
								require.Equal(t, "StructureDefinition", canon[u.(string)], "%s %s", key, u)
							}
						}
					}
				}
				if vs, ok := o["system"].(string); ok && strings.HasPrefix(vs, profiles.Base) && !strings.HasPrefix(vs, profiles.CodeSystemBase) &&
					vs != profiles.ProtocolSystem {
					t.Errorf("system %s is not under %s", vs, profiles.CodeSystemBase)
				}
			})
		})
	}
	require.Greater(t, uses, 100, "the walk found too few uses to be checking anything")
}

// TestExamplesClaimEmbeddedProfiles checks that every example declares a
// profile of its own resource type.
func TestExamplesClaimEmbeddedProfiles(t *testing.T) {
	types := map[string]string{}
	for _, f := range embedded(t) {
		if f.typ == "StructureDefinition" {
			types[f.json["url"].(string)] = f.json["type"].(string)
		}
	}
	for _, f := range examples(t) {
		meta, _ := f.json["meta"].(map[string]any)
		if f.typ == "Procedure" {
			continue // the surgery is a plain Procedure the adherence Observation points at
		}
		t.Run(f.name, func(t *testing.T) {
			require.NotNil(t, meta, "no meta.profile")
			ps := meta["profile"].([]any)
			require.Len(t, ps, 1)
			require.Equal(t, f.typ, types[ps[0].(string)], "profile %s", ps[0])
		})
	}
}
