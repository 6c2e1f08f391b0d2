package lesions

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/trialfhir/trialfhir/profiles"
	"github.com/trialfhir/trialfhir/trial/deescalation"
	"github.com/trialfhir/trialfhir/trial/recist"
)

// Surgery is what the adherence check of one primary resection needs,
// gathered from FHIR (docs/profiles.md, "Eligibility assessment and
// adherence"; domain.md §11).
type Surgery struct {
	ProcedureID string
	Patient     string
	Date        time.Time // performed date; zero when not recorded
	Input       deescalation.Input
	// Sources are the Observations the diameters came from (derivedFrom).
	Sources []string
	// Primary is true when some Observation partOf the Procedure carries a
	// planned margin or resection diameter: only such Procedures are
	// primary resections the check applies to.
	Primary bool
}

// AdherenceID is the id of the adherence Observation of a Procedure.
func AdherenceID(procedureID string) string { return stableID("adherence", procedureID) }

// SurgeryOf gathers the input of the adherence check of procedure from recs:
// Observations partOf it (planned-margin, resection-diameter and, when the
// site states them, pre-neoadjuvant-diameter and pre-surgery-diameter), the
// patient's ResearchSubject (assignedArm) and, for D_pre and D_post not
// stated, the patient's lesions and measurements: D_pre is the baseline
// diameter and D_post the last one on or before the surgery of the primary
// tumour, the non-nodal target whose location is a bodySite of the
// Procedure (or the only non-nodal target).
func SurgeryOf(procedure Record, recs []Record) (Surgery, error) {
	proc, err := decode(procedure.Body)
	if err != nil {
		return Surgery{}, err
	}
	s := Surgery{ProcedureID: proc.ID}
	s.Patient, _ = refID(refOf(proc.Subject), "Patient")
	s.Date, _ = dateOf(proc.effective())
	self := []string{key(procedure.Ref), "Procedure/" + proc.ID}
	var dPre, dPost *big.Rat
	for _, rec := range recs {
		r, err := decode(rec.Body)
		if err != nil || ignored(r.Status) || r.computed() {
			continue
		}
		switch {
		case r.ResourceType == "ResearchSubject" && key(refOf(r.Individual)) == "Patient/"+s.Patient:
			s.Input.Arm = armOf(r.AssignedArm)
		case r.ResourceType == "Observation" && slices.ContainsFunc(r.PartOf, func(p reference) bool { return slices.Contains(self, key(p.Reference)) }):
			v, err := ratOf(r.ValueQuantity, "mm")
			if err != nil {
				continue
			}
			switch r.Code.code(profiles.ObservationSystem) {
			case "planned-margin":
				s.Input.Margin, s.Primary = v, true
			case "resection-diameter":
				s.Input.DResect, s.Primary = v, true
			case "pre-neoadjuvant-diameter":
				dPre = v
			case "pre-surgery-diameter":
				dPost = v
			default:
				continue
			}
			s.Sources = append(s.Sources, key(rec.Ref))
		}
	}
	if dPre == nil || dPost == nil {
		mPre, mPost, src := fromMeasurements(s, proc, recs)
		if dPre == nil {
			dPre = mPre
		}
		if dPost == nil {
			dPost = mPost
		}
		s.Sources = append(s.Sources, src...)
	}
	s.Input.DPre, s.Input.DPost = dPre, dPost
	slices.Sort(s.Sources)
	s.Sources = slices.Compact(s.Sources)
	return s, nil
}

func armOf(name string) deescalation.Arm {
	switch name {
	case profiles.ArmDeescalated:
		return deescalation.ArmDeescalated
	case profiles.ArmStandard:
		return deescalation.ArmStandard
	}
	return deescalation.Arm(name)
}

// fromMeasurements finds D_pre and D_post of the primary tumour.
func fromMeasurements(s Surgery, proc *resourceJSON, recs []Record) (dPre, dPost *big.Rat, src []string) {
	m := SubjectOf(s.Patient, recs)
	tps := m.Subject.TimePoints
	if len(tps) == 0 {
		return nil, nil, nil
	}
	var sites []string
	for _, b := range proc.BodySite {
		for _, c := range b.Coding {
			sites = append(sites, c.Code)
		}
	}
	var candidates []recist.Assessment
	for _, a := range tps[0].Lesions {
		if a.Role == recist.RoleTarget && !a.Nodal {
			candidates = append(candidates, a)
		}
	}
	primary := ""
	for _, a := range candidates {
		if slices.Contains(sites, a.Organ) {
			primary = a.LesionID
			break
		}
	}
	if primary == "" && len(candidates) == 1 {
		primary = candidates[0].LesionID
	}
	if primary == "" {
		return nil, nil, nil
	}
	size := func(tp recist.TimePoint) (*big.Rat, bool) {
		for _, a := range tp.Lesions {
			if a.LesionID != primary {
				continue
			}
			switch a.Status {
			case recist.StatusPresent, recist.StatusSplit:
				total := a.Size
				for _, f := range a.Fragments {
					total += f
				}
				return total.Rat(), true
			case recist.StatusAbsent:
				return new(big.Rat), true
			}
		}
		return nil, false
	}
	if v, ok := size(tps[0]); ok {
		dPre = v
		src = append(src, m.ByLesion[tps[0].Date][primary]...)
	}
	for i := len(tps) - 1; i > 0; i-- {
		if !s.Date.IsZero() && tps[i].Date.After(s.Date) {
			continue
		}
		if v, ok := size(tps[i]); ok {
			dPost = v
			src = append(src, m.ByLesion[tps[i].Date][primary]...)
			break
		}
	}
	return dPre, dPost, src
}

var adherenceCode = map[deescalation.Outcome][2]string{
	deescalation.Adherent:    {"adherent", "Adherent"},
	deescalation.NotAdherent: {"not-adherent", "Not adherent"},
	deescalation.Unknown:     {"not-evaluable", "Not evaluable"},
}

// Adherence renders the result of the check of s as a
// deescalation-adherence Observation partOf the Procedure.
func Adherence(s Surgery, res deescalation.Result) Derived {
	id := AdherenceID(s.ProcedureID)
	o := observation(id, profiles.AdherenceProfile, s.Patient, "deescalation-adherence", "Surgical de-escalation adherence")
	delete(o, "category")
	o["partOf"] = refs([]string{"Procedure/" + s.ProcedureID})
	if !s.Date.IsZero() {
		o["effectiveDateTime"] = s.Date.Format(time.DateOnly)
	}
	out := adherenceCode[res.Outcome]
	o["valueCodeableConcept"] = cc(code(profiles.AdherenceSystem, out[0], out[1]))
	interp := "interpretation-" + strings.ToLower(string(res.Interpretation))
	o["method"] = cc(code(profiles.AdherenceRefSystem, interp, "Interpretation "+string(res.Interpretation)))
	if len(s.Sources) > 0 {
		o["derivedFrom"] = refs(s.Sources)
	}
	in := s.Input
	comps := []map[string]any{
		mmComponent("planned-margin", "Planned resection margin", in.Margin),
		mmComponent("resection-diameter", "Resection extent diameter", in.DResect),
		mmComponent("pre-neoadjuvant-diameter", "Pre-neoadjuvant tumour diameter (D_pre)", in.DPre),
		mmComponent("pre-surgery-diameter", "Pre-surgery tumour diameter (D_post)", in.DPost),
	}
	if res.DRef != nil {
		comps = append(comps, mmComponent("reference-resection-diameter", "Reference resection diameter (D_ref)", res.DRef))
		if in.DResect != nil && res.DRef.Sign() > 0 {
			// 100 * (1 - D_resect / D_ref), shown to two decimals
			red := new(big.Rat).Quo(in.DResect, res.DRef)
			red.Sub(big.NewRat(1, 1), red).Mul(red, big.NewRat(100, 1))
			comps = append(comps, obsComponent("margin-reduction", "Reduction of the resection diameter", quantityOf(decimal(red, 2), "%")))
		}
	}
	o["component"] = comps
	o["note"] = []map[string]any{{"text": "arm " + string(in.Arm) + "; " + strings.Join(res.Reasons(), "; ")}}
	return Derived{ID: id, Body: mustJSON(o)}
}

// mmComponent is a length component, or one with a dataAbsentReason when
// the value is unknown (the profile requires the four diameters).
func mmComponent(c, display string, v *big.Rat) map[string]any {
	if v == nil {
		return map[string]any{"code": obsCode(c, display),
			"dataAbsentReason": cc(code("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown", "Unknown"))}
	}
	return obsComponent(c, display, quantityOf(decimal(v, 3), "mm"))
}
