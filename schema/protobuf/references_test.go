package protobuf_test

import (
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

func TestParseWithReferences(t *testing.T) {
	h := protobuf.Handler{}
	ref := func(def string) schema.Reference {
		s, err := h.Parse(def, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return schema.Reference{Name: "acme/common.proto", Definition: def, Schema: s}
	}
	money1 := ref("syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n")
	money2 := ref("syntax = \"proto3\";\npackage common;\nmessage Money { string units = 1; }\n")
	order := "syntax = \"proto3\";\npackage shop;\nimport \"acme/common.proto\";\nmessage Order { common.Money total = 1; }\n"
	if _, err := h.Parse(order, schema.Limits{}); err == nil {
		t.Fatal("an import parses without its reference")
	}
	o1, err := h.ParseWithReferences(order, []schema.Reference{money1}, schema.Limits{})
	if err != nil {
		t.Fatalf("ParseWithReferences: %v", err)
	}
	o2, err := h.ParseWithReferences(order, []schema.Reference{money2}, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if o1.Canonical() != o2.Canonical() {
		t.Errorf("the canonical form of the definition itself depends on its references")
	}
	found, err := h.CanRead(o2, o1)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Errorf("a field type changed in an imported message is compatible")
	}
	if found, _ := h.CanRead(o1, o1); len(found) != 0 {
		t.Errorf("a schema with references cannot read itself: %+v", found)
	}
}
