package jsonschema_test

import (
	"errors"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

// FuzzParse checks that Parse never panics, fails only with *schema.ParseError, and that a
// canonical form parses again to itself.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"type":"string"}`,
		`true`,
		`{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://x/","properties":{"a":{"$ref":"#"}}}`,
		`{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"a":{"$anchor":"x"}},"$ref":"#x","prefixItems":[{}]}`,
		`{"$schema":"https://json-schema.org/draft/2019-09/schema","$recursiveAnchor":true,"items":{"$recursiveRef":"#"}}`,
		`{"definitions":{"n":{"properties":{"next":{"$ref":"#/definitions/n"}}}},"$ref":"#/definitions/n"}`,
		`{"$id":"http://example.com/r","definitions":{"a":{"$id":"a.json"}},"$ref":"a.json"}`,
		`{"$ref":"other.json"}`,
		`{"patternProperties":{"^a":{"pattern":"b+"}},"default":1.0e3,"description":"\u00e9<>"}`,
		`{"type":5}`,
		`[[[[`,
	} {
		f.Add(seed)
	}
	roomy := schema.Limits{MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, def string) {
		s, err := jsonschema.Parse(def, schema.Limits{})
		if err != nil {
			var pe *schema.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *schema.ParseError: %v", err, err)
			}
			return
		}
		// Escaping may make the canonical form longer than the input, never deeper.
		again, err := jsonschema.Parse(s.Canonical(), roomy)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", s.Canonical(), err)
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical form is not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
	})
}
