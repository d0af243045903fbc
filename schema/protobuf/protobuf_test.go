package protobuf_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// mustParse parses def with the default limits and fails the test on error.
func mustParse(t testing.TB, def string) *protobuf.Schema {
	t.Helper()
	s, err := protobuf.Handler{}.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, def)
	}
	ps, ok := s.(*protobuf.Schema)
	if !ok {
		t.Fatalf("Parse returned %T, want *protobuf.Schema", s)
	}
	return ps
}

// parseErr parses def and returns the *schema.ParseError it must fail with.
func parseErr(t *testing.T, def string, limits schema.Limits) *schema.ParseError {
	t.Helper()
	_, err := protobuf.Handler{}.Parse(def, limits)
	if err == nil {
		t.Fatalf("Parse(%.80q) succeeded, want an error", def)
	}
	var pe *schema.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse(%.80q) error is %T (%v), want *schema.ParseError", def, err, err)
	}
	if pe.Format != schema.Protobuf {
		t.Errorf("ParseError.Format = %q, want PROTOBUF", pe.Format)
	}
	return pe
}

func TestHandler(t *testing.T) {
	var h schema.Handler = protobuf.Handler{}
	if h.Format() != schema.Protobuf {
		t.Errorf("Format() = %q", h.Format())
	}
	s := mustParse(t, `syntax = "proto3"; message A { int32 a = 1; }`)
	if s.Format() != schema.Protobuf {
		t.Errorf("Schema.Format() = %q", s.Format())
	}
	found, err := h.CanRead(s, s)
	if err != nil || found != nil {
		t.Errorf("CanRead(s, s) = %v, %v; want nil, nil", found, err)
	}
}

const proto3File = `syntax = "proto3";

package acme.orders.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/any.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";

option java_package = "com.acme.orders.v1";

// An order as placed by a customer.
message Order {
  string id = 1;
  optional int32 quantity = 2;
  map<string, Line> lines = 3;
  oneof payment {
    string card_token = 4;
    Voucher voucher = 5;
  }
  google.protobuf.Timestamp placed_at = 6;
  google.protobuf.Duration ttl = 7;
  google.protobuf.Any extra = 8;
  google.protobuf.Struct attributes = 9;
  google.protobuf.StringValue note = 10;
  google.protobuf.FieldMask mask = 11;
  repeated Status history = 12;
  reserved 20 to 29, 40;
  reserved "legacy";

  message Line {
    string sku = 1;
    int64 count = 2;
  }
  message Voucher {
    string code = 1;
  }
  enum Status {
    STATUS_UNSPECIFIED = 0;
    STATUS_PLACED = 1;
  }
}

service Orders {
  rpc Place(Order) returns (google.protobuf.Empty);
  rpc Watch(google.protobuf.Empty) returns (stream Order);
}
`

const proto2File = `syntax = "proto2";
package legacy;

message Reading {
  required string sensor = 1;
  optional double value = 2 [default = -1.5];
  optional Unit unit = 3 [default = CELSIUS];
  repeated int32 samples = 4 [packed = true];
  optional group Location = 5 {
    optional double lat = 1;
    optional double lon = 2;
  }
  extensions 100 to 199;
  enum Unit {
    CELSIUS = 1;
    FAHRENHEIT = 2;
  }
}

extend Reading {
  optional string source = 100;
}
`

func TestParseFiles(t *testing.T) {
	t.Run("proto3", func(t *testing.T) {
		s := mustParse(t, proto3File)
		fd := s.FileDescriptor()
		if fd.Syntax() != protoreflect.Proto3 || fd.Package() != "acme.orders.v1" || fd.Path() != "schema.proto" {
			t.Errorf("file: syntax %v, package %q, path %q", fd.Syntax(), fd.Package(), fd.Path())
		}
		order := fd.Messages().ByName("Order")
		if order == nil {
			t.Fatal("no message Order")
		}
		if f := order.Fields().ByName("lines"); f == nil || !f.IsMap() || f.MapValue().Message().FullName() != "acme.orders.v1.Order.Line" {
			t.Errorf("lines is not map<string, Line>: %v", f)
		}
		if o := order.Oneofs().ByName("payment"); o == nil || o.Fields().Len() != 2 {
			t.Errorf("oneof payment: %v", o)
		}
		if f := order.Fields().ByName("quantity"); !f.HasPresence() {
			t.Error("optional quantity has no presence")
		}
		if f := order.Fields().ByName("placed_at"); f.Message().FullName() != "google.protobuf.Timestamp" {
			t.Errorf("placed_at is %v", f.Message().FullName())
		}
		if svc := fd.Services().ByName("Orders"); svc == nil || !svc.Methods().ByName("Watch").IsStreamingServer() {
			t.Error("service Orders.Watch is not server-streaming")
		}
	})
	t.Run("proto2", func(t *testing.T) {
		s := mustParse(t, proto2File)
		fd := s.FileDescriptor()
		reading := fd.Messages().ByName("Reading")
		if f := reading.Fields().ByName("value"); f.Default().Float() != -1.5 {
			t.Errorf("default of value = %v", f.Default())
		}
		if f := reading.Fields().ByName("sensor"); f.Cardinality() != protoreflect.Required {
			t.Error("sensor is not required")
		}
		if f := reading.Fields().ByName("location"); f.Kind() != protoreflect.GroupKind {
			t.Errorf("location kind %v", f.Kind())
		}
		if x := fd.Extensions().ByName("source"); x == nil || x.ContainingMessage().FullName() != "legacy.Reading" {
			t.Errorf("extension source: %v", x)
		}
	})
	t.Run("edition 2023", func(t *testing.T) {
		s := mustParse(t, `edition = "2023";
			package e;
			option features.field_presence = IMPLICIT;
			message M {
			  int32 a = 1 [features.field_presence = EXPLICIT];
			  int32 b = 2;
			}`)
		m := s.FileDescriptor().Messages().ByName("M")
		if !m.Fields().ByName("a").HasPresence() || m.Fields().ByName("b").HasPresence() {
			t.Error("edition features not applied")
		}
	})
	t.Run("all well-known imports", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\n")
		for _, wkt := range []string{"any", "api", "descriptor", "duration", "empty", "field_mask",
			"source_context", "struct", "timestamp", "type", "wrappers"} {
			fmt.Fprintf(&b, "import \"google/protobuf/%s.proto\";\n", wkt)
		}
		b.WriteString("message M { google.protobuf.Api api = 1; google.protobuf.DescriptorProto d = 2; }\n")
		mustParse(t, b.String())
	})
}

func TestParseErrors(t *testing.T) {
	wkt := `import "google/protobuf/*.proto" cannot be resolved: only the well-known types google/protobuf/*.proto are available`
	tests := []struct {
		name, def, path, msg string
	}{
		{"missing semicolon", "syntax = \"proto3\";\nmessage A {\n  int32 a = 1\n}", "4:1", "syntax error: expecting ';'"},
		{"unknown type", "syntax = \"proto3\";\nmessage A { Foo a = 1; }", "2:13", "unknown type Foo"},
		{"duplicate number", "syntax = \"proto3\";\nmessage A { int32 a = 1; int32 b = 1; }", "2:36", "same tag 1"},
		{"required in proto3", "syntax = \"proto3\";\nmessage A { required int32 a = 1; }", "2:13", "label 'required' is not allowed"},
		{"default in proto3", "syntax = \"proto3\";\nmessage A { int32 a = 1 [default = 5]; }", "2:26", "default values are not allowed in proto3"},
		{"bad default type", "syntax = \"proto2\";\nmessage A { optional int32 a = 1 [default = \"x\"]; }", "2:45", "expecting int32"},
		{"unknown syntax", `syntax = "proto4"; message A {}`, "1:10", `must be "proto2" or "proto3"`},
		{"unknown edition", `edition = "2024"; message A {}`, "1:11", `edition value "2024" not recognized`},
		{"unknown option", "syntax = \"proto3\";\noption nope = 1;\nmessage A {}", "2:8", "nope"},
		{"no message", `syntax = "proto3"; enum E { E0 = 0; }`, "", "declares no message type"},
		{"empty", ``, "", "declares no message type"},
		{"other import", "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A {}", "2:8", strings.Replace(wkt, "google/protobuf/*.proto", "other.proto", 1)},
		{"unknown google import", "syntax = \"proto3\";\nimport \"google/protobuf/nope.proto\";\nmessage A {}", "2:8", strings.Replace(wkt, "google/protobuf/*.proto", "google/protobuf/nope.proto", 1)},
		{"google api import", "syntax = \"proto3\";\nimport \"google/api/annotations.proto\";\nmessage A {}", "2:8", strings.Replace(wkt, "google/protobuf/*.proto", "google/api/annotations.proto", 1)},
		{"self import", "syntax = \"proto3\";\nimport \"schema.proto\";\nmessage A {}", "2:8", "cycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := parseErr(t, tt.def, schema.Limits{})
			if pe.Path != tt.path {
				t.Errorf("Path = %q, want %q (%v)", pe.Path, tt.path, pe)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", pe.Msg, tt.msg)
			}
		})
	}
}

// TestImportsNeverReadDisk puts valid .proto files where a disk resolver would find them and
// shows that importing them still fails.
func TestImportsNeverReadDisk(t *testing.T) {
	root := t.TempDir()
	work := filepath.Join(root, "work")
	if err := os.Mkdir(work, 0o700); err != nil {
		t.Fatal(err)
	}
	valid := "syntax = \"proto3\";\nmessage Stolen { string secret = 1; }\n"
	for _, p := range []string{filepath.Join(root, "x.proto"), filepath.Join(work, "x.proto"), filepath.Join(work, "schema.proto")} {
		if err := os.WriteFile(p, []byte(valid), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	for _, imp := range []string{"../x.proto", "x.proto", "./x.proto", filepath.ToSlash(filepath.Join(root, "x.proto"))} {
		t.Run(imp, func(t *testing.T) {
			def := fmt.Sprintf("syntax = \"proto3\";\nimport %q;\nmessage A { Stolen s = 1; }\n", imp)
			pe := parseErr(t, def, schema.Limits{})
			want := fmt.Sprintf("import %q cannot be resolved: only the well-known types google/protobuf/*.proto are available", imp)
			if pe.Path != "2:8" || pe.Msg != want {
				t.Errorf("got %q %q, want 2:8 %q", pe.Path, pe.Msg, want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	nested := func(n int) string {
		return `syntax = "proto3";` + strings.Repeat("message M {", n) + strings.Repeat("}", n)
	}
	tests := []struct {
		name, def string
		limits    schema.Limits
		path, msg string
	}{
		{"100k braces", `syntax = "proto3"; message A ` + strings.Repeat("{", 100000), schema.Limits{}, "1:94", "nested deeper than 64 levels"},
		{"option literal bomb", `syntax = "proto3"; option (x) = ` + strings.Repeat("<a:", 50000), schema.Limits{}, "", "nested deeper than 64"},
		{"option list bomb", `syntax = "proto3"; option (x) = ` + strings.Repeat("[", 50000), schema.Limits{}, "", "nested deeper than 64"},
		{"65 nested messages", nested(65), schema.Limits{}, "", "nested deeper than 64"},
		{"custom depth", nested(3), schema.Limits{MaxDepth: 2}, "", "nested deeper than 2"},
		{"oversize", "syntax = \"proto3\";\nmessage A {}\n// " + strings.Repeat("x", schema.DefaultMaxBytes), schema.Limits{}, "", fmt.Sprintf("the limit is %d", schema.DefaultMaxBytes)},
		{"custom size", "syntax = \"proto3\";\nmessage A {}\n", schema.Limits{MaxBytes: 10}, "", "the limit is 10"},
		{"invalid UTF-8", "syntax = \"proto3\";\nmessage A { string s = 1 [default = \"\\\xff\"]; }", schema.Limits{}, "", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			pe := parseErr(t, tt.def, tt.limits)
			if tt.path != "" && pe.Path != tt.path {
				t.Errorf("Path = %q, want %q", pe.Path, tt.path)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", pe.Msg, tt.msg)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// Exactly the limit is accepted (protocompile itself refuses 32 nested messages).
	if _, err := protobuf.Parse(nested(10), schema.Limits{MaxDepth: 10}); err != nil {
		t.Errorf("depth 10 with MaxDepth 10: %v", err)
	}
	// Brackets in strings and comments are not nesting.
	mustParse(t, "syntax = \"proto3\";\n// "+strings.Repeat("{", 100)+"\n/* "+strings.Repeat("{", 100)+
		" */\noption java_package = \""+strings.Repeat("{", 100)+"\";\noption go_package = '"+strings.Repeat("{", 100)+"';\nmessage A {}")
}

func TestMessages(t *testing.T) {
	s := mustParse(t, `syntax = "proto3";
		message B {
		  message C {}
		  message A {
		    message D {}
		  }
		}`)
	want := []protoreflect.FullName{"B", "B.A", "B.A.D", "B.C"}
	got := s.Messages()
	if len(got) != len(want) {
		t.Fatalf("Messages() has %d entries, want %d", len(got), len(want))
	}
	for i, name := range want {
		if got[i].FullName() != name {
			t.Errorf("Messages()[%d] = %s, want %s", i, got[i].FullName(), name)
		}
		if idx, ok := s.MessageIndex(name); !ok || idx != i {
			t.Errorf("MessageIndex(%s) = %d, %v; want %d", name, idx, ok, i)
		}
	}
	if _, ok := s.MessageIndex("Z"); ok {
		t.Error("MessageIndex(Z) found a message")
	}
	got[0] = nil
	if s.Messages()[0] == nil {
		t.Error("Messages() exposes its internal slice")
	}

	// With a package, and map entries, which the Glue SerDe counts too.
	s = mustParse(t, `syntax = "proto3"; package p;
		message Z { map<string, int32> tags = 1; message Y {} }
		message A {}`)
	var names []string
	for _, m := range s.Messages() {
		names = append(names, string(m.FullName()))
	}
	if got, want := strings.Join(names, " "), "p.A p.Z p.Z.TagsEntry p.Z.Y"; got != want {
		t.Errorf("Messages() = %s, want %s", got, want)
	}
}

func TestConcurrentParse(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() {
			s, err := protobuf.Parse(proto3File, schema.Limits{})
			if err != nil {
				t.Error(err)
				done <- ""
				return
			}
			done <- s.Canonical()
		}()
	}
	first := <-done
	for range 7 {
		if c := <-done; c != first {
			t.Error("concurrent parses disagree")
		}
	}
}
