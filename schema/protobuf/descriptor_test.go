package protobuf_test

import (
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// TestDescriptorRoundTrip: a schema's serialized descriptor turns back into a definition with
// the same canonical form, also when it imports a well-known type and another file.
func TestDescriptorRoundTrip(t *testing.T) {
	money := "syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n"
	ms, err := protobuf.Parse(money, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	refs := []schema.Reference{{Name: "common/money.proto", Definition: money, Schema: ms}}
	def := "syntax = \"proto3\";\npackage shop;\nimport \"google/protobuf/timestamp.proto\";\nimport \"common/money.proto\";\n" +
		"message Order { string id = 1; common.Money total = 2; google.protobuf.Timestamp at = 3; map<string, int32> counts = 4;\n" +
		"  enum State { NEW = 0; DONE = 1; } State state = 5; oneof pay { string card = 6; string iban = 7; } }\n"
	s, err := protobuf.Handler{}.ParseWithReferences(def, refs, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.(*protobuf.Schema).Descriptor()
	if err != nil {
		t.Fatal(err)
	}
	text, err := protobuf.DefinitionFromDescriptor(b)
	if err != nil {
		t.Fatalf("DefinitionFromDescriptor: %v", err)
	}
	again, err := protobuf.Handler{}.ParseWithReferences(text, refs, schema.Limits{})
	if err != nil {
		t.Fatalf("the text from the descriptor does not parse: %v\n%s", err, text)
	}
	if again.Canonical() != s.Canonical() {
		t.Errorf("canonical forms differ:\n%s\n---\n%s", again.Canonical(), s.Canonical())
	}
	for _, bad := range [][]byte{[]byte("not a descriptor"), {}} {
		if _, err := protobuf.DefinitionFromDescriptor(bad); err == nil {
			t.Errorf("DefinitionFromDescriptor(%q) succeeded", bad)
		}
	}
}

// FuzzDefinitionFromDescriptor feeds arbitrary bytes as a serialized file descriptor: an error
// or a text, never a panic.
func FuzzDefinitionFromDescriptor(f *testing.F) {
	for _, def := range []string{
		"syntax = \"proto3\";\npackage p;\nmessage M { string a = 1; repeated int32 b = 2; map<string, M> c = 3; }\n",
		"syntax = \"proto2\";\nmessage M { optional string a = 1 [default = \"x\"]; extensions 10 to 20; }\n",
	} {
		s, err := protobuf.Parse(def, schema.Limits{})
		if err != nil {
			f.Fatal(err)
		}
		b, err := s.Descriptor()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		text, err := protobuf.DefinitionFromDescriptor(b)
		if err != nil {
			return
		}
		_ = text
	})
}
