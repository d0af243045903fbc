package protobuf_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

var compatRules = []string{
	protobuf.RulePackageChanged, protobuf.RuleMessageRemoved, protobuf.RuleFieldKindChanged,
	protobuf.RuleFieldScalarKindChanged, protobuf.RuleFieldNamedTypeChanged, protobuf.RuleFieldNumericLabelChanged,
	protobuf.RuleRequiredFieldAdded, protobuf.RuleRequiredFieldRemoved, protobuf.RuleOneofFieldRemoved,
	protobuf.RuleMultipleFieldsMovedToOneof, protobuf.RuleFieldMovedToExistingOneof,
}

// FuzzCanRead compares two definitions built from seed .proto texts: CanRead never panics,
// gives the same answer twice, reports only known rules with sorted paths and one-sentence
// messages, and a schema compared with itself (without the identical-definition shortcut)
// has no finding.
func FuzzCanRead(f *testing.F) {
	for _, c := range ruleCases() {
		f.Add(c.old, c.new)
	}
	for _, c := range oracleCases() {
		f.Add(c.old, c.new)
	}
	f.Add(proto3File, proto2File)
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, err := protobuf.Parse(a, schema.Limits{})
		if err != nil {
			return
		}
		sb, err := protobuf.Parse(b, schema.Limits{})
		if err != nil {
			return
		}
		for _, m := range sa.Messages() {
			for i := 0; i < m.Oneofs().Len(); i++ {
				if o := m.Oneofs().Get(i); protobuf.SyntheticOneof(o) != o.IsSynthetic() {
					t.Fatalf("oneof %s: synthetic %v, IsSynthetic %v", o.FullName(), protobuf.SyntheticOneof(o), o.IsSynthetic())
				}
			}
		}
		if self := protobuf.CanReadWalk(sa, sa); len(self) > 0 {
			t.Fatalf("a schema cannot read itself: %v\n%s", self, a)
		}
		for _, pair := range [][2]*protobuf.Schema{{sa, sb}, {sb, sa}} {
			found, err := protobuf.Handler{}.CanRead(pair[0], pair[1])
			if err != nil {
				t.Fatal(err)
			}
			again, _ := protobuf.Handler{}.CanRead(pair[0], pair[1])
			if !slices.Equal(found, again) {
				t.Fatalf("two checks disagree:\n%v\n%v", found, again)
			}
			checkWellFormed(t, found)
		}
	})
}

// checkWellFormed checks the invariants every finding list keeps.
func checkWellFormed(t testing.TB, found []schema.Incompatibility) {
	t.Helper()
	for i, f := range found {
		if !slices.Contains(compatRules, f.Rule) {
			t.Fatalf("unknown rule %q", f.Rule)
		}
		if f.Path != "" && !strings.HasPrefix(f.Path, "/") {
			t.Fatalf("path %q is not a pointer", f.Path)
		}
		if f.Message == "" || strings.HasSuffix(f.Message, ".") || !strings.Contains(f.Message, "the reader schema") || !strings.Contains(f.Message, "the writer schema") {
			t.Fatalf("message does not name both sides in one sentence: %q", f.Message)
		}
		if i > 0 && found[i-1] == f {
			t.Fatalf("duplicate finding %v", f)
		}
	}
}

// TestHostileSchemas: large, deep and recursive definitions are compared quickly and without
// panics.
func TestHostileSchemas(t *testing.T) {
	wide := func(n int, typ string) string {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\nmessage Wide {\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "  %s f%d = %d;\n", typ, i, i)
		}
		b.WriteString("}\n")
		return b.String()
	}
	chain := func(n int, last string) string {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\n")
		for i := 0; i < n-1; i++ {
			fmt.Fprintf(&b, "message M%d { M%d next = 1; }\n", i, i+1)
		}
		fmt.Fprintf(&b, "message M%d { %s v = 1; }\n", n-1, last)
		return b.String()
	}
	ring := func(n int, first string) string {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\n")
		for i := 0; i < n; i++ {
			typ := "int32"
			if i == 0 {
				typ = first
			}
			fmt.Fprintf(&b, "message R%d { R%d next = 1; %s v = 2; R0 head = 3; }\n", i, (i+1)%n, typ)
		}
		return b.String()
	}
	nested := func(depth, siblings int, typ string) string {
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\n")
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "message N%d { N%d child = 1; %s v = 2;\n", i, i+1, typ)
		}
		fmt.Fprintf(&b, "message N%d { %s v = 1; }\n", depth, typ)
		for i := 0; i < siblings; i++ {
			fmt.Fprintf(&b, "message S%d { %s v = 1; N0 root = 2; }\n", i, typ)
		}
		b.WriteString(strings.Repeat("}\n", depth))
		return b.String()
	}
	cases := []struct {
		name     string
		old, new string
		min      int // findings expected at least, BACKWARD
	}{
		{"1,000 fields, all changed", wide(1000, "int32"), wide(1000, "string"), 1000},
		{"1,000 fields, compatible", wide(1000, "int32"), wide(1000, "int64"), 0},
		{"100 chained types, break at the end", chain(100, "int32"), chain(100, "double"), 100},
		{"100 types in a recursive ring", ring(100, "int32"), ring(100, "bytes"), 1},
		{"3,000 types in a recursive ring", ring(3000, "int32"), ring(3000, "bytes"), 1},
		{"100 nested types", nested(20, 80, "int32"), nested(20, 80, "sint32"), 101},
		{"recursive message compared with itself", ring(50, "int32"), ring(50, "int32"), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old, new := mustParse(t, c.old), mustParse(t, c.new)
			start := time.Now()
			for _, pair := range [][2]*protobuf.Schema{{new, old}, {old, new}} {
				found, err := protobuf.Handler{}.CanRead(pair[0], pair[1])
				if err != nil {
					t.Fatal(err)
				}
				checkWellFormed(t, found)
				if pair[0] == new && len(found) < c.min {
					t.Errorf("%d findings, want at least %d", len(found), c.min)
				}
				if c.min == 0 && len(found) > 0 {
					t.Errorf("want no finding, got %d: %v", len(found), found[0])
				}
			}
			if self := protobuf.CanReadWalk(old, old); len(self) > 0 {
				t.Errorf("compared with itself: %v", self[0])
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
