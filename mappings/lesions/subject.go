package lesions

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/recist"
)

var (
	errMissing   = errors.New("no value")
	errBadNumber = errors.New("value is not a decimal number")
)

// Record is one resource handed to the mapping.
type Record struct {
	// Ref is how other resources reference this one: "Type/id" for a
	// stored resource, the entry's fullUrl in a Bundle.
	Ref string
	// Body is the resource as FHIR JSON.
	Body []byte
}

// Mapped is a patient's imaging history as the RECIST engine takes it.
type Mapped struct {
	Subject recist.Subject
	// Sources holds, per time point date, the references of the
	// measurement Observations it was built from (sorted), for derivedFrom.
	Sources map[time.Time][]string
	// ByLesion holds, per time point date and LesionID, the references of
	// that lesion's measurements.
	ByLesion map[time.Time]map[string][]string
	// Issues lists, one line each, the measurements that were skipped and
	// why (the engine's own Findings come with the Result).
	Issues []string
}

// key normalises a reference to "Type/id" when it is a relative or absolute
// RESTful reference, so that a Bundle's absolute fullUrl and a relative
// reference meet; other references (urn:uuid:...) stay as they are.
func key(ref string) string {
	if strings.HasPrefix(ref, "urn:") {
		return ref
	}
	parts := strings.Split(strings.TrimSuffix(ref, "/"), "/")
	if len(parts) < 2 {
		return ref
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}

type parsed struct {
	ref string // normalised key of the record
	r   *resourceJSON
}

// SubjectOf maps the records of one patient to a recist.Subject. Records of
// other patients and of other kinds are ignored, so a whole Bundle or search
// result may be passed. patient is the Patient id; aliases are further
// references that denote the same patient (a Bundle's urn:uuid fullUrl).
func SubjectOf(patient string, recs []Record, aliases ...string) Mapped {
	m := Mapped{Subject: recist.Subject{ID: patient}, Sources: map[time.Time][]string{}, ByLesion: map[time.Time]map[string][]string{}}
	isPatient := func(ref *reference) bool {
		k := key(refOf(ref))
		return k == "Patient/"+patient || slices.Contains(aliases, refOf(ref))
	}
	lesions := map[string]*resourceJSON{}
	reportDate := map[string]time.Time{}
	var measurements []parsed
	for _, rec := range recs {
		r, err := decode(rec.Body)
		if err != nil {
			m.Issues = append(m.Issues, fmt.Sprintf("%s: not JSON: %v", rec.Ref, err))
			continue
		}
		p := parsed{ref: key(rec.Ref), r: r}
		switch {
		case r.ResourceType == "BodyStructure" && isPatient(r.Patient):
			lesions[p.ref] = r
			lesions[r.ResourceType+"/"+r.ID] = r
		case r.ResourceType == "DiagnosticReport" && isPatient(r.Subject) && !ignored(r.Status):
			if d, ok := dateOf(r.effective()); ok {
				for _, res := range r.Result {
					reportDate[key(res.Reference)] = d
				}
			}
		case isMeasurement(r) && isPatient(r.Subject) && !ignored(r.Status):
			measurements = append(measurements, p)
		}
	}
	byDate := map[time.Time]*recist.TimePoint{}
	for _, p := range measurements {
		d, ok := reportDate[p.ref]
		if !ok {
			d, ok = reportDate["Observation/"+p.r.ID]
		}
		if !ok {
			if d, ok = dateOf(p.r.effective()); !ok {
				m.Issues = append(m.Issues, p.ref+": no imaging date")
				continue
			}
		}
		a, err := assessment(p.r, lesions)
		if err != nil {
			m.Issues = append(m.Issues, p.ref+": "+err.Error())
			continue
		}
		tp := byDate[d]
		if tp == nil {
			tp = &recist.TimePoint{Date: d}
			byDate[d] = tp
		}
		if tp.Modality == "" {
			tp.Modality = modality(p.r.Method)
		}
		tp.Lesions = append(tp.Lesions, a)
		m.Sources[d] = append(m.Sources[d], p.ref)
		if m.ByLesion[d] == nil {
			m.ByLesion[d] = map[string][]string{}
		}
		m.ByLesion[d][a.LesionID] = append(m.ByLesion[d][a.LesionID], p.ref)
	}
	for d, tp := range byDate {
		slices.SortStableFunc(tp.Lesions, func(a, b recist.Assessment) int { return strings.Compare(a.LesionID, b.LesionID) })
		slices.Sort(m.Sources[d])
		m.Subject.TimePoints = append(m.Subject.TimePoints, *tp)
	}
	slices.SortFunc(m.Subject.TimePoints, func(a, b recist.TimePoint) int { return a.Date.Compare(b.Date) })
	return m
}

// isMeasurement reports whether r is a lesion measurement (LOINC 21889-1
// Size Tumor) sent by a site rather than derived by the server.
func isMeasurement(r *resourceJSON) bool {
	return r.ResourceType == "Observation" && r.Code.has(profiles.LOINC, profiles.TumorSizeCode) && !r.computed()
}

// modality maps Observation.method to the engine's modality; an uncoded
// method is taken as CT, the trial's imaging (domain.md §10).
func modality(c *concept) recist.Modality {
	switch {
	case c.has(profiles.SNOMED, profiles.MRICode):
		return recist.ModalityMRI
	default:
		return recist.ModalityCT
	}
}

// lesionID is the identifier that tracks a lesion across time points.
func lesionID(bs *resourceJSON) string {
	for _, id := range bs.Identifier {
		if id.Value != "" {
			return id.System + "|" + id.Value
		}
	}
	return "BodyStructure/" + bs.ID
}

// assessment maps one measurement Observation (docs/profiles.md, item 2).
func assessment(r *resourceJSON, lesions map[string]*resourceJSON) (recist.Assessment, error) {
	var a recist.Assessment
	if len(r.Focus) == 0 {
		return a, errors.New("no focus lesion")
	}
	bs := lesions[key(r.Focus[0].Reference)]
	if bs == nil {
		return a, fmt.Errorf("focus %s is not a known lesion of the patient", r.Focus[0].Reference)
	}
	a.LesionID = lesionID(bs)
	if e := bs.ext(profiles.LesionNodalExt); e != nil && e.ValueBoolean != nil {
		a.Nodal = *e.ValueBoolean
	}
	if bs.Location != nil && len(bs.Location.Coding) > 0 {
		a.Organ = bs.Location.Coding[0].Code
	}
	if e := r.ext(profiles.LesionRoleExt); e != nil {
		a.Role = recist.Role(e.ValueCodeableConcept.code(profiles.LesionRoleSystem))
	}
	switch a.Role {
	case recist.RoleTarget, recist.RoleNonTarget, recist.RoleNew:
	default:
		return a, errors.New("no recist-lesion-role target, non-target or new")
	}
	if e := r.ext(profiles.LesionStatusExt); e != nil {
		a.Status = recist.Status(e.ValueCodeableConcept.code(profiles.LesionStatusSystem))
	}
	sizes, absent, err := diameters(r, a.Nodal)
	if err != nil {
		return a, err
	}
	switch a.Status {
	case "":
		a.Status = recist.StatusPresent
		if len(sizes) == 0 && absent && a.Role == recist.RoleTarget {
			a.Status = recist.StatusNotEvaluated
		}
	case recist.StatusCoalesced:
		if len(r.Focus) > 1 {
			if into := lesions[key(r.Focus[1].Reference)]; into != nil {
				a.CoalescedInto = lesionID(into)
			}
		}
		return a, nil
	case recist.StatusPresent, recist.StatusSplit:
	case recist.StatusAbsent, recist.StatusTooSmall, recist.StatusNotEvaluated, recist.StatusUnequivocalProgression:
		return a, nil // the status decides the size (0, 5 mm, none)
	default:
		return a, fmt.Errorf("unknown recist-lesion-status %q", a.Status)
	}
	switch {
	case len(sizes) == 0 && a.Role == recist.RoleTarget:
		return a, errors.New("target lesion without a diameter")
	case len(sizes) == 1:
		a.Size = sizes[0]
	case len(sizes) > 1 && a.Status == recist.StatusSplit:
		a.Fragments = sizes
	case len(sizes) > 1:
		return a, errors.New("several diameters but status is not split")
	}
	return a, nil
}

// diameters returns the diameters RECIST uses: the short axis of a node
// (long axis when no short axis is given), the longest diameter otherwise;
// absent tells that a diameter component had a dataAbsentReason.
func diameters(r *resourceJSON, nodal bool) (sizes []recist.Length, absent bool, err error) {
	want := profiles.LongestDiameterCode
	if nodal && slices.ContainsFunc(r.Component, func(c component) bool { return c.Code.has(profiles.SNOMED, profiles.ShortAxisCode) }) {
		want = profiles.ShortAxisCode
	}
	for _, c := range r.Component {
		if !c.Code.has(profiles.LOINC, want) && !c.Code.has(profiles.SNOMED, want) {
			continue
		}
		if c.ValueQuantity == nil {
			absent = absent || c.DataAbsentReason != nil
			continue
		}
		l, err := lengthOf(c.ValueQuantity)
		if err != nil {
			return nil, false, fmt.Errorf("diameter %s %s: %w", c.ValueQuantity.Value, c.ValueQuantity.Code, err)
		}
		if l < 0 {
			return nil, false, errors.New("negative diameter")
		}
		sizes = append(sizes, l)
	}
	return sizes, absent, nil
}
