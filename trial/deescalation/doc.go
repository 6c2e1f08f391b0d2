// Package deescalation checks whether a primary resection followed the
// surgical protocol of its arm in NCT07369882 (domain.md §11). It is pure:
// exact millimetre values in (math/big.Rat, nil when not recorded), a Result
// out; the mapping layer takes the values from Procedure-linked Observations
// (planned margin, resection diameter) and the TumorSize Observations
// (D_pre at baseline, D_post before surgery).
//
// # Rules
//
// De-escalated arm (experimental): the planned margin m is 10-15 mm beyond
// the shrunken tumour, so the resection diameter should be D_post + 2m; and
// the resection is at least 30 % smaller than the reference, decided exactly
// as 100*D_resect <= 70*D_ref. Interpretation A (default) takes
// D_ref = D_pre + 2m, the resection standard surgery would have needed;
// interpretation B takes D_ref = D_pre. Which one the protocol means is open
// (domain.md §13.7), so Options selects it and the Result says which was
// used. Under A the reduction is feasible only when
// D_post <= 0.7*D_pre - 0.6*m (MaxDPost): a RECIST PR alone does not
// guarantee it.
//
// Standard arm (active comparator): a 10-15 mm margin around the tumour
// boundary (NCCN wide local excision).
//
// # Outcome
//
// Each rule gives a Check (adherent, not-adherent, unknown) with a one-line
// reason. The surgery is not-adherent when any check fails, else unknown when
// an input is missing or invalid (negative, or a zero diameter), else
// adherent. Boundaries are inclusive: m = 10 mm, m = 15 mm and a resection of
// exactly 70 % of D_ref are adherent.
//
// Not checked: structures preserved, neck dissection levels, and the
// pathology margin (which shrinks after fixation and must be compared with
// the in-vivo margin separately).
package deescalation
