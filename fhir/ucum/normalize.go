package ucum

import (
	"regexp"
	"strings"
	"unicode"
)

// Normalize maps a unit string as laboratory feeds write it to a UCUM code
// that Parse accepts, and reports whether it could. Valid UCUM comes back
// unchanged except for cosmetic respellings (the litre "l" as "L", micro signs
// as "u", "10^" as "10*"); a string that is neither UCUM nor a known spelling
// comes back unchanged with false. The mapping layer keeps the original unit
// in its evidence either way (domain.md §8).
//
// Normalize never guesses: it applies a closed set of rewrites, each
// unambiguous in laboratory usage, and then checks the result with Parse:
//
//   - whitespace is dropped (inside an annotation it becomes "_"), micro
//     signs become "u", superscript digits become exponents ("mm³" -> "mm3");
//   - powers of ten: "x10^9/L", "×10⁹/L", "10^9/L", "10E9/L" -> "10*9/L";
//     "m^2" -> "m2";
//   - count shorthands: "K/uL" -> "10*3/uL", "M/uL" -> "10*6/uL", "G/L" ->
//     "10*9/L", "T/L" -> "10*12/L";
//   - words: "mcg" (and any "mc" before a metric unit) -> "ug", "gm" -> "g",
//     "cc" -> "mL", "IU" with any prefix -> "[IU]" ("mIU/mL" ->
//     "m[IU]/mL"), "mEq" -> "meq", "mOsm" -> "mosm", "mmHg" -> "mm[Hg]",
//     "cmH2O" -> "cm[H2O]", "sec" -> "s", "hr" -> "h", "lb" -> "[lb_av]",
//     "in" -> "[in_i]", "ft" -> "[ft_i]", "cells" -> "{cells}", "copies" ->
//     "{copies}", "INR" -> "{INR}", "HPF" -> "[HPF]", "°C" -> "Cel";
//   - a number glued to a unit becomes a parenthesised product: "g/24h" ->
//     "g/(24.h)", "g/100mL" -> "g/(100.mL)";
//   - eGFR: "/1.73m2" -> "/{1.73_m2}" (UCUM's customary annotation);
//   - Chinese: "秒" -> "s", "斤" (the mainland market jin, 500 g) -> "500.g".
//
// "u/L" is not mapped to "U/L": the case of the letter is the only sign of
// what was meant.
func Normalize(unit string) (string, bool) {
	s := strings.TrimSpace(unit)
	if s == "" {
		return unit, false
	}
	if code, ok := wholeAliases[s]; ok {
		return code, true
	}
	c := rewrite(s)
	if code, ok := labShorthand[c]; ok {
		return code, true
	}
	if _, err := parse(c); err == nil {
		return c, true
	}
	if m := microReplacer.Replace(s); m != c {
		if _, err := parse(m); err == nil {
			return m, true
		}
	}
	return unit, false
}

// wholeAliases map complete unit strings.
var wholeAliases = map[string]string{
	"秒": "s",
	"斤": "500.g",
}

// tokenAliases map one symbol between operators.
var tokenAliases = map[string]string{
	"mcg": "ug", "gm": "g", "gms": "g", "cc": "mL",
	"sec": "s", "secs": "s", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"mins": "min", "day": "d", "days": "d", "wks": "wk", "yr": "a", "yrs": "a",
	"lb": "[lb_av]", "lbs": "[lb_av]", "oz": "[oz_av]", "in": "[in_i]", "ft": "[ft_i]",
	"mmHg": "mm[Hg]", "mmhg": "mm[Hg]", "cmH2O": "cm[H2O]",
	"cells": "{cells}", "cell": "{cells}", "copies": "{copies}", "INR": "{INR}",
	"HPF": "[HPF]", "hpf": "[HPF]", "LPF": "[LPF]", "lpf": "[LPF]",
	"°C": "Cel", "℃": "Cel", "degC": "Cel", "°F": "[degF]", "℉": "[degF]", "degF": "[degF]",
}

// prefixedWords map a word that takes a metric prefix ("mIU", "mEq") to its
// UCUM atom; the litre's "l" is spelled "L".
var prefixedWords = map[string]string{"IU": "[IU]", "Eq": "eq", "Osm": "osm", "l": "L"}

var (
	powerOfTen = regexp.MustCompile(`(^|[./(])[xX*]?10(?:\^|\*|[eE])([+-]?[0-9]+)`)
	caretExp   = regexp.MustCompile(`\^([+-]?[0-9]+)`)
	gluedNum   = regexp.MustCompile(`^([0-9]+)([A-Za-z\[].*)$`)
	eGFRArea   = regexp.MustCompile(`/1\.73m2$`)
)

var superscripts = map[rune]byte{
	'⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7',
	'⁸': '8', '⁹': '9', '⁻': '-', '⁺': '+',
}

// rewrite applies the rewrites of Normalize in order.
func rewrite(s string) string {
	var b strings.Builder
	inBraces, inSuper := false, false
	for _, r := range s {
		d, super := superscripts[r]
		switch {
		case super && !inBraces:
			if !inSuper {
				b.WriteByte('^')
			}
			b.WriteByte(d)
		case r == '{':
			inBraces = true
			b.WriteRune(r)
		case r == '}':
			inBraces = false
			b.WriteRune(r)
		case unicode.IsSpace(r):
			if inBraces {
				b.WriteByte('_')
			}
		case r == '\u00b5' || r == '\u03bc':
			b.WriteByte('u')
		case r == '×':
			b.WriteByte('x')
		case r == '·' || r == '⋅':
			b.WriteByte('.')
		default:
			b.WriteRune(r)
		}
		inSuper = super && !inBraces
	}
	c := powerOfTen.ReplaceAllString(b.String(), "${1}10*${2}")
	c = caretExp.ReplaceAllString(c, "${1}")
	c = eGFRArea.ReplaceAllString(c, "/{1.73_m2}")
	return rewriteTokens(c)
}

// rewriteTokens rewrites each symbol between the operators . / ( ), leaving
// annotations alone.
func rewriteTokens(s string) string {
	var b strings.Builder
	start := 0
	flush := func(end int) {
		if start < end {
			b.WriteString(rewriteToken(s[start:end]))
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.', '/', '(', ')':
			flush(i)
			b.WriteByte(s[i])
			start = i + 1
		case '{':
			flush(i)
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				end = len(s) - i - 1
			}
			b.WriteString(s[i : i+end+1])
			i += end
			start = i + 1
		}
	}
	flush(len(s))
	return b.String()
}

func rewriteToken(t string) string {
	if a, ok := tokenAliases[t]; ok {
		return a
	}
	for word, code := range prefixedWords {
		if pre, ok := strings.CutSuffix(t, word); ok && (pre == "" || prefixValues[pre] != nil) {
			return pre + code
		}
	}
	if rest, ok := strings.CutPrefix(t, "mc"); ok && !parses(t) { // "mcal" is UCUM (millicalorie)
		if a := atoms[rewriteToken(rest)]; a != nil && a.metric {
			return "u" + a.code
		}
	}
	if m := gluedNum.FindStringSubmatch(t); m != nil {
		return "(" + m[1] + "." + rewriteToken(m[2]) + ")"
	}
	return t
}

func parses(s string) bool {
	_, err := parse(s)
	return err == nil
}
