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
// relative to the raw codec, interleaved with it: proto.Unmarshal and protojson's
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
		b.SetBytes(int64(len(bin)))
		benchInterleaved(b, func() error { return s.ValidateBinary(name, bin) },
			func() error { return proto.Unmarshal(bin, dynamicpb.NewMessage(md)) }, "proto-unmarshal")
	})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		benchInterleaved(b, func() error { return s.ValidateJSON(name, doc) },
			func() error { return protojson.Unmarshal(doc, dynamicpb.NewMessage(md)) }, "protojson-unmarshal")
	})
}

// benchInterleaved runs validate and the raw codec alternately in every iteration, so that
// both see the same load on a shared machine, and reports each one's time per op and their
// ratio. The benchmark's own ns/op covers both calls.
func benchInterleaved(b *testing.B, validate, raw func() error, rawName string) {
	b.Helper()
	var validateNs, rawNs time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := validate(); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if err := raw(); err != nil {
			b.Fatal(err)
		}
		validateNs += mid.Sub(start)
		rawNs += time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(validateNs.Nanoseconds())/n, "validate-ns/op")
	b.ReportMetric(float64(rawNs.Nanoseconds())/n, rawName+"-ns/op")
	b.ReportMetric(float64(validateNs)/float64(rawNs), "x-"+rawName)
}
