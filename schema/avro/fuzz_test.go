package avro

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// knownRules is every rule CanRead may report.
func knownRules() []string {
	return []string{RuleNameMismatch, RuleFixedSizeMismatch, RuleMissingEnumSymbols,
		RuleReaderFieldMissingDefaultValue, RuleTypeMismatch, RuleMissingUnionBranch, RuleReaderFieldAmbiguousAlias}
}

func FuzzParse(f *testing.F) {
	for _, def := range allDefinitions(f) {
		f.Add(def)
	}
	for _, def := range []string{``, `[`, `{"type":"record","name":"R","fields":[{"name":"a","type":"R"}]}`,
		`{"type":"enum","name":"E","symbols":["A"],"default":"A"}`, `{"type":"fixed","name":"F","size":3}`,
		`{"type":"record","name":"R","fields":[{"name":"a","type":["null","R"],"default":null,"x":{"y":[1.5e3,-0.0]}}]}`} {
		f.Add(def)
	}
	f.Fuzz(func(t *testing.T, def string) {
		s, err := Handler{}.Parse(def, schema.Limits{})
		if err != nil {
			var pe *schema.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *schema.ParseError: %T %v", err, err)
			}
			return
		}
		c := s.Canonical()
		again, err := Handler{}.Parse(c, schema.Limits{})
		if err != nil {
			t.Fatalf("the canonical form does not parse: %v\ninput %q\ncanonical %s", err, def, c)
		}
		if again.Canonical() != c {
			t.Fatalf("the canonical form is not a fixed point:\ninput %q\nfirst  %s\nsecond %s", def, c, again.Canonical())
		}
		if again.(*Schema).ParsingCanonicalForm() != s.(*Schema).ParsingCanonicalForm() {
			t.Fatalf("the parsing canonical form changed through the canonical form of %q", def)
		}
		// Every schema reads its own data, and its canonical form's.
		for _, w := range []schema.Schema{s, again} {
			if found, err := (Handler{}).CanRead(s, w); err != nil || len(found) > 0 {
				t.Fatalf("a schema must read itself: %v %v\ninput %q", found, err, def)
			}
		}
		// The walk itself (without the identical-definition shortcut) may only object to
		// ambiguous field aliases, which Java's decoder rejects between unequal schemas.
		for _, fd := range canRead(s.(*Schema).root, again.(*Schema).root) {
			if fd.Rule != RuleReaderFieldAmbiguousAlias {
				t.Fatalf("a schema must read its own canonical form: %v\ninput %q", fd, def)
			}
		}
	})
}

func FuzzCanRead(f *testing.F) {
	for _, p := range oraclePairs(f) {
		f.Add(p.reader, p.writer)
	}
	f.Fuzz(func(t *testing.T, readerDef, writerDef string) {
		r, err1 := Handler{}.Parse(readerDef, schema.Limits{})
		w, err2 := Handler{}.Parse(writerDef, schema.Limits{})
		if err1 != nil || err2 != nil {
			return
		}
		found, err := Handler{}.CanRead(r, w)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range found {
			if !slices.Contains(knownRules(), fd.Rule) || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
		again, _ := Handler{}.CanRead(r, w)
		if !slices.Equal(found, again) {
			t.Fatalf("CanRead is not deterministic:\n%v\n%v", found, again)
		}
	})
}

// FuzzDecodeJSON checks the JSON decoder against encoding/json: the same documents are valid
// (except that we reject duplicate keys) and they decode to the same values.
func FuzzDecodeJSON(f *testing.F) {
	for _, def := range allDefinitions(f) {
		f.Add(def)
	}
	for _, s := range []string{`"\ud83d\ude00"`, `"\ud800x"`, `"\udc00\ud800"`, `[1,-0,0.5e-3,1E+2]`, "\"\xff\xfe\"", `{"a":1,"a":2}`, ` [ ] `, `01`, `-`, `1.`, `{"":{}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := decodeJSON(s, 100000)
		valid := json.Valid([]byte(s))
		if err != nil {
			var je *jsonError
			if !errors.As(err, &je) {
				t.Fatalf("error is not a *jsonError: %v", err)
			}
			if valid && !strings.Contains(je.msg, "duplicate key") {
				t.Fatalf("encoding/json accepts %q, we say %v", s, err)
			}
			return
		}
		if !valid {
			t.Fatalf("encoding/json rejects %q, we accept it", s)
		}
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if got := toAny(v); !reflect.DeepEqual(got, want) {
			t.Fatalf("decoding %q:\n got %#v\nwant %#v", s, got, want)
		}
		// The canonical encoding is valid JSON and decodes to the same value.
		again, err := decodeJSON(string(appendValue(nil, v)), 100000)
		if err != nil {
			t.Fatalf("the canonical encoding of %q does not decode: %v", s, err)
		}
		if string(appendValue(nil, again)) != string(appendValue(nil, v)) {
			t.Fatalf("the canonical encoding of %q is not a fixed point", s)
		}
	})
}

func toAny(v *jvalue) any {
	switch v.kind {
	case jNull:
		return nil
	case jBool:
		return v.b
	case jNumber:
		return json.Number(v.s)
	case jString:
		return v.s
	case jArray:
		out := make([]any, len(v.arr))
		for i, e := range v.arr {
			out[i] = toAny(e)
		}
		return out
	}
	out := make(map[string]any, len(v.obj))
	for _, m := range v.obj {
		out[m.key] = toAny(m.val)
	}
	return out
}
