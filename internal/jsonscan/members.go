package jsonscan

import "encoding/json"

// Member is one member of a JSON object: its name, decoded, and its value
// as raw bytes.
type Member struct {
	Name  string
	Value []byte
}

// Members lists the members of the JSON object obj in order. It skips
// values rather than checking them: obj must be valid JSON (white space
// between tokens is allowed). ok is false when obj is not an object.
func Members(obj []byte) (ms []Member, ok bool) {
	i := SkipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	for i = SkipSpace(obj, i+1); i < len(obj) && obj[i] != '}'; {
		if obj[i] != '"' {
			return nil, false
		}
		name, end, ok := Read(obj, i)
		if !ok {
			end = Skip(obj, i)
			if json.Unmarshal(obj[i:end], &name) != nil {
				return nil, false
			}
		}
		i = SkipSpace(obj, end)
		if i >= len(obj) || obj[i] != ':' {
			return nil, false
		}
		i = SkipSpace(obj, i+1)
		vend := ValueEnd(obj, i)
		if vend <= i {
			return nil, false
		}
		ms = append(ms, Member{Name: name, Value: obj[i:vend]})
		i = SkipSpace(obj, vend)
		if i < len(obj) && obj[i] == ',' {
			i = SkipSpace(obj, i+1)
		}
	}
	if i >= len(obj) {
		return nil, false
	}
	return ms, true
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && IsSpace(b[i]) {
		i++
	}
	return i
}

// ValueEnd returns the index just after the JSON value starting at b[i],
// skipping it: b must be valid JSON.
func ValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return Skip(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = Skip(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
		j++
	}
	return j
}

// IsSpace reports whether c is JSON white space.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// NumberEnd returns the index just after the JSON number starting at
// b[i], in JSON's grammar -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; -1 when
// no number starts there.
func NumberEnd(b []byte, i int) int {
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return -1
		}
	}
	return i
}
