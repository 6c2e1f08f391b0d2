package fhirfacts

// The element decoders of decode.go for the smaller FHIR datatypes and
// backbone elements, built from two helpers: fields walks an object's keys,
// list reads an array of one element type.

// fields calls field for every key of an object (none for null); field
// must consume the value.
func (l *lexer) fields(field func(k []byte)) {
	if !l.object() {
		return
	}
	for first := true; ; {
		k, ok := l.key(&first)
		if !ok {
			return
		}
		field(k)
	}
}

// list reads an array whose elements one decodes (nil for null, empty for
// [], as encoding/json does).
func list[T any](l *lexer, one func(*T)) []T {
	if !l.array() {
		return nil
	}
	out := []T{}
	for first := true; l.more(&first); {
		var v T
		one(&v)
		out = append(out, v)
	}
	return out
}

// ptr reads an object into a new T (nil for null).
func ptr[T any](l *lexer, one func(*T)) *T {
	if l.null() {
		return nil
	}
	v := new(T)
	one(v)
	return v
}

func (l *lexer) codingInto(c *coding) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "system":
			c.System = l.str()
		case "code":
			c.Code = l.str()
		case "display":
			c.Display = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) concept(c *concept) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "coding":
			c.Coding = list(l, l.codingInto)
		case "text":
			c.Text = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) conceptPtr() *concept    { return ptr(l, l.concept) }
func (l *lexer) concepts() []concept     { return list(l, l.concept) }
func (l *lexer) reference() *reference   { return ptr(l, l.referenceInto) }
func (l *lexer) references() []reference { return list(l, l.referenceInto) }
func (l *lexer) period() *period         { return ptr(l, l.periodInto) }
func (l *lexer) quantity() *quantity     { return ptr(l, l.quantityInto) }

func (l *lexer) referenceInto(r *reference) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "reference":
			r.Reference = l.str()
		case "display":
			r.Display = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) periodInto(p *period) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "start":
			p.Start = l.str()
		case "end":
			p.End = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) quantityInto(q *quantity) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "value":
			q.Value = l.number()
		case "comparator":
			q.Comparator = l.str()
		case "unit":
			q.Unit = l.str()
		case "system":
			q.System = l.str()
		case "code":
			q.Code = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) rangeInto(rr *refRange) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "low":
			rr.Low = l.quantity()
		case "high":
			rr.High = l.quantity()
		case "type":
			rr.Type = l.conceptPtr()
		case "appliesTo":
			rr.AppliesTo = l.concepts()
		case "age":
			rr.Age = ptr(l, l.ageInto)
		case "text":
			rr.Text = l.str()
		default:
			l.skip()
		}
	})
}

func (l *lexer) ageInto(a *ageRange) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "low":
			a.Low = l.quantity()
		case "high":
			a.High = l.quantity()
		default:
			l.skip()
		}
	})
}

func (l *lexer) extensionInto(e *extension) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "url":
			e.URL = l.str()
		case "valueCode":
			e.ValueCode = l.str()
		case "valueString":
			e.ValueString = l.str()
		case "valueInteger":
			e.ValueInteger = l.numberPtr()
		case "valueBoolean":
			e.ValueBoolean = l.boolean()
		case "valueCodeableConcept":
			e.ValueCodeableConcept = l.conceptPtr()
		case "valueCoding":
			e.ValueCoding = ptr(l, l.codingInto)
		case "valueReference":
			e.ValueReference = l.reference()
		default:
			l.skip()
		}
	})
}

func (l *lexer) componentInto(c *component) {
	l.fields(func(k []byte) {
		if l.value(k, &c.value) {
			return
		}
		switch string(k) {
		case "code":
			l.concept(&c.Code)
		case "interpretation":
			c.Interpretation = l.concepts()
		case "referenceRange":
			c.ReferenceRange = list(l, l.rangeInto)
		default:
			l.skip()
		}
	})
}

func (l *lexer) stageInto(st *stage) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "summary":
			st.Summary = l.conceptPtr()
		case "type":
			st.Type = l.conceptPtr()
		case "assessment":
			st.Assessment = l.references()
		default:
			l.skip()
		}
	})
}

// only reads an object of which one key matters into *target.
func only[T any](l *lexer, key string, target **T, one func(*T)) {
	l.fields(func(k []byte) {
		if string(k) == key {
			*target = ptr(l, one)
		} else {
			l.skip()
		}
	})
}

func (l *lexer) ingredientInto(in *ingredient) {
	only(l, "itemCodeableConcept", &in.ItemCodeableConcept, l.concept)
}

func (l *lexer) causalityInto(c *causality) {
	only(l, "assessment", &c.Assessment, l.concept)
}

func (l *lexer) collectionInto(c *collection) {
	only(l, "fastingStatusCodeableConcept", &c.FastingStatusCodeableConcept, l.concept)
}

func (l *lexer) suspectInto(s *suspect) {
	l.fields(func(k []byte) {
		switch string(k) {
		case "instance":
			l.referenceInto(&s.Instance)
		case "causality":
			s.Causality = list(l, l.causalityInto)
		default:
			l.skip()
		}
	})
}
