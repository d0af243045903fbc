package jsonschema_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema/jsonschema"
)

// benchDocument returns a document for wideSchema(n): every property present, with values of
// the kinds the schema asks for.
func benchDocument(n int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `"f%d":%d`, i, 1000+i)
		case 1:
			fmt.Fprintf(&b, `"f%d":"field%c"`, i, 'a'+i%26)
		case 2:
			fmt.Fprintf(&b, `"f%d":["alpha","beta","gamma"]`, i)
		default:
			fmt.Fprintf(&b, `"f%d":%d.25`, i, i)
		}
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// BenchmarkValidate validates a 20-property object and reports the cost relative to
// decoding the same document with encoding/json into an any, interleaved with it.
func BenchmarkValidate(b *testing.B) {
	s := mustParse(b, wideSchema(20))
	doc := benchDocument(20)
	b.SetBytes(int64(len(doc)))
	benchInterleaved(b, func() error { return s.Validate(doc, jsonschema.ValidateOptions{}) }, func() error {
		var v any
		return json.Unmarshal(doc, &v)
	}, "json-unmarshal")
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
