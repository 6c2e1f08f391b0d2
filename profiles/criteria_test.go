package profiles_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/internal/testfiles"
	"github.com/trialfhir/trialfhir/profiles"
)

type criterion struct{ id, kind, name string }

// criteriaRow matches a row of the criterion table of criteria.md.
var criteriaRow = regexp.MustCompile(`^\| ([A-Z][0-9A-Za-z.]*) \| (inclusion|exclusion) \| (.+) \|\s*$`)

func readCriteria(t *testing.T) []criterion {
	t.Helper()
	f, err := os.Open(filepath.Join(testfiles.Shared(t, "docs"), "criteria.md"))
	require.NoError(t, err)
	defer f.Close()
	var out []criterion
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := criteriaRow.FindStringSubmatch(sc.Text()); m != nil {
			// Markdown code spans are formatting, not part of the name.
			out = append(out, criterion{m[1], m[2], strings.TrimSpace(strings.ReplaceAll(m[3], "`", ""))})
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out, "no criterion rows found in criteria.md")
	return out
}

func find(t *testing.T, typ, id string) file {
	t.Helper()
	for _, f := range embedded(t) {
		if f.typ == typ && f.json["id"] == id {
			return f
		}
	}
	t.Fatalf("no embedded %s/%s", typ, id)
	return file{}
}

func TestEveryCriterionInCodeSystemAndGroup(t *testing.T) {
	crit := readCriteria(t)
	codes := codeSystems(t)[profiles.CriterionSystem]
	require.Len(t, codes, len(crit), "the CodeSystem has exactly the criteria of criteria.md")

	group := find(t, "Group", profiles.EligibilityGroupID)
	chars := map[string]map[string]any{}
	for _, c := range group.json["characteristic"].([]any) {
		c := c.(map[string]any)
		coding := c["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)
		require.Equal(t, profiles.CriterionSystem, coding["system"])
		chars[coding["code"].(string)] = c
	}
	require.Len(t, chars, len(crit), "the Group has exactly one characteristic per criterion")

	for _, c := range crit {
		t.Run(c.id, func(t *testing.T) {
			concept, ok := codes[c.id]
			require.True(t, ok, "CodeSystem lacks %s", c.id)
			require.Equal(t, c.name, concept["display"])
			require.NotEmpty(t, concept["definition"])
			prop := concept["property"].([]any)[0].(map[string]any)
			require.Equal(t, profiles.CriterionKindProperty, prop["code"])
			require.Equal(t, c.kind, prop["valueCode"])

			ch, ok := chars[c.id]
			require.True(t, ok, "Group lacks %s", c.id)
			require.Equal(t, c.kind == "exclusion", ch["exclude"])
			require.Equal(t, true, ch["valueBoolean"])
			require.Equal(t, c.name, ch["code"].(map[string]any)["text"])
		})
	}
}

func TestStudy(t *testing.T) {
	study := find(t, "ResearchStudy", profiles.StudyID).json
	ids := map[string]string{}
	for _, i := range study["identifier"].([]any) {
		i := i.(map[string]any)
		ids[i["system"].(string)] = i["value"].(string)
	}
	require.Equal(t, map[string]string{profiles.RegistrySystem: profiles.RegistryID, profiles.ProtocolSystem: profiles.ProtocolID}, ids)
	require.Equal(t, "active", study["status"])

	ext := study["extension"].([]any)[0].(map[string]any)
	require.Equal(t, profiles.EnrollmentTargetExt, ext["url"])
	require.EqualValues(t, profiles.EnrollmentTarget, ext["valueInteger"])

	arms := map[string]string{}
	for _, a := range study["arm"].([]any) {
		a := a.(map[string]any)
		arms[a["name"].(string)] = a["type"].(map[string]any)["coding"].([]any)[0].(map[string]any)["code"].(string)
	}
	require.Equal(t, map[string]string{profiles.ArmDeescalated: "experimental", profiles.ArmStandard: "active-comparator"}, arms)

	// The study's references point at the embedded resources.
	for ref, want := range map[string]string{
		study["enrollment"].([]any)[0].(map[string]any)["reference"].(string): "Group/" + profiles.EligibilityGroupID,
		study["sponsor"].(map[string]any)["reference"].(string):               "Organization/" + profiles.SponsorID,
		study["site"].([]any)[0].(map[string]any)["reference"].(string):       "Location/" + profiles.SiteID,
	} {
		require.Equal(t, want, ref)
		typ, id, _ := strings.Cut(ref, "/")
		find(t, typ, id)
	}
}

// TestMappingCodesInObservationCodeSystem: every trialfhir-observation code
// the mapping tables read (mappings/data/labs.tsv) is defined in the
// CodeSystem, so a site can send what the rules understand.
func TestMappingCodesInObservationCodeSystem(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "mappings", "data", "labs.tsv"))
	require.NoError(t, err)
	cs := find(t, "CodeSystem", "trialfhir-observation")
	defined := map[string]bool{}
	for _, c := range cs.json["concept"].([]any) {
		defined[c.(map[string]any)["code"].(string)] = true
	}
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		cols := strings.Split(line, "\t")
		if len(cols) < 3 || cols[0] != "lab" || cols[1] != "trialfhir-observation" {
			continue
		}
		n++
		require.True(t, defined[cols[2]], "%s is read by mappings but not defined in CodeSystem trialfhir-observation", cols[2])
	}
	require.NotZero(t, n)
}
