package wire

import (
	"bytes"
	"testing"
)

// A 1 KiB record of moderately compressible JSON-ish text.
var benchPayload = bytes.Repeat([]byte(`{"id":12345,"currency":"EUR","amount":1999},`), 24)

func BenchmarkAppendGlue(b *testing.B) {
	for _, comp := range []Compression{CompressionNone, CompressionZlib} {
		b.Run(comp.String(), func(b *testing.B) {
			var c Codec
			buf := make([]byte, 0, 2*len(benchPayload)+64)
			b.ReportAllocs()
			b.SetBytes(int64(len(benchPayload)))
			var n int
			for b.Loop() {
				out, err := c.AppendGlue(buf[:0], testID, comp, benchPayload)
				if err != nil {
					b.Fatal(err)
				}
				n = len(out)
			}
			b.ReportMetric(float64(n)/float64(len(benchPayload)), "ratio")
		})
	}
}

func BenchmarkParseGlue(b *testing.B) {
	for _, comp := range []Compression{CompressionNone, CompressionZlib} {
		b.Run(comp.String(), func(b *testing.B) {
			var c Codec
			rec, _ := c.AppendGlue(nil, testID, comp, benchPayload)
			buf := make([]byte, 0, 2*len(benchPayload))
			b.ReportAllocs()
			b.SetBytes(int64(len(benchPayload)))
			for b.Loop() {
				if comp == CompressionNone {
					if _, _, err := ParseGlue(rec); err != nil {
						b.Fatal(err)
					}
					continue
				}
				if _, _, err := c.DecodeGlue(buf[:0], rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkParseConfluentProtobuf(b *testing.B) {
	rec, _ := AppendConfluentProtobuf(nil, 42, []int{0}, benchPayload)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := ParseConfluentProtobuf(rec); err != nil {
			b.Fatal(err)
		}
	}
}
