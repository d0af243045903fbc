package jsonschema_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

// closedSchema returns a closed object schema with n properties of varied kinds, plus extra
// optional ones.
func closedSchema(n int, extra ...string) string {
	var b strings.Builder
	b.WriteString(`{"type":"object","definitions":{"tag":{"type":"string","maxLength":32}},"properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `"f%d":{"type":"integer","minimum":0}`, i)
		case 1:
			fmt.Fprintf(&b, `"f%d":{"type":"string","pattern":"^[a-z]+$"}`, i)
		case 2:
			fmt.Fprintf(&b, `"f%d":{"type":"array","items":{"$ref":"#/definitions/tag"}}`, i)
		default:
			fmt.Fprintf(&b, `"f%d":{"type":["null","number"],"default":null}`, i)
		}
	}
	for _, e := range extra {
		fmt.Fprintf(&b, `,%q:{"type":"string"}`, e)
	}
	b.WriteString(`},"required":["f0"],"additionalProperties":false}`)
	return b.String()
}

// BenchmarkCanRead checks a new schema that adds one optional property to a closed model of
// n properties against the old one (BACKWARD, STRICT).
func BenchmarkCanRead(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("%dprops", n), func(b *testing.B) {
			h := jsonschema.Handler{}
			old, err := h.Parse(closedSchema(n), schema.Limits{})
			if err != nil {
				b.Fatal(err)
			}
			nw, err := h.Parse(closedSchema(n, "added"), schema.Limits{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				found, err := h.CanRead(nw, old)
				if err != nil || len(found) != 0 {
					b.Fatalf("CanRead = %v, %v", found, err)
				}
			}
		})
	}
}
