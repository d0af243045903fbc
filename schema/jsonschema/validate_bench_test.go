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
// decoding the same document with encoding/json into an any, measured in the same run.
func BenchmarkValidate(b *testing.B) {
	s := mustParse(b, wideSchema(20))
	doc := benchDocument(20)
	if err := s.Validate(doc, jsonschema.ValidateOptions{}); err != nil {
		b.Fatal(err)
	}
	// The raw codec, timed first so the ratio compares like with like.
	const rawRounds = 2000
	start := time.Now()
	for range rawRounds {
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			b.Fatal(err)
		}
	}
	rawNs := float64(time.Since(start).Nanoseconds()) / rawRounds

	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := s.Validate(doc, jsonschema.ValidateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(rawNs, "unmarshal-ns/op")
	b.ReportMetric(perOp/rawNs, "x-unmarshal")
}
