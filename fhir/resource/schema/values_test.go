package schema_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/fhir/resource/schema"
)

// observation wraps one property into a valid Observation.
func observation(prop string) string {
	return `{"resourceType":"Observation","status":"final","code":{"text":"x"},` + prop + `}`
}

// TestValueChecks runs edge values of each primitive through Check and
// google/fhir: Check must never accept what google/fhir refuses, and it
// accepts (want) the ordinary forms.
func TestValueChecks(t *testing.T) {
	cases := []struct {
		name, prop string
		want       bool
	}{
		{"date day", `"effectiveDateTime":"2020-02-29"`, true},
		{"date not leap", `"effectiveDateTime":"2021-02-29"`, false},
		{"date year only", `"effectiveDateTime":"2020"`, true},
		{"date year zero", `"effectiveDateTime":"0000"`, true},
		{"date month 13", `"effectiveDateTime":"2020-13"`, false},
		{"date day 00", `"effectiveDateTime":"2020-01-00"`, false},
		{"date negative year", `"effectiveDateTime":"-2020"`, false},
		{"dateTime zone", `"effectiveDateTime":"2020-01-01T10:00:00+05:30"`, true},
		{"dateTime Z fraction", `"effectiveDateTime":"2020-01-01T10:00:00.123456789Z"`, true},
		{"dateTime no zone", `"effectiveDateTime":"2020-01-01T10:00:00"`, false},
		{"dateTime no seconds", `"effectiveDateTime":"2020-01-01T10:00Z"`, false},
		{"dateTime zone 14:00", `"effectiveDateTime":"2020-01-01T10:00:00+14:00"`, true},
		{"dateTime zone 14:30", `"effectiveDateTime":"2020-01-01T10:00:00+14:30"`, false},
		{"dateTime hour 24", `"effectiveDateTime":"2020-01-01T24:00:00Z"`, false},
		{"dateTime empty fraction", `"effectiveDateTime":"2020-01-01T10:00:00.Z"`, false},
		{"instant", `"issued":"2020-01-01T10:00:00.5-03:00"`, true},
		{"instant date only", `"issued":"2020-01-01"`, false},
		{"time", `"valueTime":"23:59:59.999"`, true},
		{"time minutes", `"valueTime":"23:59"`, false},
		{"time 60 seconds", `"valueTime":"23:59:60"`, false},
		{"integer", `"valueInteger":-2147483648`, true},
		{"integer max", `"valueInteger":2147483647`, true},
		{"integer overflow", `"valueInteger":2147483648`, false},
		{"integer fraction", `"valueInteger":1.0`, false},
		{"integer exponent", `"valueInteger":1e2`, false},
		{"integer string", `"valueInteger":"1"`, false},
		{"decimal exponent", `"valueQuantity":{"value":-1.5E-3}`, true},
		{"decimal string", `"valueQuantity":{"value":"1.5"}`, false},
		{"boolean", `"valueBoolean":false`, true},
		{"boolean string", `"valueBoolean":"false"`, false},
		{"string escapes", `"valueString":"a\nb\t\"c\" \u00e9 \ud83d\ude00"`, true},
		{"string control escape", `"valueString":"a\u0001b"`, false},
		{"string form feed", `"valueString":"a\fb"`, false},
		{"code", `"valueQuantity":{"value":1,"code":"mg/dL"}`, true},
		{"code inner space", `"valueQuantity":{"value":1,"code":"a b"}`, true},
		{"code double space", `"valueQuantity":{"value":1,"code":"a  b"}`, false},
		{"code leading space", `"valueQuantity":{"value":1,"code":" a"}`, false},
		{"code tab escape", `"valueQuantity":{"value":1,"code":"a\tb"}`, false},
		{"bound code", `"valueQuantity":{"value":1,"comparator":"<="}`, true},
		{"bound code unknown", `"valueQuantity":{"value":1,"comparator":"=<"}`, false},
		{"status upper case", `"interpretation":[{"text":"x"}],"category":[{"coding":[{"system":"http://x","code":"y"}]}],"referenceRange":[{"text":"n"}]`, true},
		{"uri", `"valueQuantity":{"value":1,"system":"http://unitsofmeasure.org"}`, true},
		{"uri bad escape", `"valueQuantity":{"value":1,"system":"http://a/%zz"}`, false},
		{"uri colon first segment", `"valueQuantity":{"value":1,"system":"1a:b/c"}`, false},
		{"uri bad port", `"valueQuantity":{"value":1,"system":"http://a:b/"}`, false},
		{"id", `"id":"a-B.9"`, true},
		{"id underscore", `"id":"a_b"`, false},
		{"id 65", `"id":"` + fmt.Sprintf("%065d", 0) + `"`, false},
		{"oid", `"identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:oid:1.2.3"}]`, true},
		{"positiveInt", `"valueSampledData":{"origin":{"value":1},"period":1,"dimensions":1,"data":"1 2"}`, true},
		{"positiveInt zero", `"valueSampledData":{"origin":{"value":1},"period":1,"dimensions":0,"data":"1"}`, false},
		{"reference uuid", `"subject":{"reference":"urn:uuid:4c0e6c2d-6b54-4a4c-8c1e-3c4a7d1a2f10"}`, true},
		{"reference typed", `"subject":{"reference":"Patient/p1"}`, true},
		{"reference history", `"subject":{"reference":"Patient/p1/_history/2"}`, true},
		{"reference bad history", `"subject":{"reference":"Patient/p1/_history/a b"}`, false},
		{"reference wrong type", `"subject":{"reference":"Medication/m1"}`, false},
		{"reference stu3 type", `"subject":{"reference":"DataElement/1"}`, false},
		{"reference unknown type", `"subject":{"reference":"Foo/1"}`, true},
		{"reference any", `"focus":[{"reference":"Medication/m1"}]`, true},
		{"reference absolute", `"subject":{"reference":"http://x.org/fhir/Patient/1"}`, true},
		{"reference fragment", `"subject":{"reference":"#p1"}`, true},
		{"reference conditional", `"performer":[{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|99"}]`, true},
		{"two choice variants", `"valueString":"a","valueBoolean":true`, false},
		{"primitive extension", `"_issued":{"extension":[{"url":"http://x","valueString":"y"}]}`, false},
		{"unknown element", `"colour":"blue"`, false},
		{"array for single", `"subject":[{"reference":"Patient/p1"}]`, false},
		{"single for array", `"category":{"text":"x"}`, false},
		{"extension without url", `"extension":[{"valueString":"x"}]`, false},
		{"null", `"issued":null`, false},
		{"empty div", `"text":{"status":"generated","div":""}`, false},
		{"div", `"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}`, true},
		{"empty string", `"valueString":""`, true},
		{"empty reference", `"subject":{"reference":""}`, true},
		{"contained", `"contained":[{"resourceType":"Patient","id":"p","gender":"male"}],"subject":{"reference":"#p"}`, true},
		{"contained unknown element", `"contained":[{"resourceType":"Patient","id":"p","colour":"x"}]`, false},
		{"contained unknown type", `"contained":[{"resourceType":"Foo","id":"p"}]`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(observation(tc.prop))
			require.True(t, json.Valid(body))
			_, _, fast := schema.Check(body)
			if fast {
				require.True(t, googleAccepts(body), "fast path accepted what google/fhir refuses")
			}
			require.Equal(t, tc.want, fast)
		})
	}
}

// TestBase64 compares the base64Binary check with encoding/base64, which
// google/fhir decodes with, on every short string of a small alphabet.
func TestBase64(t *testing.T) {
	alphabet := []byte("A+/=9-")
	var gen func(prefix []byte, n int)
	checked := 0
	gen = func(prefix []byte, n int) {
		if n == 0 {
			body := []byte(`{"resourceType":"Binary","contentType":"text/plain","data":"` + string(prefix) + `"}`)
			_, _, fast := schema.Check(body)
			_, err := base64.StdEncoding.DecodeString(string(prefix))
			if fast {
				require.NoError(t, err, "%q", prefix)
			} else if len(prefix) > 0 {
				require.Error(t, err, "%q", prefix)
			}
			checked++
			return
		}
		for _, c := range alphabet {
			gen(append(prefix, c), n-1)
		}
	}
	for n := 0; n <= 8; n += 4 {
		gen(nil, n)
	}
	for n := 1; n <= 6; n++ {
		gen(nil, n)
	}
	require.Greater(t, checked, 1000)
}
