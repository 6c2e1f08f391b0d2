package ucum

import "math/big"

// specialScale is a unit on an interval scale (ucum.html §21-§23): a value x
// in the unit is (x + offset) × step kelvin. Such units have no canonical
// ratio-scale form, so Canonical rejects them; Convert goes through kelvin.
//
// This package accepts a special unit only on its own: "Cel", not "mCel",
// "Cel2" or "Cel/h". UCUM allows a prefix or scalar on Cel (§22 ■3-■5), but
// no clinical feed uses one, and a temperature rate ("K/h") is written with
// the ratio-scale kelvin anyway.
type specialScale struct {
	offset *big.Rat // added to the value before scaling
	step   *big.Rat // kelvin per degree
}

// specialScales are the special units this package converts.
var specialScales = map[string]*specialScale{
	// Cel: cel(1 K), x °C = (x + 273.15) K.
	"Cel": {offset: mustRat("273.15"), step: big.NewRat(1, 1)},
	// [degF]: degf(5 K/9), x °F = (x + 459.67) × 5/9 K.
	"[degF]": {offset: mustRat("459.67"), step: big.NewRat(5, 9)},
}

// toKelvin returns x degrees in kelvin.
func (s *specialScale) toKelvin(x *big.Rat) *big.Rat {
	k := new(big.Rat).Add(x, s.offset)
	return k.Mul(k, s.step)
}

// fromKelvin returns k kelvin in degrees of s.
func (s *specialScale) fromKelvin(k *big.Rat) *big.Rat {
	x := new(big.Rat).Quo(k, s.step)
	return x.Sub(x, s.offset)
}
