package avro_test

import (
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
)

func TestParseWithReferences(t *testing.T) {
	h := avro.Handler{}
	ref := func(def string) schema.Reference {
		s, err := h.Parse(def, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return schema.Reference{Name: "com.acme.Address", Definition: def, Schema: s}
	}
	addr1 := ref(`{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}`)
	addr2 := ref(`{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}`)
	person := `{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"com.acme.Address"}]}`

	if _, err := h.Parse(person, schema.Limits{}); err == nil {
		t.Fatal("a definition using a referenced type parses without its reference")
	}
	p1, err := h.ParseWithReferences(person, []schema.Reference{addr1}, schema.Limits{})
	if err != nil {
		t.Fatalf("ParseWithReferences: %v", err)
	}
	p2, err := h.ParseWithReferences(person, []schema.Reference{addr2}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p1.Canonical(), `"street"`) || p1.Canonical() == p2.Canonical() {
		t.Errorf("the canonical forms do not include the references: %s / %s", p1.Canonical(), p2.Canonical())
	}
	// The canonical form is a self-contained definition.
	if _, err := h.Parse(p1.Canonical(), schema.Limits{}); err != nil {
		t.Errorf("the canonical form does not parse alone: %v", err)
	}
	found, err := h.CanRead(p2, p1)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Rule != "READER_FIELD_MISSING_DEFAULT_VALUE" {
		t.Errorf("a required field added to a referenced record: %+v", found)
	}
	// A definition may not define a type a reference defines.
	dup := `{"type":"record","name":"Address","namespace":"com.acme","fields":[]}`
	if _, err := h.ParseWithReferences(dup, []schema.Reference{addr1}, schema.Limits{}); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("redefining a referenced type: %v", err)
	}
}
