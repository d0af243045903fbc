package jsonschema

import (
	"fmt"
	"math/big"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// intLimit compares one optional integer keyword of the two schemas. upper says whether the
// keyword is an upper bound (maxLength: the reader may raise it) or a lower bound (minLength:
// the reader may lower it); floor is the value an absent lower bound means.
type intLimit struct {
	kw           string // the keyword, e.g. "maxLength"
	upper        bool
	floor        int
	added, tight string // rules for a bound the writer lacks, and for a tighter bound
	what         string // what is counted, e.g. "characters"
}

func (c *checker) intRule(l intLimit, wv, rv *int, report bool) bool {
	if rv == nil {
		return true
	}
	if wv == nil {
		if !l.upper && *rv <= l.floor {
			return true
		}
		return c.fail(report, l.added, c.path(l.kw), func() string {
			return fmt.Sprintf("the reader schema sets %q to %d at %s, but the writer schema has no such limit there; remove %q from the reader schema", l.kw, *rv, c.here(l.kw), l.kw)
		})
	}
	if l.upper && *rv >= *wv || !l.upper && *rv <= *wv {
		return true
	}
	return c.fail(report, l.tight, c.path(l.kw), func() string {
		dir, dirW := "at most", "up to"
		if !l.upper {
			dir, dirW = "at least", "as few as"
		}
		return fmt.Sprintf("the reader schema requires %s %d %s at %s, but the writer schema allows %s %d; set %q to %d in the reader schema", dir, *rv, l.what, c.here(l.kw), dirW, *wv, l.kw, *wv)
	})
}

var (
	maxLengthLimit = intLimit{kw: "maxLength", upper: true, added: RuleMaxLengthAdded, tight: RuleMaxLengthDecreased, what: "characters"}
	minLengthLimit = intLimit{kw: "minLength", added: RuleMinLengthAdded, tight: RuleMinLengthIncreased, what: "characters"}
)

// stringRules compares maxLength, minLength and pattern. "format", "contentEncoding" and
// "contentMediaType" are annotations (Confluent does not compare them either).
func (c *checker) stringRules(w, r *jsc.Schema, report bool) bool {
	ok := c.intRule(maxLengthLimit, w.MaxLength, r.MaxLength, report)
	if !ok && !report {
		return false
	}
	ok = c.intRule(minLengthLimit, w.MinLength, r.MinLength, report) && ok
	if !ok && !report {
		return false
	}
	if r.Pattern == nil || w.Pattern != nil && w.Pattern.String() == r.Pattern.String() {
		return ok
	}
	if w.Pattern == nil {
		return c.fail(report, RulePatternAdded, c.path("pattern"), func() string {
			return fmt.Sprintf("the reader schema requires strings to match %q at %s, but the writer schema has no pattern there; remove \"pattern\" from the reader schema", r.Pattern.String(), c.here("pattern"))
		}) && ok
	}
	return c.fail(report, RulePatternChanged, c.path("pattern"), func() string {
		return fmt.Sprintf("the reader schema requires pattern %q at %s where the writer schema has %q, and patterns are compared as written; use the pattern of the writer schema", r.Pattern.String(), c.here("pattern"), w.Pattern.String())
	}) && ok
}

// bound is the effective upper or lower bound of a number schema.
type bound struct {
	v    *big.Rat
	excl bool
	kw   string // the keyword that sets it
}

// upperBound returns the tighter of "maximum" and "exclusiveMaximum" (the compiler has
// already turned draft-04's boolean form into the numeric one).
func upperBound(s *jsc.Schema) *bound {
	var b *bound
	if s.Maximum != nil {
		b = &bound{s.Maximum, false, "maximum"}
	}
	if e := s.ExclusiveMaximum; e != nil && (b == nil || e.Cmp(b.v) <= 0) {
		b = &bound{e, true, "exclusiveMaximum"}
	}
	return b
}

// lowerBound returns the tighter of "minimum" and "exclusiveMinimum".
func lowerBound(s *jsc.Schema) *bound {
	var b *bound
	if s.Minimum != nil {
		b = &bound{s.Minimum, false, "minimum"}
	}
	if e := s.ExclusiveMinimum; e != nil && (b == nil || e.Cmp(b.v) >= 0) {
		b = &bound{e, true, "exclusiveMinimum"}
	}
	return b
}

// integral returns the bound as an inclusive integer bound, for writers that only write
// integers: "exclusiveMaximum": 11 and "maximum": 10 then mean the same.
func (b *bound) integral(upper bool) *big.Int {
	q, m := new(big.Int).DivMod(b.v.Num(), b.v.Denom(), new(big.Int)) // floor
	exact := m.Sign() == 0
	if upper {
		if exact && b.excl {
			q.Sub(q, big.NewInt(1))
		}
		return q
	}
	if !exact || b.excl {
		q.Add(q, big.NewInt(1)) // ceiling, or one past an exclusive integer
	}
	return q
}

// covers reports whether reader bound r admits every number writer bound w admits.
func covers(w, r *bound, upper, integersOnly bool) bool {
	if integersOnly {
		cmp := r.integral(upper).Cmp(w.integral(upper))
		return upper && cmp >= 0 || !upper && cmp <= 0
	}
	cmp := r.v.Cmp(w.v)
	if !upper {
		cmp = -cmp
	}
	return cmp > 0 || cmp == 0 && (!r.excl || w.excl)
}

// phrase describes the numbers a bound admits, e.g. "below 10" or "at least 0.5".
func (b *bound) phrase(upper bool) string {
	switch {
	case upper && b.excl:
		return "below " + ratText(b.v)
	case upper:
		return "at most " + ratText(b.v)
	case b.excl:
		return "above " + ratText(b.v)
	}
	return "at least " + ratText(b.v)
}

// ratText renders a number in decimal when it has a short exact decimal form (0.25), as a
// fraction otherwise (1/3).
func ratText(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	for prec := 1; prec <= 20; prec++ {
		s := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(s); ok && back.Cmp(r) == 0 {
			return s
		}
	}
	return r.RatString()
}

// numberRules compares the bounds and multipleOf. nums is the set of number types both sides
// admit.
func (c *checker) numberRules(w, r *jsc.Schema, nums typeSet, report bool) bool {
	integersOnly := nums == tInteger
	ok := c.boundRule(upperBound(w), upperBound(r), true, integersOnly, report)
	if !ok && !report {
		return false
	}
	ok = c.boundRule(lowerBound(w), lowerBound(r), false, integersOnly, report) && ok
	if !ok && !report {
		return false
	}
	return c.multipleOf(w.MultipleOf, r.MultipleOf, integersOnly, report) && ok
}

func (c *checker) boundRule(wb, rb *bound, upper, integersOnly bool, report bool) bool {
	if rb == nil || wb != nil && covers(wb, rb, upper, integersOnly) {
		return true
	}
	if wb == nil {
		rule := map[string]string{"maximum": RuleMaximumAdded, "exclusiveMaximum": RuleExclusiveMaximumAdded,
			"minimum": RuleMinimumAdded, "exclusiveMinimum": RuleExclusiveMinimumAdded}[rb.kw]
		return c.fail(report, rule, c.path(rb.kw), func() string {
			return fmt.Sprintf("the reader schema requires numbers %s at %s, but the writer schema has no such bound there; remove %q from the reader schema", rb.phrase(upper), c.here(rb.kw), rb.kw)
		})
	}
	rule := map[string]string{"maximum": RuleMaximumDecreased, "exclusiveMaximum": RuleExclusiveMaximumDecreased,
		"minimum": RuleMinimumIncreased, "exclusiveMinimum": RuleExclusiveMinimumIncreased}[rb.kw]
	return c.fail(report, rule, c.path(rb.kw), func() string {
		return fmt.Sprintf("the reader schema requires numbers %s at %s, but the writer schema allows numbers %s; relax the bound in the reader schema to allow numbers %s", rb.phrase(upper), c.here(rb.kw), wb.phrase(upper), wb.phrase(upper))
	})
}

func (c *checker) multipleOf(wm, rm *big.Rat, integersOnly bool, report bool) bool {
	if rm == nil {
		return true
	}
	if wm == nil {
		if integersOnly && new(big.Rat).Quo(big.NewRat(1, 1), rm).IsInt() {
			return true // every integer is a multiple of 1/n
		}
		return c.fail(report, RuleMultipleOfAdded, c.path("multipleOf"), func() string {
			return fmt.Sprintf("the reader schema requires multiples of %s at %s, but the writer schema has no \"multipleOf\" there; remove it from the reader schema", ratText(rm), c.here("multipleOf"))
		})
	}
	if new(big.Rat).Quo(wm, rm).IsInt() {
		return true // every multiple of the writer's is a multiple of the reader's
	}
	rule := RuleMultipleOfChanged
	if new(big.Rat).Quo(rm, wm).IsInt() {
		rule = RuleMultipleOfExpanded
	}
	return c.fail(report, rule, c.path("multipleOf"), func() string {
		return fmt.Sprintf("the reader schema requires multiples of %s at %s, but the writer schema allows any multiple of %s; make \"multipleOf\" in the reader schema a divisor of %s", ratText(rm), c.here("multipleOf"), ratText(wm), ratText(wm))
	})
}
