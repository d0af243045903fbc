package protobuf_test

import (
	"errors"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// FuzzParse checks that Parse never panics, fails only with *schema.ParseError, and that the
// canonical form is itself a definition whose canonical form it is.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		proto3File,
		proto2File,
		`syntax = "proto3"; message B { message C {} message A { message D {} } }`,
		`edition = "2023"; option features.field_presence = IMPLICIT; message M { int32 a = 1 [features.field_presence = EXPLICIT]; }`,
		`syntax = "proto2"; message A { extensions 10 to 20; } extend A { optional group G = 10 { optional int32 x = 1; } }`,
		`syntax = "proto2"; message A { optional bytes b = 1 [default = "\001\xff"]; optional float f = 2 [default = nan]; }`,
		`syntax = "proto3"; import "google/protobuf/descriptor.proto"; message R { repeated string t = 1; }
		 extend google.protobuf.MessageOptions { R r = 50000; } message M { option (r) = { t: ["a"] }; }`,
		`syntax = "proto3"; enum E { option allow_alias = true; A = 0; B = 0; reserved 3 to 5; reserved "X"; } message M { E e = 1; }`,
		`syntax = "proto3"; message M { oneof o { string a = 1; int32 b = 2; } map<int32, M> m = 3; optional int64 c = 4 [json_name = "C"]; }`,
		`syntax = "proto3"; service S { rpc M(stream E) returns (stream E) { option deprecated = true; } } message E {}`,
		`syntax = "proto3"; import "x.proto";`,
		`message {{{{`,
	} {
		f.Add(seed)
	}
	roomy := schema.Limits{MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, def string) {
		s, err := protobuf.Parse(def, schema.Limits{})
		if err != nil {
			var pe *schema.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *schema.ParseError: %v", err, err)
			}
			return
		}
		again, err := protobuf.Parse(s.Canonical(), roomy)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, s.Canonical())
		}
		if again.Canonical() != s.Canonical() {
			t.Fatalf("canonical form is not stable:\n%s\n%s", s.Canonical(), again.Canonical())
		}
		if len(again.Messages()) != len(s.Messages()) {
			t.Fatalf("canonical form has %d messages, the definition %d", len(again.Messages()), len(s.Messages()))
		}
	})
}
