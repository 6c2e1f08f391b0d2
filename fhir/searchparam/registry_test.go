package searchparam_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/searchparam"
)

func TestLookup(t *testing.T) {
	r := searchparam.Default()
	cases := []struct {
		typ, code string
		want      searchparam.Type
		url       string
	}{
		{"Observation", "code", searchparam.Token, "http://hl7.org/fhir/SearchParameter/clinical-code"},
		{"Observation", "patient", searchparam.Reference, "http://hl7.org/fhir/SearchParameter/clinical-patient"},
		{"Observation", "date", searchparam.Date, "http://hl7.org/fhir/SearchParameter/clinical-date"},
		{"Observation", "value-quantity", searchparam.Quantity, "http://hl7.org/fhir/SearchParameter/Observation-value-quantity"},
		{"Observation", "code-value-quantity", searchparam.Composite, "http://hl7.org/fhir/SearchParameter/Observation-code-value-quantity"},
		{"Patient", "family", searchparam.String, "http://hl7.org/fhir/SearchParameter/individual-family"},
		{"Patient", "_id", searchparam.Token, "http://hl7.org/fhir/SearchParameter/Resource-id"},
		{"ResearchSubject", "study", searchparam.Reference, "http://hl7.org/fhir/SearchParameter/ResearchSubject-study"},
		{"Observation", "_lastUpdated", searchparam.Date, "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"},
	}
	for _, tc := range cases {
		t.Run(tc.typ+"."+tc.code, func(t *testing.T) {
			d, ok := r.Lookup(tc.typ, tc.code)
			require.True(t, ok)
			require.Equal(t, tc.want, d.Type)
			require.Equal(t, tc.url, d.URL)
		})
	}
	_, ok := r.Lookup("Patient", "colour")
	require.False(t, ok)
	require.Greater(t, len(r.For("Observation")), 30)
}

func TestAdd(t *testing.T) {
	r, err := searchparam.New()
	require.NoError(t, err)
	require.NoError(t, r.Add(searchparam.Definition{URL: "http://example.org/sp/arm", Code: "arm", Base: []string{"ResearchSubject"},
		Type: searchparam.Token, Expression: "ResearchSubject.assignedArm"}))
	d, ok := r.Lookup("ResearchSubject", "arm")
	require.True(t, ok)
	require.Equal(t, "ResearchSubject.assignedArm", d.Expression)
	_, ok = searchparam.Default().Lookup("ResearchSubject", "arm")
	require.False(t, ok, "registries are independent")
	require.Error(t, r.Add(searchparam.Definition{Code: "x"}))
}

func TestWith(t *testing.T) {
	base := searchparam.Default()
	d, status, err := searchparam.FromResource("sp1", []byte(`{"resourceType":"SearchParameter","url":"http://example.org/sp/arm",
		"status":"active","code":"arm","base":["ResearchSubject"],"type":"token","expression":"ResearchSubject.assignedArm"}`))
	require.NoError(t, err)
	require.Equal(t, "active", status)
	require.Equal(t, "sp1", d.ID)
	r, err := base.With(d)
	require.NoError(t, err)
	got, ok := r.Lookup("ResearchSubject", "arm")
	require.True(t, ok)
	require.Equal(t, "sp1", got.ID)
	_, ok = base.Lookup("ResearchSubject", "arm")
	require.False(t, ok, "With leaves the original unchanged")
	require.Len(t, r.Stored(), 1)
	require.Empty(t, base.Stored())

	changed := d
	changed.Expression = "ResearchSubject.actualArm"
	renamed := d
	renamed.URL = "http://example.org/sp/arm2"
	require.NotEqual(t, d.Fingerprint(), changed.Fingerprint(), "a new expression indexes differently")
	require.Equal(t, d.Fingerprint(), renamed.Fingerprint(), "the url does not change the index")

	_, _, err = searchparam.FromResource("x", []byte(`{"resourceType":"Patient"}`))
	require.Error(t, err)
}
