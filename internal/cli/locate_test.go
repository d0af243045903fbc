package cli

import (
	"testing"

	"github.com/cartaschema/carta/schema"
)

const avroNew = `{
  "type": "record",
  "name": "P",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount",
      "type": ["null", "long"], "default": null},
    {"name": "na\"me/x", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}
  ]
}`

func TestLocatorPointer(t *testing.T) {
	l := newLocator(schema.Avro, avroNew, nil)
	for _, tc := range []struct {
		ptr       string
		line, col int
	}{
		{"", 1, 1},
		{"/fields", 4, 3},
		{"/fields/0", 5, 5},
		{"/fields/1/type", 7, 7},
		{"/fields/1/type/1", 7, 24},
		{"/fields/2/type/symbols/1", 8, 81},
		{"#/fields/1/default", 7, 33},
		{"/fields/9/type", 4, 3},       // no such field: the list that lacks it
		{"/fields/0/type/size", 5, 20}, // no such member: its deepest ancestor
	} {
		got := l.pointer(tc.ptr)
		if got.Line != tc.line || got.Col != tc.col {
			t.Errorf("pointer(%q) = %d:%d, want %d:%d", tc.ptr, got.Line, got.Col, tc.line, tc.col)
		}
	}
}

func TestLineColCountsCharacters(t *testing.T) {
	text := "{\n  \"é€\": \"x\", \"k\": 1}"
	line, col := lineCol(text, len(text)-2)
	if line != 2 || col != 19 {
		t.Errorf("lineCol = %d:%d, want 2:19", line, col)
	}
}

func TestTranslateAvroPointer(t *testing.T) {
	old, err := parseTree(`{"type":"record","name":"P","fields":[
		{"name":"gone","type":"int"},
		{"name":"id","type":"string"},
		{"name":"amount","type":["null","int"]},
		{"name":"old_name","type":"int"},
		{"name":"kind","type":{"type":"enum","name":"E","symbols":["X","A","B"]}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	new, err := parseTree(`{"type":"record","name":"P","fields":[
		{"name":"id","type":"string"},
		{"name":"kind","type":{"type":"enum","name":"E","symbols":["A","B"]}},
		{"name":"new_name","aliases":["old_name"],"type":"long"},
		{"name":"amount","type":["long","null"]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"/fields/1", "/fields/0"},
		{"/fields/0", ""},                        // removed: the record
		{"/fields/2/type/0", "/fields/3/type/1"}, // union branches by type
		{"/fields/2/type/1", "/fields/3/type"},   // int is no longer a branch
		{"/fields/3/type", "/fields/2/type"},
		{"/fields/4/type/symbols/2", "/fields/1/type/symbols/1"},
		{"/fields/4/type/symbols/0", "/fields/1/type"},
	} {
		if got := translateAvroPointer(old, new, tc.in); got != tc.want {
			t.Errorf("translate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const protoText = `syntax = "proto3";
package pay;

// message Decoy { string currency = 3; }
message PaymentCaptured {
  string payment_id = 1;
  /* currency = 3; */
  string currency = 3 [json_name = "cur"];
  message Inner {
    int32 x = 1;
  }
  oneof method {
    string card = 5;
  }
}
message Other { string y = 3; }
`

func TestProtoPosition(t *testing.T) {
	for _, tc := range []struct {
		path      string
		line, col int
	}{
		{"/PaymentCaptured/3", 8, 3},
		{"#/PaymentCaptured/Inner/1", 10, 5},
		{"/PaymentCaptured/method/5", 13, 5},
		{"/PaymentCaptured/currency", 8, 3},
		{"/Other/3", 16, 17},
		{"/PaymentCaptured/9", 5, 1}, // no such field: its message
		{"/Missing", 1, 1},
		{"", 1, 1},
	} {
		got := protoPosition(protoText, tc.path)
		if got.Line != tc.line || got.Col != tc.col {
			t.Errorf("protoPosition(%q) = %d:%d, want %d:%d", tc.path, got.Line, got.Col, tc.line, tc.col)
		}
	}
}

func TestParseTreeRejectsBadJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a" 1}`, `[1,]`, `{"a":1} x`, `"\x"`, `01x`} {
		if _, err := parseTree(in); err == nil {
			t.Errorf("parseTree(%q) accepted", in)
		}
	}
	deep := ""
	for i := 0; i < 1000; i++ {
		deep += "["
	}
	if _, err := parseTree(deep); err == nil {
		t.Error("parseTree accepted 1000 levels of nesting")
	}
}
