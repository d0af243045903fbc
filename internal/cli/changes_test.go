package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// TestDiffAvroMarks runs the structural diff and the engine's marks on the changes the
// compatibility guide's table lists, and on a few more.
func TestDiffAvroMarks(t *testing.T) {
	rec := func(fields string) string {
		return `{"type":"record","name":"P","namespace":"x","fields":[{"name":"id","type":"string"}` + fields + `]}`
	}
	for _, tc := range []struct {
		name, old, new string
		want           []string // "kind path element B/F/FULL"
	}{
		{"add a field with a default", rec(``), rec(`,{"name":"a","type":["null","string"],"default":null}`),
			[]string{`added /fields/1 field "a" ok/ok/ok`}},
		{"add a field without a default", rec(``), rec(`,{"name":"a","type":"string"}`),
			[]string{`added /fields/1 field "a" breaking/ok/breaking`}},
		{"remove a field without a default", rec(`,{"name":"a","type":"string"}`), rec(``),
			[]string{`removed /fields/1 field "a" ok/breaking/breaking`}},
		{"widen int to long", rec(`,{"name":"n","type":"int"}`), rec(`,{"name":"n","type":"long"}`),
			[]string{`changed /fields/1/type type of field "n" ok/breaking/breaking`}},
		{"add an enum symbol", rec(`,{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]}}`), rec(`,{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}}`),
			[]string{`added /fields/1/type/symbols/1 symbol B of enum E ok/breaking/breaking`}},
		{"add a union branch", rec(`,{"name":"u","type":["null","int"]}`), rec(`,{"name":"u","type":["null","int","string"]}`),
			[]string{`added /fields/1/type/2 branch string of field "u" ok/breaking/breaking`}},
		{"rename with an alias", rec(`,{"name":"a","type":"int"}`), rec(`,{"name":"b","aliases":["a"],"type":"int"}`),
			[]string{`changed /fields/1/name name of field "a" ok/breaking/breaking`}},
		{"rename a nested record", rec(`,{"name":"r","type":{"type":"record","name":"R","fields":[]}}`), rec(`,{"name":"r","type":{"type":"record","name":"S","fields":[]}}`),
			[]string{`changed /fields/1/type name of record S breaking/breaking/breaking`}},
		{"change a default", rec(`,{"name":"a","type":"int","default":1}`), rec(`,{"name":"a","type":"int","default":2}`),
			[]string{`changed /fields/1/default default of field "a" ok/ok/ok`}},
		{"nothing", rec(``), rec(``), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := diffDefinitions("old", "new", schema.Avro, tc.old, tc.new)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range res.Changes {
				got = append(got, fmt.Sprintf("%s %s %s %s/%s/%s", c.Kind, c.path(), c.Element, mark(c.Backward), mark(c.Forward), mark(c.Full)))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if len(res.Unattributed) > 0 {
				t.Errorf("unattributed findings: %v", res.Unattributed)
			}
		})
	}
}

func mark(s string) string {
	if s == "compatible" {
		return "ok"
	}
	return s
}

func TestDiffJSONSchemaLists(t *testing.T) {
	old, _ := parseTree(`{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"]}`)
	new, _ := parseTree(`{"type":"object","properties":{"a":{"type":"integer"},"c":{"type":"string"}},"required":["a","c"]}`)
	var got []string
	for _, c := range diffJSONSchema(old, new) {
		got = append(got, c.Kind+" "+c.path()+" "+c.Old+"→"+c.New)
	}
	want := []string{
		`changed /properties/a/type "string"→"integer"`,
		`removed /properties/b {"type":"integer"}→`,
		`added /properties/c →{"type":"string"}`,
		`added /required/1 →c`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
