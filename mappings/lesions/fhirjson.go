package lesions

import (
	"encoding/json"
	"math/big"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/fhir/ucum"
	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/recist"
)

// The few elements the mapping reads, decoded with encoding/json; one struct
// serves every resource type since the element names do not clash.
type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type concept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// has reports whether the concept carries system|code.
func (c *concept) has(system, code string) bool {
	return c != nil && c.code(system) == code && code != ""
}

// code returns the first code of the system, or "".
func (c *concept) code(system string) string {
	if c == nil {
		return ""
	}
	for _, cd := range c.Coding {
		if cd.System == system {
			return cd.Code
		}
	}
	return ""
}

type quantity struct {
	Value  json.Number `json:"value,omitempty"`
	Unit   string      `json:"unit,omitempty"`
	System string      `json:"system,omitempty"`
	Code   string      `json:"code,omitempty"`
}

type reference struct {
	Reference string `json:"reference,omitempty"`
}

type extension struct {
	URL                  string   `json:"url"`
	ValueCodeableConcept *concept `json:"valueCodeableConcept,omitempty"`
	ValueBoolean         *bool    `json:"valueBoolean,omitempty"`
}

type component struct {
	Code             concept   `json:"code"`
	ValueQuantity    *quantity `json:"valueQuantity,omitempty"`
	DataAbsentReason *concept  `json:"dataAbsentReason,omitempty"`
}

type identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

type resourceJSON struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Status       string `json:"status"`
	Meta         struct {
		Tag []coding `json:"tag"`
	} `json:"meta"`
	Extension         []extension  `json:"extension"`
	Identifier        []identifier `json:"identifier"`
	Location          *concept     `json:"location"`
	Patient           *reference   `json:"patient"`
	Subject           *reference   `json:"subject"`
	Individual        *reference   `json:"individual"`
	Focus             []reference  `json:"focus"`
	PartOf            []reference  `json:"partOf"`
	DerivedFrom       []reference  `json:"derivedFrom"`
	Result            []reference  `json:"result"`
	EffectiveDateTime string       `json:"effectiveDateTime"`
	EffectivePeriod   *struct {
		Start string `json:"start"`
	} `json:"effectivePeriod"`
	PerformedDateTime string `json:"performedDateTime"`
	PerformedPeriod   *struct {
		Start string `json:"start"`
	} `json:"performedPeriod"`
	Method        *concept    `json:"method"`
	Code          concept     `json:"code"`
	Component     []component `json:"component"`
	ValueQuantity *quantity   `json:"valueQuantity"`
	BodySite      []concept   `json:"bodySite"`
	AssignedArm   string      `json:"assignedArm"`
	ActualArm     string      `json:"actualArm"`
}

func decode(body []byte) (*resourceJSON, error) {
	var r resourceJSON
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ext returns the extension with url, or nil.
func (r *resourceJSON) ext(url string) *extension {
	for i := range r.Extension {
		if r.Extension[i].URL == url {
			return &r.Extension[i]
		}
	}
	return nil
}

// computed reports whether the server derived the resource (ComputedTag).
func (r *resourceJSON) computed() bool {
	for _, t := range r.Meta.Tag {
		if t.System == profiles.ObservationSystem && t.Code == ComputedTag {
			return true
		}
	}
	return false
}

// ignored reports a status whose resource says nothing (R4: entered-in-error
// and cancelled results are not to be used).
func ignored(status string) bool {
	return status == "entered-in-error" || status == "cancelled"
}

// effective returns the effective or performed date of r.
func (r *resourceJSON) effective() string {
	switch {
	case r.EffectiveDateTime != "":
		return r.EffectiveDateTime
	case r.EffectivePeriod != nil:
		return r.EffectivePeriod.Start
	case r.PerformedDateTime != "":
		return r.PerformedDateTime
	case r.PerformedPeriod != nil:
		return r.PerformedPeriod.Start
	}
	return ""
}

// dateOf parses the calendar day of a FHIR date or dateTime (the time and
// zone of a scan do not matter to RECIST, which counts days).
func dateOf(s string) (time.Time, bool) {
	if len(s) < 10 {
		return time.Time{}, false
	}
	d, err := time.Parse("2006-01-02", s[:10])
	return d, err == nil
}

// lengthOf converts a Quantity to an exact Length: mm as is, any other UCUM
// length unit through fhir/ucum (1.25 cm is exactly 12.5 mm).
func lengthOf(q *quantity) (recist.Length, error) {
	mm, err := ratOf(q, "mm")
	if err != nil {
		return 0, err
	}
	return recist.LengthFromRat(mm)
}

// ratOf converts a Quantity to the unit want exactly.
func ratOf(q *quantity, want string) (*big.Rat, error) {
	if q == nil || q.Value == "" {
		return nil, errMissing
	}
	v, ok := new(big.Rat).SetString(string(q.Value))
	if !ok {
		return nil, errBadNumber
	}
	unit := q.Code
	if unit == "" || (q.System != "" && q.System != profiles.UCUM) {
		unit = q.Unit
	}
	if strings.TrimSpace(unit) == want {
		return v, nil
	}
	return ucum.Convert(v, unit, want)
}

// refID returns the id of a reference "Type/id" (or an absolute URL ending so)
// when its type is typ.
func refID(ref, typ string) (string, bool) {
	parts := strings.Split(strings.TrimSuffix(ref, "/"), "/")
	if len(parts) < 2 || parts[len(parts)-2] != typ {
		return "", false
	}
	return parts[len(parts)-1], true
}

// refOf returns the reference of r, or "".
func refOf(r *reference) string {
	if r == nil {
		return ""
	}
	return r.Reference
}
