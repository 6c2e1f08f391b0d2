// Package recist applies RECIST 1.1 (Eisenhauer et al. 2009; domain.md §10)
// to the imaging history of one subject. It is pure: plain Go values in and
// out, no FHIR, HTTP or storage; the mapping layer turns mCODE TumorSize
// Observations and Tumor BodyStructures into a Subject.
//
// # Model
//
// A Subject is a list of TimePoints (date, Modality, slice thickness); the
// earliest is the baseline (the pre-neoadjuvant scan in this trial). Each
// TimePoint lists Assessments: one lesion, identified across time points by
// LesionID, with its Role (target, non-target, new), Nodal flag, Organ,
// Status and Size. Targets and non-targets are those of the baseline; a
// follow-up lesion that is neither in the baseline nor new is an error.
//
// Diameters are Length values, whole micrometres, so 12.5 mm and 1.25 cm are
// exact and every threshold is decided on integers: PR is
// 100*(base-S) >= 30*base, PD is 100*(S-nadir) >= 20*nadir and S-nadir >= 5
// mm (domain.md §1 "Comparators", §10). Percentages are exact *big.Rat,
// rendered with FormatPercent only for display.
//
// # Measurement rules (domain.md §10)
//
//   - disappeared (absent) and coalesced lesions count 0 mm; the merged mass
//     is measured on the lesion named by CoalescedInto;
//   - too small to measure counts 5 mm;
//   - a split lesion is the sum of its fragments (several split Assessments
//     with one LesionID, or Fragments);
//   - target nodes keep their short axis, so the sum of diameters (SoD) may be
//     above 0 at CR;
//   - the nadir is the smallest complete SoD before the time point, baseline
//     included; a sum with an unevaluated target is never a nadir.
//
// # Responses
//
// Target: PD vs nadir first (even when some targets are not evaluated: the
// measured ones alone may prove it); a non-nodal target reappearing after a
// CR is PD (RECIST 1.1 "lesions that disappear and reappear"); otherwise any
// target not evaluated gives NE; CR when non-nodal targets are 0 and target
// nodes < 10 mm; PR vs baseline; SD otherwise. Once a PR or CR has been
// assigned (confirmed, when Options.Confirm is set), a later sum that is no
// longer -30 % but not PD stays PR (EORTC RECIST FAQ "Managing PR when TP
// measurements change slightly"); this also covers a node that regrows to
// >= 10 mm after CR, which is PD only by the sum rule. Non-target: PD on
// unequivocal progression, NE when any is not evaluated, CR when all are gone
// (nodes < 10 mm), else non-CR/non-PD. OverallResponse is Table 1, or Table
// 2 without targets. An equivocal new lesion makes no PD until a later time
// point shows the same lesion unequivocally; then TimePointResult.Overall is
// PD from its first detection on (AsAssessed keeps what was known at the
// visit) and the progression date is that of the first detection.
//
// # Best overall response
//
// Evaluate takes the time points up to the first PD. Options.Confirm is off
// by default because the trial is randomised (domain.md §10): unconfirmed CR
// and PR count. SD needs Options.SDMinDays (default 42) from baseline, else
// it is NE, or PD if PD follows. With confirmation RECIST Table 3 applies:
// CR needs a later CR and PR a later CR or PR at least ConfirmDays (default
// 28) apart; otherwise SD when the SD minimum was met.
//
// # Checks
//
// CheckBaseline and Evaluate report Findings rather than failing:
// measurability by modality and slice thickness, node classes, at most five
// targets and two per organ (all nodes one organ), baseline status, a
// modality switch, a target missing at follow-up, unknown lesion IDs,
// changed roles and duplicates. Findings of Severity Error make the result
// unreliable (Result.HasErrors).
//
// # Plots
//
// Result.Series holds (date, SoD, % change, response) from the baseline on
// for spider and swimmer plots; Result.BestPctChange is the waterfall value.
//
// Not modelled: tumour markers for non-target CR, and the post-resection
// follow-up, where new lesions are recurrences (DFS events) rather than
// RECIST categories (domain.md §10).
package recist
