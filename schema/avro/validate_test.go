package avro

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	hamba "github.com/hamba/avro/v2"
)

// paymentEvent is a nested record with every kind of type, for path and rule tests.
const paymentEvent = `{"type":"record","name":"PaymentCaptured","namespace":"com.acme","fields":[
  {"name":"id","type":{"type":"fixed","name":"Id","size":4}},
  {"name":"payment","type":{"type":"record","name":"Payment","fields":[
    {"name":"amount_cents","type":"long"},
    {"name":"currency","type":{"type":"enum","name":"Currency","symbols":["EUR","USD"]}},
    {"name":"captured","type":"boolean"}
  ]}},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
    {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}},
  {"name":"labels","type":{"type":"map","values":"bytes"}},
  {"name":"rate","type":"float"},
  {"name":"total","type":"double"}
]}`

// zz appends the zig-zag varint encoding of x, as the Avro binary encoding writes an int or
// a long.
func zz(b []byte, x int64) []byte {
	return binary.AppendUvarint(b, uint64(x<<1)^uint64(x>>63))
}

// astr appends an Avro string.
func astr(b []byte, s string) []byte {
	return append(zz(b, int64(len(s))), s...)
}

// paymentDatum builds a valid datum of paymentEvent by hand, so the tests below can corrupt
// known offsets.
func paymentDatum() []byte {
	b := []byte("ab12")          // id
	b = zz(b, 1999)              // amount_cents
	b = zz(b, 1)                 // currency USD
	b = append(b, 1)             // captured
	b = astr(zz(b, 1), "thanks") // note: branch 1, string
	b = zz(b, 2)                 // lines: a block of two
	b = zz(astr(b, "sku-1"), 3)  //   line 0
	b = zz(astr(b, "sku-2"), -4) //   line 1
	b = zz(b, 0)                 //   end
	b = zz(b, -1)                // labels: a block of one, with its byte size
	b = zz(b, int64(len(astr(astr(nil, "k"), "\x00\xff"))))
	b = astr(astr(b, "k"), "\x00\xff") //   k -> 00 ff
	b = zz(b, 0)                       //   end
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(0.5))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(19.99))
	return b
}

// hambaMarshal encodes v with hamba/avro, with a fresh codec configuration (hamba caches
// codecs process-wide otherwise).
func hambaMarshal(s hamba.Schema, v any) ([]byte, error) {
	return hambaConfig().Marshal(s, v)
}

// hambaConfig returns a fresh hamba/avro codec configuration.
func hambaConfig() hamba.API { return hamba.Config{}.Freeze() }

// hambaUnmarshal decodes data with hamba/avro, with a fresh codec configuration.
func hambaUnmarshal(s hamba.Schema, data []byte, v any) error {
	return hambaConfig().Unmarshal(s, data, v)
}

func datumErr(t *testing.T, err error) *DatumError {
	t.Helper()
	var de *DatumError
	if !errors.As(err, &de) {
		t.Fatalf("error %T (%v) is not a *DatumError", err, err)
	}
	return de
}

func TestValidateBinaryPayment(t *testing.T) {
	s := mustParse(t, paymentEvent)
	good := paymentDatum()
	if err := s.ValidateBinary(good); err != nil {
		t.Fatalf("ValidateBinary(valid datum) = %v", err)
	}
	hs, err := hambaParse(paymentEvent)
	if err != nil {
		t.Fatal(err)
	}
	var decoded map[string]any
	if err := hambaUnmarshal(hs, good, &decoded); err != nil {
		t.Fatalf("hamba cannot decode the hand-built datum: %v", err)
	}

	// Offsets into good, found by building the same prefix.
	amountAt := 4
	currencyAt := amountAt + len(zz(nil, 1999))
	capturedAt := currencyAt + 1
	noteAt := capturedAt + 1
	linesAt := noteAt + 1 + len(astr(nil, "thanks"))
	qty1At := linesAt + 1 + len(astr(nil, "sku-1")) + 1 + len(astr(nil, "sku-2"))

	replace := func(at int, with ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[at:], with)
		return b
	}
	tests := []struct {
		name   string
		datum  []byte
		path   string
		offset int
		msg    string
	}{
		{"enum index out of range", replace(currencyAt, 4), "/payment/currency", currencyAt, `enum index 2 is out of range: enum "com.acme.Currency" has 2 symbols`},
		{"negative enum index", replace(currencyAt, 1), "/payment/currency", currencyAt, "enum index -1 is out of range"},
		{"boolean 2", replace(capturedAt, 2), "/payment/captured", capturedAt, "a boolean is the byte 0x00 or 0x01, not 0x02"},
		{"union index out of range", replace(noteAt, 4), "/note", noteAt, `union branch index 2 is out of range: union ["null","string"] has 2 branches`},
		{"int overflow", append(good[:qty1At:qty1At], 0xff, 0xff, 0xff, 0xff, 0x1f), "/lines/1/qty", qty1At, "an int overflows 32 bits"},
		{"trailing byte", append(bytes.Clone(good), 0), "", len(good), "1 bytes follow the end of the datum"},
		{"truncated double", good[:len(good)-1], "/total", len(good) - 8, "a double takes 8 bytes, but only 7 remain"},
		{"empty", nil, "/id", 0, `fixed "com.acme.Id" takes 4 bytes, but only 0 remain`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			de := datumErr(t, s.ValidateBinary(tc.datum))
			if de.Encoding != "binary" || de.Path != tc.path || de.Offset != tc.offset || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("got %+v\nwant path %q, offset %d, message containing %q", *de, tc.path, tc.offset, tc.msg)
			}
		})
	}
}

// TestValidateBinaryEveryPrefixFails relies on the encoding being self-delimiting: a strict
// prefix of a valid datum is never a valid datum.
func TestValidateBinaryEveryPrefixFails(t *testing.T) {
	s := mustParse(t, paymentEvent)
	good := paymentDatum()
	for n := range len(good) {
		if err := s.ValidateBinary(good[:n]); err == nil {
			t.Errorf("the %d-byte prefix of a %d-byte datum validates", n, len(good))
		}
	}
}

func TestValidateBinaryRules(t *testing.T) {
	tests := []struct {
		name, def string
		datum     []byte
		msg       string // "" for valid
	}{
		{"int max", `"int"`, zz(nil, math.MaxInt32), ""},
		{"int min", `"int"`, zz(nil, math.MinInt32), ""},
		{"int five bytes, high bits", `"int"`, []byte{0x80, 0x80, 0x80, 0x80, 0x10}, "an int overflows 32 bits"},
		{"int six bytes", `"int"`, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, "an int overflows 32 bits"},
		{"int non-minimal", `"int"`, []byte{0x80, 0x00}, ""},
		{"long max", `"long"`, zz(nil, math.MaxInt64), ""},
		{"long min", `"long"`, zz(nil, math.MinInt64), ""},
		{"long eleven bytes", `"long"`, append(bytes.Repeat([]byte{0x80}, 10), 0), "a long overflows 64 bits"},
		{"long tenth byte 2", `"long"`, append(bytes.Repeat([]byte{0x80}, 9), 2), "a long overflows 64 bits"},
		{"long truncated", `"long"`, []byte{0x80}, "the input ends inside a long"},
		{"float", `"float"`, []byte{0, 0, 0x80, 0x7f}, ""},
		{"float short", `"float"`, []byte{0, 0, 0}, "a float takes 4 bytes, but only 3 remain"},
		{"string", `"string"`, astr(nil, "héllo"), ""},
		{"string bad UTF-8", `"string"`, astr(nil, "\xff"), "a string is not valid UTF-8"},
		{"string negative length", `"string"`, zz(nil, -1), "the length of a string is negative (-1)"},
		{"string huge length", `"string"`, zz(nil, math.MaxInt64), "the length of a string is 9223372036854775807 bytes, but only 0 remain"},
		{"bytes huge length", `"bytes"`, append(zz(nil, 1<<40), 1, 2, 3), "the length of bytes is 1099511627776 bytes, but only 3 remain"},
		{"bytes any content", `"bytes"`, astr(nil, "\xff\x00"), ""},
		{"null takes nothing", `"null"`, nil, ""},
		{"null with a byte", `"null"`, []byte{0}, "1 bytes follow the end of the datum"},
		{"empty union", `[]`, zz(nil, 0), "union branch index 0 is out of range: union [] has 0 branches"},
		{"array huge count", `{"type":"array","items":"long"}`, zz(nil, 1<<60), "the array block declares 1152921504606846976 items, but the 0 remaining bytes cannot hold them"},
		{"array huge negative count", `{"type":"array","items":"long"}`, zz(zz(nil, -(1<<60)), 0), "declares 1152921504606846976 items"},
		{"array MinInt64 count", `{"type":"array","items":"long"}`, zz(nil, math.MinInt64), "the item count of an array block overflows"},
		{"array block size matches", `{"type":"array","items":"long"}`, zz(zz(zz(zz(zz(nil, -2), 2), 1), 2), 0), ""},
		{"array block size too small", `{"type":"array","items":"long"}`, zz(zz(zz(zz(zz(nil, -2), 1), 1), 2), 0), "the array block's byte size is 1, but its items take 2 bytes"},
		{"array block size beyond input", `{"type":"array","items":"long"}`, zz(zz(nil, -2), 100), "the array block's byte size is 100, but 0 bytes remain"},
		{"array block size negative", `{"type":"array","items":"long"}`, zz(zz(nil, -2), -1), "byte size is -1"},
		{"array two blocks", `{"type":"array","items":"string"}`, zz(astr(zz(astr(astr(zz(nil, 2), "a"), "b"), 1), "c"), 0), ""},
		{"array index across blocks", `{"type":"array","items":"string"}`, zz(astr(zz(astr(astr(zz(nil, 2), "a"), "b"), 1), "\xc3"), 0), "/2"},
		{"array of nulls", `{"type":"array","items":"null"}`, zz(zz(nil, 1<<20), 0), ""},
		{"array of empty records", `{"type":"array","items":{"type":"record","name":"E","fields":[]}}`, zz(zz(zz(nil, 1<<29), 1<<29), 0), ""},
		{"array of nulls past Java's limit", `{"type":"array","items":"null"}`, zz(zz(zz(nil, 1<<30), 1<<30), 0), "the array holds more than 2147483639 items"},
		{"map", `{"type":"map","values":"int"}`, zz(zz(astr(zz(nil, 1), "k"), 5), 0), ""},
		{"map of nulls huge count", `{"type":"map","values":"null"}`, zz(nil, 1<<40), "the map block declares 1099511627776 items, but the 0 remaining bytes cannot hold them"},
		{"map key bad UTF-8", `{"type":"map","values":"null"}`, zz(astr(zz(nil, 1), "\xff"), 0), "a map key is not valid UTF-8"},
		{"map value path", `{"type":"map","values":"boolean"}`, append(astr(zz(nil, 1), "a/b"), 7), "/a~1b"},
		{"fixed zero", `{"type":"fixed","name":"Z","size":0}`, nil, ""},
		{"recursive list", `{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}`,
			nil, "the input ends inside an int"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.def)
			err := s.ValidateBinary(tc.datum)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("ValidateBinary(% x) = %v, want nil", tc.datum, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateBinary(% x) = nil, want an error containing %q", tc.datum, tc.msg)
			}
			if de := datumErr(t, err); !strings.Contains(de.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", de.Error(), tc.msg)
			}
		})
	}
}

func TestValidateBinaryRecursion(t *testing.T) {
	list := mustParse(t, `{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}`)
	var b []byte
	for i := range 500 {
		b = zz(zz(b, int64(i)), 1)
	}
	b = zz(zz(b, 500), 0)
	if err := list.ValidateBinary(b); err != nil {
		t.Fatalf("a 500-element linked list: %v", err)
	}
	var deep []byte
	for range MaxDatumDepth {
		deep = zz(zz(deep, 0), 1)
	}
	deep = zz(zz(deep, 0), 0)
	de := datumErr(t, list.ValidateBinary(deep))
	if !strings.Contains(de.Msg, "nests deeper than 1024 levels") {
		t.Errorf("a list nested past MaxDatumDepth: %v", de)
	}

	// No finite datum has this type; validation must end all the same.
	endless := mustParse(t, `{"type":"record","name":"R","fields":[{"name":"a","type":"R"}]}`)
	de = datumErr(t, endless.ValidateBinary(nil))
	if !strings.Contains(de.Msg, "nests deeper than") {
		t.Errorf("an endless record: %v", de)
	}
}

// TestValidateBinaryHugeLengthsDoNotAllocate checks that declared lengths and counts are
// compared with the input before anything is done with them.
func TestValidateBinaryHugeLengthsDoNotAllocate(t *testing.T) {
	s := mustParse(t, paymentEvent)
	for _, datum := range [][]byte{
		append(append([]byte("ab12"), zz(zz(zz(nil, 1), 0), 0)...), zz(zz(nil, 1), math.MaxInt64>>1)...), // note length
		append(append([]byte("ab12"), zz(zz(zz(nil, 1), 0), 0)...), zz(zz(nil, 0), 1<<62)...),            // lines count
		append(append([]byte("ab12"), zz(zz(zz(nil, 1), 0), 0)...), zz(zz(zz(nil, 0), 0), -(1<<61))...),  // labels count
	} {
		if err := s.ValidateBinary(datum); err == nil {
			t.Fatalf("% x validates", datum)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			_ = s.ValidateBinary(datum)
		}
		runtime.ReadMemStats(&after)
		if per := (after.TotalAlloc - before.TotalAlloc) / 100; per > 4096 {
			t.Errorf("validating % x allocates %d bytes per call", datum, per)
		}
	}
}

// TestValidateBinaryHambaDatums validates datums that hamba/avro encodes from random values,
// for every definition the other tests use.
func TestValidateBinaryHambaDatums(t *testing.T) {
	validated, skipped := 0, 0
	for i, def := range append(allDefinitions(t), paymentEvent, wideRecord(20, true)) {
		s := mustParse(t, def)
		hs, err := hambaParse(def)
		if err != nil {
			t.Fatalf("hamba cannot parse %s: %v", def, err)
		}
		gen := newDatumGen(uint64(i + 1))
		for range 5 {
			v, ok := gen.value(s.root, 0)
			if !ok {
				break
			}
			data, err := hambaMarshal(hs, v)
			if err != nil {
				// hamba wants Go types of its own for some logical types; those datums
				// are covered by the hand-built cases.
				skipped++
				continue
			}
			if err := s.ValidateBinary(data); err != nil {
				t.Fatalf("hamba's encoding of %#v for %s does not validate: %v", v, def, err)
			}
			if len(data) > 0 {
				if err := s.ValidateBinary(data[:len(data)-1]); err == nil {
					t.Fatalf("a truncated datum validates for %s", def)
				}
			}
			if err := s.ValidateBinary(append(data, 0)); err == nil {
				t.Fatalf("a datum with a trailing byte validates for %s", def)
			}
			jdoc, err := json.Marshal(avroJSON(s.root, v))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ValidateJSON(jdoc); err != nil {
				t.Fatalf("the JSON encoding %s for %s does not validate: %v", jdoc, def, err)
			}
			validated++
		}
	}
	if validated < 100 {
		t.Fatalf("only %d datums validated", validated)
	}
	t.Logf("%d hamba-encoded datums and their JSON encodings validate (%d generated values hamba would not encode)", validated, skipped)
}

// avroJSON turns a generated value (see datumGen) into its Avro JSON encoding.
func avroJSON(n *node, v any) any {
	switch n.kind {
	case kindBytes:
		return latin1(v.([]byte))
	case kindFixed:
		rv := reflect.ValueOf(v)
		b := make([]byte, rv.Len())
		for i := range b {
			b[i] = byte(rv.Index(i).Uint())
		}
		return latin1(b)
	case kindArray:
		out := []any{}
		for _, e := range v.([]any) {
			out = append(out, avroJSON(n.items, e))
		}
		return out
	case kindMap:
		out := map[string]any{}
		for k, e := range v.(map[string]any) {
			out[k] = avroJSON(n.values, e)
		}
		return out
	case kindRecord:
		out := map[string]any{}
		m := v.(map[string]any)
		for _, f := range n.fields {
			out[f.name] = avroJSON(f.typ, m[f.name])
		}
		return out
	case kindUnion:
		for name, e := range v.(map[string]any) {
			for _, b := range n.branches {
				if b.typeName() == name {
					if b.kind == kindNull {
						return nil
					}
					return map[string]any{name: avroJSON(b, e)}
				}
			}
		}
		panic("no branch")
	}
	return v
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func TestValidateJSON(t *testing.T) {
	s := mustParse(t, paymentEvent)
	good := `{"id":"ab\u00ff2","payment":{"amount_cents":1999,"currency":"USD","captured":true},
	  "note":{"string":"thanks"},"lines":[{"sku":"a","qty":1},{"sku":"b","qty":-2}],
	  "labels":{"k":"\u0000\u00ff"},"rate":0.5,"total":"NaN"}`
	if err := s.ValidateJSON([]byte(good)); err != nil {
		t.Fatalf("ValidateJSON(good) = %v", err)
	}
	if err := s.ValidateJSON([]byte(strings.Replace(good, `{"string":"thanks"}`, `null`, 1))); err != nil {
		t.Errorf("a null union value: %v", err)
	}
	tests := []struct {
		name, from, to string
		path, msg      string
	}{
		{"fixed too short", `"ab\u00ff2"`, `"ab2"`, "/id", `fixed "com.acme.Id" takes 4 bytes, got 3`},
		{"fixed not latin-1", `"ab\u00ff2"`, `"ab\u01002"`, "/id", "code points U+0000 to U+00FF"},
		{"long as fraction", `1999`, `19.99`, "/payment/amount_cents", "not an integer"},
		{"long as exponent", `1999`, `2e3`, "/payment/amount_cents", "not an integer"},
		{"long overflow", `1999`, `9223372036854775808`, "/payment/amount_cents", "does not fit in long (64 bits)"},
		{"long as string", `1999`, `"1999"`, "/payment/amount_cents", `want long, got "1999"`},
		{"int overflow", `"qty":1`, `"qty":2147483648`, "/lines/0/qty", "does not fit in int (32 bits)"},
		{"enum unknown", `"USD"`, `"GBP"`, "/payment/currency", `"GBP" is not a symbol of enum "com.acme.Currency"`},
		{"boolean as number", `true`, `1`, "/payment/captured", "want boolean, got 1"},
		{"union untagged", `{"string":"thanks"}`, `"thanks"`, "/note", `a union value is null or an object with one member naming the branch, such as {"string": ...}`},
		{"union wrong branch", `{"string":"thanks"}`, `{"int":1}`, "/note", `"int" names no branch of union ["null","string"]`},
		{"union two members", `{"string":"thanks"}`, `{"string":"a","null":null}`, "/note", "a union value is null or an object with one member"},
		{"missing field", `"captured":true`, `"x":true`, "/payment", `the field "captured" of record "com.acme.Payment" is missing`},
		{"unknown field", `"captured":true`, `"captured":true,"x":1`, "/payment", `record "com.acme.Payment" has no field "x"`},
		{"map value", `"\u0000\u00ff"`, `7`, "/labels/k", "want bytes, got 7"},
		{"float out of range", `0.5`, `1e39`, "/rate", "1e39 is out of the range of float"},
		{"double string", `"NaN"`, `"nan"`, "/total", `want double, got "nan"`},
		{"duplicate key", `"rate":0.5`, `"rate":0.5,"rate":1`, "/rate", "duplicate key"},
		{"trailing data", `"NaN"}`, `"NaN"} 1`, "", "malformed JSON: unexpected data after the datum"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(good, tc.from, tc.to, 1)
			if doc == good {
				t.Fatalf("%q is not in the document", tc.from)
			}
			de := datumErr(t, s.ValidateJSON([]byte(doc)))
			if de.Encoding != "JSON" || de.Path != tc.path || !strings.Contains(de.Msg, tc.msg) {
				t.Errorf("got %+v\nwant path %q and a message containing %q", *de, tc.path, tc.msg)
			}
		})
	}
}

func TestValidateJSONBounds(t *testing.T) {
	s := mustParse(t, `{"type":"array","items":"null"}`)
	for doc, msg := range map[string]string{
		"[\"\xff\"]": "not valid UTF-8",
		strings.Repeat("[", MaxDatumDepth+1) + strings.Repeat("]", MaxDatumDepth+1): "JSON nesting is deeper than the limit of 1024",
		"":        "malformed JSON",
		`[null,]`: "malformed JSON",
	} {
		de := datumErr(t, s.ValidateJSON([]byte(doc)))
		if !strings.Contains(de.Msg, msg) {
			t.Errorf("ValidateJSON(%.20q) = %v, want a message containing %q", doc, de, msg)
		}
	}
	big := make([]byte, MaxJSONDatumBytes+1)
	if de := datumErr(t, s.ValidateJSON(big)); !strings.Contains(de.Msg, "the limit is 16777216") {
		t.Errorf("an oversized datum: %v", de)
	}
}
