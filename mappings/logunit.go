package mappings

import (
	"math"
	"math/big"
	"regexp"
	"strings"
)

// logUnit matches a viral load written as a decimal logarithm: "log10 IU/mL",
// "log(IU/mL)", "lg copies/mL", "Log10 [IU]/mL" (domain.md §8, HBV DNA).
var logUnit = regexp.MustCompile(`^(?i:log\s*10|log|lg)\s*[(\[]?\s*([^()]*?)\s*\)?$`)

// logValue returns the value and the candidate units (UCUM code first, then
// the text) with a logarithmic unit resolved to 10^value in its inner unit.
// A unit that mentions "log" in any other way is refused: "{log_IU}/mL"
// would parse as a count per mL because UCUM annotations mean nothing.
func logValue(value *big.Rat, unit, ucumCode string) (*big.Rat, []string, string) {
	units := []string{strings.TrimSpace(ucumCode), strings.TrimSpace(unit)}
	isLog := false
	for i, u := range units {
		if !mentionsLog(u) {
			continue
		}
		if m := logUnit.FindStringSubmatch(u); m != nil && m[1] != "" {
			units[i], isLog = m[1], true
		} else if strings.Contains(strings.ToLower(u), "log") {
			return nil, nil, "logarithmic unit " + u + " is not understood"
		}
	}
	if !isLog {
		return value, units, ""
	}
	return pow10(value), units, ""
}

// pow10 returns 10^x. For an integer x the result is exact. Otherwise 10^x
// is irrational (a reported log value is a decimal p/q in lowest terms with
// q > 1), so no rational threshold can equal it; the value is its q-th-root
// approximation to 256 bits, which orders correctly against every threshold
// not within 2^-240 of it.
func pow10(x *big.Rat) *big.Rat {
	ten := big.NewInt(10)
	if x.IsInt() {
		n := x.Num()
		if n.Sign() >= 0 {
			return new(big.Rat).SetInt(new(big.Int).Exp(ten, n, nil))
		}
		return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(ten, new(big.Int).Neg(n), nil))
	}
	// 10^(p/q) = q-th root of 10^p, by Newton's method on y^q = 10^p.
	p, q := x.Num(), x.Denom()
	if !q.IsInt64() || q.Int64() > 1_000_000 || p.BitLen() > 40 {
		f, _ := x.Float64()
		r, _ := new(big.Rat).SetString(big.NewFloat(math.Pow(10, f)).Text('g', 17))
		return r
	}
	const prec = 256
	a := new(big.Float).SetPrec(prec).SetRat(pow10(new(big.Rat).SetInt(p)))
	qf := new(big.Float).SetPrec(prec).SetInt(q)
	f, _ := x.Float64()
	y := new(big.Float).SetPrec(prec).SetFloat64(math.Pow(10, f))
	qm1 := new(big.Int).Sub(q, big.NewInt(1))
	for i := 0; i < 64; i++ {
		// y = ((q-1) y + a / y^(q-1)) / q
		t := new(big.Float).SetPrec(prec).Quo(a, powFloat(y, qm1))
		t.Add(t, new(big.Float).SetPrec(prec).Mul(y, new(big.Float).SetPrec(prec).SetInt(qm1)))
		t.Quo(t, qf)
		if t.Cmp(y) == 0 {
			break
		}
		y = t
	}
	r, _ := y.Rat(nil)
	return r
}

func powFloat(y *big.Float, n *big.Int) *big.Float {
	result := new(big.Float).SetPrec(y.Prec()).SetInt64(1)
	base := new(big.Float).Copy(y)
	for i := 0; i < n.BitLen(); i++ {
		if n.Bit(i) == 1 {
			result.Mul(result, base)
		}
		base.Mul(base, base)
	}
	return result
}

// mentionsLog is the cheap test that spares the regular expression for
// ordinary units.
func mentionsLog(u string) bool {
	for i := 0; i+1 < len(u); i++ {
		if c := u[i] | 0x20; c == 'l' && (u[i+1]|0x20 == 'o' || u[i+1]|0x20 == 'g') {
			return true
		}
	}
	return false
}
