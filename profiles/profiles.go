package profiles

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
)

//go:embed *.json
var files embed.FS

// Resource is one embedded conformance or study resource.
type Resource struct {
	Type string // resourceType
	ID   string
	Body []byte // FHIR R4 JSON as stored in the file
}

// Resources returns every embedded resource, ordered by file name
// (<Type>-<id>.json). A file whose name does not match its resourceType and
// id is an error: ids are fixed, so a mismatch is a typo that Load would turn
// into a second resource.
func Resources() ([]Resource, error) {
	names, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name() < names[j].Name() })
	out := make([]Resource, 0, len(names))
	for _, n := range names {
		body, err := files.ReadFile(n.Name())
		if err != nil {
			return nil, err
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		if err := json.Unmarshal(body, &head); err != nil {
			return nil, fmt.Errorf("profiles: %s: %w", n.Name(), err)
		}
		if want := head.ResourceType + "-" + head.ID + ".json"; head.ID == "" || path.Base(n.Name()) != want {
			return nil, fmt.Errorf("profiles: %s holds %s/%s: the file name must be %s", n.Name(), head.ResourceType, head.ID, want)
		}
		out = append(out, Resource{Type: head.ResourceType, ID: head.ID, Body: body})
	}
	return out, nil
}
