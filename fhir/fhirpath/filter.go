package fhirpath

// The functions of this file take an expression evaluated once per input
// item, with $this set to the item and $index to its position
// (http://hl7.org/fhirpath/N1/#filtering-and-projection).

// evalOn evaluates x with $this set to the i-th item of in.
func (c *context) evalOn(x node, in []item, i int) ([]item, error) {
	this, index := c.this, c.index
	c.this, c.index = one(in, i), i
	out, err := x.eval(c)
	c.this, c.index = this, index
	return out, err
}

// holds reports whether x is true on the i-th item of in; empty is false.
func (c *context) holds(x node, in []item, i int) (bool, error) {
	r, err := c.evalOn(x, in, i)
	if err != nil {
		return false, err
	}
	b, known, err := toBool(r)
	return known && b, err
}

// whereNode is where(criteria).
type whereNode struct{ src, crit node }

func (n *whereNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	var out []item // stays nil while every item is kept, so that in is returned as is
	for i := range in {
		ok, err := c.holds(n.crit, in, i)
		if err != nil {
			return nil, err
		}
		switch {
		case !ok && out == nil:
			out = append(make([]item, 0, len(in)-1), in[:i]...)
		case ok && out != nil:
			out = append(out, in[i])
		}
	}
	if out == nil {
		return in, nil
	}
	return out, nil
}

// selectNode is select(projection).
type selectNode struct{ src, proj node }

func (n *selectNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil || len(in) == 0 {
		return nil, err
	}
	var out []item
	for i := range in {
		r, err := c.evalOn(n.proj, in, i)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
	}
	return out, nil
}

// existsNode is exists(criteria).
type existsNode struct{ src, crit node }

func (n *existsNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil {
		return nil, err
	}
	for i := range in {
		ok, err := c.holds(n.crit, in, i)
		if err != nil {
			return nil, err
		}
		if ok {
			return trueItems, nil
		}
	}
	return falseItems, nil
}

// allNode is all(criteria); it is true on the empty collection.
type allNode struct{ src, crit node }

func (n *allNode) eval(c *context) ([]item, error) {
	in, err := n.src.eval(c)
	if err != nil {
		return nil, err
	}
	for i := range in {
		ok, err := c.holds(n.crit, in, i)
		if err != nil {
			return nil, err
		}
		if !ok {
			return falseItems, nil
		}
	}
	return trueItems, nil
}
