package avro

import (
	"runtime"
	"testing"
)

// fuzzSchemas are the schemas FuzzValidateBinary validates against, picked by the first
// input byte.
func fuzzSchemas() []string {
	return []string{
		paymentEvent,
		`{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}`,
		wideRecord(20, true),
		`{"type":"array","items":{"type":"map","values":["null","boolean",{"type":"fixed","name":"F","size":2},{"type":"array","items":"null"}]}}`,
		endlessRecord,
	}
}

// endlessRecord has no finite value: validation must end all the same.
const endlessRecord = `{"type":"record","name":"R","fields":[{"name":"a","type":"R"}]}`

// FuzzValidateBinary checks that ValidateBinary never panics, allocates in proportion to
// its input only, and keeps the encoding self-delimiting: when a datum validates, neither
// a strict prefix of it nor the datum with a byte appended does.
func FuzzValidateBinary(f *testing.F) {
	defs := fuzzSchemas()
	schemas := make([]*Schema, len(defs))
	for i, def := range defs {
		schemas[i] = mustParse(f, def)
		if def == endlessRecord {
			f.Add(uint8(i), []byte{})
			continue // the generator would recurse forever
		}
		hs, err := hambaParse(def)
		if err != nil {
			f.Fatal(err)
		}
		gen := newDatumGen(uint64(i + 1))
		for range 8 {
			v, ok := gen.value(schemas[i].root, 0)
			if !ok {
				break
			}
			data, err := hambaMarshal(hs, v)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), data)
		}
	}
	f.Add(uint8(0), paymentDatum())
	f.Fuzz(func(t *testing.T, which uint8, datum []byte) {
		s := schemas[int(which)%len(schemas)]
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := s.ValidateBinary(datum)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10+16*uint64(len(datum)) {
			t.Fatalf("validating %d bytes allocated %d bytes", len(datum), alloc)
		}
		if err != nil {
			if _, ok := err.(*DatumError); !ok {
				t.Fatalf("error %T is not a *DatumError: %v", err, err)
			}
			return
		}
		if len(datum) > 0 {
			for _, n := range []int{0, len(datum) / 2, len(datum) - 1} {
				if s.ValidateBinary(datum[:n]) == nil {
					t.Fatalf("both % x and its %d-byte prefix validate", datum, n)
				}
			}
		}
		if s.ValidateBinary(append(datum[:len(datum):len(datum)], 0)) == nil {
			t.Fatalf("% x validates with a byte appended", datum)
		}
	})
}
