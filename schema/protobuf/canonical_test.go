package protobuf_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestCanonicalGolden pins the canonical form of two representative files.
func TestCanonicalGolden(t *testing.T) {
	for name, def := range map[string]string{"proto3": proto3File, "proto2": proto2File} {
		t.Run(name, func(t *testing.T) {
			got := mustParse(t, def).Canonical()
			path := filepath.Join("testdata", name+".canonical")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("Canonical =\n%s\nwant\n%s", got, want)
			}
			// The canonical form is itself a valid definition with the same canonical form.
			if again := mustParse(t, got).Canonical(); again != got {
				t.Errorf("canonical form is not a fixed point:\n%s", again)
			}
		})
	}
}

func TestCanonicalEquivalent(t *testing.T) {
	base := `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
option java_package = "com.shop";
message Item {
  string sku = 1;
  int32 count = 2 [deprecated = true];
  google.protobuf.Timestamp at = 3;
  map<string, Tag> tags = 4;
  oneof price { int64 cents = 5; string text = 6; }
  message Tag { string v = 1; }
}
`
	same := map[string]string{
		"comments and layout": `// header comment
syntax   =   "proto3" ;   /* block */
package shop ;
import "google/protobuf/timestamp.proto" ;
import "google/protobuf/wrappers.proto";
option java_package
  = "com.shop";
/** Item doc. */
message Item
{
	string sku = 1; // trailing
	int32 count = 2 [ deprecated = true ];
	google.protobuf.Timestamp at = 3;
	map < string , Tag > tags = 4;
	oneof price {
		int64 cents = 5;
		string text = 6;
	}
	message Tag {
		string v = 1;
	}
}`,
		"imports reordered": strings.Replace(base,
			"import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/wrappers.proto\";",
			"import \"google/protobuf/wrappers.proto\";\nimport \"google/protobuf/timestamp.proto\";", 1),
		"qualified type names": strings.NewReplacer(
			"google.protobuf.Timestamp at", ".google.protobuf.Timestamp at",
			"map<string, Tag>", "map<string, shop.Item.Tag>").Replace(base),
		"single quotes":           strings.Replace(base, `"com.shop"`, `'com.shop'`, 1),
		"json_name equal default": strings.Replace(base, "string sku = 1;", `string sku = 1 [json_name = "sku"];`, 1),
	}
	want := mustParse(t, base).Canonical()
	for name, def := range same {
		if got := mustParse(t, def).Canonical(); got != want {
			t.Errorf("%s: Canonical =\n%s\nwant\n%s", name, got, want)
		}
	}

	different := map[string]string{
		"field renamed":      strings.Replace(base, "string sku = 1;", "string code = 1;", 1),
		"number changed":     strings.Replace(base, "string sku = 1;", "string sku = 7;", 1),
		"type changed":       strings.Replace(base, "string sku = 1;", "bytes sku = 1;", 1),
		"label added":        strings.Replace(base, "string sku = 1;", "optional string sku = 1;", 1),
		"repeated":           strings.Replace(base, "string sku = 1;", "repeated string sku = 1;", 1),
		"option changed":     strings.Replace(base, "[deprecated = true]", "[deprecated = false]", 1),
		"option removed":     strings.Replace(base, " [deprecated = true]", "", 1),
		"file option":        strings.Replace(base, `"com.shop"`, `"com.shop2"`, 1),
		"json_name":          strings.Replace(base, "string sku = 1;", `string sku = 1 [json_name = "SKU"];`, 1),
		"package":            strings.Replace(base, "package shop;", "package shop.v2;", 1),
		"unused import":      strings.Replace(base, "option java", "import \"google/protobuf/empty.proto\";\noption java", 1),
		"field out of oneof": strings.Replace(base, "oneof price { int64 cents = 5; string text = 6; }", "int64 cents = 5; string text = 6;", 1),
		"map value type":     strings.Replace(base, "map<string, Tag>", "map<string, string>", 1),
		"nested message":     strings.Replace(base, "message Tag { string v = 1; }", "message Tag { string v = 1; string w = 2; }", 1),
		"message reordered":  strings.Replace(base, "message Item {", "message Aaa {}\nmessage Item {", 1),
	}
	for name, def := range different {
		if got := mustParse(t, def).Canonical(); got == want {
			t.Errorf("%s: Canonical did not change", name)
		}
	}

	if mustParse(t, `syntax = "proto2"; message A { optional int32 n = 1; }`).Canonical() ==
		mustParse(t, `syntax = "proto3"; message A { optional int32 n = 1; }`).Canonical() {
		t.Error("proto2 and proto3 files have the same canonical form")
	}

	proto2 := `syntax = "proto2"; message A { optional int32 n = 1 [default = 5]; optional string s = 2 [default = "x"]; }`
	p2 := mustParse(t, proto2).Canonical()
	for name, def := range map[string]string{
		"int default":    strings.Replace(proto2, "default = 5", "default = 6", 1),
		"string default": strings.Replace(proto2, `default = "x"`, `default = "y"`, 1),
		"no default":     strings.Replace(proto2, " [default = 5]", "", 1),
		"required":       strings.Replace(proto2, "optional int32", "required int32", 1),
	} {
		if got := mustParse(t, def).Canonical(); got == p2 {
			t.Errorf("%s: Canonical did not change", name)
		}
	}
	if got := mustParse(t, strings.Replace(proto2, "default = 5", "default = 0x5", 1)).Canonical(); got != p2 {
		t.Errorf("hex default changed the canonical form:\n%s\n%s", got, p2)
	}
}

func TestCanonicalCustomOptions(t *testing.T) {
	def := `syntax = "proto3";
package p;
import "google/protobuf/descriptor.proto";
message Rule { int32 min = 1; repeated string tags = 2; }
extend google.protobuf.FieldOptions { Rule rule = 50001; string label = 50002; }
message M { int32 n = 1 [(rule) = { min: 1, tags: ["a", "b"] }, (label) = "x"]; }
`
	got := mustParse(t, def).Canonical()
	if !strings.Contains(got, `int32 n = 1 [(p.rule) = { min: 1, tags: "a", tags: "b" }, (p.label) = "x"];`) {
		t.Errorf("custom options not rendered:\n%s", got)
	}
	changed := mustParse(t, strings.Replace(def, "min: 1", "min: 2", 1)).Canonical()
	if changed == got {
		t.Error("changing a custom option value did not change the canonical form")
	}
}

// TestCanonicalCoversDescriptor fails when descriptor.proto gains a field the renderer does
// not know about, so a new kind of schema change cannot go unnoticed by the canonical form.
func TestCanonicalCoversDescriptor(t *testing.T) {
	rendered := map[protoreflect.Message][]string{
		(&descriptorpb.FileDescriptorProto{}).ProtoReflect(): {"name", "package", "dependency", "message_type", "enum_type",
			"service", "extension", "options", "source_code_info", "public_dependency", "weak_dependency", "syntax", "edition"},
		(&descriptorpb.DescriptorProto{}).ProtoReflect(): {"name", "field", "extension", "nested_type", "enum_type",
			"extension_range", "oneof_decl", "options", "reserved_range", "reserved_name"},
		(&descriptorpb.DescriptorProto_ExtensionRange{}).ProtoReflect(): {"start", "end", "options"},
		(&descriptorpb.DescriptorProto_ReservedRange{}).ProtoReflect():  {"start", "end"},
		(&descriptorpb.FieldDescriptorProto{}).ProtoReflect(): {"name", "number", "label", "type", "type_name", "extendee",
			"default_value", "oneof_index", "json_name", "options", "proto3_optional"},
		(&descriptorpb.OneofDescriptorProto{}).ProtoReflect():                  {"name", "options"},
		(&descriptorpb.EnumDescriptorProto{}).ProtoReflect():                   {"name", "value", "options", "reserved_range", "reserved_name"},
		(&descriptorpb.EnumDescriptorProto_EnumReservedRange{}).ProtoReflect(): {"start", "end"},
		(&descriptorpb.EnumValueDescriptorProto{}).ProtoReflect():              {"name", "number", "options"},
		(&descriptorpb.ServiceDescriptorProto{}).ProtoReflect():                {"name", "method", "options"},
		(&descriptorpb.MethodDescriptorProto{}).ProtoReflect(): {"name", "input_type", "output_type", "options",
			"client_streaming", "server_streaming"},
	}
	for m, known := range rendered {
		fields := m.Descriptor().Fields()
		for i := 0; i < fields.Len(); i++ {
			if name := string(fields.Get(i).Name()); !slices.Contains(known, name) {
				t.Errorf("%s.%s is not rendered in the canonical form", m.Descriptor().FullName(), name)
			}
		}
	}
}

// TestCanonicalFixedPoint parses the canonical form of unusual constructs again: it must be
// a valid definition with the same canonical form and the same messages.
func TestCanonicalFixedPoint(t *testing.T) {
	for name, def := range map[string]string{
		"group in nested extension": `syntax = "proto2"; message A { extensions 10 to 20; }
			message B { extend A { optional group G = 10 { optional int32 x = 1; } } }`,
		"repeated group": `syntax = "proto2"; message A { repeated group Item = 1 { required string k = 1; } }`,
		"string and bytes defaults": `syntax = "proto2"; message A {
			optional string s = 1 [default = "tab\there \"q\" \u00e9 \x01 \\ end"];
			optional bytes b = 2 [default = "\000\377\n'"];
			optional float f = 3 [default = -inf];
			optional double d = 4 [default = 1e300];
			optional uint64 u = 5 [default = 18446744073709551615];
			optional sint32 i = 6 [default = -2147483648];
			optional bool ok = 7 [default = true]; }`,
		"custom options everywhere": `syntax = "proto2"; package p;
			import "google/protobuf/descriptor.proto";
			message Rule { optional int32 min = 1; repeated string tags = 2; optional double ratio = 3; optional Kind kind = 4;
			  optional Rule sub = 5; extensions 100 to 200; }
			enum Kind { KIND_UNSPECIFIED = 0; KIND_X = 1; }
			extend Rule { optional string note = 100; }
			extend google.protobuf.FileOptions { optional Rule file_rule = 50000; }
			extend google.protobuf.MessageOptions { optional Rule msg_rule = 50001; }
			extend google.protobuf.FieldOptions { repeated int32 nums = 50002; }
			extend google.protobuf.OneofOptions { optional bool flag = 50003; }
			extend google.protobuf.EnumValueOptions { optional string alias = 50004; }
			extend google.protobuf.ServiceOptions { optional float weight = 50005; }
			extend google.protobuf.MethodOptions { optional Kind mkind = 50006; }
			extend google.protobuf.EnumOptions { optional uint64 big = 50007; }
			option (file_rule) = { min: -3, ratio: 0.5, kind: KIND_X, sub { tags: "x" } [p.note]: "n" };
			message M {
			  option (msg_rule).min = 7;
			  oneof o { option (flag) = true; string a = 1 [(nums) = 1, (nums) = 2]; int32 b = 2; }
			}
			enum E { option (big) = 1; E0 = 0 [(alias) = "zero", deprecated = true]; }
			service S { option (weight) = 1.25; rpc Do(M) returns (M) { option (mkind) = KIND_X; } }`,
		"extension range options": `syntax = "proto2"; message A { extensions 5, 10 to max [verification = UNVERIFIED]; }`,
		"edition delimited and presence": `edition = "2023"; package e;
			message M { M child = 1 [features.message_encoding = DELIMITED]; int32 req = 2 [features.field_presence = LEGACY_REQUIRED];
			  repeated int32 nums = 3 [features.repeated_field_encoding = EXPANDED]; map<string, M> kids = 4; }
			enum Open { option features.enum_type = CLOSED; O0 = 0; O1 = 1; }`,
		"proto3 optional and json names":    `syntax = "proto3"; message M { optional string a_b = 1; optional M m = 2 [json_name = "x"]; reserved 10, 12 to 15; reserved "z"; }`,
		"no package, nested enums and maps": `syntax = "proto3"; message M { enum E { E0 = 0; } map<int64, E> byId = 1; message N { map<bool, bytes> m = 1; } N n = 2; }`,
		"public import":                     `syntax = "proto3"; import public "google/protobuf/timestamp.proto"; message M { google.protobuf.Timestamp t = 1; }`,
	} {
		t.Run(name, func(t *testing.T) {
			s := mustParse(t, def)
			again := mustParse(t, s.Canonical())
			if again.Canonical() != s.Canonical() {
				t.Errorf("not a fixed point:\n%s\n---\n%s", s.Canonical(), again.Canonical())
			}
			if len(again.Messages()) != len(s.Messages()) {
				t.Errorf("messages %d, want %d", len(again.Messages()), len(s.Messages()))
			}
			if testing.Verbose() {
				t.Logf("\n%s", s.Canonical())
			}
		})
	}
}
