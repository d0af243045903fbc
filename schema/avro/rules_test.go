package avro

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// want is one expected incompatibility: rule, path, direction and version.
type want struct {
	rule, path string
	dir        schema.Direction
	version    int64
}

func (w want) String() string { return fmt.Sprintf("%s@%q %s v%d", w.rule, w.path, w.dir, w.version) }

// checkHistory registers history as versions 1..n and checks candidate under mode.
func checkHistory(t *testing.T, mode schema.Mode, history []string, candidate string) []schema.Incompatibility {
	t.Helper()
	var versions []schema.Versioned
	for i, def := range history {
		versions = append(versions, schema.Versioned{Version: int64(i + 1), Schema: mustParse(t, def)})
	}
	found, err := schema.Check(Handler{}, mode, mustParse(t, candidate), versions, schema.CheckOptions{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return found
}

func assertFindings(t *testing.T, found []schema.Incompatibility, wants []want) {
	t.Helper()
	var got []want
	for _, f := range found {
		got = append(got, want{f.Rule, f.Path, f.Direction, f.Version})
		if m := strings.ReplaceAll(f.Message, "e.g. ", ""); m == "" || strings.Contains(m, ". ") || strings.HasSuffix(m, ".") {
			t.Errorf("message should be one sentence without a final period: %q", f.Message)
		}
		if !strings.Contains(f.Message, "reader") || !strings.Contains(f.Message, "writer") {
			t.Errorf("message should name the reader and writer sides: %q", f.Message)
		}
	}
	if !slices.Equal(got, wants) {
		t.Errorf("findings:\n got %v\nwant %v\nmessages:\n%s", got, wants, messages(found))
	}
}

func messages(found []schema.Incompatibility) string {
	var b strings.Builder
	for _, f := range found {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// allModes is every mode the engine knows.
func allModes() []schema.Mode { return schema.Modes }

// Schemas of the PaymentCaptured story.
const (
	paymentV1 = `{"type":"record","name":"PaymentCaptured","namespace":"com.acme.payments","fields":[
		{"name":"payment_id","type":"string"},
		{"name":"amount_minor","type":"long"},
		{"name":"currency","type":"string"}]}`
	paymentRequired = `{"type":"record","name":"PaymentCaptured","namespace":"com.acme.payments","fields":[
		{"name":"payment_id","type":"string"},
		{"name":"amount_minor","type":"long"},
		{"name":"currency","type":"string"},
		{"name":"settlement_currency","type":"string"}]}`
	paymentOptional = `{"type":"record","name":"PaymentCaptured","namespace":"com.acme.payments","fields":[
		{"name":"payment_id","type":"string"},
		{"name":"amount_minor","type":"long"},
		{"name":"currency","type":"string"},
		{"name":"settlement_currency","type":["null","string"],"default":null}]}`
)

func TestPaymentCapturedStory(t *testing.T) {
	bw := schema.DirBackward
	// Adding a required field: consumers on the new schema cannot read old events.
	required := map[schema.Mode][]want{
		schema.Backward:    {{RuleReaderFieldMissingDefaultValue, "/fields/3", bw, 1}},
		schema.BackwardAll: {{RuleReaderFieldMissingDefaultValue, "/fields/3", bw, 1}},
		schema.Full:        {{RuleReaderFieldMissingDefaultValue, "/fields/3", bw, 1}},
		schema.FullAll:     {{RuleReaderFieldMissingDefaultValue, "/fields/3", bw, 1}},
	}
	for _, mode := range allModes() {
		t.Run("required/"+string(mode), func(t *testing.T) {
			found := checkHistory(t, mode, []string{paymentV1}, paymentRequired)
			assertFindings(t, found, required[mode])
			if len(found) > 0 {
				msg := found[0].Message
				for _, part := range []string{`"settlement_currency"`, "/fields/3", "no default", `["null","string"]`, `"default": null`} {
					if !strings.Contains(msg, part) {
						t.Errorf("message %q lacks %q", msg, part)
					}
				}
			}
		})
		// The optional field with a null default is compatible in every mode.
		t.Run("optional/"+string(mode), func(t *testing.T) {
			assertFindings(t, checkHistory(t, mode, []string{paymentV1}, paymentOptional), nil)
		})
	}
}

// ruleCase is one old/new pair with the expected findings per mode (modes not listed expect none).
type ruleCase struct {
	name     string
	old, new string
	want     map[schema.Mode][]want
}

// both expands findings for one direction into the modes that check it.
func backwardOnly(ws ...want) map[schema.Mode][]want {
	return map[schema.Mode][]want{schema.Backward: ws, schema.BackwardAll: ws, schema.Full: ws, schema.FullAll: ws}
}

func forwardOnly(ws ...want) map[schema.Mode][]want {
	return map[schema.Mode][]want{schema.Forward: ws, schema.ForwardAll: ws, schema.Full: ws, schema.FullAll: ws}
}

func bothWays(back, fwd []want) map[schema.Mode][]want {
	full := append(slices.Clone(back), fwd...)
	return map[schema.Mode][]want{schema.Backward: back, schema.BackwardAll: back,
		schema.Forward: fwd, schema.ForwardAll: fwd, schema.Full: full, schema.FullAll: full}
}

func b(rule, path string) want { return want{rule, path, schema.DirBackward, 1} }
func f(rule, path string) want { return want{rule, path, schema.DirForward, 1} }

func rec(name, fields string) string {
	return `{"type":"record","name":"` + name + `","namespace":"com.acme","fields":[` + fields + `]}`
}

// ruleCases are the hand-written pairs for every rule; the oracles run them too.
func ruleCases() []ruleCase {
	return []ruleCase{
		{"identical", rec("R", `{"name":"a","type":"int"}`), rec("R", `{"name":"a","type":"int"}`), nil},
		{"widen int to long", rec("R", `{"name":"a","type":"int"}`), rec("R", `{"name":"a","type":"long"}`),
			forwardOnly(f(RuleTypeMismatch, "/fields/0/type"))},
		{"string to bytes is full", rec("R", `{"name":"a","type":"string"}`), rec("R", `{"name":"a","type":"bytes"}`), nil},
		{"int to string", rec("R", `{"name":"a","type":"int"}`), rec("R", `{"name":"a","type":"string"}`),
			bothWays([]want{b(RuleTypeMismatch, "/fields/0/type")}, []want{f(RuleTypeMismatch, "/fields/0/type")})},
		{"logical type change is ignored",
			rec("R", `{"name":"d","type":{"type":"int","logicalType":"date"}}`),
			rec("R", `{"name":"d","type":{"type":"long","logicalType":"timestamp-millis"}}`),
			forwardOnly(f(RuleTypeMismatch, "/fields/0/type"))},
		{"decimal precision change is ignored",
			rec("R", `{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}}`),
			rec("R", `{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":4}}`), nil},
		{"remove field without default",
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":"string"}`), rec("R", `{"name":"a","type":"int"}`),
			forwardOnly(f(RuleReaderFieldMissingDefaultValue, "/fields/1"))},
		{"remove field with default is full",
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":"string","default":""}`), rec("R", `{"name":"a","type":"int"}`), nil},
		{"rename field with alias",
			rec("R", `{"name":"a","type":"int"}`), rec("R", `{"name":"b","type":"int","aliases":["a"]}`),
			forwardOnly(f(RuleReaderFieldMissingDefaultValue, "/fields/0"))},
		{"ambiguous field alias",
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":"int"}`),
			rec("R", `{"name":"a","type":"int","aliases":["b"]},{"name":"b","type":"int"}`),
			backwardOnly(b(RuleReaderFieldAmbiguousAlias, "/fields/0"))},
		{"rename record",
			rec("R", `{"name":"a","type":"int"}`), rec("S", `{"name":"a","type":"int"}`),
			bothWays([]want{b(RuleNameMismatch, "/name")}, []want{f(RuleNameMismatch, "/name")})},
		{"rename record with alias",
			rec("R", `{"name":"a","type":"int"}`),
			`{"type":"record","name":"S","namespace":"com.acme","aliases":["R"],"fields":[{"name":"a","type":"int"}]}`,
			forwardOnly(f(RuleNameMismatch, "/name"))},
		{"namespace change is full",
			`{"type":"record","name":"R","namespace":"com.acme.v1","fields":[{"name":"a","type":"int"}]}`,
			`{"type":"record","name":"R","namespace":"com.acme.v2","fields":[{"name":"a","type":"int"}]}`, nil},
		{"nested namespace change is full",
			rec("R", `{"name":"n","type":{"type":"record","name":"Inner","namespace":"x.y","fields":[{"name":"a","type":"int"}]}}`),
			rec("R", `{"name":"n","type":{"type":"record","name":"Inner","fields":[{"name":"a","type":"int"}]}}`), nil},
		{"fixed size",
			rec("R", `{"name":"h","type":{"type":"fixed","name":"Hash","size":16}}`),
			rec("R", `{"name":"h","type":{"type":"fixed","name":"Hash","size":32}}`),
			bothWays([]want{b(RuleFixedSizeMismatch, "/fields/0/type/size")}, []want{f(RuleFixedSizeMismatch, "/fields/0/type/size")})},
		{"add enum symbol",
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S"]}}`),
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S","D"]}}`),
			forwardOnly(f(RuleMissingEnumSymbols, "/fields/0/type/symbols"))},
		{"add enum symbol, old reader has a default",
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S"],"default":"H"}}`),
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S","D"],"default":"H"}}`), nil},
		{"remove enum symbol",
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S","D"]}}`),
			rec("R", `{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S"]}}`),
			backwardOnly(b(RuleMissingEnumSymbols, "/fields/0/type/symbols"))},
		{"new enum field with enum default but no field default (Apache reports TYPE_MISMATCH)",
			rec("R", `{"name":"a","type":"int"}`),
			rec("R", `{"name":"a","type":"int"},{"name":"s","type":{"type":"enum","name":"Suit","symbols":["H","S"],"default":"H"}}`),
			backwardOnly(b(RuleTypeMismatch, "/fields/1/type"))},
		{"add union branch",
			rec("R", `{"name":"v","type":["null","int"]}`), rec("R", `{"name":"v","type":["null","int","string"]}`),
			forwardOnly(f(RuleMissingUnionBranch, "/fields/0/type/2"))},
		{"make a field nullable",
			rec("R", `{"name":"v","type":"int"}`), rec("R", `{"name":"v","type":["null","int"]}`),
			forwardOnly(f(RuleTypeMismatch, "/fields/0/type/0"))},
		{"union to non-union reader keeps the branch's own rule",
			rec("R", `{"name":"v","type":["int","string"]}`), rec("R", `{"name":"v","type":"long"}`),
			bothWays([]want{b(RuleTypeMismatch, "/fields/0/type/1")}, []want{f(RuleMissingUnionBranch, "/fields/0/type")})},
		{"nested record gains a required field",
			rec("R", `{"name":"id","type":"string"},{"name":"addr","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}`),
			rec("R", `{"name":"id","type":"string"},{"name":"addr","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}}`),
			backwardOnly(b(RuleReaderFieldMissingDefaultValue, "/fields/1/type/fields/1"))},
		{"optional nested record gains a required field",
			rec("R", `{"name":"addr","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}],"default":null}`),
			rec("R", `{"name":"addr","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}],"default":null}`),
			backwardOnly(b(RuleMissingUnionBranch, "/fields/0/type/1"))},
		{"array items and map values",
			rec("R", `{"name":"xs","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"float"}}`),
			rec("R", `{"name":"xs","type":{"type":"array","items":"long"}},{"name":"m","type":{"type":"map","values":"double"}}`),
			forwardOnly(f(RuleTypeMismatch, "/fields/0/type/items"), f(RuleTypeMismatch, "/fields/1/type/values"))},
		{"every problem is reported, in field order",
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":{"type":"fixed","name":"F","size":4}},{"name":"c","type":{"type":"enum","name":"E","symbols":["X","Y"]}}`),
			rec("R", `{"name":"a","type":"string"},{"name":"b","type":{"type":"fixed","name":"F","size":8}},{"name":"c","type":{"type":"enum","name":"E","symbols":["X"]}},{"name":"d","type":"int"}`),
			bothWays(
				[]want{b(RuleTypeMismatch, "/fields/0/type"), b(RuleFixedSizeMismatch, "/fields/1/type/size"),
					b(RuleMissingEnumSymbols, "/fields/2/type/symbols"), b(RuleReaderFieldMissingDefaultValue, "/fields/3")},
				[]want{f(RuleTypeMismatch, "/fields/0/type"), f(RuleFixedSizeMismatch, "/fields/1/type/size")})},
		{"linked list widens its value", listV1, listLong, forwardOnly(f(RuleTypeMismatch, "/fields/0/type"))},
		{"linked list gains a required field (reported once, not per recursion)", listV1, listLabel,
			backwardOnly(b(RuleReaderFieldMissingDefaultValue, "/fields/2"))},
	}
}

// Recursive schemas: a linked list.
const (
	listV1 = `{"type":"record","name":"LinkedList","fields":[
		{"name":"value","type":"int"},
		{"name":"next","type":["null","LinkedList"],"default":null}]}`
	listLong = `{"type":"record","name":"LinkedList","fields":[
		{"name":"value","type":"long"},
		{"name":"next","type":["null","LinkedList"],"default":null}]}`
	listLabel = `{"type":"record","name":"LinkedList","fields":[
		{"name":"value","type":"int"},
		{"name":"next","type":["null","LinkedList"],"default":null},
		{"name":"label","type":"string"}]}`
)

func TestRulesEveryMode(t *testing.T) {
	for _, c := range ruleCases() {
		for _, mode := range allModes() {
			t.Run(c.name+"/"+string(mode), func(t *testing.T) {
				assertFindings(t, checkHistory(t, mode, []string{c.old}, c.new), c.want[mode])
			})
		}
	}
}

// FULL is not transitive: A→B and B→C are each FULL compatible, A↔C is not (the case
// Confluent's AvroCompatibilityTest asserts).
func TestFullIsNotTransitive(t *testing.T) {
	a := rec("R", `{"name":"f1","type":"int"}`)
	bb := rec("R", `{"name":"f1","type":"int","default":0}`)
	c := rec("R", ``)
	assertFindings(t, checkHistory(t, schema.Full, []string{a}, bb), nil)
	assertFindings(t, checkHistory(t, schema.Full, []string{bb}, c), nil)
	assertFindings(t, checkHistory(t, schema.Full, []string{a, bb}, c), nil)
	assertFindings(t, checkHistory(t, schema.FullAll, []string{a, bb}, c),
		[]want{{RuleReaderFieldMissingDefaultValue, "/fields/0", schema.DirForward, 1}})
}

func TestTransitiveHistories(t *testing.T) {
	t.Run("BACKWARD checks only the latest, BACKWARD_ALL every version", func(t *testing.T) {
		v1 := rec("R", `{"name":"a","type":"string"}`)
		v2 := rec("R", ``)
		v3 := rec("R", `{"name":"a","type":"int","default":0}`)
		assertFindings(t, checkHistory(t, schema.Backward, []string{v1, v2}, v3), nil)
		assertFindings(t, checkHistory(t, schema.BackwardAll, []string{v1, v2}, v3),
			[]want{{RuleTypeMismatch, "/fields/0/type", schema.DirBackward, 1}})
	})
	t.Run("FORWARD checks only the latest, FORWARD_ALL every version", func(t *testing.T) {
		v1 := rec("R", `{"name":"a","type":"int"}`)
		v2 := rec("R", `{"name":"a","type":"int","default":0}`)
		v3 := rec("R", ``)
		assertFindings(t, checkHistory(t, schema.Forward, []string{v1, v2}, v3), nil)
		assertFindings(t, checkHistory(t, schema.ForwardAll, []string{v1, v2}, v3),
			[]want{{RuleReaderFieldMissingDefaultValue, "/fields/0", schema.DirForward, 1}})
	})
	t.Run("FULL_ALL reports every failing version, newest first", func(t *testing.T) {
		v1 := rec("R", `{"name":"a","type":"int"}`)
		v2 := rec("R", `{"name":"a","type":"int"},{"name":"b","type":"int"}`)
		v3 := rec("R", `{"name":"a","type":"string"}`)
		assertFindings(t, checkHistory(t, schema.FullAll, []string{v1, v2}, v3), []want{
			{RuleTypeMismatch, "/fields/0/type", schema.DirBackward, 2},
			{RuleTypeMismatch, "/fields/0/type", schema.DirForward, 2},
			{RuleReaderFieldMissingDefaultValue, "/fields/1", schema.DirForward, 2},
			{RuleTypeMismatch, "/fields/0/type", schema.DirBackward, 1},
			{RuleTypeMismatch, "/fields/0/type", schema.DirForward, 1},
		})
	})
	t.Run("NONE and DISABLED check nothing", func(t *testing.T) {
		for _, mode := range []schema.Mode{schema.None, schema.Disabled} {
			assertFindings(t, checkHistory(t, mode, []string{paymentV1}, rec("Other", `{"name":"x","type":"int"}`)), nil)
		}
	})
}

// hamba/avro memoises verdicts per SchemaCompatibility value, keyed on a canonical form that
// drops defaults, aliases and enum defaults; a second check that differs only in those reuses
// the first verdict. Our Handler keeps nothing between calls: the same Handler value must give
// the right answer for each pair.
func TestNoVerdictLeaksBetweenChecks(t *testing.T) {
	h := Handler{}
	cases := []struct {
		name           string
		writer         string
		passes, failes string
	}{
		{"field default", rec("R", `{"name":"a","type":"int"}`),
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":"int","default":1}`),
			rec("R", `{"name":"a","type":"int"},{"name":"b","type":"int"}`)},
		{"field alias", rec("R", `{"name":"a","type":"int"}`),
			rec("R", `{"name":"b","type":"int","aliases":["a"]}`),
			rec("R", `{"name":"b","type":"int"}`)},
		{"record alias", rec("R", `{"name":"a","type":"int"}`),
			`{"type":"record","name":"S","namespace":"com.acme","aliases":["com.acme.R"],"fields":[{"name":"a","type":"int"}]}`,
			rec("S", `{"name":"a","type":"int"}`)},
		{"enum default", `{"type":"enum","name":"E","symbols":["A","B","C"]}`,
			`{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}`,
			`{"type":"enum","name":"E","symbols":["A","B"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := mustParse(t, c.writer)
			for round := 0; round < 2; round++ { // and again, in case a first failure were cached
				found, err := h.CanRead(mustParse(t, c.passes), w)
				if err != nil || len(found) != 0 {
					t.Fatalf("round %d: reader %s should read writer %s: %v %v", round, c.passes, c.writer, found, err)
				}
				found, err = h.CanRead(mustParse(t, c.failes), w)
				if err != nil || len(found) == 0 {
					t.Fatalf("round %d: reader %s must NOT read writer %s (a verdict leaked from the previous check): %v", round, c.failes, c.writer, err)
				}
			}
		})
	}
}

func TestCanReadRejectsOtherSchemas(t *testing.T) {
	s := mustParse(t, `"int"`)
	var notAvro schema.Schema
	if _, err := (Handler{}).CanRead(notAvro, s); err == nil {
		t.Error("nil reader: want an error")
	}
	if _, err := (Handler{}).CanRead(s, otherSchema{}); err == nil {
		t.Error("non-Avro writer: want an error")
	}
	if (Handler{}).Format() != schema.Avro || s.Format() != schema.Avro {
		t.Error("format should be AVRO")
	}
}

type otherSchema struct{}

func (otherSchema) Format() schema.Format { return schema.JSON }
func (otherSchema) Canonical() string     { return "{}" }

func TestUnionMissExplainsClosestBranch(t *testing.T) {
	cases := ruleCases()
	c := cases[slices.IndexFunc(cases, func(c ruleCase) bool { return c.name == "optional nested record gains a required field" })]
	found := checkHistory(t, schema.Backward, []string{c.old}, c.new)
	if len(found) != 1 {
		t.Fatalf("want one finding, got %v", found)
	}
	for _, part := range []string{"branch 1", `record "com.acme.Address"`, RuleReaderFieldMissingDefaultValue, "/fields/0/type/1/fields/1", `"zip"`} {
		if !strings.Contains(found[0].Message, part) {
			t.Errorf("message %q lacks %q", found[0].Message, part)
		}
	}
}

// A named type reused in several unions is explained at each place with that place's path.
func TestUnionMissExplanationPerLocation(t *testing.T) {
	old := rec("R", `{"name":"home","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}],"default":null},
		{"name":"work","type":["null","Address"],"default":null}`)
	new := rec("R", `{"name":"home","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}],"default":null},
		{"name":"work","type":["null","Address"],"default":null}`)
	found := checkHistory(t, schema.Backward, []string{old}, new)
	assertFindings(t, found, []want{b(RuleMissingUnionBranch, "/fields/0/type/1"), b(RuleMissingUnionBranch, "/fields/1/type/1")})
	for i, f := range found {
		wantPath := fmt.Sprintf("/fields/%d/type/1/fields/1", i)
		if !strings.Contains(f.Message, "at "+wantPath+" in the new schema (the reader)") || strings.Contains(f.Message, "\x00") {
			t.Errorf("finding %d should quote %s: %q", i, wantPath, f.Message)
		}
	}
}
