package jsonschema

import (
	"fmt"
	"strconv"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	maxItemsLimit    = intLimit{kw: "maxItems", upper: true, added: RuleMaxItemsAdded, tight: RuleMaxItemsDecreased, what: "items"}
	minItemsLimit    = intLimit{kw: "minItems", added: RuleMinItemsAdded, tight: RuleMinItemsIncreased, what: "items"}
	maxContainsLimit = intLimit{kw: "maxContains", upper: true, added: RuleMaxContainsAdded, tight: RuleMaxContainsDecreased, what: "matching items"}
	minContainsLimit = intLimit{kw: "minContains", floor: 1, added: RuleMinContainsAdded, tight: RuleMinContainsIncreased, what: "matching items"}
)

// arrayModel is an array schema in draft-neutral terms: a schema for every item, or a tuple
// with a schema for the items beyond it. Draft 2020-12's prefixItems is the tuple and its
// "items" then plays the part of additionalItems.
type arrayModel struct {
	all      *jsc.Schema // items for every position
	tuple    []*jsc.Schema
	tupleKw  string
	permits  bool        // items beyond the tuple are allowed
	addl     *jsc.Schema // their schema, when it constrains without being false
	addlKw   string
	uneval   *jsc.Schema // unevaluatedItems, when it constrains (false included)
	hasTuple bool
}

func (c *checker) arrayModelOf(s *jsc.Schema) arrayModel {
	m := arrayModel{permits: true, tupleKw: "items", addlKw: "additionalItems"}
	var addl any
	if s.DraftVersion >= 2020 {
		m.tuple, m.tupleKw, m.addlKw = s.PrefixItems, "prefixItems", "items"
		if len(s.PrefixItems) > 0 {
			if s.Items2020 != nil {
				addl = s.Items2020
			}
		} else {
			m.all = s.Items2020
		}
	} else {
		switch v := s.Items.(type) {
		case []*jsc.Schema:
			m.tuple = v
			addl = s.AdditionalItems
		case *jsc.Schema:
			m.all = v
		}
	}
	m.hasTuple = len(m.tuple) > 0
	switch v := addl.(type) {
	case bool:
		m.permits = v
	case *jsc.Schema:
		switch {
		case c.isFalseSchema(v):
			m.permits = false
		case !c.isEmptySchema(v):
			m.addl = v
		}
	}
	if m.all != nil && c.isEmptySchema(m.all) {
		m.all = nil
	}
	if u := s.UnevaluatedItems; u != nil && !c.isEmptySchema(u) {
		m.uneval = u
	}
	return m
}

// open reports whether items beyond the tuple may be anything.
func (m arrayModel) open() bool { return m.permits && m.addl == nil && m.uneval == nil }

// cover returns the schema for items beyond the tuple; closed is set when there may be none.
func (m arrayModel) cover() (cover *jsc.Schema, closed bool) {
	switch {
	case !m.permits:
		return nil, true
	case m.addl != nil:
		return m.addl, false
	case m.uneval != nil:
		return m.uneval, false
	}
	return nil, false
}

// arrayRules compares the array keywords in Confluent's order: the schema of every item, the
// tuple, additional items, unevaluated items, then the counts; "contains" is Carta's own.
func (c *checker) arrayRules(w, r *jsc.Schema, report bool) bool {
	wm, rm := c.arrayModelOf(w), c.arrayModelOf(r)
	return run(report,
		func() bool { return c.allItems(wm, rm, report) },
		func() bool { return c.tuple(wm, rm, report) },
		func() bool { return c.additionalItems(wm, rm, report) },
		func() bool {
			return c.unevaluated(w.UnevaluatedItems, r.UnevaluatedItems, "unevaluatedItems", "items", report)
		},
		func() bool { return c.contains(w, r, report) },
		func() bool { return c.intRule(maxItemsLimit, w.MaxItems, r.MaxItems, report) },
		func() bool { return c.intRule(minItemsLimit, w.MinItems, r.MinItems, report) },
		func() bool {
			if !r.UniqueItems || w.UniqueItems {
				return true
			}
			return c.fail(report, RuleUniqueItemsAdded, c.path("uniqueItems"), func() string {
				return fmt.Sprintf("the reader schema requires unique items at %s, but the writer schema allows repeated ones; remove \"uniqueItems\" from the reader schema", c.here("uniqueItems"))
			})
		},
		func() bool { return c.intRule(maxContainsLimit, w.MaxContains, r.MaxContains, report) },
		func() bool { return c.intRule(minContainsLimit, w.MinContains, r.MinContains, report) },
	)
}

// allItems compares the schemas every item must match; one added where the writer had none is
// SCHEMA_ADDED (Confluent does not look at the writer's tuple here).
func (c *checker) allItems(wm, rm arrayModel, report bool) bool {
	switch {
	case rm.all == nil:
		return true
	case wm.all == nil:
		return c.fail(report, RuleSchemaAdded, c.path("items"), func() string {
			return fmt.Sprintf("the reader schema gives every item a schema at %s, but the writer schema has none there; remove \"items\" from the reader schema", c.here("items"))
		})
	}
	return c.child(node{wm.all, tAll}, node{rm.all, tAll}, report, "items")
}

// tuple compares positional item schemas with Confluent's content-model rules.
func (c *checker) tuple(wm, rm arrayModel, report bool) bool {
	kw := rm.tupleKw
	if !rm.hasTuple {
		kw = wm.tupleKw
	}
	ok := true
	for i := 0; i < len(wm.tuple) || i < len(rm.tuple); i++ {
		idx := strconv.Itoa(i)
		path := c.path(kw, idx)
		switch {
		case i < len(wm.tuple) && i < len(rm.tuple):
			ok = c.child(node{wm.tuple[i], tAll}, node{rm.tuple[i], tAll}, report, kw, idx) && ok
		case i < len(wm.tuple): // the reader's tuple is shorter
			ws := wm.tuple[i]
			cover, closed := rm.cover()
			switch {
			case rm.open():
			case closed:
				if c.isFalseSchema(ws) {
					break
				}
				ok = c.fail(report, RuleItemRemovedFromClosedContentModel, path, func() string {
					return fmt.Sprintf("the tuple of the reader schema ends before position %d (%s) and allows no further items, but the writer schema has an item there; keep the position in the reader schema or allow additional items", i, pointerOrRoot(path))
				}) && ok
			case !c.visit(node{ws, tAll}, node{cover, tAll}, false):
				ok = c.fail(report, RuleItemRemovedNotCoveredByPartiallyOpenContentModel, path, func() string {
					f, n := c.explain(node{ws, tAll}, node{cover, tAll}, kw, idx)
					return fmt.Sprintf("the tuple of the reader schema ends before position %d (%s), and its schema for further items does not accept the item of the writer schema there%s; keep the position in the reader schema or widen that schema", i, pointerOrRoot(path), because("the item read by it", f, n, true))
				}) && ok
			}
		default: // the reader's tuple is longer
			rs := rm.tuple[i]
			cover, closed := wm.cover()
			switch {
			case wm.open():
				if c.isEmptySchema(rs) {
					break
				}
				ok = c.fail(report, RuleItemAddedToOpenContentModel, path, func() string {
					return fmt.Sprintf("the tuple of the reader schema constrains position %d (%s), where the writer schema allows any item; give the position the schema {} in the reader schema, or declare it in the writer schema first", i, pointerOrRoot(path))
				}) && ok
			case closed: // ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: the writer never has such an item
			case !c.visit(node{cover, tAll}, node{rs, tAll}, false):
				ok = c.fail(report, RuleItemAddedNotCoveredByPartiallyOpenContentModel, path, func() string {
					f, n := c.explain(node{cover, tAll}, node{rs, tAll}, kw, idx)
					return fmt.Sprintf("the tuple of the reader schema adds position %d (%s), whose schema does not accept what the writer schema allows for further items%s; widen the item schema in the reader schema", i, pointerOrRoot(path), because("it", f, n, true))
				}) && ok
			}
		}
		if !ok && !report {
			return false
		}
	}
	return ok
}

// additionalItems follows Confluent: forbidding further items the writer allows is REMOVED,
// a schema where there was none is NARROWED, and two schemas are compared.
func (c *checker) additionalItems(wm, rm arrayModel, report bool) bool {
	kw := rm.addlKw
	path := c.path(kw)
	switch {
	case wm.permits && !rm.permits:
		return c.fail(report, RuleAdditionalItemsRemoved, path, func() string {
			return fmt.Sprintf("the reader schema allows no items beyond its tuple at %s, but the writer schema allows them; allow further items in the reader schema", pointerOrRoot(path))
		})
	case !wm.permits || rm.addl == nil:
		return true
	case wm.addl == nil:
		return c.fail(report, RuleAdditionalItemsNarrowed, path, func() string {
			return fmt.Sprintf("the reader schema gives items beyond its tuple a schema at %s, but the writer schema allows them any value; remove that schema from the reader schema", pointerOrRoot(path))
		})
	}
	return c.child(node{wm.addl, tAll}, node{rm.addl, tAll}, report, kw)
}

// contains compares "contains" (Carta's own rule): the writer's must imply the reader's.
func (c *checker) contains(w, r *jsc.Schema, report bool) bool {
	switch {
	case r.Contains == nil || c.isEmptySchema(r.Contains):
		return true
	case w.Contains == nil:
		return c.fail(report, RuleSchemaAdded, c.path("contains"), func() string {
			return fmt.Sprintf("the reader schema requires an item matching \"contains\" at %s, but the writer schema has no such requirement; remove \"contains\" from the reader schema", c.here("contains"))
		})
	}
	return c.child(node{w.Contains, tAll}, node{r.Contains, tAll}, report, "contains")
}
