package jsonschema

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// branch is one subschema of a combined schema with its index as written.
type branch struct {
	s     *jsc.Schema
	index int
}

// distinct drops branches whose canonical form repeats an earlier one (Confluent collapses
// duplicate subschemas too).
func (c *checker) distinct(list []*jsc.Schema) []branch {
	out := make([]branch, 0, len(list))
	seen := make(map[string]bool, len(list))
	for i, s := range list {
		key := c.canonical(s)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, branch{s, i})
	}
	return out
}

// combined compares two allOf/anyOf/oneOf lists as Confluent's CombinedSchemaDiff does: the
// criterion may change only towards anyOf (or from a single branch), an allOf may lose
// branches and an anyOf/oneOf gain them, and a one-to-one pairing of compatible branches
// (a maximum bipartite matching) must cover the shorter list.
func (c *checker) combined(w node, wk criterion, r node, rk criterion, report bool) bool {
	wl, rl := c.distinct(branches(w.s, wk)), c.distinct(branches(r.s, rk))
	path := c.path()
	if wk != rk {
		switch {
		case rk == critAny: // COMBINED_TYPE_EXTENDED
		case rk == critOne && len(wl) == 1:
		case rk == critAll && len(wl) == 1 && len(rl) == 1:
		default:
			return c.fail(report, RuleCombinedTypeChanged, path, func() string {
				fix := fmt.Sprintf("keep %s or use anyOf in the reader schema", wk)
				if wk == critAny {
					fix = "keep anyOf in the reader schema"
				}
				return fmt.Sprintf("the reader schema combines its branches with %s at %s, but the writer schema uses %s, so data written to satisfy %s can fail %s; %s", rk, c.here(), wk, wk, rk, fix)
			})
		}
	}
	ok := true
	if len(wl) < len(rl) && rk == critAll {
		ok = c.fail(report, RuleProductTypeExtended, path, func() string {
			return fmt.Sprintf("the allOf of the reader schema at %s has %d distinct branches where the %s of the writer schema has %d, and each added branch is one more condition written data may fail; remove the added branches", c.here(), len(rl), wk, len(wl))
		})
	}
	if len(wl) > len(rl) && rk != critAll {
		ok = c.fail(report, RuleSumTypeNarrowed, path, func() string {
			return fmt.Sprintf("the %s of the reader schema at %s has %d distinct branches where the %s of the writer schema has %d, so written data matching a dropped branch is refused; keep every branch of the writer schema", rk, c.here(), len(rl), wk, len(wl))
		}) && ok
	}
	if !ok && !report {
		return false
	}
	adj := c.compatibleBranches(w, wl, rl)
	matchW, size := maxMatching(adj, len(rl))
	if size >= min(len(wl), len(rl)) {
		return ok
	}
	return c.fail(report, RuleCombinedTypeSubschemasChanged, path, func() string {
		return c.unmatched(w, wk, wl, matchW, r, rk, size)
	}) && ok
}

// compatibleBranches returns, for each writer branch, the reader branches that can read it.
// Beyond maxMatchPairs pairs only branches written identically, or at the same index, are
// compared.
func (c *checker) compatibleBranches(w node, wl, rl []branch) [][]int {
	adj := make([][]int, len(wl))
	if len(wl)*len(rl) <= maxMatchPairs {
		for i, wb := range wl {
			for j, rb := range rl {
				if c.visit(node{wb.s, w.mask}, node{rb.s, tAll}, false) {
					adj[i] = append(adj[i], j)
				}
			}
		}
		return adj
	}
	byCanon := make(map[string][]int, len(rl))
	for j, rb := range rl {
		key := c.canonical(rb.s)
		byCanon[key] = append(byCanon[key], j)
	}
	for i, wb := range wl {
		cand := append([]int(nil), byCanon[c.canonical(wb.s)]...)
		if i < len(rl) {
			cand = append(cand, i)
		}
		for _, j := range cand {
			if c.visit(node{wb.s, w.mask}, node{rl[j].s, tAll}, false) {
				adj[i] = append(adj[i], j)
			}
		}
	}
	return adj
}

// maxMatching computes a maximum bipartite matching with augmenting paths (Kuhn's
// algorithm). adj lists, for each left vertex, its right neighbours; matchL[i] is the right
// vertex matched to i, or -1.
func maxMatching(adj [][]int, nRight int) (matchL []int, size int) {
	matchL = make([]int, len(adj))
	matchR := make([]int, nRight)
	for i := range matchL {
		matchL[i] = -1
	}
	for j := range matchR {
		matchR[j] = -1
	}
	seen := make([]int, nRight) // the round in which a right vertex was last visited
	var try func(u, round int) bool
	try = func(u, round int) bool {
		for _, v := range adj[u] {
			if seen[v] == round {
				continue
			}
			seen[v] = round
			if matchR[v] < 0 || try(matchR[v], round) {
				matchR[v], matchL[u] = u, v
				return true
			}
		}
		return false
	}
	for u := range adj {
		if try(u, u+1) {
			size++
		}
	}
	return matchL, size
}

// unmatched explains a failed matching by naming a writer branch left without a reader branch
// (or, when the reader's list is the shorter one, a reader branch left without a writer one).
func (c *checker) unmatched(w node, wk criterion, wl []branch, matchW []int, r node, rk criterion, size int) string {
	head := fmt.Sprintf("the %s of the reader schema at %s cannot be paired branch for branch with the %s of the writer schema (only %d of %d pair up)", rk, c.here(), wk, size, min(len(wl), len(branches(r.s, rk))))
	for i, m := range matchW {
		if m >= 0 {
			continue
		}
		wb := wl[i]
		return fmt.Sprintf("%s: no remaining reader branch accepts writer branch %d (%s)%s; make a reader branch accept it", head, wb.index, c.here(wk.String(), strconv.Itoa(wb.index)), c.closest(node{wb.s, w.mask}, branches(r.s, rk), rk.String()))
	}
	return head + "; make each reader branch accept a different writer branch"
}

// mergedAllOf returns one schema that admits every value the writer allOf s admits (and
// maybe more), built from its branches when each is plain: no combiners, "not", "if" or
// reference. It lets a writer that composes an object from parts be read by a reader that
// spells the object out. It returns nil when a branch is not plain. Taking each keyword from
// one branch (and the union of the properties) can only admit more values than the allOf
// does, which is the safe side for a writer.
func (c *checker) mergedAllOf(s *jsc.Schema) *jsc.Schema {
	if m, ok := c.merged[s]; ok {
		return m
	}
	m := c.merge(s)
	if c.merged == nil {
		c.merged = map[*jsc.Schema]*jsc.Schema{}
	}
	c.merged[s] = m
	return m
}

func (c *checker) merge(s *jsc.Schema) *jsc.Schema {
	out := &jsc.Schema{DraftVersion: s.DraftVersion, Location: s.Location}
	types := tAll
	for _, b := range s.AllOf {
		b = c.deref(node{b, tAll}).s
		bi := c.infoOf(b)
		switch {
		case bi.isFalse:
			return falseSchema
		case bi.empty:
			continue
		case bi.hasCombiner() || b.Not != nil || b.If != nil || bi.ref != nil:
			return nil
		}
		types &= bi.own
		if out.Enum == nil && out.Const == nil {
			out.Enum, out.Const = b.Enum, b.Const
		}
		out.MaxProperties = tighter(out.MaxProperties, b.MaxProperties, true)
		out.MinProperties = tighter(out.MinProperties, b.MinProperties, false)
		out.MaxItems = tighter(out.MaxItems, b.MaxItems, true)
		out.MinItems = tighter(out.MinItems, b.MinItems, false)
		out.MaxContains = tighter(out.MaxContains, b.MaxContains, true)
		out.MinContains = tighter(out.MinContains, b.MinContains, false)
		out.MaxLength = tighter(out.MaxLength, b.MaxLength, true)
		out.MinLength = tighter(out.MinLength, b.MinLength, false)
		for _, r := range b.Required {
			if !slices.Contains(out.Required, r) {
				out.Required = append(out.Required, r)
			}
		}
		out.Properties = unionMap(out.Properties, b.Properties)
		out.DependentSchemas = unionMap(out.DependentSchemas, b.DependentSchemas)
		out.DependentRequired = unionMap(out.DependentRequired, b.DependentRequired)
		out.Dependencies = unionMap(out.Dependencies, b.Dependencies)
		for re, ps := range b.PatternProperties {
			if out.PatternProperties == nil {
				out.PatternProperties = map[jsc.Regexp]*jsc.Schema{}
			}
			out.PatternProperties[re] = ps
		}
		first(&out.PropertyNames, b.PropertyNames)
		first(&out.UnevaluatedProperties, b.UnevaluatedProperties)
		first(&out.UnevaluatedItems, b.UnevaluatedItems)
		first(&out.Contains, b.Contains)
		out.Maximum = tighterRat(out.Maximum, b.Maximum, true)
		out.Minimum = tighterRat(out.Minimum, b.Minimum, false)
		out.ExclusiveMaximum = tighterRat(out.ExclusiveMaximum, b.ExclusiveMaximum, true)
		out.ExclusiveMinimum = tighterRat(out.ExclusiveMinimum, b.ExclusiveMinimum, false)
		first(&out.MultipleOf, b.MultipleOf)
		if out.Pattern == nil {
			out.Pattern = b.Pattern
		}
		if out.AdditionalProperties == nil {
			out.AdditionalProperties = b.AdditionalProperties
		}
		if out.Items == nil && out.PrefixItems == nil && out.Items2020 == nil {
			// A tuple and what follows it belong together.
			out.Items, out.AdditionalItems, out.PrefixItems, out.Items2020 = b.Items, b.AdditionalItems, b.PrefixItems, b.Items2020
		}
		out.UniqueItems = out.UniqueItems || b.UniqueItems
	}
	if types != tAll {
		out.Types = jscTypes(types)
	}
	return out
}

func first[T any](dst **T, v *T) {
	if *dst == nil {
		*dst = v
	}
}

// tighter keeps the tighter of two optional limits.
func tighter(a, b *int, upper bool) *int {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case upper == (*b < *a):
		return b
	}
	return a
}

// tighterRat keeps the tighter of two optional numeric bounds.
func tighterRat(a, b *big.Rat, upper bool) *big.Rat {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case upper == (b.Cmp(a) < 0):
		return b
	}
	return a
}

// unionMap adds the entries of b that a lacks.
func unionMap[V any](a, b map[string]V) map[string]V {
	if len(b) == 0 {
		return a
	}
	if a == nil {
		a = make(map[string]V, len(b))
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// jscTypes converts a type set back into the compiler's form.
func jscTypes(ts typeSet) *jsc.Types {
	var t jsc.Types
	for _, tn := range []struct {
		t    typeSet
		name string
	}{{tNull, "null"}, {tBool, "boolean"}, {tObject, "object"}, {tArray, "array"}, {tString, "string"}} {
		if ts&tn.t != 0 {
			t.Add(tn.name)
		}
	}
	switch {
	case ts&tFloat != 0:
		t.Add("number")
	case ts&tInteger != 0:
		t.Add("integer")
	}
	return &t
}
