package avro

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

func TestParseErrors(t *testing.T) {
	rec := func(fields string) string {
		return `{"type":"record","name":"R","namespace":"com.acme","fields":[` + fields + `]}`
	}
	cases := []struct {
		name, def, path, msg string
	}{
		{"empty", ``, "", "malformed JSON"},
		{"truncated", `{"type":`, "/type", "malformed JSON at byte offset 8: unexpected end of input"},
		{"trailing data", `"int" "long"`, "", "unexpected data after the schema"},
		{"bad JSON literal", `{"type": nul}`, "/type", "malformed JSON at byte offset 9"},
		{"bad escape", `{"type": "\x"}`, "/type", "invalid escape"},
		{"control character in string", "\"in\tt\"", "", "invalid control character"},
		{"bad number", `{"type":"fixed","name":"F","size":01}`, "", "after an object member"},
		{"missing colon", `{"type" "int"}`, "/type", "expected a colon"},
		{"trailing comma", `["int",]`, "/1", "beginning of a value"},
		{"number as schema", `42`, "", "a schema must be a type name"},
		{"unknown type", rec(`{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"strng"}`), "/fields/2/type", `unknown type "strng"`},
		{"unknown type names the namespace tried", rec(`{"name":"a","type":"Money"}`), "/fields/0/type", `"com.acme.Money"`},
		{"reference before definition", rec(`{"name":"a","type":"Later"},{"name":"b","type":{"type":"fixed","name":"Later","size":1}}`), "/fields/0/type", `unknown type "Later"`},
		{"complex type name as string", `"record"`, "", `a record is written as an object`},
		{"missing type", `{"name":"R"}`, "", `no "type"`},
		{"type is an object", `{"type":{"type":"int"}}`, "/type", `must be a string`},
		{"bad record name", `{"type":"record","name":"1R","fields":[]}`, "/name", `"1R" is not a valid name`},
		{"bad full name", `{"type":"record","name":"a..R","fields":[]}`, "/name", `not a valid full name`},
		{"bad namespace", `{"type":"record","name":"R","namespace":"a-b","fields":[]}`, "/namespace", `not a valid namespace`},
		{"missing name", `{"type":"enum","symbols":["A"]}`, "", `needs a "name"`},
		{"primitive as a name", `{"type":"fixed","name":"int","size":1}`, "/name", "primitive type name"},
		{"bad field name", rec(`{"name":"a-b","type":"int"}`), "/fields/0/name", "not a valid field name"},
		{"duplicate field", rec(`{"name":"a","type":"int"},{"name":"a","type":"long"}`), "/fields/1/name", `already has a field named "a"`},
		{"field without type", rec(`{"name":"a"}`), "/fields/0", `needs a "type"`},
		{"fields not an array", `{"type":"record","name":"R","fields":{}}`, "/fields", "fields must be an array"},
		{"record without fields", `{"type":"record","name":"R"}`, "", `needs a "fields" array`},
		{"bad order", rec(`{"name":"a","type":"int","order":"up"}`), "/fields/0/order", "order must be"},
		{"duplicate type definition", rec(`{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"fixed","name":"F","size":2}}`), "/fields/1/type/name", "already defined at /fields/0/type"},
		{"bad enum symbol", `{"type":"enum","name":"E","symbols":["A","B C"]}`, "/symbols/1", "not a valid enum symbol"},
		{"duplicate enum symbol", `{"type":"enum","name":"E","symbols":["A","B","A"]}`, "/symbols/2", `already has the symbol "A"`},
		{"enum default not a symbol", `{"type":"enum","name":"E","symbols":["A"],"default":"Z"}`, "/default", "not one of the symbols"},
		{"negative fixed size", `{"type":"fixed","name":"F","size":-1}`, "/size", "non-negative"},
		{"fractional fixed size", `{"type":"fixed","name":"F","size":1.5}`, "/size", "non-negative"},
		{"fixed without size", `{"type":"fixed","name":"F"}`, "", `needs a "size"`},
		{"array without items", `{"type":"array"}`, "", `"items"`},
		{"map without values", `{"type":"map"}`, "", `"values"`},
		{"bad items", `{"type":"array","items":"nope"}`, "/items", `unknown type "nope"`},
		{"union in union", `["null",["int"]]`, "/1", "may not directly contain another union"},
		{"duplicate union branch", `["int","string","int"]`, "/2", `already has a "int" branch at index 0`},
		{"duplicate array branch", `[{"type":"array","items":"int"},{"type":"array","items":"long"}]`, "/1", `"array" branch`},
		{"duplicate named branch", `[{"type":"fixed","name":"F","size":1},"F"]`, "/1", `"F" branch`},
		{"bad alias", `{"type":"fixed","name":"F","size":1,"aliases":["a b"]}`, "/aliases/0", "not a valid alias"},
		{"doc not a string", `{"type":"fixed","name":"F","size":1,"doc":1}`, "/doc", "doc must be a string"},
		{"duplicate JSON key", `{"type":"fixed","name":"F","name":"G","size":1}`, "/name", `duplicate key "name"`},
		{"int default is a string", rec(`{"name":"a","type":"int","default":"x"}`), "/fields/0/default", `the default "x" of the field "a" is not a valid int value`},
		{"int default out of range", rec(`{"name":"a","type":"int","default":2147483648}`), "/fields/0/default", "not a valid int"},
		{"int default with fraction", rec(`{"name":"a","type":"int","default":1.5}`), "/fields/0/default", "not a valid int"},
		{"long default out of range", rec(`{"name":"a","type":"long","default":9223372036854775808}`), "/fields/0/default", "not a valid long"},
		{"null default for a string", rec(`{"name":"a","type":"string","default":null}`), "/fields/0/default", "not a valid string"},
		{"union default must match the first branch", rec(`{"name":"a","type":["string","null"],"default":null}`), "/fields/0/default", "first branch"},
		{"array default of the wrong items", rec(`{"name":"a","type":{"type":"array","items":"int"},"default":["x"]}`), "/fields/0/default", "not a valid array of int"},
		{"record default lacking a field", rec(`{"name":"a","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int"}]},"default":{}}`), "/fields/0/default", "not a valid record"},
		{"empty union default", rec(`{"name":"a","type":[],"default":null}`), "/fields/0/default", "empty union"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Handler{}.Parse(c.def, schema.Limits{})
			var pe *schema.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("want a *schema.ParseError, got %v", err)
			}
			if pe.Format != schema.Avro || pe.Path != c.path || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("got path %q msg %q; want path %q and a message containing %q", pe.Path, pe.Msg, c.path, c.msg)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for _, def := range []string{
		`"string"`,
		`{"type":"string"}`,
		`{"type":"long","logicalType":"timestamp-millis"}`,
		`[]`,
		`["null","string"]`,
		`{"type":"error","name":"Oops","fields":[{"name":"why","type":"string"}]}`,
		// A name refers to a type defined earlier, also as {"type": name}.
		`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":0}},{"name":"b","type":"F"},{"name":"c","type":{"type":"F"}}]}`,
		// Recursive types.
		listV1,
		// An unqualified name falls back to the null namespace (Apache Avro Java does the same).
		`{"type":"record","name":"Outer","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X"]}},
			{"name":"in","type":{"type":"record","name":"Inner","namespace":"ns","fields":[{"name":"e","type":"E"}]}}]}`,
		// Java 1.11 leniency: enum and fixed defaults need only be strings.
		`{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"default":"A"}]}`,
		// Defaults of every shape.
		`{"type":"record","name":"R","fields":[
			{"name":"a","type":["null","int"],"default":null},
			{"name":"b","type":{"type":"map","values":"long"},"default":{"x":1}},
			{"name":"c","type":{"type":"array","items":"double"},"default":[1,2.5,-3e2]},
			{"name":"d","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int","default":1},{"name":"y","type":"boolean"}]},"default":{"y":true}},
			{"name":"e","type":"bytes","default":"\u00ff"},
			{"name":"f","type":"float","default":1}]}`,
		// A recursive record default with an absent field that has its own default.
		`{"type":"record","name":"Node","fields":[{"name":"v","type":"int","default":0},{"name":"next","type":["null","Node"],"default":null}]}`,
	} {
		if _, err := (Handler{}).Parse(def, schema.Limits{}); err != nil {
			t.Errorf("%s: %v", def, err)
		}
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat("[", 10000) + `"int"` + strings.Repeat("]", 10000)
	deepObjects := strings.Repeat(`{"type":"array","items":`, 5000) + `"int"` + strings.Repeat("}", 5000)
	nestedRecords := ""
	for i := 0; i < 30; i++ {
		nestedRecords += `{"type":"record","name":"R` + itoa(i) + `","fields":[{"name":"f","type":`
	}
	nestedRecords += `"int"` + strings.Repeat("}]}", 30)
	big := `{"type":"fixed","name":"F","size":1,"doc":"` + strings.Repeat("x", schema.DefaultMaxBytes) + `"}`
	cases := []struct {
		name   string
		def    string
		limits schema.Limits
		msg    string
	}{
		{"10,000 nested arrays", deep, schema.Limits{}, "nesting is deeper than the limit of 64"},
		{"5,000 nested array types", deepObjects, schema.Limits{}, "nesting is deeper than the limit of 64"},
		{"30 nested records", nestedRecords, schema.Limits{}, "deeper than the limit of 64"},
		{"too large", big, schema.Limits{}, fmt.Sprintf("more than the limit of %d bytes", schema.DefaultMaxBytes)},
		{"custom byte limit", `"string"`, schema.Limits{MaxBytes: 4}, "more than the limit of 4 bytes"},
		{"custom depth limit", `{"type":"array","items":{"type":"array","items":"int"}}`, schema.Limits{MaxDepth: 1}, "limit of 1"},
		{"brackets inside strings do not count", `{"type":"fixed","name":"F","size":1,"doc":"[[[[{{{{\"["}`, schema.Limits{MaxDepth: 1}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Handler{}.Parse(c.def, c.limits)
			if c.msg == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			var pe *schema.ParseError
			if !errors.As(err, &pe) || !strings.Contains(pe.Msg, c.msg) {
				t.Fatalf("want a ParseError containing %q, got %v", c.msg, err)
			}
		})
	}
	// Within the defaults: 20 nested records (3 JSON levels each) parse.
	ok := ""
	for i := 0; i < 20; i++ {
		ok += `{"type":"record","name":"R` + itoa(i) + `","fields":[{"name":"f","type":`
	}
	ok += `"int"` + strings.Repeat("}]}", 20)
	if _, err := (Handler{}).Parse(ok, schema.Limits{}); err != nil {
		t.Errorf("20 nested records: %v", err)
	}
}
