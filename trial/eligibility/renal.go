package eligibility

import (
	"fmt"
	"math/big"
)

// CockcroftGault is the creatinine clearance in mL/min of domain.md §9,
// exact: ((140 − age) × weight) / (72 × SCr) × (0.85 if female), with age
// in completed years, actual body weight in kg and SCr in mg/dL. It is not
// indexed to body surface area. scr must be positive.
func CockcroftGault(ageYears int, weightKg, scrMgPerDL *big.Rat, female bool) *big.Rat {
	num := mul(big.NewRat(int64(140-ageYears), 1), weightKg)
	crcl := num.Quo(num, mul(big.NewRat(72, 1), scrMgPerDL))
	if female {
		crcl.Mul(crcl, big.NewRat(17, 20))
	}
	return crcl
}

// crclLimit is the L6 threshold, mL/min (domain.md §3 L6).
var crclLimit = big.NewRat(60, 1)

// ruleL6: SCr ≤ 1.5×ULN and computed Cockcroft-Gault CrCl ≥ 60; never the
// lab's reported CrCl (35591-7) or an eGFR (domain.md §3 L6, §9).
func ruleL6(e *eval) Result {
	return both(e.checkULN("creatinine", rat("1.5")), e.crcl())
}

func (e *eval) crcl() check {
	c := check{t: maybe}
	scr := e.latestLab("creatinine")
	if scr == nil || unusable(scr) != "" || scr.Value == nil || scr.Value.Value == nil {
		c.why = "Cockcroft-Gault needs a usable creatinine result"
		return c
	}
	day, ok := exactDay(scr.Date)
	switch {
	case !ok:
		c.why = "creatinine specimen date is not known to the day"
		return c
	case scr.Value.Unit != "mg/dL" || scr.Value.Comparator != "" || scr.Value.Value.Sign() <= 0:
		c.why = fmt.Sprintf("creatinine %s cannot enter Cockcroft-Gault", valueString(scr.Value))
		return c
	}
	lo, hi, ok := ageRange(e.f.Patient.BirthDate, day)
	if !ok || lo != hi {
		c.why = "age on the creatinine specimen date is not known in completed years"
		return c
	}
	var female bool
	switch e.f.Patient.Gender {
	case "male":
	case "female":
		female = true
	default:
		c.why = fmt.Sprintf("Cockcroft-Gault needs male or female gender, not %q", e.f.Patient.Gender)
		return c
	}
	w := e.pairedWeight(day)
	if w == nil {
		c.why = fmt.Sprintf("no body weight within %d days of the creatinine specimen (%s)", e.o.WeightPairingDays, dayString(day))
		return c
	}
	cl := CockcroftGault(lo, w.Value.Value, scr.Value.Value, female)
	c.t = holds(cl, "", ">=", crclLimit)
	c.ev = []Evidence{obsEvidence(w, "actual body weight paired with creatinine of "+dayString(day)),
		{Ref: scr.Ref, Item: "crcl-cockcroft-gault", Value: cl.FloatString(1), Unit: "mL/min", Date: scr.Date,
			Note: fmt.Sprintf("computed: age %d, %s kg, SCr %s mg/dL, %s", lo, decimal(w.Value.Value), decimal(scr.Value.Value), e.f.Patient.Gender)}}
	verdict := map[tri]string{yes: ">=", no: "<"}[c.t]
	c.why = fmt.Sprintf("Cockcroft-Gault CrCl %s mL/min %s 60", cl.FloatString(1), verdict)
	return c
}

// pairedWeight is the usable body weight nearest the creatinine day within
// the pairing window and not after the index date; on equal distance the
// earlier measurement wins.
func (e *eval) pairedWeight(day int) *Observation {
	var best *Observation
	bestDist := 0
	for _, w := range e.obs["body-weight"] {
		wd, ok := exactDay(w.Date)
		if !ok || wd > e.index || unusable(w) != "" || w.Value == nil || w.Value.Value == nil || w.Value.Unit != "kg" || w.Value.Comparator != "" {
			continue
		}
		dist := wd - day
		if dist < 0 {
			dist = -dist
		}
		if dist > e.o.WeightPairingDays {
			continue
		}
		if best == nil || dist < bestDist || (dist == bestDist && w.Date.Time.Before(best.Date.Time)) {
			best, bestDist = w, dist
		}
	}
	return best
}
