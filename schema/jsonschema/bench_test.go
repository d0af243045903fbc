package jsonschema_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

// wideSchema returns a draft-07 object schema with n properties of varied kinds.
func wideSchema(n int) string {
	var b strings.Builder
	b.WriteString(`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","definitions":{"tag":{"type":"string","maxLength":32}},"properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `"f%d":{"type":"integer","minimum":0,"description":"field %d"}`, i, i)
		case 1:
			fmt.Fprintf(&b, `"f%d":{"type":"string","pattern":"^[a-z]+$","format":"email"}`, i)
		case 2:
			fmt.Fprintf(&b, `"f%d":{"type":"array","items":{"$ref":"#/definitions/tag"}}`, i)
		default:
			fmt.Fprintf(&b, `"f%d":{"type":["null","number"],"default":null}`, i)
		}
	}
	b.WriteString(`},"required":["f0","f1"],"additionalProperties":false}`)
	return b.String()
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name, def string
	}{
		{"small", `{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string"}},"required":["id"]}`},
		{"100fields", wideSchema(100)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.def)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := jsonschema.Parse(bc.def, schema.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
