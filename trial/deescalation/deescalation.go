package deescalation

import (
	"fmt"
	"math/big"
	"strings"
)

// Arm is the randomised arm of the subject.
type Arm string

// Arms of NCT07369882.
const (
	// ArmDeescalated is the experimental arm: resection reduced by >= 30 %.
	ArmDeescalated Arm = "de-escalated"
	// ArmStandard is the active comparator: NCCN wide local excision.
	ArmStandard Arm = "standard"
)

// Interpretation chooses the reference diameter of the 30 % reduction
// (domain.md §11, open question §13.7).
type Interpretation string

// Interpretations.
const (
	// InterpretationA (default): D_ref = D_pre + 2m, the resection the
	// standard surgery would have needed.
	InterpretationA Interpretation = "A"
	// InterpretationB: D_ref = D_pre, the tumour itself (rarely
	// satisfiable).
	InterpretationB Interpretation = "B"
)

// Input holds the measurements of one surgery, all in millimetres as exact
// rationals; nil means not recorded.
type Input struct {
	Arm Arm
	// DPre is the pre-neoadjuvant longest diameter (baseline TumorSize).
	DPre *big.Rat
	// DPost is the pre-surgery longest diameter.
	DPost *big.Rat
	// Margin is the planned margin m around the tumour.
	Margin *big.Rat
	// DResect is the diameter of the resection (tumour plus margins).
	DResect *big.Rat
}

// Options tune the check; the zero value uses InterpretationA.
type Options struct {
	Interpretation Interpretation
}

// Outcome is the result of one check and of the whole assessment.
type Outcome string

// Outcomes: Unknown when an input needed by a check is missing or invalid
// and no other check failed.
const (
	Adherent    Outcome = "adherent"
	NotAdherent Outcome = "not-adherent"
	Unknown     Outcome = "unknown"
)

// Names of the checks.
const (
	CheckArm       = "arm"
	CheckMargin    = "margin"
	CheckResection = "resection-consistent"
	CheckReduction = "reduction"
)

// Check is the outcome of one rule with a one-line reason.
type Check struct {
	Name    string
	Outcome Outcome
	Reason  string
}

// Result is the adherence of one surgery to the protocol of its arm.
type Result struct {
	Outcome        Outcome
	Interpretation Interpretation
	// DRef is the reference diameter of the reduction check (de-escalated
	// arm); nil when it could not be computed or does not apply.
	DRef   *big.Rat
	Checks []Check
}

// Reasons lists the reasons of the checks, one line each.
func (r Result) Reasons() []string {
	out := make([]string, len(r.Checks))
	for i, c := range r.Checks {
		out[i] = c.Name + ": " + string(c.Outcome) + ": " + c.Reason
	}
	return out
}

// Margin limits of both arms (domain.md §11): 10 <= m <= 15 mm.
var (
	minMargin = big.NewRat(10, 1)
	maxMargin = big.NewRat(15, 1)
	// maxFraction is the largest resection allowed in the de-escalated
	// arm, as a fraction of D_ref: at least 30 % smaller.
	maxFraction = big.NewRat(70, 100)
)

// Assess checks one surgery against domain.md §11.
//
// De-escalated arm: the margin is 10-15 mm; the resection is consistent
// with D_post + 2m; and D_resect <= 0.70 * D_ref, decided exactly as
// 100*D_resect <= 70*D_ref. Consistency is judged against the allowed margin
// range, not the planned m alone: D_post + 2*10 <= D_resect <= D_post + 2*15.
// A surgeon plans m but the specimen rarely matches it to the millimetre, and
// any resection inside that band is one the protocol permits; outside it the
// surgery took either less than the minimum margin or more than the
// de-escalated plan.
//
// Standard arm: the margin is 10-15 mm around the tumour boundary; the
// resection diameter is not checked because the protocol ties it to the
// pre-neoadjuvant extent only by practice (domain.md §11 ⚠).
func Assess(in Input, opt Options) Result {
	interp := opt.Interpretation
	if interp == "" {
		interp = InterpretationA
	}
	res := Result{Interpretation: interp}
	switch in.Arm {
	case ArmDeescalated:
		res.Checks = append(res.Checks, marginCheck(in.Margin))
		res.Checks = append(res.Checks, resectionCheck(in))
		var c Check
		res.DRef, c = reductionCheck(in, interp)
		res.Checks = append(res.Checks, c)
	case ArmStandard:
		res.Checks = append(res.Checks, marginCheck(in.Margin))
	default:
		res.Checks = append(res.Checks, Check{CheckArm, Unknown, fmt.Sprintf("arm %q is not %s or %s", in.Arm, ArmDeescalated, ArmStandard)})
	}
	res.Outcome = Adherent
	for _, c := range res.Checks {
		if c.Outcome == NotAdherent {
			res.Outcome = NotAdherent
			break
		}
		if c.Outcome == Unknown {
			res.Outcome = Unknown
		}
	}
	return res
}

func marginCheck(m *big.Rat) Check {
	if bad := invalid(map[string]*big.Rat{"margin": m}, true); bad != "" {
		return Check{CheckMargin, Unknown, bad}
	}
	if m.Cmp(minMargin) < 0 || m.Cmp(maxMargin) > 0 {
		return Check{CheckMargin, NotAdherent, "margin " + mm(m) + " outside 10-15 mm"}
	}
	return Check{CheckMargin, Adherent, "margin " + mm(m) + " within 10-15 mm"}
}

func resectionCheck(in Input) Check {
	if bad := invalid(map[string]*big.Rat{"D_post": in.DPost, "D_resect": in.DResect}, false); bad != "" {
		return Check{CheckResection, Unknown, bad}
	}
	lo := add(in.DPost, mul(minMargin, 2))
	hi := add(in.DPost, mul(maxMargin, 2))
	band := fmt.Sprintf("D_post + 2x(10-15) mm = %s to %s", mm(lo), mm(hi))
	if in.DResect.Cmp(lo) < 0 || in.DResect.Cmp(hi) > 0 {
		return Check{CheckResection, NotAdherent, "resection " + mm(in.DResect) + " outside " + band}
	}
	return Check{CheckResection, Adherent, "resection " + mm(in.DResect) + " within " + band}
}

func reductionCheck(in Input, interp Interpretation) (*big.Rat, Check) {
	need := map[string]*big.Rat{"D_pre": in.DPre, "D_resect": in.DResect}
	if interp == InterpretationA {
		need["margin"] = in.Margin
	}
	if bad := invalid(need, false); bad != "" {
		return nil, Check{CheckReduction, Unknown, bad}
	}
	ref, ok := refDiameter(in.DPre, in.Margin, interp)
	if !ok {
		return nil, Check{CheckReduction, Unknown, fmt.Sprintf("interpretation %q is not A or B", interp)}
	}
	limit := new(big.Rat).Mul(ref, maxFraction)
	what := fmt.Sprintf("resection %s vs 70%% of D_ref %s (%s) = %s", mm(in.DResect), mm(ref), interp, mm(limit))
	if in.DResect.Cmp(limit) > 0 {
		return ref, Check{CheckReduction, NotAdherent, what + ": reduction < 30%"}
	}
	return ref, Check{CheckReduction, Adherent, what + ": reduction >= 30%"}
}

// refDiameter is D_ref of domain.md §11.
func refDiameter(dPre, m *big.Rat, interp Interpretation) (*big.Rat, bool) {
	switch interp {
	case InterpretationA:
		return add(dPre, mul(m, 2)), true
	case InterpretationB:
		return new(big.Rat).Set(dPre), true
	}
	return nil, false
}

// MaxDPost returns the largest pre-surgery diameter for which a de-escalated
// resection with margin m can still be >= 30 % smaller than D_ref:
// D_post + 2m <= 0.7*D_ref, so under A D_post <= 0.7*D_pre - 0.6*m
// (domain.md §11). A negative value means no tumour size is feasible. It
// returns nil for an unknown interpretation or missing input.
func MaxDPost(dPre, m *big.Rat, interp Interpretation) *big.Rat {
	if dPre == nil || m == nil {
		return nil
	}
	ref, ok := refDiameter(dPre, m, interp)
	if !ok {
		return nil
	}
	limit := new(big.Rat).Mul(ref, maxFraction)
	return limit.Sub(limit, mul(m, 2))
}

// invalid names the first missing or negative input (zero is allowed only
// when zeroOK), in a fixed order so reasons are stable.
func invalid(vals map[string]*big.Rat, zeroOK bool) string {
	for _, name := range []string{"D_pre", "D_post", "margin", "D_resect"} {
		v, ok := vals[name]
		switch {
		case !ok:
		case v == nil:
			return name + " missing"
		case v.Sign() < 0 || (v.Sign() == 0 && !zeroOK):
			return name + " " + mm(v) + " is not a positive length"
		}
	}
	return ""
}

func add(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }

func mul(a *big.Rat, n int64) *big.Rat { return new(big.Rat).Mul(a, big.NewRat(n, 1)) }

// mm renders an exact length with at most three decimals ("52.5 mm").
func mm(r *big.Rat) string {
	s := r.FloatString(3)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + " mm"
}
