package jsonschema

import (
	"encoding/json"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// typeSet is a set of JSON types. Numbers are split into integers and other numbers, so that
// "integer" is a subset of "number" and integer→number is a widening.
type typeSet uint8

const (
	tNull typeSet = 1 << iota
	tBool
	tObject
	tArray
	tString
	tInteger
	tFloat // numbers that are not integers

	tNumber = tInteger | tFloat
	tAll    = tNull | tBool | tObject | tArray | tString | tNumber
)

// typeNames lists the types in the order messages name them.
var typeNames = []struct {
	t    typeSet
	name string
}{
	{tObject, "objects"}, {tArray, "arrays"}, {tString, "strings"}, {tNumber, "numbers"},
	{tInteger, "integers"}, {tFloat, "non-integer numbers"}, {tBool, "booleans"}, {tNull, "null"},
}

// describeTypes names a set of types for a message, e.g. "strings or null".
func describeTypes(t typeSet) string {
	if t == tAll {
		return "any value"
	}
	if t == 0 {
		return "no value"
	}
	var parts []string
	for _, tn := range typeNames {
		if t&tn.t == tn.t {
			parts = append(parts, tn.name)
			t &^= tn.t
		}
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " or " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// typesOf converts the compiled "type" keyword.
func typesOf(t *jsc.Types) typeSet {
	if t == nil {
		return tAll
	}
	var ts typeSet
	for _, name := range t.ToStrings() {
		switch name {
		case "null":
			ts |= tNull
		case "boolean":
			ts |= tBool
		case "object":
			ts |= tObject
		case "array":
			ts |= tArray
		case "string":
			ts |= tString
		case "integer":
			ts |= tInteger
		case "number":
			ts |= tNumber
		}
	}
	return ts
}

// typeOfValue returns the type of one decoded JSON value.
func typeOfValue(v any) typeSet {
	switch v := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBool
	case string:
		return tString
	case map[string]any:
		return tObject
	case []any:
		return tArray
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(v)); ok && r.IsInt() {
			return tInteger
		}
		return tFloat
	case float64:
		if v == float64(int64(v)) {
			return tInteger
		}
		return tFloat
	}
	return tAll
}

// criterion is the keyword of a combined schema: allOf, anyOf or oneOf.
type criterion uint8

const (
	critNone criterion = iota
	critAll
	critAny
	critOne
)

func (k criterion) String() string {
	switch k {
	case critAll:
		return "allOf"
	case critAny:
		return "anyOf"
	case critOne:
		return "oneOf"
	}
	return ""
}

// branches returns the subschemas of one criterion.
func branches(s *jsc.Schema, k criterion) []*jsc.Schema {
	switch k {
	case critAll:
		return s.AllOf
	case critAny:
		return s.AnyOf
	case critOne:
		return s.OneOf
	}
	return nil
}

// nodeInfo is what the checker derives once per compiled schema.
type nodeInfo struct {
	isFalse bool
	// empty: the schema asserts nothing (true, {}, or only annotations).
	empty bool
	// base: the schema has assertions other than combiners, "not", "if" and references.
	base bool
	// kinds: which of allOf, anyOf, oneOf are present (indexed by kind).
	kinds [4]bool
	// pureKind is the criterion of a schema that is nothing but one allOf, anyOf or oneOf.
	pureKind criterion
	// ref is the target of "$ref", "$recursiveRef" or "$dynamicRef" (resolved statically).
	ref *jsc.Schema
	// refOnly: the schema is nothing but a reference.
	refOnly bool
	// leaf: the schema has no subschema at all.
	leaf bool
	own  typeSet
	// values is the set "enum" and "const" allow, nil when they are absent.
	values *valueSet

	eff      typeSet
	effState uint8 // 0 unknown, 1 computing, 2 done
}

func (i *nodeInfo) hasCombiner() bool {
	return i.kinds[critAll] || i.kinds[critAny] || i.kinds[critOne]
}

// Sentinel schemas the checker uses where a keyword is absent. They are never validated
// against.
var (
	trueSchema   = &jsc.Schema{Bool: new(true)}
	falseSchema  = &jsc.Schema{Bool: new(false)}
	stringSchema = func() *jsc.Schema {
		var t jsc.Types
		t.Add("string")
		return &jsc.Schema{Types: &t}
	}()
)

func isSentinel(s *jsc.Schema) bool {
	return s == trueSchema || s == falseSchema || s == stringSchema
}

// trivial reports whether a subschema is true or {} without looking further.
func trivial(s *jsc.Schema) bool {
	if s.Bool != nil {
		return *s.Bool
	}
	return !hasBase(s) && s.Ref == nil && s.RecursiveRef == nil && s.DynamicRef == nil && s.Not == nil &&
		len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.If == nil
}

// constraining reports whether an optional subschema constrains anything at first sight.
func constraining(s *jsc.Schema) bool { return s != nil && !trivial(s) }

// additional reports whether an additionalProperties/additionalItems value constrains.
func additional(v any) bool {
	switch v := v.(type) {
	case bool:
		return !v
	case *jsc.Schema:
		return constraining(v)
	}
	return false
}

// hasBase reports whether s has assertions other than combiners, "not", "if" and references.
// "format", "contentEncoding" and "contentMediaType" are annotations (see the package
// documentation) and do not count.
func hasBase(s *jsc.Schema) bool {
	return s.Types != nil || s.Enum != nil || s.Const != nil ||
		s.MaxProperties != nil || s.MinProperties != nil || len(s.Required) > 0 || s.PropertyNames != nil ||
		len(s.Properties) > 0 || len(s.PatternProperties) > 0 || additional(s.AdditionalProperties) ||
		len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0 ||
		constraining(s.UnevaluatedProperties) ||
		s.MinItems != nil || s.MaxItems != nil || s.UniqueItems || s.Contains != nil || s.MinContains != nil ||
		s.MaxContains != nil || hasItems(s.Items) || additional(s.AdditionalItems) || len(s.PrefixItems) > 0 ||
		constraining(s.Items2020) || constraining(s.UnevaluatedItems) ||
		s.MinLength != nil || s.MaxLength != nil || s.Pattern != nil ||
		s.Maximum != nil || s.Minimum != nil || s.ExclusiveMaximum != nil || s.ExclusiveMinimum != nil || s.MultipleOf != nil
}

func hasItems(v any) bool {
	switch v := v.(type) {
	case []*jsc.Schema:
		return len(v) > 0
	case *jsc.Schema:
		return constraining(v)
	}
	return false
}

// refOf returns the static target of a schema's reference keyword, if any.
func refOf(s *jsc.Schema) *jsc.Schema {
	switch {
	case s.Ref != nil:
		return s.Ref
	case s.RecursiveRef != nil:
		return s.RecursiveRef
	case s.DynamicRef != nil:
		return s.DynamicRef.Ref
	}
	return nil
}

// infoOf returns (computing once) what the checker needs to know about s.
func (c *checker) infoOf(s *jsc.Schema) *nodeInfo {
	if i := c.info[s]; i != nil {
		return i
	}
	if len(c.slab) == 0 {
		c.slab = make([]nodeInfo, min(max(len(c.info), 16), 512))
	}
	i := &c.slab[0]
	c.slab = c.slab[1:]
	i.own = typesOf(s.Types)
	c.info[s] = i
	if s.Bool != nil {
		i.isFalse = !*s.Bool
		i.empty = *s.Bool
		i.leaf = true
		return i
	}
	i.leaf = !hasChildren(s)
	i.base = hasBase(s)
	i.kinds[critAll], i.kinds[critAny], i.kinds[critOne] = len(s.AllOf) > 0, len(s.AnyOf) > 0, len(s.OneOf) > 0
	i.ref = refOf(s)
	n := 0
	for k := critAll; k <= critOne; k++ {
		if i.kinds[k] {
			n++
			i.pureKind = k
		}
	}
	other := i.base || s.Not != nil || s.If != nil
	if n != 1 || other || i.ref != nil {
		i.pureKind = critNone
	}
	i.refOnly = i.ref != nil && n == 0 && !other
	i.empty = n == 0 && !other && i.ref == nil
	if s.Enum != nil || s.Const != nil {
		i.values = allowedValues(s)
	}
	return i
}

// deref follows references that are the whole schema. A chain of references that never
// reaches anything else (a cycle such as {"$ref": "#"}) is false: the validator refuses every
// value with it.
func (c *checker) deref(n node) node {
	for hops := 0; ; hops++ {
		i := c.infoOf(n.s)
		if !i.refOnly {
			return n
		}
		if hops >= maxRefHops {
			return node{s: falseSchema, mask: n.mask}
		}
		n.s = i.ref
	}
}

// effTypes returns the types a node can admit, taking "type", "enum", "const", references and
// the allOf/anyOf/oneOf branches into account. It over-approximates (never leaves out a type
// the node admits), which keeps the type rules safe for a writer.
func (c *checker) effTypes(n node) typeSet {
	return c.effTypesOf(n.s) & n.mask
}

func (c *checker) effTypesOf(s *jsc.Schema) typeSet {
	i := c.infoOf(s)
	switch {
	case i.isFalse:
		return 0
	case i.effState == 2:
		return i.eff
	case i.effState == 1:
		return tAll // a cycle: assume anything
	}
	i.effState = 1
	t := i.own
	if i.values != nil {
		t &= i.values.types
	}
	if i.ref != nil {
		t &= c.effTypesOf(i.ref)
	}
	for _, b := range s.AllOf {
		t &= c.effTypesOf(b)
	}
	for _, list := range [][]*jsc.Schema{s.AnyOf, s.OneOf} {
		if len(list) == 0 {
			continue
		}
		var u typeSet
		for _, b := range list {
			u |= c.effTypesOf(b)
		}
		t &= u
	}
	i.eff, i.effState = t, 2
	return t
}

// valueSet is the set of values "enum" and "const" allow.
type valueSet struct {
	values []any
	order  []string // the key of each value
	keys   map[string]bool
	types  typeSet
}

func (v *valueSet) has(x any) bool { return v.keys[valueKey(x)] }

// allowedValues intersects "enum" and "const".
func allowedValues(s *jsc.Schema) *valueSet {
	var vals []any
	if s.Enum != nil {
		vals = s.Enum.Values
	}
	if s.Const != nil {
		c := *s.Const
		if s.Enum != nil && !slices.ContainsFunc(vals, func(v any) bool { return valueKey(v) == valueKey(c) }) {
			vals = nil
		} else {
			vals = []any{c}
		}
	}
	vs := &valueSet{keys: make(map[string]bool, len(vals))}
	for _, v := range vals {
		k := valueKey(v)
		if vs.keys[k] {
			continue
		}
		vs.keys[k] = true
		vs.values = append(vs.values, v)
		vs.order = append(vs.order, k)
		vs.types |= typeOfValue(v)
	}
	return vs
}

// valueKey renders a JSON value so that equal values (in JSON Schema's sense: 1 and 1.0 are
// equal, key order does not matter) have equal keys.
func valueKey(v any) string {
	var b strings.Builder
	writeValueKey(&b, v)
	return b.String()
}

func writeValueKey(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		b.WriteString(strconv.Quote(v))
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(v)); ok {
			b.WriteString(r.RatString())
		} else {
			b.WriteString(string(v))
		}
	case float64:
		b.WriteString(new(big.Rat).SetFloat64(v).RatString())
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValueKey(b, x)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			writeValueKey(b, v[k])
		}
		b.WriteByte('}')
	default:
		b.WriteString("?")
	}
}

// renderValue renders a value for a message.
func renderValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

// roots maps compiled subschemas back to the definition they come from, so that a branch can
// be rendered in canonical form (to collapse duplicate branches, as Confluent does).
type roots struct {
	schemas []*Schema
	owner   map[*jsc.Schema]*Schema
	canon   map[*jsc.Schema]string
}

// canonical returns the canonical JSON of a subschema as written, or its location when it
// cannot be found (which only makes it unequal to every other subschema).
func (c *checker) canonical(s *jsc.Schema) string {
	rs := c.roots
	if rs.owner == nil {
		rs.owner, rs.canon = map[*jsc.Schema]*Schema{}, map[*jsc.Schema]string{}
		for _, root := range rs.schemas {
			stack := []*jsc.Schema{root.Compiled()}
			for len(stack) > 0 {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if _, seen := rs.owner[x]; seen {
					continue
				}
				rs.owner[x] = root
				stack = appendChildren(stack, x)
			}
		}
	}
	if str, ok := rs.canon[s]; ok {
		return str
	}
	str := "\x00" + s.Location
	if root := rs.owner[s]; root != nil {
		if raw, ok := rawAt(root.Document(), fragmentOf(s.Location)); ok {
			if canon, err := canonicalize(raw); err == nil {
				str = canon
			}
		}
	} else if isSentinel(s) {
		str = "\x00sentinel" + strconv.FormatBool(s == trueSchema) + strconv.FormatBool(s == stringSchema)
	}
	rs.canon[s] = str
	return str
}

// hasChildren reports whether s refers to any subschema.
func hasChildren(s *jsc.Schema) bool {
	return s.Ref != nil || s.RecursiveRef != nil || s.DynamicRef != nil || s.Not != nil || s.If != nil ||
		s.Then != nil || s.Else != nil || s.PropertyNames != nil || s.UnevaluatedProperties != nil ||
		s.Contains != nil || s.Items2020 != nil || s.UnevaluatedItems != nil || s.ContentSchema != nil ||
		s.AdditionalProperties != nil || s.Items != nil || s.AdditionalItems != nil ||
		len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || len(s.PrefixItems) > 0 ||
		len(s.Properties) > 0 || len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || len(s.Dependencies) > 0
}

// appendChildren appends every subschema s refers to.
func appendChildren(stack []*jsc.Schema, s *jsc.Schema) []*jsc.Schema {
	add := func(x *jsc.Schema) {
		if x != nil {
			stack = append(stack, x)
		}
	}
	addAny := func(v any) {
		switch v := v.(type) {
		case *jsc.Schema:
			add(v)
		case []*jsc.Schema:
			for _, x := range v {
				add(x)
			}
		}
	}
	add(s.Ref)
	add(s.RecursiveRef)
	if s.DynamicRef != nil {
		add(s.DynamicRef.Ref)
	}
	add(s.Not)
	add(s.If)
	add(s.Then)
	add(s.Else)
	add(s.PropertyNames)
	add(s.UnevaluatedProperties)
	add(s.Contains)
	add(s.Items2020)
	add(s.UnevaluatedItems)
	add(s.ContentSchema)
	addAny(s.AdditionalProperties)
	addAny(s.Items)
	addAny(s.AdditionalItems)
	for _, list := range [][]*jsc.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		for _, x := range list {
			add(x)
		}
	}
	for _, x := range s.Properties {
		add(x)
	}
	for _, x := range s.PatternProperties {
		add(x)
	}
	for _, x := range s.DependentSchemas {
		add(x)
	}
	for _, v := range s.Dependencies {
		addAny(v)
	}
	return stack
}

// rawAt resolves a JSON pointer in a decoded document.
func rawAt(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			x, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = x
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
