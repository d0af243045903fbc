package protobuf_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
)

// wideDocument returns a JSON payload for the Wide message of wideProto(n), every field set.
func wideDocument(n int) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, `"f%d":"%d"`, i, 1000000+i)
		case 1:
			fmt.Fprintf(&b, `"f%d":"value %d"`, i, i)
		case 2:
			fmt.Fprintf(&b, `"f%d":[{"key":"a","value":"1"},{"key":"b","value":"2"}]`, i)
		case 3:
			fmt.Fprintf(&b, `"f%d":{"x":"KIND_A","y":"KIND_UNSPECIFIED"}`, i)
		default:
			fmt.Fprintf(&b, `"f%d":"2024-05-01T10:00:%02dZ"`, i, i)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// BenchmarkValidate validates a 20-field message in both encodings and reports the cost
// relative to the raw codec measured in the same run: proto.Unmarshal and protojson's
// Unmarshal into a dynamicpb message of the same type.
func BenchmarkValidate(b *testing.B) {
	s := mustParse(b, wideProto(20))
	const name = "bench.v1.Wide"
	md, err := s.Message(name)
	if err != nil {
		b.Fatal(err)
	}
	doc := []byte(wideDocument(20))
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal(doc, m); err != nil {
		b.Fatal(err)
	}
	bin, err := proto.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}

	b.Run("binary", func(b *testing.B) {
		raw := benchRawNsPerOp(b, func() error { return proto.Unmarshal(bin, dynamicpb.NewMessage(md)) })
		b.SetBytes(int64(len(bin)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := s.ValidateBinary(name, bin); err != nil {
				b.Fatal(err)
			}
		}
		benchReportRatio(b, raw, "proto-unmarshal-ns/op", "x-proto-unmarshal")
	})
	b.Run("json", func(b *testing.B) {
		raw := benchRawNsPerOp(b, func() error { return protojson.Unmarshal(doc, dynamicpb.NewMessage(md)) })
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := s.ValidateJSON(name, doc); err != nil {
				b.Fatal(err)
			}
		}
		benchReportRatio(b, raw, "protojson-unmarshal-ns/op", "x-protojson-unmarshal")
	})
}

// benchRawNsPerOp times the raw codec over a fixed number of rounds, failing on its first error.
func benchRawNsPerOp(b *testing.B, op func() error) float64 {
	const rounds = 2000
	for range 100 { // warm up
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	for range rounds {
		_ = op()
	}
	return float64(time.Since(start).Nanoseconds()) / rounds
}

// benchReportRatio reports the raw codec's time and the benchmark's time per op relative to it.
func benchReportRatio(b *testing.B, rawNs float64, rawUnit, ratioUnit string) {
	b.StopTimer()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(rawNs, rawUnit)
	b.ReportMetric(perOp/rawNs, ratioUnit)
}
