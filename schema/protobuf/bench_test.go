package protobuf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// wideProto returns a proto3 file whose message has n fields of varied kinds.
func wideProto(n int) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage bench.v1;\nimport \"google/protobuf/timestamp.proto\";\n")
	b.WriteString("message Tag { string key = 1; string value = 2; }\nenum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }\n")
	b.WriteString("message Wide {\n")
	for i := 1; i <= n; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "  int64 f%d = %d;\n", i, i)
		case 1:
			fmt.Fprintf(&b, "  optional string f%d = %d [deprecated = true];\n", i, i)
		case 2:
			fmt.Fprintf(&b, "  repeated Tag f%d = %d;\n", i, i)
		case 3:
			fmt.Fprintf(&b, "  map<string, Kind> f%d = %d;\n", i, i)
		default:
			fmt.Fprintf(&b, "  google.protobuf.Timestamp f%d = %d;\n", i, i)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name, def string
	}{
		{"small", "syntax = \"proto3\";\nmessage Order {\n  string id = 1;\n  int64 cents = 2;\n}\n"},
		{"100fields", wideProto(100)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.def)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := protobuf.Parse(bc.def, schema.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
