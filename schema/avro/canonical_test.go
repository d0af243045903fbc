package avro

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

func canon(t *testing.T, def string) string {
	t.Helper()
	return mustParse(t, def).Canonical()
}

func TestCanonicalIgnoresFormatting(t *testing.T) {
	groups := [][]string{
		{
			`{"type":"record","name":"Payment","namespace":"com.acme","doc":"A payment.","fields":[{"name":"id","type":"string"},{"name":"amount","type":{"type":"long"},"default":0}]}`,
			"{\n  \"fields\": [\n    {\"type\": \"string\", \"name\": \"id\"},\n    {\"default\": 0, \"name\": \"amount\", \"type\": \"long\"}\n  ],\n  \"doc\": \"A payment.\",\n  \"namespace\": \"com.acme\",\n  \"name\": \"Payment\",\n  \"type\": \"record\"\n}",
			`{"type":"record","name":"com.acme.Payment","doc":"A payment.","fields":[{"name":"id","type":{"type":"string"}},{"name":"amount","type":"long","default":0}]}`,
			`{"type":"record","name":"com.acme.Payment","namespace":"ignored.when.the.name.is.full","doc":"A \u0070ayment.","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long","default":0}]}`,
		},
		{`"int"`, `{"type":"int"}`, ` "int" `},
		{
			`{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1.0},{"name":"m","type":{"type":"map","values":"int"},"default":{"b":1,"a":2}}]}`,
			`{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1.00},{"name":"m","type":{"type":"map","values":"int"},"default":{"a":2,"b":1}}]}`,
			`{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1},{"name":"m","type":{"type":"map","values":"int"},"default":{"a":2, "b":1}}]}`,
		},
		{
			`{"type":"bytes","logicalType":"decimal","precision":4,"scale":2,"x-owner":"team"}`,
			`{"x-owner":"team","scale":2,"precision":4,"logicalType":"decimal","type":"bytes"}`,
		},
	}
	for _, g := range groups {
		want := canon(t, g[0])
		for _, def := range g[1:] {
			if got := canon(t, def); got != want {
				t.Errorf("canonical forms differ:\n%s\n%s\nfrom %s", want, got, def)
			}
		}
	}
}

func TestCanonicalSeesEveryChange(t *testing.T) {
	base := `{"type":"record","name":"R","namespace":"n","doc":"d","aliases":["Old"],"fields":[{"name":"a","type":"int","default":1,"doc":"x","order":"ascending","aliases":["b"],"x-pii":true}]}`
	changes := map[string]string{
		"default":         strings.Replace(base, `"default":1`, `"default":2`, 1),
		"no default":      strings.Replace(base, `"default":1,`, ``, 1),
		"record doc":      strings.Replace(base, `"doc":"d"`, `"doc":"e"`, 1),
		"field doc":       strings.Replace(base, `"doc":"x"`, `"doc":"y"`, 1),
		"record alias":    strings.Replace(base, `["Old"]`, `["Older"]`, 1),
		"field alias":     strings.Replace(base, `["b"]`, `["c"]`, 1),
		"order":           strings.Replace(base, `"ascending"`, `"descending"`, 1),
		"custom property": strings.Replace(base, `"x-pii":true`, `"x-pii":false`, 1),
		"namespace":       strings.Replace(base, `"namespace":"n"`, `"namespace":"m"`, 1),
		"type":            strings.Replace(base, `"type":"int"`, `"type":"long"`, 1),
		"logical type":    strings.Replace(base, `"type":"int"`, `"type":{"type":"int","logicalType":"date"}`, 1),
		"field name":      strings.Replace(base, `"name":"a"`, `"name":"z"`, 1),
	}
	want := canon(t, base)
	for name, def := range changes {
		if got := canon(t, def); got == want {
			t.Errorf("%s: the change is invisible in the canonical form %s", name, got)
		}
	}
}

func TestCanonicalGolden(t *testing.T) {
	def := `{
	  "namespace": "com.acme", "name": "Order", "type": "record",
	  "fields": [
	    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID"], "default": "NEW"}},
	    {"name": "previous", "type": ["null", "Status"], "default": null},
	    {"name": "ref", "type": {"type": "record", "name": "Ref", "namespace": "", "fields": [{"name": "id", "type": "string"}]}},
	    {"name": "refs", "type": {"type": "array", "items": "Ref"}},
	    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}
	  ]
	}`
	s := mustParse(t, def)
	wantCanonical := `{"type":"record","name":"com.acme.Order","fields":[` +
		`{"name":"status","type":{"type":"enum","name":"com.acme.Status","symbols":["NEW","PAID"],"default":"NEW"}},` +
		`{"name":"previous","type":["null","com.acme.Status"],"default":null},` +
		`{"name":"ref","type":{"type":"record","name":"Ref","namespace":"","fields":[{"name":"id","type":"string"}]}},` +
		`{"name":"refs","type":{"type":"array","items":"Ref"}},` +
		`{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}`
	if got := s.Canonical(); got != wantCanonical {
		t.Errorf("canonical:\n got %s\nwant %s", got, wantCanonical)
	}
	wantPCF := `{"name":"com.acme.Order","type":"record","fields":[` +
		`{"name":"status","type":{"name":"com.acme.Status","type":"enum","symbols":["NEW","PAID"]}},` +
		`{"name":"previous","type":["null","com.acme.Status"]},` +
		`{"name":"ref","type":{"name":"Ref","type":"record","fields":[{"name":"id","type":"string"}]}},` +
		`{"name":"refs","type":{"type":"array","items":"Ref"}},` +
		`{"name":"at","type":"long"}]}`
	if got := s.ParsingCanonicalForm(); got != wantPCF {
		t.Errorf("parsing canonical form:\n got %s\nwant %s", got, wantPCF)
	}
	if Fingerprint(s) != sha256.Sum256([]byte(wantCanonical)) {
		t.Error("Fingerprint should be the SHA-256 of the canonical form")
	}
	if s.String() != s.Canonical() {
		t.Error("String should return the canonical form")
	}
}

// allDefinitions gathers every schema definition the tests use.
func allDefinitions(tb testing.TB) []string {
	var defs []string
	for _, p := range oraclePairs(tb) {
		defs = append(defs, p.reader, p.writer)
	}
	return defs
}

// The canonical form is a definition of the same schema and a fixed point.
func TestCanonicalRoundTrip(t *testing.T) {
	for _, def := range allDefinitions(t) {
		s := mustParse(t, def)
		again, err := Handler{}.Parse(s.Canonical(), schema.Limits{})
		if err != nil {
			t.Fatalf("the canonical form of %s does not parse: %v\n%s", def, err, s.Canonical())
		}
		if again.Canonical() != s.Canonical() {
			t.Errorf("not a fixed point:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		if again.(*Schema).ParsingCanonicalForm() != s.ParsingCanonicalForm() {
			t.Errorf("the parsing canonical form changed through the canonical form of %s", def)
		}
	}
}

// hamba/avro implements the Parsing Canonical Form too (Schema.String); ours must agree,
// except that hamba keeps logicalType and its attributes, which the specification's [STRIP]
// rule removes (Apache Avro Java's SchemaNormalization removes them too).
func TestParsingCanonicalFormMatchesHamba(t *testing.T) {
	seen := map[string]bool{}
	for _, def := range allDefinitions(t) {
		if seen[def] {
			continue
		}
		seen[def] = true
		h, err := hambaParse(def)
		if err != nil {
			t.Fatalf("hamba: %v", err)
		}
		ours := mustParse(t, def).ParsingCanonicalForm()
		if strings.Contains(def, "logicalType") {
			if ours == h.String() || strings.Contains(ours, "logicalType") {
				t.Errorf("logical types: want ours stripped and hamba's kept, got ours %s hamba %s", ours, h.String())
			}
			continue
		}
		if ours != h.String() {
			t.Errorf("parsing canonical form of %s:\n ours  %s\n hamba %s", def, ours, h.String())
		}
	}
}
