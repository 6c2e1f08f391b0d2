package rest

import (
	"encoding/json"
	"time"

	"github.com/trialfhir/trialfhir/fhir/resource"
	"github.com/trialfhir/trialfhir/fhir/search"
	"github.com/trialfhir/trialfhir/fhir/searchparam"
	"github.com/trialfhir/trialfhir/fhir/service"
)

// Version is the server's software version, reported in the
// CapabilityStatement.
var Version = "0.1.0"

type code struct {
	Code string `json:"code"`
}

type capSearchParam struct {
	Name          string `json:"name"`
	Definition    string `json:"definition,omitempty"`
	Type          string `json:"type"`
	Documentation string `json:"documentation,omitempty"`
}

type capOperation struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

type capResource struct {
	Type              string           `json:"type"`
	Interaction       []code           `json:"interaction"`
	Versioning        string           `json:"versioning"`
	ReadHistory       bool             `json:"readHistory"`
	UpdateCreate      bool             `json:"updateCreate"`
	ConditionalCreate bool             `json:"conditionalCreate"`
	ConditionalRead   string           `json:"conditionalRead"`
	ConditionalUpdate bool             `json:"conditionalUpdate"`
	ConditionalDelete string           `json:"conditionalDelete"`
	SearchParam       []capSearchParam `json:"searchParam,omitempty"`
	Operation         []capOperation   `json:"operation,omitempty"`
}

// capabilityStatement describes what the routes table and the search
// registry in force really support, for every resource type google/fhir knows
// (R4 3.1.0.14).
func capabilityStatement(routes []route, reg *searchparam.Registry) []byte {
	var typeLevel, systemLevel []code
	seen := map[string]bool{}
	hasValidate := false
	for _, r := range routes {
		if r.path == "/:type/$validate" {
			hasValidate = true
		}
		if r.interaction == "" || seen[r.interaction] {
			continue
		}
		seen[r.interaction] = true
		if r.level == "system" {
			systemLevel = append(systemLevel, code{r.interaction})
		} else {
			typeLevel = append(typeLevel, code{r.interaction})
		}
	}
	var resources []capResource
	for _, t := range resource.Types() {
		cr := capResource{Type: t, Interaction: typeLevel, Versioning: "versioned-update", ReadHistory: true,
			UpdateCreate: true, ConditionalCreate: true, ConditionalRead: "full-support", ConditionalUpdate: true,
			ConditionalDelete: "single"}
		for _, p := range search.ParamsIn(reg, t) {
			cr.SearchParam = append(cr.SearchParam, capSearchParam{Name: p.Name, Definition: p.Definition, Type: p.Type, Documentation: p.Documentation})
		}
		if hasValidate {
			cr.Operation = []capOperation{{Name: "validate", Definition: "http://hl7.org/fhir/OperationDefinition/Resource-validate"}}
		}
		resources = append(resources, cr)
	}
	cs := map[string]any{
		"resourceType": "CapabilityStatement",
		"status":       "active",
		"date":         time.Now().UTC().Format("2006-01-02"),
		"publisher":    "trialfhir",
		"kind":         "instance",
		"software":     map[string]any{"name": "trialfhir", "version": Version},
		"implementation": map[string]any{
			"description": "trialfhir: FHIR R4 server for the NCT07369882 trial",
		},
		"fhirVersion": "4.0.1",
		"format":      []string{"application/fhir+json", "json"},
		"patchFormat": []string{service.JSONPatchType, "application/fhir+json"}, // FHIRPath Patch
		"rest": []map[string]any{{
			"mode":        "server",
			"resource":    resources,
			"interaction": systemLevel,
		}},
	}
	b, err := json.Marshal(cs)
	if err != nil {
		panic(err) // only fixed types above: cannot fail
	}
	return b
}
