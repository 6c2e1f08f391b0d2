package eligibility

import (
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options are the deployment-configurable defaults of criteria.md and the ⚠
// choices of domain.md. The zero value means "all defaults"; Evaluate
// reports the options it used, defaults filled in, in Assessment.Options.
type Options struct {
	// IndexDate is the evaluation date given by the caller; zero when not
	// given (then ResearchSubject.period.start, else Now: criteria.md).
	IndexDate time.Time
	// Now is the time of evaluation, injected (never read from the clock).
	Now time.Time
	// LabLookbackDays is the lab look-back before the index date
	// (criteria.md: 14). Zero means the default.
	LabLookbackDays int
	// WeightPairingDays is how far the body weight used for Cockcroft-Gault
	// may be from the creatinine specimen date (domain.md §9: 14). Zero
	// means the default.
	WeightPairingDays int
	// RegimenVariants is the I2a outcome when a non-protocol drug (PD-L1
	// inhibitor, solvent paclitaxel, docetaxel, nedaplatin, lobaplatin)
	// stands in for a protocol component: NotMet (default) or Review.
	// The default is strict because domain.md §3 I2a says these agents
	// "≠ protocol regimen" and names not_met first as the strict reading,
	// with review as the alternative; criteria.md I2a names the regimen
	// exactly. Sites that accept variants set Review.
	RegimenVariants Outcome
	// GMCSF is the L1 outcome when GM-CSF was given in the 14 days before
	// the ANC specimen: Review (default, domain.md §3 L1 "GM-CSF → review ⚠")
	// or NotMet.
	GMCSF Outcome
	// NoEvidence is the outcome of a "known history of" exclusion without
	// any coded evidence: DoesNotApply (default, criteria.md defaults) or
	// Unknown for sponsors that require a test (domain.md §1). Either way the
	// result carries FlagNoData.
	NoEvidence Outcome
	// SiteRanges are site default reference ranges by concept key, in the
	// concept's canonical unit, used when a result has no referenceRange
	// (domain.md §1 "configured site default, flagged"). Empty by default.
	SiteRanges map[string]Range
}

// Range is a reference range in a concept's canonical unit; nil bounds are
// unknown.
type Range struct {
	Low, High *big.Rat
}

// Defaults of criteria.md and domain.md.
const (
	DefaultLabLookbackDays   = 14
	DefaultWeightPairingDays = 14
)

func (o Options) withDefaults() Options {
	if o.LabLookbackDays <= 0 {
		o.LabLookbackDays = DefaultLabLookbackDays
	}
	if o.WeightPairingDays <= 0 {
		o.WeightPairingDays = DefaultWeightPairingDays
	}
	if o.RegimenVariants != Review {
		o.RegimenVariants = NotMet
	}
	if o.GMCSF != NotMet {
		o.GMCSF = Review
	}
	if o.NoEvidence != Unknown {
		o.NoEvidence = DoesNotApply
	}
	return o
}

// Setting is one named option value, for reporting in an assessment.
type Setting struct {
	Name, Value string
}

// Settings lists the options with their effective values (defaults filled
// in), plus the fixed choices the rules make, so that an assessment can say
// which defaults it used (criteria.md "reported in every assessment").
func (o Options) Settings() []Setting {
	o = o.withDefaults()
	ranges := "none"
	if len(o.SiteRanges) > 0 {
		keys := make([]string, 0, len(o.SiteRanges))
		for k, r := range o.SiteRanges {
			keys = append(keys, k+" "+decimal(r.Low)+"-"+decimal(r.High))
		}
		sort.Strings(keys)
		ranges = strings.Join(keys, "; ")
	}
	return []Setting{
		{"lab-lookback-days", strconv.Itoa(o.LabLookbackDays)},
		{"weight-pairing-days", strconv.Itoa(o.WeightPairingDays)},
		{"regimen-variants", string(o.RegimenVariants)},
		{"gm-csf", string(o.GMCSF)},
		{"known-history-without-evidence", string(o.NoEvidence)},
		{"site-default-ranges", ranges},
		{"c1d1", "first administration of a neoadjuvant regimen drug"},
		{"i2b-response", "most recent time-point response after C1D1, on or before the index date; confirmation not required"},
		{"windows", "inclusive calendar days"},
	}
}
