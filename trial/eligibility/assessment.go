package eligibility

import "time"

// RuleVersion identifies this rule set; it is reported in every assessment
// so a stored decision can be traced to the rules that produced it.
const RuleVersion = "trialfhir-eligibility/1.0.0"

// Kind says whether a criterion is an inclusion or an exclusion criterion.
type Kind string

// Criterion kinds (criteria.md).
const (
	Inclusion Kind = "inclusion"
	Exclusion Kind = "exclusion"
)

// Outcome is a criterion outcome, one of the wire codes of criteria.md (the
// eligibility-outcome CodeSystem).
type Outcome string

// Outcome codes (criteria.md "Outcome codes").
const (
	Met           Outcome = "met"
	NotMet        Outcome = "not-met"
	Unknown       Outcome = "unknown"
	Review        Outcome = "review"
	NotApplicable Outcome = "not-applicable"
	Applies       Outcome = "applies"
	DoesNotApply  Outcome = "does-not-apply"
)

// Decision is the overall eligibility decision (eligibility-decision CodeSystem).
type Decision string

// Decisions (criteria.md "Overall decision").
const (
	Eligible    Decision = "eligible"
	Ineligible  Decision = "ineligible"
	NeedsReview Decision = "needs-review"
)

// IndexSource says where the index date came from (criteria.md defaults).
type IndexSource string

// Index date sources, in the order they are tried.
const (
	IndexFromCaller        IndexSource = "caller"
	IndexFromRandomisation IndexSource = "randomisation"
	IndexFromEvaluation    IndexSource = "evaluation-time"
)

// Flags attached to results. They never change an outcome by themselves;
// they tell the reader what the rule noticed.
const (
	FlagNoData             = "no-data"                // "known history" exclusion with no coded evidence (domain.md §1)
	FlagRangeFromText      = "range-from-text"        // ULN/LLN parsed from referenceRange.text (domain.md §1)
	FlagSiteDefaultRange   = "uln-site-default"       // ULN/LLN from Options.SiteRanges
	FlagScanOlderThan7Days = "scan-older-than-7-days" // I2b scan older than the protocol's pre-surgery scan (domain.md §3)
	FlagTPOAgent           = "tpo-agent"              // L2: TPO agent in the window; flag only (domain.md §3 L2)
	FlagAntiHBcPositive    = "anti-hbc-positive-monitoring"
	FlagOccultHBV          = "occult-hbv"
	FlagAnchorIndexDate    = "c1d1-unknown-index-date-used"
	FlagStageTypeUnstated  = "stage-type-unstated"
	FlagEditionUnstated    = "ajcc-edition-unstated"
	FlagRandomGlucoseOnly  = "random-glucose-only"
	FlagOlderThanLookback  = "older-than-lab-lookback"
	FlagAdditionalDrugs    = "non-protocol-drugs-also-given"
	FlagSameCancerRecords  = "several-records-of-index-cancer"
	FlagHealedTB           = "latent-or-healed-tb"
	FlagUnlinkedTherapy    = "immunosuppressant-without-reason"
	FlagSameTimeResults    = "several-results-same-time"
)

// Evidence is one fact a result rests on.
type Evidence struct {
	Ref  Ref
	Item string // concept, category or class key, e.g. "hemoglobin", "hiv", "gcsf"
	// Received is the value and unit as sent ("90 g/L"), or the code/text.
	Received string
	// Value and Unit are the normalised value (exact decimal, comparator
	// kept) and canonical unit; Value holds the result key for qualitative data.
	Value string
	Unit  string
	Date  Date
	Note  string
}

// Result is the outcome of one criterion with its explanation.
type Result struct {
	ID       string
	Kind     Kind
	Outcome  Outcome
	Reason   string // one human-readable line
	Evidence []Evidence
	Flags    []string
}

// Assessment is the evaluation of one patient against every criterion.
type Assessment struct {
	RuleVersion string
	Decision    Decision
	IndexDate   time.Time
	IndexSource IndexSource
	// C1D1 is the first administration of a neoadjuvant regimen drug on or
	// before the index date; zero (Known() false) when none is recorded.
	C1D1    Date
	C1D1Ref Ref
	// Options are the options used, defaults filled in (criteria.md: the
	// defaults are reported in every assessment; see Options.Settings).
	Options Options
	Results []Result // one per criterion, in Criteria() order
}

// Result returns the result of criterion id.
func (a Assessment) Result(id string) (Result, bool) {
	for _, r := range a.Results {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// Decide applies criteria.md's overall decision: ineligible if any inclusion
// is not-met or any exclusion applies; else needs-review if any result is
// unknown or review; else eligible (not-applicable counts as met).
func Decide(results []Result) Decision {
	review := false
	for _, r := range results {
		switch r.Outcome {
		case NotMet, Applies:
			return Ineligible
		case Unknown, Review:
			review = true
		}
	}
	if review {
		return NeedsReview
	}
	return Eligible
}

// Evaluate assesses f against every criterion of criteria.md. It is pure:
// the only clock it reads is o.Now.
func Evaluate(f Facts, o Options) Assessment {
	o = o.withDefaults()
	e := newEval(&f, o)
	a := Assessment{
		RuleVersion: RuleVersion,
		IndexDate:   e.indexTime,
		IndexSource: e.indexSource,
		Options:     o,
		Results:     make([]Result, 0, len(catalogue)),
	}
	if e.c1d1 != nil {
		a.C1D1, a.C1D1Ref = e.c1d1.Start, e.c1d1.Ref
	}
	for _, c := range catalogue {
		r := c.rule(e)
		r.ID, r.Kind = c.ID, c.Kind
		a.Results = append(a.Results, r)
	}
	a.Decision = Decide(a.Results)
	return a
}
