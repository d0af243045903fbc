package jsonschema_test

import (
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

func TestParseWithReferences(t *testing.T) {
	h := jsonschema.Handler{}
	ref := func(name, def string) schema.Reference {
		s, err := h.Parse(def, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return schema.Reference{Name: name, Definition: def, Schema: s}
	}
	addr1 := ref("address.json", `{"type":"object","properties":{"street":{"type":"string"}}}`)
	addr2 := ref("address.json", `{"type":"object","properties":{"street":{"type":"integer"}}}`)
	for _, tc := range []struct{ name, draft string }{{"draft-07", ""}, {"2020-12", `"$schema":"https://json-schema.org/draft/2020-12/schema",`}} {
		t.Run(tc.name, func(t *testing.T) {
			person := `{` + tc.draft + `"type":"object","properties":{"home":{"$ref":"address.json"}}}`
			if _, err := h.Parse(person, schema.Limits{}); err == nil {
				t.Fatal("a $ref to another document parses without the reference")
			}
			p1, err := h.ParseWithReferences(person, []schema.Reference{addr1}, schema.Limits{})
			if err != nil {
				t.Fatalf("ParseWithReferences: %v", err)
			}
			p2, err := h.ParseWithReferences(person, []schema.Reference{addr2}, schema.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if p1.Canonical() == p2.Canonical() || !strings.Contains(p1.Canonical(), "street") {
				t.Errorf("the canonical forms do not include the references: %s", p1.Canonical())
			}
			found, err := h.CanRead(p2, p1)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) == 0 || found[0].Rule != "TYPE_CHANGED" || !strings.Contains(found[0].Path, "street") {
				t.Errorf("a type changed in a referenced document: %+v", found)
			}
			if found, _ := h.CanRead(p1, p1); len(found) != 0 {
				t.Errorf("a schema with references cannot read itself: %+v", found)
			}
			// A reference the refs do not name is still refused.
			other := `{` + tc.draft + `"properties":{"x":{"$ref":"other.json"}}}`
			if _, err := h.ParseWithReferences(other, []schema.Reference{addr1}, schema.Limits{}); err == nil {
				t.Error("a $ref to a document no reference names parses")
			}
		})
	}
}
