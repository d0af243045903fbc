package protobuf_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// want is one expected incompatibility: rule, path, direction and version.
type want struct {
	rule, path string
	dir        schema.Direction
	version    int64
}

func (w want) String() string { return fmt.Sprintf("%s@%q %s v%d", w.rule, w.path, w.dir, w.version) }

// checkHistory registers history as versions 1..n and checks candidate under mode.
func checkHistory(t testing.TB, mode schema.Mode, history []string, candidate string) []schema.Incompatibility {
	t.Helper()
	var versions []schema.Versioned
	for i, def := range history {
		versions = append(versions, schema.Versioned{Version: int64(i + 1), Schema: mustParse(t, def)})
	}
	found, err := schema.Check(protobuf.Handler{}, mode, mustParse(t, candidate), versions, schema.CheckOptions{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return found
}

// assertFindings compares findings with wants, and checks that every message is one sentence
// naming both sides.
func assertFindings(t *testing.T, found []schema.Incompatibility, wants []want) {
	t.Helper()
	var got []want
	for _, f := range found {
		got = append(got, want{f.Rule, f.Path, f.Direction, f.Version})
		if m := f.Message; m == "" || strings.Contains(m, ". ") || strings.HasSuffix(m, ".") {
			t.Errorf("message should be one sentence without a final period: %q", f.Message)
		}
		if !strings.Contains(f.Message, "(the reader)") || !strings.Contains(f.Message, "(the writer)") {
			t.Errorf("message should name the reader and writer sides: %q", f.Message)
		}
	}
	if !slices.Equal(got, wants) {
		t.Errorf("findings:\n got %v\nwant %v\nmessages:\n%s", got, wants, messages(found))
	}
}

func messages(found []schema.Incompatibility) string {
	var b strings.Builder
	for _, f := range found {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// ruleCase is one old/new pair with the findings expected in one check of each direction,
// version 1 being old and the candidate new.
type ruleCase struct {
	name     string
	old, new string
	back     []string // "RULE path" found when new reads old
	fwd      []string // "RULE path" found when old reads new
}

// p3 and p2 wrap message declarations in a proto3 or proto2 file of package acme.
func p3(body string) string { return "syntax = \"proto3\";\npackage acme;\n" + body }
func p2(body string) string { return "syntax = \"proto2\";\npackage acme;\n" + body }

// order is a proto3 message Order with the given fields, beside a message Money and an enum
// Status that every order file declares.
func order(fields string) string {
	return p3("message Order {\n" + fields + "\n}\nmessage Money { int64 units = 1; string currency = 2; }\nenum Status { STATUS_UNSPECIFIED = 0; PAID = 1; }\n")
}

// ruleCases are the hand-written pairs for every rule, compatible and incompatible; the decode
// oracle replays the compatible ones.
func ruleCases() []ruleCase {
	const (
		fk  = protobuf.RuleFieldKindChanged
		fsk = protobuf.RuleFieldScalarKindChanged
		fnt = protobuf.RuleFieldNamedTypeChanged
		fnl = protobuf.RuleFieldNumericLabelChanged
	)
	r := func(rule, path string) string { return rule + " " + path }
	return []ruleCase{
		{name: "identical", old: order("string id = 1;"), new: order("string id = 1;")},
		{name: "formatting only", old: order("string id = 1;"), new: order("  string   id=1 ;  // the id")},

		// Compatible field changes (Confluent's FIELD_ADDED, FIELD_REMOVED, FIELD_NAME_CHANGED).
		{name: "add field", old: order("string id = 1;"), new: order("string id = 1; int64 cents = 2;")},
		{name: "remove field", old: order("string id = 1; int64 cents = 2;"), new: order("string id = 1;")},
		{name: "rename field", old: order("string id = 1; int64 cents = 2;"), new: order("string id = 1; int64 amount_cents = 2;")},
		{name: "renumber field", old: order("string id = 1; int64 cents = 2;"), new: order("string id = 1; int64 cents = 3;")},
		{name: "add and remove enum values", old: order("Status status = 1;"),
			new: p3("message Order { Status status = 1; }\nmessage Money { int64 units = 1; string currency = 2; }\nenum Status { STATUS_UNSPECIFIED = 0; SHIPPED = 2; }\n")},

		// FIELD_SCALAR_KIND_CHANGED and the scalar groups.
		{name: "int32 to int64", old: order("int32 qty = 1;"), new: order("int64 qty = 1;")},
		{name: "int64 to int32", old: order("int64 qty = 1;"), new: order("int32 qty = 1;")},
		{name: "uint32 to int32", old: order("uint32 qty = 1;"), new: order("int32 qty = 1;")},
		{name: "uint64 to int64", old: order("uint64 qty = 1;"), new: order("int64 qty = 1;")},
		{name: "int32 to bool", old: order("int32 flag = 1;"), new: order("bool flag = 1;")},
		{name: "int32 to enum", old: order("int32 status = 1;"), new: order("Status status = 1;")},
		{name: "enum to int32", old: order("Status status = 1;"), new: order("int32 status = 1;")},
		{name: "sint32 to sint64", old: order("sint32 delta = 1;"), new: order("sint64 delta = 1;")},
		{name: "fixed32 to sfixed32", old: order("fixed32 h = 1;"), new: order("sfixed32 h = 1;")},
		{name: "fixed64 to sfixed64", old: order("fixed64 h = 1;"), new: order("sfixed64 h = 1;")},
		{name: "string to bytes", old: order("string note = 1;"), new: order("bytes note = 1;")},
		{name: "bytes to string", old: order("bytes note = 1;"), new: order("string note = 1;")},
		{name: "int32 to sint32", old: order("int32 delta = 1;"), new: order("sint32 delta = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},
		{name: "int32 to string", old: order("int32 qty = 1;"), new: order("string qty = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},
		{name: "fixed32 to fixed64", old: order("fixed32 h = 1;"), new: order("fixed64 h = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},
		{name: "float to double", old: order("float x = 1;"), new: order("double x = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},
		{name: "enum to string", old: order("Status status = 1;"), new: order("string status = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},

		// FIELD_KIND_CHANGED.
		{name: "scalar to message", old: order("int64 total = 1;"), new: order("Money total = 1;"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},
		{name: "enum to message", old: order("Status total = 1;"), new: order("Money total = 1;"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},
		{name: "map to repeated message", old: order("map<string, int64> units = 1;"),
			new:  order("repeated Entry units = 1; message Entry { string key = 1; int64 value = 2; }"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1"), r(protobuf.RuleMessageRemoved, "/Order/Entry")}},
		{name: "scalar to map", old: order("string tags = 1;"), new: order("map<string, string> tags = 1;"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},
		{name: "map value scalar to message", old: order("map<string, int64> m = 1;"), new: order("map<string, Money> m = 1;"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},
		{name: "proto2 group to message",
			old:  p2("message Order { optional group Line = 1 { optional int32 n = 1; } }"),
			new:  p2("message Order { optional Line line = 1; message Line { optional int32 n = 1; } }"),
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},
		{name: "editions delimited message",
			old:  "edition = \"2023\";\npackage acme;\nmessage Order { Line line = 1; }\nmessage Line { int32 n = 1; }\n",
			new:  "edition = \"2023\";\npackage acme;\nmessage Order { Line line = 1 [features.message_encoding = DELIMITED]; }\nmessage Line { int32 n = 1; }\n",
			back: []string{r(fk, "/Order/1")}, fwd: []string{r(fk, "/Order/1")}},

		// Maps compare their keys and values.
		{name: "map value int32 to int64", old: order("map<string, int32> m = 1;"), new: order("map<string, int64> m = 1;")},
		{name: "map key int32 to int64", old: order("map<int32, string> m = 1;"), new: order("map<int64, string> m = 1;")},
		{name: "map value int32 to string", old: order("map<string, int32> m = 1;"), new: order("map<string, string> m = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},
		{name: "map key and value both change", old: order("map<int32, int32> m = 1;"), new: order("map<string, float> m = 1;"),
			back: []string{r(fsk, "/Order/1"), r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1"), r(fsk, "/Order/1")}},

		// FIELD_NAMED_TYPE_CHANGED: by name, then by structure.
		{name: "message field to another message",
			old:  order("Money total = 1;") + "message Amount { int64 units = 1; }\n",
			new:  order("Amount total = 1;") + "message Amount { int64 units = 1; }\n",
			back: []string{r(fnt, "/Order/1")}, fwd: []string{r(fnt, "/Order/1")}},
		{name: "well-known type to another",
			old:  p3("import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";\nmessage Order { google.protobuf.Timestamp at = 1; }"),
			new:  p3("import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";\nmessage Order { google.protobuf.Duration at = 1; }"),
			back: []string{r(fnt, "/Order/1")}, fwd: []string{r(fnt, "/Order/1")}},
		{name: "well-known type kept",
			old: p3("import \"google/protobuf/timestamp.proto\";\nmessage Order { google.protobuf.Timestamp at = 1; }"),
			new: p3("import \"google/protobuf/timestamp.proto\";\nmessage Order { google.protobuf.Timestamp placed_at = 1; string id = 2; }")},
		{name: "local message shadowing a well-known name",
			old:  p3("import \"google/protobuf/timestamp.proto\";\nmessage Order { google.protobuf.Timestamp at = 1; }\nmessage Timestamp { int64 seconds = 1; int32 nanos = 2; }"),
			new:  p3("import \"google/protobuf/timestamp.proto\";\nmessage Order { Timestamp at = 1; }\nmessage Timestamp { int64 seconds = 1; int32 nanos = 2; }"),
			back: []string{r(fnt, "/Order/1")}, fwd: []string{r(fnt, "/Order/1")}},
		{name: "referenced message breaks",
			old:  order("Money total = 1;"),
			new:  p3("message Order { Money total = 1; }\nmessage Money { string units = 1; string currency = 2; }\nenum Status { STATUS_UNSPECIFIED = 0; PAID = 1; }\n"),
			back: []string{r(fsk, "/Money/1"), r(fnt, "/Order/1")}, fwd: []string{r(fsk, "/Money/1"), r(fnt, "/Order/1")}},
		{name: "referenced message gains a field",
			old: order("Money total = 1;"),
			new: p3("message Order { Money total = 1; }\nmessage Money { int64 units = 1; string currency = 2; int32 nanos = 3; }\nenum Status { STATUS_UNSPECIFIED = 0; PAID = 1; }\n")},
		{name: "map value message breaks",
			old:  order("map<string, Money> totals = 1;"),
			new:  p3("message Order { map<string, Money> totals = 1; }\nmessage Money { int64 units = 1; Status currency = 2; }\nenum Status { STATUS_UNSPECIFIED = 0; PAID = 1; }\n"),
			back: []string{r(fsk, "/Money/2"), r(fnt, "/Order/1")}, fwd: []string{r(fsk, "/Money/2"), r(fnt, "/Order/1")}},
		{name: "break two references deep",
			old:  p3("message A { B b = 1; }\nmessage B { C c = 1; }\nmessage C { int32 x = 1; }"),
			new:  p3("message A { B b = 1; }\nmessage B { C c = 1; }\nmessage C { string x = 1; }"),
			back: []string{r(fnt, "/A/1"), r(fnt, "/B/1"), r(fsk, "/C/1")}, fwd: []string{r(fnt, "/A/1"), r(fnt, "/B/1"), r(fsk, "/C/1")}},
		{name: "nested message referenced by its parent",
			old:  p3("message Order { Line line = 1; message Line { int32 qty = 1; } }"),
			new:  p3("message Order { Line line = 1; message Line { double qty = 1; } }"),
			back: []string{r(fnt, "/Order/1"), r(fsk, "/Order/Line/1")}, fwd: []string{r(fnt, "/Order/1"), r(fsk, "/Order/Line/1")}},

		// Recursive types: a type referring to itself is not reported on that reference.
		{name: "recursive message breaks",
			old:  p3("message Node { Node next = 1; int32 v = 2; }"),
			new:  p3("message Node { Node next = 1; string v = 2; }"),
			back: []string{r(fsk, "/Node/2")}, fwd: []string{r(fsk, "/Node/2")}},
		{name: "recursive message gains a field",
			old: p3("message Node { Node next = 1; int32 v = 2; }"),
			new: p3("message Node { Node next = 1; int32 v = 2; repeated Node children = 3; }")},
		{name: "mutually recursive messages",
			old:  p3("message A { B b = 1; int32 x = 2; }\nmessage B { A a = 1; }"),
			new:  p3("message A { B b = 1; string x = 2; }\nmessage B { A a = 1; }"),
			back: []string{r(fsk, "/A/2"), r(fnt, "/B/1")}, fwd: []string{r(fsk, "/A/2"), r(fnt, "/B/1")}},
		{name: "recursion with a break outside the cycle",
			old:  p3("message A { B b = 1; C c = 2; }\nmessage B { A a = 1; }\nmessage C { int32 x = 1; }"),
			new:  p3("message A { B b = 1; C c = 2; }\nmessage B { A a = 1; }\nmessage C { float x = 1; }"),
			back: []string{r(fnt, "/A/2"), r(fnt, "/B/1"), r(fsk, "/C/1")}, fwd: []string{r(fnt, "/A/2"), r(fnt, "/B/1"), r(fsk, "/C/1")}},

		// FIELD_NUMERIC_LABEL_CHANGED.
		{name: "optional int32 to repeated", old: order("optional int32 qty = 1;"), new: order("repeated int32 qty = 1;"),
			back: []string{r(fnl, "/Order/1")}, fwd: []string{r(fnl, "/Order/1")}},
		{name: "implicit int32 to repeated", old: order("int32 qty = 1;"), new: order("repeated int32 qty = 1;"),
			back: []string{r(fnl, "/Order/1")}, fwd: []string{r(fnl, "/Order/1")}},
		{name: "enum to repeated enum", old: order("Status s = 1;"), new: order("repeated Status s = 1;"),
			back: []string{r(fnl, "/Order/1")}, fwd: []string{r(fnl, "/Order/1")}},
		{name: "repeated double to singular", old: order("repeated double x = 1;"), new: order("double x = 1;"),
			back: []string{r(fnl, "/Order/1")}, fwd: []string{r(fnl, "/Order/1")}},
		{name: "repeated int32 to repeated int64", old: order("repeated int32 qty = 1;"), new: order("repeated int64 qty = 1;")},
		{name: "string to repeated string", old: order("string tag = 1;"), new: order("repeated string tag = 1;")},
		{name: "repeated bytes to singular", old: order("repeated bytes tag = 1;"), new: order("bytes tag = 1;")},
		{name: "message to repeated message", old: order("Money total = 1;"), new: order("repeated Money total = 1;")},
		{name: "repeated message to singular", old: order("repeated Money total = 1;"), new: order("Money total = 1;")},
		{name: "proto3 implicit to optional", old: order("int32 qty = 1;"), new: order("optional int32 qty = 1;")},
		{name: "label and scalar kind change report the kind", old: order("int32 qty = 1;"), new: order("repeated string qty = 1;"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},

		// REQUIRED_FIELD_ADDED and REQUIRED_FIELD_REMOVED (proto2).
		{name: "add required field",
			old:  p2("message Order { optional string id = 1; }"),
			new:  p2("message Order { optional string id = 1; required string sku = 2; }"),
			back: []string{r(protobuf.RuleRequiredFieldAdded, "/Order/2")}, fwd: []string{r(protobuf.RuleRequiredFieldRemoved, "/Order/2")}},
		{name: "remove required field",
			old:  p2("message Order { optional string id = 1; required string sku = 2; }"),
			new:  p2("message Order { optional string id = 1; }"),
			back: []string{r(protobuf.RuleRequiredFieldRemoved, "/Order/2")}, fwd: []string{r(protobuf.RuleRequiredFieldAdded, "/Order/2")}},
		{name: "add optional field to proto2",
			old: p2("message Order { required string id = 1; }"),
			new: p2("message Order { required string id = 1; optional int32 qty = 2; }")},
		{name: "optional int32 to required",
			old:  p2("message Order { optional int32 qty = 1; }"),
			new:  p2("message Order { required int32 qty = 1; }"),
			back: []string{r(fnl, "/Order/1")}, fwd: []string{r(fnl, "/Order/1")}},
		{name: "required string to optional",
			old: p2("message Order { required string id = 1; }"),
			new: p2("message Order { optional string id = 1; }")},
		{name: "edition legacy required added",
			old:  "edition = \"2023\";\npackage acme;\nmessage Order { string id = 1; }\n",
			new:  "edition = \"2023\";\npackage acme;\nmessage Order { string id = 1; string sku = 2 [features.field_presence = LEGACY_REQUIRED]; }\n",
			back: []string{r(protobuf.RuleRequiredFieldAdded, "/Order/2")}, fwd: []string{r(protobuf.RuleRequiredFieldRemoved, "/Order/2")}},

		// Oneofs.
		{name: "remove field from oneof",
			old:  order("oneof payment { string card = 1; string iban = 2; string voucher = 3; }"),
			new:  order("oneof payment { string card = 1; string iban = 2; }"),
			back: []string{r(protobuf.RuleOneofFieldRemoved, "/Order/payment/3")}},
		{name: "move field out of oneof",
			old: order("oneof payment { string card = 1; string iban = 2; string voucher = 3; }"),
			new: order("oneof payment { string card = 1; string iban = 2; } string voucher = 3;"),
			fwd: []string{r(protobuf.RuleFieldMovedToExistingOneof, "/Order/payment")}},
		{name: "remove whole oneof",
			old: order("string id = 1; oneof payment { string card = 2; string iban = 3; }"),
			new: order("string id = 1;")},
		{name: "add field to oneof",
			old: order("oneof payment { string card = 1; }"),
			new: order("oneof payment { string card = 1; string iban = 2; }"),
			fwd: []string{r(protobuf.RuleOneofFieldRemoved, "/Order/payment/2")}},
		{name: "move one field into a new oneof",
			old: order("string id = 1; string card = 2;"),
			new: order("string id = 1; oneof payment { string card = 2; string iban = 3; }")},
		{name: "move two fields into a new oneof",
			old:  order("string card = 1; string iban = 2;"),
			new:  order("oneof payment { string card = 1; string iban = 2; string voucher = 3; }"),
			back: []string{r(protobuf.RuleMultipleFieldsMovedToOneof, "/Order/payment")}},
		{name: "move a field into an existing oneof",
			old:  order("string card = 1; oneof payment { string iban = 2; string voucher = 3; }"),
			new:  order("oneof payment { string card = 1; string iban = 2; string voucher = 3; }"),
			back: []string{r(protobuf.RuleFieldMovedToExistingOneof, "/Order/payment")}},
		{name: "rename oneof",
			old: order("oneof payment { string card = 1; string iban = 2; }"),
			new: order("oneof method { string card = 1; string iban = 2; }")},
		{name: "merge two oneofs",
			old: order("oneof a { int32 x = 1; } oneof b { int32 y = 2; }"),
			new: order("oneof a { int32 x = 1; int32 y = 2; }")},
		{name: "proto3 optional into a oneof",
			old: order("optional int32 qty = 1; string id = 2;"),
			new: order("oneof q { int32 qty = 1; string qty_text = 3; } string id = 2;")},
		{name: "oneof member changes type",
			old:  order("oneof payment { string card = 1; int32 points = 2; }"),
			new:  order("oneof payment { string card = 1; string points = 2; }"),
			back: []string{r(fsk, "/Order/payment/2")}, fwd: []string{r(fsk, "/Order/payment/2")}},
		{name: "field moved into renamed oneof keeps its path",
			old:  order("oneof a { int32 x = 1; }"),
			new:  order("oneof b { string x = 1; }"),
			back: []string{r(fsk, "/Order/1")}, fwd: []string{r(fsk, "/Order/1")}},

		// MESSAGE_REMOVED (and MESSAGE_ADDED, which is compatible BACKWARD only).
		{name: "add message", old: order("string id = 1;"), new: order("string id = 1;") + "message Refund { string id = 1; }\n",
			fwd: []string{r(protobuf.RuleMessageRemoved, "/Refund")}},
		{name: "remove message", old: order("string id = 1;") + "message Refund { string id = 1; }\n", new: order("string id = 1;"),
			back: []string{r(protobuf.RuleMessageRemoved, "/Refund")}},
		{name: "remove nested message with its own nested types",
			old:  p3("message Order { string id = 1; message Item { message Detail { string sku = 1; } } }"),
			new:  p3("message Order { string id = 1; }"),
			back: []string{r(protobuf.RuleMessageRemoved, "/Order/Item")}, fwd: nil},
		{name: "reorder messages", old: p3("message A { int32 a = 1; }\nmessage B { int32 b = 1; }"), new: p3("message B { int32 b = 1; }\nmessage A { int32 a = 1; }")},
		{name: "move message into another",
			old:  p3("message Order { Item item = 1; }\nmessage Item { string sku = 1; }"),
			new:  p3("message Order { Item item = 1; message Item { string sku = 1; } }"),
			back: []string{r(protobuf.RuleMessageRemoved, "/Item"), r(fnt, "/Order/1")},
			fwd:  []string{r(fnt, "/Order/1"), r(protobuf.RuleMessageRemoved, "/Order/Item")}},
		{name: "map field removed does not remove a message",
			old: order("string id = 1; map<string, string> labels = 2;"), new: order("string id = 1;")},
		{name: "enum type removed", old: order("string id = 1;"), new: p3("message Order { string id = 1; }\nmessage Money { int64 units = 1; string currency = 2; }\n")},
		{name: "service and options ignored",
			old: order("string id = 1;"),
			new: "syntax = \"proto3\";\npackage acme;\noption java_package = \"com.acme\";\n" +
				"message Order { string id = 1 [deprecated = true]; }\nmessage Money { int64 units = 1; string currency = 2; }\nenum Status { STATUS_UNSPECIFIED = 0; PAID = 1; }\n" +
				"service Orders { rpc Get(Order) returns (Order); }\n"},

		// PACKAGE_CHANGED.
		{name: "change package",
			old:  p3("message Order { Line line = 1; }\nmessage Line { int32 qty = 1; }"),
			new:  "syntax = \"proto3\";\npackage acme.v2;\nmessage Order { Line line = 1; }\nmessage Line { int32 qty = 1; }",
			back: []string{r(protobuf.RulePackageChanged, "")}, fwd: []string{r(protobuf.RulePackageChanged, "")}},
		{name: "add package and break a field",
			old:  "syntax = \"proto3\";\nmessage Order { int32 qty = 1; }",
			new:  p3("message Order { string qty = 1; }"),
			back: []string{r(protobuf.RulePackageChanged, ""), r(fsk, "/Order/1")}, fwd: []string{r(protobuf.RulePackageChanged, ""), r(fsk, "/Order/1")}},

		// Syntax changes are not compared in themselves.
		{name: "proto2 to proto3",
			old: p2("message Order { optional string id = 1; repeated int32 qty = 2; }"),
			new: p3("message Order { string id = 1; repeated int32 qty = 2; }")},

		// Findings are sorted by path, field numbers numerically, then by rule.
		{name: "every problem is reported, in path order",
			old: order("int32 a = 2; int32 b = 10; int32 c = 9; Money m = 3; oneof o { int32 d = 4; int32 e = 5; }") + "message Gone {}\n",
			new: order("string a = 2; repeated int32 b = 10; Status c = 9; Status m = 3; oneof o { int32 d = 4; }"),
			back: []string{r(protobuf.RuleMessageRemoved, "/Gone"), r(fsk, "/Order/2"), r(fk, "/Order/3"), r(fnl, "/Order/10"),
				r(protobuf.RuleOneofFieldRemoved, "/Order/o/5")},
			fwd: []string{r(fsk, "/Order/2"), r(fk, "/Order/3"), r(fnl, "/Order/10")}},
	}
}

// wantsFor expands a case's findings into what mode expects when history holds the old schema
// n times (versions 1..n): newest version first, BACKWARD before FORWARD.
func wantsFor(c ruleCase, mode schema.Mode, n int) []want {
	var out []want
	versions := []int64{int64(n)}
	if mode.Transitive() {
		versions = nil
		for v := n; v >= 1; v-- {
			versions = append(versions, int64(v))
		}
	}
	for _, v := range versions {
		for _, dir := range mode.Directions() {
			list := c.back
			if dir == schema.DirForward {
				list = c.fwd
			}
			for _, s := range list {
				rule, path, _ := strings.Cut(s, " ")
				out = append(out, want{rule, path, dir, v})
			}
		}
	}
	return out
}

// TestRulesEveryMode runs every case in every mode: non-transitive modes against one version,
// transitive ones against a three-version history.
func TestRulesEveryMode(t *testing.T) {
	for _, c := range ruleCases() {
		for _, mode := range schema.Modes {
			t.Run(c.name+"/"+string(mode), func(t *testing.T) {
				n := 1
				if mode.Transitive() {
					n = 3
				}
				found := checkHistory(t, mode, slices.Repeat([]string{c.old}, n), c.new)
				assertFindings(t, found, wantsFor(c, mode, n))
			})
		}
	}
}

// The paths in the "every problem" case are sorted as documented: /Order/2 before /Order/10,
// numbers before oneof names, the root first.
func TestFindingsOrder(t *testing.T) {
	old := "syntax = \"proto3\";\nmessage Order { int32 a = 2; int32 b = 10; oneof o { int32 c = 3; int32 d = 4; } }\nmessage Z {}\n"
	new := "syntax = \"proto3\";\npackage p;\nmessage Order { string a = 2; string b = 10; oneof o { int32 c = 3; } }\n"
	found := checkHistory(t, schema.Backward, []string{old}, new)
	var paths []string
	for _, f := range found {
		paths = append(paths, f.Path)
	}
	if got, want := strings.Join(paths, " "), " /Order/2 /Order/10 /Order/o/4 /Z"; got != want {
		t.Errorf("paths = %q, want %q\n%s", got, want, messages(found))
	}
}

func TestTransitiveHistories(t *testing.T) {
	v1 := order("int32 qty = 1;")
	v2 := order("")
	v3 := order("string qty = 1;")
	t.Run("BACKWARD checks only the latest, BACKWARD_ALL every version", func(t *testing.T) {
		assertFindings(t, checkHistory(t, schema.Backward, []string{v1, v2}, v3), nil)
		assertFindings(t, checkHistory(t, schema.BackwardAll, []string{v1, v2}, v3),
			[]want{{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirBackward, 1}})
	})
	t.Run("FORWARD checks only the latest, FORWARD_ALL every version", func(t *testing.T) {
		assertFindings(t, checkHistory(t, schema.Forward, []string{v1, v2}, v3), nil)
		assertFindings(t, checkHistory(t, schema.ForwardAll, []string{v1, v2}, v3),
			[]want{{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirForward, 1}})
	})
	t.Run("FULL_ALL reports every failing version, newest first", func(t *testing.T) {
		withRefund := order("int32 qty = 1;") + "message Refund { string id = 1; }\n"
		assertFindings(t, checkHistory(t, schema.FullAll, []string{v1, withRefund}, v3), []want{
			{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirBackward, 2},
			{protobuf.RuleMessageRemoved, "/Refund", schema.DirBackward, 2},
			{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirForward, 2},
			{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirBackward, 1},
			{protobuf.RuleFieldScalarKindChanged, "/Order/1", schema.DirForward, 1},
		})
	})
	t.Run("NONE and DISABLED check nothing", func(t *testing.T) {
		for _, mode := range []schema.Mode{schema.None, schema.Disabled} {
			assertFindings(t, checkHistory(t, mode, []string{v1}, p3("message Other { bytes b = 1; }")), nil)
		}
	})
}

// Adding a message type is BACKWARD compatible but not FORWARD (the swapped comparison sees a
// removed message), hence not FULL: compat-rules.md §4.1 and Confluent agree.
func TestNewMessageTypeIsForwardIncompatible(t *testing.T) {
	v1 := order("string id = 1;")
	v2 := order("string id = 1;") + "message Refund { string id = 1; }\n"
	assertFindings(t, checkHistory(t, schema.Backward, []string{v1}, v2), nil)
	for _, mode := range []schema.Mode{schema.Forward, schema.Full, schema.ForwardAll, schema.FullAll} {
		assertFindings(t, checkHistory(t, mode, []string{v1}, v2), []want{{protobuf.RuleMessageRemoved, "/Refund", schema.DirForward, 1}})
	}
}

// TestCompatMessages pins what a finding tells the user, with the engine's side names.
func TestCompatMessages(t *testing.T) {
	cases := []struct {
		mode     schema.Mode
		old, new string
		parts    []string
	}{
		{schema.Backward, order("int32 qty = 1;"), order("string quantity = 1;"),
			[]string{`field 1 at /Order/1`, `"quantity" (string) in the new schema (the reader)`, `"qty" (int32) in version 1 (the writer)`, "string and int32 are in different wire groups, {string, bytes} and {int32, int64, uint32, uint64, bool, enum}", "new number"}},
		{schema.Forward, order("string id = 1;"), order("string id = 1;") + "message Refund { string id = 1; }\n",
			[]string{`"acme.Refund" at /Refund in the new schema (the writer) is missing from version 1 (the reader)`, "of its own"}},
		{schema.Backward, order("Money m = 1;"), p3("message Order { Money m = 1; }\nmessage Money { string units = 1; string currency = 2; }"),
			[]string{`field 1 at /Order/1 has the type "Money"`, "/Money"}},
		{schema.Backward, p2("message Order { optional string id = 1; }"), p2("message Order { optional string id = 1; required int32 n = 2; }"),
			[]string{`the required field 2 "n" (required int32) at /Order/2 in the new schema (the reader)`, "make the field optional"}},
		{schema.Backward, order("string a = 1; string b = 2;"), order("oneof o { string a = 1; string b = 2; }"),
			[]string{`the oneof "o" at /Order/o in the new schema (the reader) holds fields 1 and 2`}},
		{schema.Backward, order("int32 n = 1;"), order("repeated int32 n = 1;"),
			[]string{`"n" (repeated int32) in the new schema (the reader) but "n" (int32) in version 1 (the writer)`, "the same label in both schemas"}},
		{schema.Backward, p3("message A {}"), "syntax = \"proto3\";\nmessage A {}",
			[]string{`the new schema (the reader) declares no package but version 1 (the writer) declares package "acme"`}},
		{schema.Backward, order("map<string, int32> m = 1;"), order("map<string, string> m = 1;"),
			[]string{`the map value of field 1 at /Order/1 is "value" (string)`}},
	}
	for _, c := range cases {
		found := checkHistory(t, c.mode, []string{c.old}, c.new)
		if len(found) == 0 {
			t.Errorf("no finding for %s", c.new)
			continue
		}
		// The finding that mentions the first part must mention them all.
		i := slices.IndexFunc(found, func(f schema.Incompatibility) bool { return strings.Contains(f.Message, c.parts[0]) })
		if i < 0 {
			t.Errorf("no message contains %q:\n%s", c.parts[0], messages(found))
			continue
		}
		for _, p := range c.parts[1:] {
			if !strings.Contains(found[i].Message, p) {
				t.Errorf("message %q lacks %q", found[i].Message, p)
			}
		}
	}
}

func TestCanReadRejectsOtherSchemas(t *testing.T) {
	s := mustParse(t, `syntax = "proto3"; message A {}`)
	var none schema.Schema
	if _, err := (protobuf.Handler{}).CanRead(none, s); err == nil {
		t.Error("nil reader: want an error")
	}
	if _, err := (protobuf.Handler{}).CanRead(s, otherSchema{}); err == nil {
		t.Error("non-Protobuf writer: want an error")
	}
	if _, err := (protobuf.Handler{}).CanRead(s, (*protobuf.Schema)(nil)); err == nil {
		t.Error("nil *Schema writer: want an error")
	}
}

type otherSchema struct{}

func (otherSchema) Format() schema.Format { return schema.Avro }
func (otherSchema) Canonical() string     { return `"int"` }
