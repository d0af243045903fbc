package jsonschema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// hostileParse parses a definition the test builds; it must be valid.
func hostileParse(t *testing.T, def string) *Schema {
	t.Helper()
	s, err := Parse(def, schema.Limits{})
	if err != nil {
		t.Fatalf("Parse(%.120s): %v", def, err)
	}
	return s
}

// enumOf returns {"enum":[from, ..., to-1]} with string values.
func enumOf(from, to int) string {
	var b strings.Builder
	b.WriteString(`{"type":"string","enum":[`)
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"v%d"`, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

// combinedOf returns a combined schema of n distinct const branches, shifted by shift.
func combinedOf(kw string, n, shift int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{%q:[`, kw)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"integer","const":%d}`, i+shift)
	}
	b.WriteString(`]}`)
	return b.String()
}

func repeat(rule string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = rule
	}
	return out
}

// nestedProperties returns depth levels of {"type":"object","properties":{"a": ...}} around
// leaf.
func nestedProperties(depth int, leaf string) string {
	return strings.Repeat(`{"type":"object","properties":{"a":`, depth) + leaf + strings.Repeat(`}}`, depth)
}

// nestedAllOf returns depth levels of {"allOf":[ ... ]} around leaf.
func nestedAllOf(depth int, leaf string) string {
	return strings.Repeat(`{"allOf":[`, depth) + leaf + strings.Repeat(`]}`, depth)
}

// manyRefs returns n definitions, each with a property referring to every other one.
func manyRefs(n int, leafType string) string {
	var b strings.Builder
	b.WriteString(`{"$ref":"#/definitions/d0","definitions":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"d%d":{"type":"object","properties":{"leaf":{"type":%q}`, i, leafType)
		for j := range n {
			fmt.Fprintf(&b, `,"p%d":{"$ref":"#/definitions/d%d"}`, j, j)
		}
		b.WriteString(`}}`)
	}
	b.WriteString(`}}`)
	return b.String()
}

// TestHostileSchemas compares schemas built to make a checker loop, recurse or explode. Each
// comparison must end, within the step budget, with the expected verdict; the number of steps
// it took is bounded structurally, not by time.
func TestHostileSchemas(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		backRules []string // rules of CanRead(new, old); nil means compatible
		maxSteps  int
	}{
		{name: "self reference", old: `{"$ref":"#"}`, new: `{"$ref":"#","title":"again"}`, maxSteps: 10},
		{name: "self reference read by a string", old: `{"$ref":"#"}`, new: `{"type":"string"}`, maxSteps: 10},
		{name: "string read by a self reference", old: `{"type":"string"}`, new: `{"$ref":"#"}`, backRules: []string{RuleTypeChanged}, maxSteps: 10},
		{name: "mutual references", old: `{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}`,
			new: `{"$ref":"#/definitions/b","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}`, maxSteps: 10},
		{name: "recursive list", old: `{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}}`,
			new: `{"type":"object","properties":{"v":{"type":"number"},"next":{"$ref":"#"}}}`, maxSteps: 20},
		{name: "recursive list narrowed", old: `{"type":"object","properties":{"v":{"type":"number"},"next":{"$ref":"#"}}}`,
			new: `{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}}`, backRules: []string{RuleTypeNarrowed}, maxSteps: 20},
		{name: "recursive through combinators", old: `{"anyOf":[{"type":"null"},{"type":"object","properties":{"x":{"$ref":"#"}}}]}`,
			new: `{"anyOf":[{"type":"null"},{"type":"object","properties":{"x":{"$ref":"#"}}},{"type":"string"}]}`, maxSteps: 50},
		{name: "many cross references", old: manyRefs(60, "string"), new: manyRefs(60, "integer"), backRules: repeat(RuleTypeChanged, 60), maxSteps: 10_000},
		{name: "huge enum extended", old: enumOf(0, 10_000), new: enumOf(0, 10_001), maxSteps: 10_010},
		{name: "huge enum narrowed", old: enumOf(0, 10_000), new: enumOf(1, 10_000), backRules: []string{RuleEnumArrayNarrowed}, maxSteps: 10_010},
		{name: "deep properties", old: nestedProperties(30, `{"type":"string"}`), new: nestedProperties(30, `{"type":"string","maxLength":3}`),
			backRules: []string{RuleMaxLengthAdded}, maxSteps: 100},
		{name: "deep allOf", old: nestedAllOf(30, `{"type":"string"}`), new: nestedAllOf(30, `{"type":"string","minLength":3}`),
			backRules: []string{RuleCombinedTypeSubschemasChanged}, maxSteps: 5_000},
		{name: "500 anyOf branches extended", old: combinedOf("anyOf", 500, 0), new: combinedOf("anyOf", 501, 0), maxSteps: 2_100},
		{name: "500 anyOf branches all changed", old: combinedOf("anyOf", 500, 0), new: combinedOf("anyOf", 500, 1000),
			backRules: []string{RuleCombinedTypeSubschemasChanged}, maxSteps: 5_000},
		{name: "500 allOf branches", old: combinedOf("allOf", 500, 0), new: combinedOf("allOf", 499, 0), maxSteps: 2_000},
		{name: "plain read by 500 anyOf branches", old: `{"type":"integer","const":499}`, new: combinedOf("anyOf", 500, 0), maxSteps: 2_000},
		{name: "plain not read by 500 anyOf branches", old: `{"type":"integer"}`, new: combinedOf("anyOf", 500, 0),
			backRules: []string{RuleTypeChanged}, maxSteps: 2_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old, nw := hostileParse(t, tc.old), hostileParse(t, tc.new)
			for _, dir := range []string{"BACKWARD", "FORWARD"} {
				r, w := nw, old
				if dir == "FORWARD" {
					r, w = old, nw
				}
				found, steps := check(r, w, false)
				if steps > tc.maxSteps {
					t.Errorf("%s took %d steps, more than the %d its structure needs", dir, steps, tc.maxSteps)
				}
				if dir != "BACKWARD" {
					continue
				}
				var rules []string
				for _, f := range found {
					rules = append(rules, f.Rule)
				}
				if fmt.Sprint(rules) != fmt.Sprint(tc.backRules) && !(len(rules) == 0 && len(tc.backRules) == 0) {
					t.Errorf("BACKWARD rules = %v, want %v (%v)", rules, tc.backRules, found)
				}
			}
		})
	}
}

// TestHostileBudget checks that a pair too large to compare ends at the step budget with
// CHECK_LIMIT_EXCEEDED rather than running on.
func TestHostileBudget(t *testing.T) {
	var b strings.Builder
	nested := func(shift int) string {
		b.Reset()
		b.WriteString(`{"anyOf":[`)
		for i := range 40 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"anyOf":[`)
			for j := range 40 {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"type":"integer","multipleOf":%d}`, i*40+j+2+shift)
			}
			b.WriteString(`]}`)
		}
		b.WriteString(`]}`)
		return b.String()
	}
	old, nw := hostileParse(t, nested(0)), hostileParse(t, nested(1))
	found, steps := check(nw, old, false)
	if len(found) != 1 || found[0].Rule != RuleCheckLimitExceeded || steps != maxSteps {
		t.Errorf("check = %v after %d steps, want one %s after %d", found, steps, RuleCheckLimitExceeded, maxSteps)
	}
}
