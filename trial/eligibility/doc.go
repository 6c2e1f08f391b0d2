// Package eligibility decides the eligibility of one patient for trial
// NCT07369882 from normalised facts: one Result per criterion of
// shared/docs/criteria.md, each with an outcome code, a one-line reason,
// evidence and flags, and the overall decision.
//
// # Model
//
// The package is pure (style.md §10): it reads Facts (facts.go), plain Go
// values already normalised by the mapping layer (codes resolved to concept,
// category and class keys of VOCAB.md, quantities in canonical units as exact
// big.Rat, ignorable records dropped), and Options, which carry the injected
// clock. It knows nothing of FHIR JSON, HTTP or storage. Evaluate runs every
// rule in criteria.md order (X1a is reported once, as I3) and Decide applies
// criteria.md's overall decision: ineligible if any inclusion is not-met or
// exclusion applies, else needs-review if any result is unknown or review,
// else eligible; not-applicable counts as met.
//
// # Shared choices (domain.md §1, §2; criteria.md defaults)
//
//   - Index date: Options.IndexDate, else ResearchSubject.period.start (known
//     to the day), else Options.Now; the source is reported.
//   - C1D1: the earliest administration (not a request) of any neoadjuvant
//     regimen drug, protocol or variant, on or before the index date.
//   - Windows are inclusive calendar days on each date's civil day; "N
//     months" clamps to the month end. A partial date counts in a window only
//     when every day it may denote is inside.
//   - Which value: the most recent result dated in [index − look-back, index];
//     same day → latest time; never the best of several. If that result is
//     preliminary or unusable (Observation.Problem) the rule is unknown: an
//     older final value is not substituted, which would be "best of several".
//     Infectious serology and yes/no judgements use the most recent result on
//     or before the index date with no look-back.
//   - Thresholds are exact (big.Rat), with value and ULN in the same unit; a
//     comparator ("<20") is applied conservatively: the rule decides only when
//     every value the comparator allows gives the same answer.
//   - Reference ranges: the observation's own, flagged when parsed from text;
//     else Options.SiteRanges (empty by default), flagged; else unknown.
//   - Conditions: clinicalStatus active/recurrence/relapse is active,
//     inactive/remission/resolved is history, missing status is judged by the
//     abatement date and is otherwise undecided (→ review for "active"
//     criteria). Unconfirmed, provisional or differential → review, never
//     applies. Conditions with an onset after the index date are ignored.
//   - "Known history of" exclusions with nothing coded give
//     Options.NoEvidence (does-not-apply by default) with the no-data flag;
//     lab-defined criteria with no result are unknown. X5 and X6 are
//     lab-defined (HBsAg / HCV antibody and RNA), X4 is "known HIV".
//
// # Criterion notes
//
// I2a: a protocol component given only as a variant (PD-L1 inhibitor,
// solvent paclitaxel, docetaxel, nedaplatin, lobaplatin) gives
// Options.RegimenVariants (not-met by default, see Options); a component
// with no record at all is unknown. I2b reads Facts.Responses (the RECIST
// engine's computed time-point responses and coded ones), says which kind
// was used, sends disagreement on the same day to review and flags a scan
// older than 7 days before the index date; confirmation is not required
// (domain.md §10 BOR note). L6 computes Cockcroft-Gault (CockcroftGault)
// and never reads the lab's CrCl or an eGFR. I10 without a consent record is
// unknown, not not-met; a rejected research consent is not-met (see
// ruleI10). The rest follows domain.md §3 row by
// row; each rule's comment cites what it implements.
package eligibility
