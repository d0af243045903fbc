package protobuf_test

import (
	"fmt"
	"testing"

	"github.com/cartaschema/carta/schema/protobuf"
)

// BenchmarkCanRead checks a message of n fields of varied kinds (scalars, messages, maps,
// well-known types) against the same message with one more field, BACKWARD (the new schema
// reads the old one).
func BenchmarkCanRead(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("%dfields", n), func(b *testing.B) {
			old := mustParse(b, wideProto(n))
			new := mustParse(b, wideProto(n+1))
			b.ReportAllocs()
			for b.Loop() {
				found, err := protobuf.Handler{}.CanRead(new, old)
				if err != nil || len(found) > 0 {
					b.Fatal(found, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/field")
		})
	}
}
