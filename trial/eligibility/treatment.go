package eligibility

import (
	"fmt"
	"strings"
)

// regimenComponent is one part of the protocol regimen with the drugs that
// fulfil it and the non-protocol variants that may stand in for it
// (domain.md §3 I2a).
type regimenComponent struct {
	name              string
	protocol, variant []string
}

var regimen = []regimenComponent{
	{"PD-1 inhibitor", []string{"pd1-inhibitor"}, []string{"pdl1-inhibitor"}},
	{"nab-paclitaxel", []string{"nab-paclitaxel"}, []string{"paclitaxel", "docetaxel"}},
	{"cisplatin or carboplatin", []string{"cisplatin", "carboplatin"}, []string{"nedaplatin", "lobaplatin"}},
}

// ruleI2a: PD-1 inhibitor + nab-paclitaxel + (cisplatin or carboplatin)
// administered on or before the index date → met; a component given only as
// a variant → Options.RegimenVariants; a component not recorded at all →
// unknown (records of an outside hospital may be missing).
func ruleI2a(e *eval) Result {
	given := e.medsIn(-farFuture, e.index, regimenClasses...)
	if len(given) == 0 {
		return result(Unknown, "no neoadjuvant drug administration recorded")
	}
	var ev []Evidence
	seen := map[string]bool{}
	for _, m := range given {
		for _, k := range m.Classes {
			if has(regimenClasses, k) {
				seen[k] = true
				ev = append(ev, medEvidence(m, k, ""))
			}
		}
	}
	var missing, variants []string
	extra := false
	for _, c := range regimen {
		gotProtocol, gotVariant := anySeen(seen, c.protocol), anySeen(seen, c.variant)
		switch {
		case gotProtocol:
			extra = extra || gotVariant
		case gotVariant:
			variants = append(variants, c.name+" given as "+strings.Join(seenOf(seen, c.variant), "/"))
		default:
			missing = append(missing, c.name)
		}
	}
	switch {
	case len(variants) > 0:
		return result(e.o.RegimenVariants, "non-protocol regimen: "+strings.Join(variants, "; "), ev...)
	case len(missing) > 0:
		return result(Unknown, "no administration of "+strings.Join(missing, ", ")+" recorded", ev...)
	}
	r := result(Met, "PD-1 inhibitor, nab-paclitaxel and platinum administered", ev...)
	if extra {
		r = r.flag(FlagAdditionalDrugs)
	}
	return r
}

func anySeen(seen map[string]bool, keys []string) bool { return len(seenOf(seen, keys)) > 0 }

func seenOf(seen map[string]bool, keys []string) []string {
	var out []string
	for _, k := range keys {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// preSurgeryScanDays is the protocol's pre-surgery scan window (domain.md
// §3 I2b: a scan within 7 days before surgery).
const preSurgeryScanDays = 7

// ruleI2b: the most recent time-point response after C1D1, on or before
// the index date: CR/PR met; SD, PD, NE, non-CR-non-PD not-met; computed
// and coded responses of the same day that disagree → review; confirmation
// not required (criteria.md defaults; domain.md §10 BOR note).
func ruleI2b(e *eval) Result {
	if e.c1d1 == nil {
		return result(Unknown, "no neoadjuvant start (C1D1) recorded, so no response can be placed after it")
	}
	last := -farFuture
	var day []*Response
	for i := range e.f.Responses {
		r := &e.f.Responses[i]
		d, ok := exactDay(r.Date)
		if !ok || d <= e.c1d1Day || d > e.index {
			continue
		}
		if d > last {
			last, day = d, nil
		}
		if d == last {
			day = append(day, r)
		}
	}
	if len(day) == 0 {
		return result(Unknown, fmt.Sprintf("no RECIST time-point response after C1D1 (%s) up to %s", dayString(e.c1d1Day), dayString(e.index)))
	}
	var ev []Evidence
	codes := map[string]bool{}
	for _, r := range day {
		how := "coded response sent by the site"
		if r.Computed {
			how = "computed from measurements"
		}
		ev = append(ev, Evidence{Ref: r.Ref, Item: "recist-timepoint-response", Received: r.Code, Value: r.Code, Date: r.Date, Note: how})
		for _, m := range r.Evidence {
			ev = append(ev, Evidence{Ref: m, Item: "recist-measurement", Note: "measurement of the " + dayString(last) + " time point"})
		}
		codes[r.Code] = true
	}
	var res Result
	if len(codes) > 1 {
		res = result(Review, fmt.Sprintf("responses of %s disagree (computed vs coded)", dayString(last)), ev...)
	} else {
		code := day[0].Code
		why := fmt.Sprintf("response %s on %s (%s)", code, dayString(last), ev[0].Note)
		switch code {
		case "CR", "PR":
			res = result(Met, why, ev...)
		case "SD", "PD", "NE", "non-CR-non-PD":
			res = result(NotMet, why, ev...)
		default:
			res = result(Unknown, "unrecognised response code "+code, ev...)
		}
	}
	if e.index-last > preSurgeryScanDays {
		res = res.flag(FlagScanOlderThan7Days)
	}
	return res
}
