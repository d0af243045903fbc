package avro

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	hamba "github.com/hamba/avro/v2"
)

// wideRecord builds a record with n fields of mixed types; extra adds one optional field at
// the end (the usual evolution step).
func wideRecord(n int, extra bool) string {
	kinds := []string{
		`"int"`, `"long"`, `"string"`, `"double"`, `"boolean"`,
		`["null","string"]`, `{"type":"array","items":"long"}`, `{"type":"map","values":"string"}`,
		`"Status"`, `{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}`,
	}
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Wide","namespace":"com.acme.bench","fields":[`)
	b.WriteString(`{"name":"f0","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","VOID"]}}`)
	for i := 1; i < n; i++ {
		t := kinds[i%len(kinds)]
		def := ""
		if strings.HasPrefix(t, `["null"`) {
			def = `,"default":null`
		}
		fmt.Fprintf(&b, `,{"name":"f%d","type":%s%s}`, i, t, def)
	}
	if extra {
		b.WriteString(`,{"name":"added","type":["null","string"],"default":null}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// BenchmarkCanRead measures a BACKWARD check (new reads old) where the new schema adds one
// optional field, for Carta's checker and hamba's Compatible on the same schemas in the same
// run. hamba gets a fresh SchemaCompatibility per check, the only safe way to use it (see
// TestHambaSharedCachesAreUnsafe). x-hamba is Carta's time per check divided by hamba's.
func BenchmarkCanRead(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			oldDef, newDef := wideRecord(n, false), wideRecord(n, true)
			r, w := mustParse(b, newDef), mustParse(b, oldDef)
			hr, err1 := hambaParse(newDef)
			hw, err2 := hambaParse(oldDef)
			if err1 != nil || err2 != nil {
				b.Fatal(err1, err2)
			}
			var hambaNs float64
			b.Run("hamba", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := hamba.NewSchemaCompatibility().Compatible(hr, hw); err != nil {
						b.Fatal(err)
					}
				}
				hambaNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			})
			b.Run("carta", func(b *testing.B) {
				b.ReportAllocs()
				h := Handler{}
				for b.Loop() {
					if found, _ := h.CanRead(r, w); len(found) > 0 {
						b.Fatal(found)
					}
				}
				if hambaNs > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/hambaNs, "x-hamba")
				}
			})
		})
	}
}

// BenchmarkParse measures parsing (with canonical form) against hamba's ParseWithCache with
// a fresh cache. x-hamba is Carta's time per parse divided by hamba's.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("fields=%d", n), func(b *testing.B) {
			def := wideRecord(n, true)
			var hambaNs float64
			b.Run("hamba", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(def)))
				for b.Loop() {
					if _, err := hambaParse(def); err != nil {
						b.Fatal(err)
					}
				}
				hambaNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			})
			b.Run("carta", func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(def)))
				for b.Loop() {
					if _, err := (Handler{}).Parse(def, schema.Limits{}); err != nil {
						b.Fatal(err)
					}
				}
				if hambaNs > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/hambaNs, "x-hamba")
				}
			})
		})
	}
}
