package jsonschema_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema/jsonschema"
)

// paymentSchema is a draft-07 schema with a reference, a pattern and formats.
const paymentSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "definitions": {"tag": {"type": "string", "maxLength": 4}},
  "properties": {
    "id": {"type": "string", "format": "uuid"},
    "amount_cents": {"type": "integer", "minimum": 0},
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "captured_at": {"type": "string", "format": "date-time"},
    "email": {"type": "string", "format": "email"},
    "tags": {"type": "array", "items": {"$ref": "#/definitions/tag"}}
  },
  "required": ["id", "amount_cents"],
  "additionalProperties": false
}`

// validationErr validates doc and returns the *ValidationError it must fail with.
func validationErr(t *testing.T, s *jsonschema.Schema, doc string, opts jsonschema.ValidateOptions) *jsonschema.ValidationError {
	t.Helper()
	err := s.Validate([]byte(doc), opts)
	if err == nil {
		t.Fatalf("Validate(%.80s) succeeded, want an error", doc)
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate(%.80s) error is %T (%v), want *jsonschema.ValidationError", doc, err, err)
	}
	if len(ve.Problems) == 0 {
		t.Fatalf("Validate(%.80s): a ValidationError without problems", doc)
	}
	if msg := ve.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "carta://") {
		t.Errorf("Error() = %q, want one line without the private base URI", msg)
	}
	return ve
}

func TestValidateValid(t *testing.T) {
	s := mustParse(t, paymentSchema)
	for _, doc := range []string{
		`{"id":"not-a-uuid","amount_cents":1}`, // format is an annotation by default
		`{"id":"5f1c3e0a-0000-4000-8000-000000000000","amount_cents":0,"currency":"EUR","tags":["a","bc"]}`,
		` {"amount_cents": 12, "id": "x"} `,
		`{"id":"x","amount_cents":1.0}`, // 1.0 is an integer in JSON Schema
	} {
		if err := s.Validate([]byte(doc), jsonschema.ValidateOptions{}); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", doc, err)
		}
	}
}

func TestValidateProblems(t *testing.T) {
	s := mustParse(t, paymentSchema)
	doc := `{"amount_cents":-1,"currency":"eur","tags":["ok","x","y","z","a","b","c","d","e","f","toolong","ok","waytoolong"],"extra":true}`
	ve := validationErr(t, s, doc, jsonschema.ValidateOptions{})
	want := []jsonschema.Problem{
		{InstancePath: "", SchemaPath: "/additionalProperties", Message: "additional properties 'extra' not allowed"},
		{InstancePath: "", SchemaPath: "/required", Message: "missing property 'id'"},
		{InstancePath: "/amount_cents", SchemaPath: "/properties/amount_cents/minimum", Message: "minimum: got -1, want 0"},
		{InstancePath: "/currency", SchemaPath: "/properties/currency/pattern", Message: "'eur' does not match pattern '^[A-Z]{3}$'"},
		{InstancePath: "/tags/10", SchemaPath: "/properties/tags/items/$ref/maxLength", Message: "maxLength: got 7, want 4"},
		{InstancePath: "/tags/12", SchemaPath: "/properties/tags/items/$ref/maxLength", Message: "maxLength: got 10, want 4"},
	}
	if !reflect.DeepEqual(ve.Problems, want) {
		t.Errorf("Problems:\n%s\nwant:\n%s", dumpProblems(ve.Problems), dumpProblems(want))
	}
	if got := ve.Error(); !strings.HasPrefix(got, "the JSON document does not match the schema (6 problems): at / (schema /additionalProperties): additional properties 'extra' not allowed; ") {
		t.Errorf("Error() = %q", got)
	}
	// The order does not depend on map iteration.
	for range 20 {
		again := validationErr(t, s, doc, jsonschema.ValidateOptions{})
		if !reflect.DeepEqual(again.Problems, ve.Problems) {
			t.Fatalf("problems differ between runs:\n%s\n%s", dumpProblems(again.Problems), dumpProblems(ve.Problems))
		}
	}
}

func dumpProblems(ps []jsonschema.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %#v\n", p)
	}
	return b.String()
}

func TestValidateErrorSummaryIsBounded(t *testing.T) {
	s := mustParse(t, `{"type":"array","items":{"type":"string"}}`)
	doc := "[" + strings.Repeat("1,", 99) + "1]"
	ve := validationErr(t, s, doc, jsonschema.ValidateOptions{})
	if len(ve.Problems) != 100 {
		t.Fatalf("%d problems, want 100", len(ve.Problems))
	}
	if ve.Problems[2].InstancePath != "/2" || ve.Problems[10].InstancePath != "/10" {
		t.Errorf("array indexes are not in numeric order: %s, %s", ve.Problems[2].InstancePath, ve.Problems[10].InstancePath)
	}
	msg := ve.Error()
	if !strings.Contains(msg, "(100 problems)") || !strings.HasSuffix(msg, "; and 90 more") || strings.Contains(msg, "at /10 ") {
		t.Errorf("Error() = %q", msg)
	}
}

func TestValidateAssertFormats(t *testing.T) {
	s := mustParse(t, paymentSchema)
	on := jsonschema.ValidateOptions{AssertFormats: true}
	good := `{"id":"5f1c3e0a-0000-4000-8000-000000000000","amount_cents":1,"captured_at":"2024-05-01T10:00:00Z","email":"a@example.com"}`
	if err := s.Validate([]byte(good), on); err != nil {
		t.Fatalf("Validate(good) with AssertFormats = %v", err)
	}
	bad := `{"id":"nope","amount_cents":1,"captured_at":"yesterday","email":"not an email"}`
	if err := s.Validate([]byte(bad), jsonschema.ValidateOptions{}); err != nil {
		t.Fatalf("Validate(bad) without AssertFormats = %v, want nil: formats are annotations", err)
	}
	ve := validationErr(t, s, bad, on)
	var paths []string
	for _, p := range ve.Problems {
		paths = append(paths, p.InstancePath+" "+p.SchemaPath)
	}
	want := []string{"/captured_at /properties/captured_at/format", "/email /properties/email/format", "/id /properties/id/format"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("problems at %q, want %q (%v)", paths, want, ve)
	}
	// Format "regex" asserts Go's RE2 syntax; the annotation default accepts anything.
	re := mustParse(t, `{"format":"regex"}`)
	if err := re.Validate([]byte(`"(?<=a)b"`), jsonschema.ValidateOptions{}); err != nil {
		t.Errorf("format regex as an annotation: %v", err)
	}
	validationErr(t, re, `"(?<=a)b"`, on)
	if err := re.Validate([]byte(`"^[a-z]+$"`), on); err != nil {
		t.Errorf("format regex asserted on a valid expression: %v", err)
	}
}

// TestValidateAssertFormatsConcurrent compiles the format-asserting schema from many
// goroutines at once; run with -race.
func TestValidateAssertFormatsConcurrent(t *testing.T) {
	s := mustParse(t, paymentSchema)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			err := s.Validate([]byte(`{"id":"nope","amount_cents":1}`), jsonschema.ValidateOptions{AssertFormats: true})
			if err == nil {
				t.Error("an invalid uuid passed with AssertFormats")
			}
		})
	}
	wg.Wait()
}

func TestValidateMalformed(t *testing.T) {
	s := mustParse(t, `{}`)
	tests := []struct {
		name, doc string
		opts      jsonschema.ValidateOptions
		path, msg string
	}{
		{"empty", "", jsonschema.ValidateOptions{}, "", "the document is empty"},
		{"syntax", `{"a":}`, jsonschema.ValidateOptions{}, "", "invalid JSON at line 1, column 6"},
		{"truncated", `{"a":[1,`, jsonschema.ValidateOptions{}, "", "unexpected end of the document"},
		{"trailing", `{} {}`, jsonschema.ValidateOptions{}, "", "unexpected data after the JSON value"},
		{"duplicate key", `{"a":{"b":1,"b":2}}`, jsonschema.ValidateOptions{}, "/a/b", `duplicate key "b"`},
		{"invalid UTF-8", "\"\xff\"", jsonschema.ValidateOptions{}, "", "not valid UTF-8 (line 1, column 2)"},
		{"too large", `[1,2,3]`, jsonschema.ValidateOptions{MaxBytes: 6}, "", "the document is 7 bytes; the limit is 6"},
		{"too deep", `[[[1]]]`, jsonschema.ValidateOptions{MaxDepth: 2}, "", "nested deeper than 2 levels at line 1, column 3"},
		{"default depth", strings.Repeat("[", 257) + strings.Repeat("]", 257), jsonschema.ValidateOptions{}, "", "nested deeper than 256 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ve := validationErr(t, s, tc.doc, tc.opts)
			if len(ve.Problems) != 1 {
				t.Fatalf("problems = %v, want one", ve.Problems)
			}
			p := ve.Problems[0]
			if p.InstancePath != tc.path || p.SchemaPath != "" || !strings.Contains(p.Message, tc.msg) {
				t.Errorf("problem = %#v, want path %q and a message containing %q", p, tc.path, tc.msg)
			}
		})
	}
	if err := s.Validate([]byte(strings.Repeat("[", 256)+strings.Repeat("]", 256)), jsonschema.ValidateOptions{}); err != nil {
		t.Errorf("256 levels are within the default depth: %v", err)
	}
}

func TestValidateKeepsNumbersExact(t *testing.T) {
	s := mustParse(t, `{"type":"integer","maximum":9007199254740992}`)
	if err := s.Validate([]byte(`9007199254740993`), jsonschema.ValidateOptions{}); err == nil {
		t.Error("2^53+1 passed maximum 2^53: the number was rounded through float64")
	}
	if err := s.Validate([]byte(`9007199254740992`), jsonschema.ValidateOptions{}); err != nil {
		t.Errorf("2^53 failed maximum 2^53: %v", err)
	}
}

func TestValidateFalseSchemaMessage(t *testing.T) {
	s := mustParse(t, `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"legacy":false},"unevaluatedProperties":false}`)
	ve := validationErr(t, s, `{"legacy":1,"extra":2}`, jsonschema.ValidateOptions{})
	want := []jsonschema.Problem{
		{InstancePath: "/extra", SchemaPath: "/unevaluatedProperties", Message: "no value is allowed here (unevaluatedProperties is false)"},
		{InstancePath: "/legacy", SchemaPath: "/properties/legacy", Message: "no value is allowed here (the schema is false)"},
	}
	if !reflect.DeepEqual(ve.Problems, want) {
		t.Errorf("problems:\n%swant:\n%s", dumpProblems(ve.Problems), dumpProblems(want))
	}
}

func TestValidateProblemJSON(t *testing.T) {
	b, err := json.Marshal(jsonschema.Problem{InstancePath: "/a", SchemaPath: "/properties/a/type", Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"instancePath":"/a","schemaPath":"/properties/a/type","message":"m"}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

// TestValidateHugeDocumentIsFast checks that a document at the byte limit but nested past
// the depth limit is refused by the flat scan, before any decoding.
func TestValidateHugeDocumentIsFast(t *testing.T) {
	s := mustParse(t, `{}`)
	doc := strings.Repeat("[", 1<<20)
	start := time.Now()
	validationErr(t, s, doc, jsonschema.ValidateOptions{})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing a deep document took %v", d)
	}
}
