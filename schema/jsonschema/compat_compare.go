package jsonschema

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// writerValues decides a pair whose writer lists its values ("enum" or "const"): when the
// reader accepts each of them, nothing else matters. When some value is refused the keyword
// rules run as usual to say why (done is false).
func (c *checker) writerValues(w, r node) (ok, done bool) {
	wi := c.infoOf(w.s)
	if wi.values == nil || isSentinel(r.s) || r.mask != tAll {
		return false, false
	}
	if !c.charge(len(wi.values.values)) {
		return false, true
	}
	for _, v := range wi.values.values {
		if typeOfValue(v)&w.mask == 0 {
			continue
		}
		if !accepts(r.s, v) {
			return false, false
		}
	}
	return true, true
}

// accepts validates one value against a compiled subschema.
func accepts(s *jsc.Schema, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.Validate(v) == nil
}

// writerCombined handles a writer that is nothing but one allOf, anyOf or oneOf, read by a
// reader without any: a single branch is compared directly; each branch of an anyOf/oneOf
// must be readable; an allOf is readable when the merge of its plain branches is, or one of
// its branches is. When done is false the pair is compared keyword by keyword
// instead.
func (c *checker) writerCombined(w, r node, wi *nodeInfo, report bool) (ok, done bool) {
	list := branches(w.s, wi.pureKind)
	tok := wi.pureKind.String()
	if len(list) == 1 {
		return c.child(node{list[0], w.mask}, r, report, tok, "0"), true
	}
	if wi.pureKind == critAll {
		// The merge of the branches keeps what each says about every property. A single
		// branch that reads well is enough too (the allOf admits less than it does), except
		// under LENIENT when a merge exists: a branch silent about a property would then pass
		// as "added to an open model" what another branch types differently.
		m := c.mergedAllOf(w.s)
		if m != nil && c.visit(node{m, w.mask}, r, false) {
			return true, true
		}
		if m == nil || !c.lenient {
			for _, b := range list {
				if c.visit(node{b, w.mask}, r, false) {
					return true, true
				}
			}
		}
		if m != nil {
			return c.visit(node{m, w.mask}, r, report), true
		}
		return false, false
	}
	ok = true
	for i, b := range list {
		ok = c.child(node{b, w.mask}, r, report, tok, strconv.Itoa(i)) && ok
		if !ok && !report {
			return false, true
		}
	}
	return ok, true
}

// compareNodes compares two schemas facet by facet: their own keywords, their combined
// schemas, "not", if/then/else and a reference beside other keywords.
func (c *checker) compareNodes(w, r node, wi, ri *nodeInfo, report bool) bool {
	ok, stop := c.base(w, r, wi, ri, report)
	if stop || (!ok && !report) {
		return false
	}
	ok = c.combiners(w, r, wi, ri, report) && ok
	if !ok && !report {
		return false
	}
	if ri.ref != nil && !ri.refOnly {
		// A reference beside other keywords (2019-09 and later) is one more constraint.
		ok = c.child(w, node{ri.ref, tAll}, report, "$ref") && ok
		if !ok && !report {
			return false
		}
	}
	ok = c.not(w, r, report) && ok
	if !ok && !report {
		return false
	}
	return c.conditional(w, r, report) && ok
}

// base compares the keywords of the two schemas themselves: types, values, and the keywords
// of each type both admit. stop is set when the types do not overlap at all, as Confluent
// stops at TYPE_CHANGED.
func (c *checker) base(w, r node, wi, ri *nodeInfo, report bool) (ok, stop bool) {
	ok = true
	wt := c.effTypes(w)
	rt := ri.own & r.mask
	if lost := wt &^ rt; lost != 0 {
		if lost == tFloat && rt&tInteger != 0 {
			ok = c.fail(report, RuleTypeNarrowed, c.path(), func() string {
				return fmt.Sprintf("the reader schema accepts only integers at %s, but the writer schema allows any number there; accept \"number\" in the \"type\" of the reader schema", c.here())
			}) && ok
		} else {
			ok = c.fail(report, RuleTypeChanged, c.path(), func() string {
				fix := fmt.Sprintf("add %s to the \"type\" of the reader schema", describeTypes(lost))
				if wt&rt == 0 {
					fix = "make the two types match"
				}
				return fmt.Sprintf("the reader schema accepts %s at %s, but the writer schema allows %s there; %s", describeTypes(rt), c.here(), describeTypes(wt), fix)
			}) && ok
			if wt&rt == 0 {
				return false, true
			}
		}
		if !ok && !report {
			return false, false
		}
	}
	common := wt & rt
	ok = c.values(w, r, wi, ri, rt, report) && ok
	if !ok && !report {
		return false, false
	}
	if common&tString != 0 {
		ok = c.stringRules(w.s, r.s, report) && ok
		if !ok && !report {
			return false, false
		}
	}
	if common&tNumber != 0 {
		ok = c.numberRules(w.s, r.s, common&tNumber, report) && ok
		if !ok && !report {
			return false, false
		}
	}
	if common&tObject != 0 {
		ok = c.objectRules(w.s, r.s, report) && ok
		if !ok && !report {
			return false, false
		}
	}
	if common&tArray != 0 {
		ok = c.arrayRules(w.s, r.s, report) && ok
	}
	return ok, false
}

// values compares "enum" and "const".
func (c *checker) values(w, r node, wi, ri *nodeInfo, rt typeSet, report bool) bool {
	rv := ri.values
	if rv == nil {
		return true
	}
	kw := "enum"
	if r.s.Enum == nil {
		kw = "const"
	}
	wv := wi.values
	if wv == nil {
		wt := c.effTypes(w)
		// Booleans and null are small enough to be listed completely.
		if wt&^(tBool|tNull) == 0 && (wt&tBool == 0 || rv.has(true) && rv.has(false)) && (wt&tNull == 0 || rv.has(nil)) {
			return true
		}
		rule := RuleEnumAdded
		if kw == "const" {
			rule = RuleConstAdded
		}
		return c.fail(report, rule, c.path(kw), func() string {
			return fmt.Sprintf("the reader schema allows only %s at %s, but the writer schema allows %s there; remove %q from the reader schema or list every value the writer schema allows", valueList(rv.values), c.here(kw), describeTypes(wt), kw)
		})
	}
	var missing []any
	lost := c.effTypes(w) &^ rt
	for i, v := range wv.values {
		if t := typeOfValue(v); t&w.mask == 0 || t&lost != 0 {
			continue // not written, or already reported as a type change
		}
		if !rv.keys[wv.order[i]] {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return true
	}
	rule := RuleEnumArrayNarrowed
	for _, k := range rv.order {
		if !wv.keys[k] {
			rule = RuleEnumArrayChanged
			break
		}
	}
	return c.fail(report, rule, c.path(kw), func() string {
		return fmt.Sprintf("the %q of the reader schema at %s lacks %s, which the writer schema allows; add %s to that %q", kw, c.here(kw), valueList(missing), pluralThem(len(missing)), kw)
	})
}

// valueList renders up to five values for a message.
func valueList(vs []any) string {
	var parts []string
	for i, v := range vs {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-5))
			break
		}
		parts = append(parts, renderValue(v))
	}
	return strings.Join(parts, ", ")
}

func pluralThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// combiners compares the allOf/anyOf/oneOf lists of two schemas that are not both plain.
func (c *checker) combiners(w, r node, wi, ri *nodeInfo, report bool) bool {
	var wk, rk []criterion
	for k := critAll; k <= critOne; k++ {
		if wi.kinds[k] {
			wk = append(wk, k)
		}
		if ri.kinds[k] {
			rk = append(rk, k)
		}
	}
	if len(wk) == 1 && len(rk) == 1 && wk[0] != rk[0] {
		return c.combined(w, wk[0], r, rk[0], report)
	}
	ok := true
	for _, k := range rk {
		if wi.kinds[k] {
			ok = c.combined(w, k, r, k, report) && ok
		} else {
			ok = c.addedCombiner(w, r, k, report) && ok
		}
		if !ok && !report {
			return false
		}
	}
	return ok
}

// addedCombiner handles an allOf/anyOf/oneOf of the reader that the writer lacks: each allOf
// branch must read the writer; some anyOf/oneOf branch must (or, for a writer of several
// types, some branch for each type).
func (c *checker) addedCombiner(w, r node, k criterion, report bool) bool {
	list := branches(r.s, k)
	tok := k.String()
	if k == critAll {
		ok := true
		for i, b := range list {
			ok = c.child(w, node{b, tAll}, report, tok, strconv.Itoa(i)) && ok
			if !ok && !report {
				return false
			}
		}
		return ok
	}
	if len(list) == 1 {
		return c.child(w, node{list[0], tAll}, report, tok, "0")
	}
	for _, b := range list {
		if c.visit(w, node{b, tAll}, false) {
			return true
		}
	}
	if wt := c.effTypes(w); bits.OnesCount8(uint8(wt)) > 1 {
		all := true
		for t := typeSet(1); t <= tFloat && all; t <<= 1 {
			if wt&t == 0 {
				continue
			}
			found := false
			for _, b := range list {
				if c.visit(node{w.s, w.mask & t}, node{b, tAll}, false) {
					found = true
					break
				}
			}
			all = found
		}
		if all {
			return true
		}
	}
	return c.fail(report, RuleTypeChanged, c.path(), func() string {
		return fmt.Sprintf("no branch of the %s of the reader schema at %s accepts everything the writer schema allows there%s; add a branch that does, or widen one", tok, c.here(), c.closest(w, list, tok))
	})
}

// closest explains why the reader branch that comes nearest to reading w does not: among the
// first few, the one with the fewest findings, preferring branches of a matching type.
func (c *checker) closest(w node, list []*jsc.Schema, tok string) string {
	best, bestCount, bestMismatch := -1, 0, false
	var bestFirst schema.Incompatibility
	for i, b := range list {
		if i == maxExplain {
			break
		}
		idx := strconv.Itoa(i)
		f, n := c.explain(w, node{b, tAll}, tok, idx)
		if n == 0 {
			continue
		}
		mismatch := f.Rule == RuleTypeChanged && f.Path == c.path(tok, idx)
		if best < 0 || !mismatch && bestMismatch || mismatch == bestMismatch && n < bestCount {
			best, bestCount, bestMismatch, bestFirst = i, n, mismatch, f
		}
	}
	if best < 0 {
		return ""
	}
	return because(fmt.Sprintf("its closest branch %d", best), bestFirst, bestCount, true)
}

// not compares "not": the reader's must exclude no more than the writer's.
func (c *checker) not(w, r node, report bool) bool {
	rn := r.s.Not
	if rn == nil {
		return true
	}
	if wn := w.s.Not; wn != nil {
		// Reversed: every value the reader's "not" excludes must be excluded by the writer's.
		if c.visit(node{rn, tAll}, node{wn, tAll}, false) {
			return true
		}
		return c.fail(report, RuleNotTypeExtended, c.path("not"), func() string {
			f, n := c.explain(node{rn, tAll}, node{wn, tAll}, "not")
			return fmt.Sprintf("the \"not\" of the reader schema at %s excludes values that the \"not\" of the writer schema allows%s; make the reader schema exclude no more than the writer schema does",
				c.here("not"), because("comparing the two the other way round", f, n, false))
		})
	}
	ni := c.infoOf(rn)
	if ni.isFalse || c.effTypes(w)&c.effTypesOf(rn) == 0 {
		return true // excludes nothing, or nothing the writer allows
	}
	return c.fail(report, RuleNotTypeExtended, c.path("not"), func() string {
		return fmt.Sprintf("the reader schema adds a \"not\" at %s that excludes values the writer schema allows; remove it from the reader schema or make it exclude only values the writer schema refuses", c.here("not"))
	})
}

// conditional compares if/then/else (Carta's own rule; Confluent ignores them).
func (c *checker) conditional(w, r node, report bool) bool {
	rs, ws := r.s, w.s
	if rs.If == nil || (rs.Then == nil && rs.Else == nil) {
		return true
	}
	orTrue := func(s *jsc.Schema) node {
		if s == nil {
			return node{trueSchema, tAll}
		}
		return node{s, tAll}
	}
	if ws.If == nil || (ws.Then == nil && ws.Else == nil) {
		// A condition the writer did not have: its data must satisfy both branches.
		ok := true
		if rs.Then != nil {
			ok = c.child(w, node{rs.Then, tAll}, report, "then")
		}
		if rs.Else != nil && (ok || report) {
			ok = c.child(w, node{rs.Else, tAll}, report, "else") && ok
		}
		return ok
	}
	wi, ri := node{ws.If, tAll}, node{rs.If, tAll}
	if !c.visit(wi, ri, false) || !c.visit(ri, wi, false) {
		return c.fail(report, RuleConditionChanged, c.path("if"), func() string {
			return fmt.Sprintf("the \"if\" of the reader schema at %s differs from the one of the writer schema, so written data may be checked against the other branch; keep the \"if\" of the writer schema and change only \"then\" and \"else\"", c.here("if"))
		})
	}
	ok := c.branchRule(w, orTrue(ws.Then), orTrue(rs.Then), report, "then")
	if !ok && !report {
		return false
	}
	return c.branchRule(w, orTrue(ws.Else), orTrue(rs.Else), report, "else") && ok
}

// branchRule compares one branch of two conditionals with the same "if". Writer data taking
// the branch satisfies both the writer schema and its branch, so the reader's branch must
// accept either of them; when neither fits, the two branches' differences are reported.
func (c *checker) branchRule(w, wb, rb node, report bool, tok string) bool {
	if c.visit(wb, rb, false) || c.visit(w, rb, false) {
		return true
	}
	return c.child(wb, rb, report, tok)
}
