package avro

import (
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkValidate validates a 20-field record in both encodings and reports the cost
// relative to the raw codec measured in the same run: hamba/avro's Unmarshal into a
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
		raw := benchRawNsPerOp(b, func() error {
			var out map[string]any
			return api.Unmarshal(hs, datum, &out)
		})
		b.SetBytes(int64(len(datum)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := s.ValidateBinary(datum); err != nil {
				b.Fatal(err)
			}
		}
		benchReportRatio(b, raw, "hamba-unmarshal-ns/op", "x-hamba-unmarshal")
	})
	b.Run("json", func(b *testing.B) {
		raw := benchRawNsPerOp(b, func() error {
			var out any
			return json.Unmarshal(doc, &out)
		})
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if err := s.ValidateJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
		benchReportRatio(b, raw, "json-unmarshal-ns/op", "x-json-unmarshal")
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
