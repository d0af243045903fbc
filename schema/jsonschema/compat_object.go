package jsonschema

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// run applies rules in order, all of them in report mode and until the first failure in probe
// mode.
func run(report bool, rules ...func() bool) bool {
	ok := true
	for _, rule := range rules {
		ok = rule() && ok
		if !ok && !report {
			return false
		}
	}
	return ok
}

var (
	maxPropertiesLimit = intLimit{kw: "maxProperties", upper: true, added: RuleMaxPropertiesAdded, tight: RuleMaxPropertiesDecreased, what: "properties"}
	minPropertiesLimit = intLimit{kw: "minProperties", added: RuleMinPropertiesAdded, tight: RuleMinPropertiesIncreased, what: "properties"}
)

// objectRules compares the object keywords, in Confluent's order (required, properties,
// dependencies, additionalProperties, then the counts), with Carta's patternProperties,
// unevaluatedProperties and propertyNames rules beside Confluent's.
func (c *checker) objectRules(w, r *jsc.Schema, report bool) bool {
	return run(report,
		func() bool { return c.required(w, r, report) },
		func() bool { return c.properties(w, r, report) },
		func() bool { return c.patternProperties(w, r, report) },
		func() bool { return c.dependencies(w, r, report) },
		func() bool { return c.additionalProperties(w, r, report) },
		func() bool {
			return c.unevaluated(w.UnevaluatedProperties, r.UnevaluatedProperties, "unevaluatedProperties", "properties", report)
		},
		func() bool { return c.propertyNames(w, r, report) },
		func() bool { return c.intRule(maxPropertiesLimit, w.MaxProperties, r.MaxProperties, report) },
		func() bool { return c.intRule(minPropertiesLimit, w.MinProperties, r.MinProperties, report) },
	)
}

// hasDefault reports whether a property schema (or what it refers to) has a "default".
func (c *checker) hasDefault(s *jsc.Schema) bool {
	if s == nil {
		return false
	}
	return s.Default != nil || c.deref(node{s, tAll}).s.Default != nil
}

// isFalseSchema reports whether a subschema (after references) accepts nothing.
func (c *checker) isFalseSchema(s *jsc.Schema) bool {
	return c.infoOf(c.deref(node{s, tAll}).s).isFalse
}

// isEmptySchema reports whether a subschema (after references) accepts everything.
func (c *checker) isEmptySchema(s *jsc.Schema) bool {
	return c.infoOf(c.deref(node{s, tAll}).s).empty
}

// required: a name the reader requires and the writer does not is REQUIRED_ATTRIBUTE_ADDED,
// unless the reader's schema for it has a default. Names the reader both declares and
// requires while the writer does not declare them are left to the property rules, as
// Confluent does. Unlike Confluent, names the reader requires without declaring them count
// too: data written without them fails the reader all the same.
func (c *checker) required(w, r *jsc.Schema, report bool) bool {
	ok := true
	for i, name := range r.Required {
		if slices.Contains(w.Required, name) || slices.Index(r.Required, name) < i {
			continue
		}
		rp, declared := r.Properties[name]
		if declared && w.Properties[name] == nil {
			continue
		}
		if c.hasDefault(rp) {
			continue // REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED is compatible
		}
		ok = c.fail(report, RuleRequiredAttributeAdded, c.path("required", strconv.Itoa(i)), func() string {
			return fmt.Sprintf("the reader schema requires property %q at %s, which the writer schema does not require and which has no default; make it optional or give it a \"default\"", name, c.here("required", strconv.Itoa(i)))
		}) && ok
		if !ok && !report {
			return false
		}
	}
	return ok
}

// contentModel describes what an object schema says about properties it does not declare.
type contentModel struct {
	open    bool          // anything goes: no patternProperties, additional and unevaluated properties free
	permits bool          // additionalProperties is not false
	addl    *jsc.Schema   // the additionalProperties schema, when it constrains without being false
	uneval  *jsc.Schema   // unevaluatedProperties, when it constrains (false included)
	unevalF bool          // unevaluatedProperties is false
	pats    []patternProp // patternProperties, sorted by pattern
}

type patternProp struct {
	re     jsc.Regexp
	schema *jsc.Schema
}

func (c *checker) contentModelOf(s *jsc.Schema) contentModel {
	m := contentModel{permits: true}
	switch v := s.AdditionalProperties.(type) {
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
	if u := s.UnevaluatedProperties; u != nil && !c.isEmptySchema(u) {
		m.uneval, m.unevalF = u, c.isFalseSchema(u)
	}
	for re, sch := range s.PatternProperties {
		m.pats = append(m.pats, patternProp{re, sch})
	}
	sort.Slice(m.pats, func(i, j int) bool { return m.pats[i].re.String() < m.pats[j].re.String() })
	m.open = m.permits && m.addl == nil && m.uneval == nil && len(m.pats) == 0
	return m
}

// cover returns the schemas that govern an undeclared property name: the matching
// patternProperties, or else additionalProperties (or, failing that, unevaluatedProperties).
// closed is set when no value at all is allowed for the name.
func (m contentModel) cover(name string) (covers []*jsc.Schema, closed bool) {
	for _, p := range m.pats {
		if p.re.MatchString(name) {
			covers = append(covers, p.schema)
		}
	}
	switch {
	case len(covers) > 0:
	case !m.permits:
		closed = true
	case m.addl != nil:
		covers = append(covers, m.addl)
	case m.unevalF:
		closed = true
	case m.uneval != nil:
		covers = append(covers, m.uneval)
	default:
		// Only patternProperties make the model partially open, and none matches: the name
		// may carry any value. (Confluent finds no covering schema here and checks nothing.)
		covers = append(covers, trueSchema)
	}
	return covers, closed
}

// properties compares declared properties, following Confluent's open, closed and partially
// open content models.
func (c *checker) properties(w, r *jsc.Schema, report bool) bool {
	names := make([]string, 0, len(w.Properties)+len(r.Properties))
	for n := range w.Properties {
		names = append(names, n)
	}
	for n := range r.Properties {
		if w.Properties[n] == nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var wm, rm *contentModel
	ok := true
	for _, name := range names {
		wp, rp := w.Properties[name], r.Properties[name]
		switch {
		case wp != nil && rp != nil:
			ok = c.child(node{wp, tAll}, node{rp, tAll}, report, "properties", name) && ok
		case rp == nil:
			if rm == nil {
				m := c.contentModelOf(r)
				rm = &m
			}
			ok = c.propertyRemoved(name, wp, *rm, report) && ok
		default:
			if wm == nil {
				m := c.contentModelOf(w)
				wm = &m
			}
			ok = c.propertyAdded(name, rp, *wm, slices.Contains(r.Required, name), report) && ok
		}
		if !ok && !report {
			return false
		}
	}
	return ok
}

// propertyRemoved: the writer declares name, the reader does not.
func (c *checker) propertyRemoved(name string, wp *jsc.Schema, rm contentModel, report bool) bool {
	if rm.open {
		return true // PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL
	}
	path := c.path("properties", name)
	covers, closed := rm.cover(name)
	if closed {
		if c.isFalseSchema(wp) {
			return true // PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
		}
		return c.fail(report, RulePropertyRemovedFromClosedContentModel, path, func() string {
			return fmt.Sprintf("the closed content model of the reader schema has no property %q at %s, which the writer schema declares, so written data carrying it is refused; keep the property in the reader schema or allow additional properties", name, pointerOrRoot(path))
		})
	}
	for _, cv := range covers {
		if c.visit(node{wp, tAll}, node{cv, tAll}, false) {
			continue
		}
		return c.fail(report, RulePropertyRemovedNotCoveredByPartiallyOpenContentModel, path, func() string {
			f, n := c.explain(node{wp, tAll}, node{cv, tAll}, "properties", name)
			return fmt.Sprintf("the reader schema does not declare property %q at %s, and its schema for undeclared properties does not accept the property of the writer schema%s; keep the property in the reader schema or widen that schema",
				name, pointerOrRoot(path), because("the property read by it", f, n, true))
		})
	}
	return true // PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
}

// propertyAdded: the reader declares name, the writer does not.
func (c *checker) propertyAdded(name string, rp *jsc.Schema, wm contentModel, required bool, report bool) bool {
	path := c.path("properties", name)
	def := c.hasDefault(rp)
	if wm.open {
		if c.isEmptySchema(rp) && !required {
			return true // PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
		}
		rule := RuleOptionalPropertyAddedToOpenContentModel
		msg := "the reader schema adds property %q at %s, but the open content model of the writer schema lets written data carry that name with any value; declare the property in the writer schema first, or give it the schema {} in the reader schema"
		switch {
		case required && def:
			rule = RuleRequiredPropertyWithDefaultAddedToOpenContentModel
			msg = "the reader schema adds and requires property %q at %s (with a default), but the open content model of the writer schema lets written data carry that name with any value; declare the property in the writer schema first"
		case required:
			rule = RuleRequiredPropertyAddedToOpenContentModel
			msg = "the reader schema adds and requires property %q at %s without a default, but data written with the writer schema may lack it, or carry that name with any value under its open content model; make the property optional and declare it in the writer schema first"
		}
		return c.fail(report, rule, path, func() string { return fmt.Sprintf(msg, name, pointerOrRoot(path)) })
	}
	ok := true
	covers, _ := wm.cover(name)
	for _, cv := range covers {
		if c.visit(node{cv, tAll}, node{rp, tAll}, false) {
			continue
		}
		ok = c.fail(report, RulePropertyAddedNotCoveredByPartiallyOpenContentModel, path, func() string {
			f, n := c.explain(node{cv, tAll}, node{rp, tAll}, "properties", name)
			return fmt.Sprintf("the reader schema adds property %q at %s, whose schema does not accept what the writer schema allows for undeclared properties of that name%s; widen the property schema in the reader schema",
				name, pointerOrRoot(path), because("it", f, n, true))
		})
		break
	}
	if required && !def {
		ok = c.fail(report, RuleRequiredPropertyAddedToUnopenContentModel, path, func() string {
			return fmt.Sprintf("the reader schema adds property %q at %s and requires it, but the writer schema does not declare it and it has no default; make it optional or give it a \"default\"", name, pointerOrRoot(path))
		}) && ok
	}
	return ok
}

// patternProperties compares patternProperties entries by their pattern as written (Carta's
// own rule: Confluent only uses them to cover undeclared properties).
func (c *checker) patternProperties(w, r *jsc.Schema, report bool) bool {
	if len(w.PatternProperties) == 0 && len(r.PatternProperties) == 0 {
		return true
	}
	wp, rp := map[string]*jsc.Schema{}, map[string]*jsc.Schema{}
	var pats []string
	for re, s := range w.PatternProperties {
		wp[re.String()] = s
		pats = append(pats, re.String())
	}
	for re, s := range r.PatternProperties {
		rp[re.String()] = s
		if wp[re.String()] == nil {
			pats = append(pats, re.String())
		}
	}
	sort.Strings(pats)
	wm, rm := c.contentModelOf(w), c.contentModelOf(r)
	ok := true
	for _, pat := range pats {
		ws, rs := wp[pat], rp[pat]
		path := c.path("patternProperties", pat)
		switch {
		case ws != nil && rs != nil:
			ok = c.child(node{ws, tAll}, node{rs, tAll}, report, "patternProperties", pat) && ok
		case rs == nil:
			// The names it matched now fall to the reader's additional properties.
			if rm.permits && rm.addl == nil || c.isFalseSchema(ws) {
				continue
			}
			cover := falseSchema
			if rm.addl != nil {
				cover = rm.addl
			}
			if c.visit(node{ws, tAll}, node{cover, tAll}, false) {
				continue
			}
			ok = c.fail(report, RulePatternPropertyRemoved, path, func() string {
				return fmt.Sprintf("the reader schema drops patternProperties %q at %s, and its additionalProperties does not accept what the writer schema allowed for the names it matched; keep the pattern in the reader schema or widen additionalProperties", pat, pointerOrRoot(path))
			}) && ok
		default:
			// The names it matches were governed by the writer's additional properties.
			if !wm.permits {
				continue
			}
			cover := trueSchema
			if wm.addl != nil {
				cover = wm.addl
			}
			if c.visit(node{cover, tAll}, node{rs, tAll}, false) {
				continue
			}
			ok = c.fail(report, RulePatternPropertyAdded, path, func() string {
				return fmt.Sprintf("the reader schema adds patternProperties %q at %s, whose schema does not accept what the writer schema allows for the names it matches; declare the pattern in the writer schema first, or widen its schema in the reader schema", pat, pointerOrRoot(path))
			}) && ok
		}
		if !ok && !report {
			return false
		}
	}
	return ok
}

// dependencyKeywords returns the property dependencies (arrays) and schema dependencies of
// a schema, with the keyword each is written under.
func dependencyKeywords(s *jsc.Schema) (arrays map[string][]string, schemas map[string]*jsc.Schema, arrKw, schKw string) {
	arrays, schemas = map[string][]string{}, map[string]*jsc.Schema{}
	arrKw, schKw = "dependencies", "dependencies"
	for k, v := range s.Dependencies {
		switch v := v.(type) {
		case []string:
			arrays[k] = v
		case *jsc.Schema:
			schemas[k] = v
		}
	}
	for k, v := range s.DependentRequired {
		arrays[k] = v
		arrKw = "dependentRequired"
	}
	for k, v := range s.DependentSchemas {
		schemas[k] = v
		schKw = "dependentSchemas"
	}
	return arrays, schemas, arrKw, schKw
}

// dependencies compares "dependencies", "dependentRequired" and "dependentSchemas".
func (c *checker) dependencies(w, r *jsc.Schema, report bool) bool {
	if len(r.Dependencies) == 0 && len(r.DependentRequired) == 0 && len(r.DependentSchemas) == 0 {
		return true
	}
	wa, ws, _, _ := dependencyKeywords(w)
	ra, rs, arrKw, schKw := dependencyKeywords(r)
	ok := true
	for _, name := range sortedStringKeys(ra) {
		need := ra[name]
		have, had := wa[name]
		var extra []string
		for _, n := range need {
			if !slices.Contains(have, n) && !slices.Contains(extra, n) {
				extra = append(extra, n)
			}
		}
		if len(extra) == 0 {
			continue
		}
		rule := RuleDependencyArrayChanged
		switch {
		case !had:
			rule = RuleDependencyArrayAdded
		case !slices.ContainsFunc(have, func(n string) bool { return !slices.Contains(need, n) }):
			rule = RuleDependencyArrayExtended
		}
		path := c.path(arrKw, name)
		ok = c.fail(report, rule, path, func() string {
			return fmt.Sprintf("the reader schema requires %s whenever property %q is present (%s), but the writer schema does not; remove %s from that dependency in the reader schema", quoteList(extra), name, pointerOrRoot(path), pluralThem(len(extra)))
		}) && ok
		if !ok && !report {
			return false
		}
	}
	for _, name := range sortedSchemaKeys(rs) {
		rsch := rs[name]
		wsch := ws[name]
		switch {
		case wsch != nil:
			ok = c.child(node{wsch, tAll}, node{rsch, tAll}, report, schKw, name) && ok
		case c.isEmptySchema(rsch):
		default:
			path := c.path(schKw, name)
			ok = c.fail(report, RuleDependencySchemaAdded, path, func() string {
				return fmt.Sprintf("the reader schema adds a schema that objects with property %q must match (%s), which the writer schema does not have; remove it from the reader schema", name, pointerOrRoot(path))
			}) && ok
		}
		if !ok && !report {
			return false
		}
	}
	return ok
}

func sortedStringKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedSchemaKeys(m map[string]*jsc.Schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func quoteList(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += strconv.Quote(n)
	}
	return out
}

// additionalProperties follows Confluent: closing an open model is REMOVED, giving a schema
// where there was none is NARROWED, and two schemas are compared.
func (c *checker) additionalProperties(w, r *jsc.Schema, report bool) bool {
	wm, rm := c.contentModelOf(w), c.contentModelOf(r)
	path := c.path("additionalProperties")
	switch {
	case wm.permits && !rm.permits:
		return c.fail(report, RuleAdditionalPropertiesRemoved, path, func() string {
			return fmt.Sprintf("the reader schema forbids additional properties at %s, but the writer schema allows them, so writer data with properties the reader does not declare is refused; allow additional properties in the reader schema", pointerOrRoot(path))
		})
	case !wm.permits || rm.addl == nil:
		return true
	case wm.addl == nil:
		return c.fail(report, RuleAdditionalPropertiesNarrowed, path, func() string {
			return fmt.Sprintf("the reader schema gives additional properties a schema at %s, but the writer schema allows them any value; remove the schema from \"additionalProperties\" in the reader schema", pointerOrRoot(path))
		})
	}
	return c.child(node{wm.addl, tAll}, node{rm.addl, tAll}, report, "additionalProperties")
}

// unevaluated compares unevaluatedProperties or unevaluatedItems as Confluent does:
// absent/true/{} is open, false is closed, anything else a schema.
func (c *checker) unevaluated(ws, rs *jsc.Schema, kw, what string, report bool) bool {
	if rs == nil || c.isEmptySchema(rs) {
		return true
	}
	wOpen := ws == nil || c.isEmptySchema(ws)
	if !wOpen && c.isFalseSchema(ws) {
		return true // the writer allowed no unevaluated ones
	}
	path := c.path(kw)
	removed, narrowed := RuleUnevaluatedPropertiesRemoved, RuleUnevaluatedPropertiesNarrowed
	if what == "items" {
		removed, narrowed = RuleUnevaluatedItemsRemoved, RuleUnevaluatedItemsNarrowed
	}
	if c.isFalseSchema(rs) {
		return c.fail(report, removed, path, func() string {
			return fmt.Sprintf("the reader schema forbids unevaluated %s at %s, but the writer schema allows them; allow them in the reader schema", what, pointerOrRoot(path))
		})
	}
	if wOpen {
		return c.fail(report, narrowed, path, func() string {
			return fmt.Sprintf("the reader schema gives unevaluated %s a schema at %s, but the writer schema allows them any value; remove the schema from %q in the reader schema", what, pointerOrRoot(path), kw)
		})
	}
	return c.child(node{ws, tAll}, node{rs, tAll}, report, kw)
}

// propertyNames compares the schemas property names must match; an absent one is a plain
// string schema.
func (c *checker) propertyNames(w, r *jsc.Schema, report bool) bool {
	rp := r.PropertyNames
	if rp == nil || c.isEmptySchema(rp) {
		return true
	}
	wp := w.PropertyNames
	if wp == nil {
		wp = stringSchema
	}
	return c.child(node{wp, tAll}, node{rp, tAll}, report, "propertyNames")
}
