package index

import (
	"fmt"
	"math/big"
	"strings"
)

// NumberRange returns the value of a decimal search value and the interval
// its implied precision covers (R4 3.1.1.4.3): "100" is [99.5, 100.5),
// "100.0" is [99.95, 100.05), "1e2" is [50, 150).
func NumberRange(s string) (value, lo, hi float64, err error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, " /") {
		return 0, 0, 0, fmt.Errorf("%q is not a decimal", s)
	}
	value, _ = r.Float64()
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		if _, err := fmt.Sscan(s[i+1:], &exp); err != nil {
			return 0, 0, 0, fmt.Errorf("%q is not a decimal", s)
		}
	}
	decimals := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		decimals = len(mant) - i - 1
	}
	// Half a unit in the last place given.
	half := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(decimals-exp))), nil))
	if decimals-exp < 0 {
		half.Inv(half)
	}
	half.Quo(half, big.NewRat(2, 1))
	l, _ := new(big.Rat).Sub(r, half).Float64()
	h, _ := new(big.Rat).Add(r, half).Float64()
	return value, l, h, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
