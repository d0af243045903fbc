package avro

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkValidate validates a 20-field record in both encodings and reports the cost
// relative to the raw codec, interleaved with it: hamba/avro's Unmarshal into a
// map[string]any for the binary encoding, encoding/json's Unmarshal into an any for JSON.
func BenchmarkValidate(b *testing.B) {
	def := wideRecord(20, false)
	s := mustParse(b, def)
	hs, err := hambaParse(def)
	if err != nil {
		b.Fatal(err)
	}
	v, _ := newDatumGen(7).value(s.root, 0)
	api := hambaConfig()
	datum, err := api.Marshal(hs, v)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := json.Marshal(avroJSON(s.root, v))
	if err != nil {
		b.Fatal(err)
	}

	b.Run("binary", func(b *testing.B) {
		b.SetBytes(int64(len(datum)))
		benchInterleaved(b, func() error { return s.ValidateBinary(datum) }, func() error {
			var out map[string]any
			return api.Unmarshal(hs, datum, &out)
		}, "hamba-unmarshal")
	})
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		benchInterleaved(b, func() error { return s.ValidateJSON(doc) }, func() error {
			var out any
			return json.Unmarshal(doc, &out)
		}, "json-unmarshal")
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
