package searchparam

import (
	"encoding/json"
	"fmt"
)

// FromResource reads the definition of a SearchParameter resource given as
// FHIR JSON (its url, code, base, type, expression, target and component
// elements) and its status; the definition's ID is id.
func FromResource(id string, body []byte) (Definition, string, error) {
	var sp struct {
		Definition
		ResourceType string `json:"resourceType"`
		Status       string `json:"status"`
	}
	if err := json.Unmarshal(body, &sp); err != nil {
		return Definition{}, "", fmt.Errorf("search parameter: %w", err)
	}
	if sp.ResourceType != "SearchParameter" {
		return Definition{}, "", fmt.Errorf("not a SearchParameter but %q", sp.ResourceType)
	}
	d := sp.Definition
	d.ID = id
	return d, sp.Status, nil
}
