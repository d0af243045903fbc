package avro

import (
	"errors"
	"slices"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// knownRules is every rule CanRead may report.
var knownRules = []string{RuleNameMismatch, RuleFixedSizeMismatch, RuleMissingEnumSymbols,
	RuleReaderFieldMissingDefaultValue, RuleTypeMismatch, RuleMissingUnionBranch, RuleReaderFieldAmbiguousAlias}

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
			if !slices.Contains(knownRules, fd.Rule) || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
		again, _ := Handler{}.CanRead(r, w)
		if !slices.Equal(found, again) {
			t.Fatalf("CanRead is not deterministic:\n%v\n%v", found, again)
		}
	})
}
