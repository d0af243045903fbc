package jsonschema_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// mustParse parses def with the default limits and fails the test on error.
func mustParse(t testing.TB, def string) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.Handler{}.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", def, err)
	}
	js, ok := s.(*jsonschema.Schema)
	if !ok {
		t.Fatalf("Parse returned %T, want *jsonschema.Schema", s)
	}
	return js
}

// parseErr parses def and returns the *schema.ParseError it must fail with.
func parseErr(t *testing.T, def string, limits schema.Limits) *schema.ParseError {
	t.Helper()
	_, err := jsonschema.Handler{}.Parse(def, limits)
	if err == nil {
		t.Fatalf("Parse(%.80s) succeeded, want an error", def)
	}
	var pe *schema.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse(%.80s) error is %T (%v), want *schema.ParseError", def, err, err)
	}
	if pe.Format != schema.JSON {
		t.Errorf("ParseError.Format = %q, want JSON", pe.Format)
	}
	return pe
}

// validate decodes instance and validates it against s.
func validate(t *testing.T, s *jsonschema.Schema, instance string) error {
	t.Helper()
	v, err := jsc.UnmarshalJSON(strings.NewReader(instance))
	if err != nil {
		t.Fatal(err)
	}
	return s.Compiled().Validate(v)
}

func TestHandler(t *testing.T) {
	var h schema.Handler = jsonschema.Handler{}
	if h.Format() != schema.JSON {
		t.Errorf("Format() = %q", h.Format())
	}
	s := mustParse(t, `{"type":"string"}`)
	if s.Format() != schema.JSON {
		t.Errorf("Schema.Format() = %q", s.Format())
	}
	found, err := h.CanRead(s, s)
	if err != nil || found != nil {
		t.Errorf("CanRead(s, s) = %v, %v; want nil, nil", found, err)
	}
}

func TestParseDrafts(t *testing.T) {
	tests := []struct {
		name, def string
		draft     jsonschema.Draft
		valid     string // an instance the schema accepts
		invalid   string // an instance it refuses
	}{
		{"no $schema is draft-07", `{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],
			"if":{"properties":{"a":{"const":1}}},"then":{"required":["b"]}}`,
			jsonschema.Draft7, `{"a":2}`, `{"a":1}`},
		{"boolean true", `true`, jsonschema.Draft7, `42`, ""},
		{"boolean false", `false`, jsonschema.Draft7, "", `42`},
		{"draft-04", `{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://example.com/s",
			"type":"number","maximum":10,"exclusiveMaximum":true}`,
			jsonschema.Draft4, `9`, `10`},
		{"draft-06", `{"$schema":"http://json-schema.org/draft-06/schema#","$id":"http://example.com/s",
			"type":"array","contains":{"const":"x"},"propertyNames":{"maxLength":3}}`,
			jsonschema.Draft6, `["x"]`, `["y"]`},
		{"draft-07 over https without fragment", `{"$schema":"https://json-schema.org/draft-07/schema",
			"type":"string","minLength":2}`,
			jsonschema.Draft7, `"ab"`, `"a"`},
		{"2019-09", `{"$schema":"https://json-schema.org/draft/2019-09/schema",
			"$defs":{"pos":{"type":"integer","minimum":1}},
			"type":"object","properties":{"n":{"$ref":"#/$defs/pos"}},"unevaluatedProperties":false}`,
			jsonschema.Draft2019, `{"n":1}`, `{"n":1,"m":2}`},
		{"2020-12", `{"$schema":"https://json-schema.org/draft/2020-12/schema",
			"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"}}`,
			jsonschema.Draft2020, `["a",1,2]`, `["a","b"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.def)
			if s.Draft() != tt.draft {
				t.Errorf("Draft() = %q, want %q", s.Draft(), tt.draft)
			}
			if tt.valid != "" {
				if err := validate(t, s, tt.valid); err != nil {
					t.Errorf("%s refused: %v", tt.valid, err)
				}
			}
			if tt.invalid != "" {
				if err := validate(t, s, tt.invalid); err == nil {
					t.Errorf("%s accepted", tt.invalid)
				}
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name, def, path, msg string
	}{
		{"type is a number", `{"type":5}`, "/type", "got number"},
		{"unknown type name", `{"properties":{"a":{"type":"strin"}}}`, "/properties/a/type", "value must be one of"},
		{"minimum is a string", `{"minimum":"x"}`, "/minimum", "got string, want number"},
		{"required is a string", `{"required":"a"}`, "/required", "want array"},
		{"empty enum", `{"enum":[]}`, "/enum", "minItems"},
		{"2020-12 items array", `{"$schema":"https://json-schema.org/draft/2020-12/schema","items":[true]}`, "/items", "want boolean or object"},
		{"draft-04 exclusiveMinimum number", `{"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMinimum":1}`, "/exclusiveMinimum", "want boolean"},
		{"bad regex", `{"properties":{"a":{"pattern":"(?=x)"}}}`, "/properties/a/pattern", "not valid regex"},
		{"bad patternProperties regex", `{"patternProperties":{"(":{}}}`, "/patternProperties/(", "not valid regex"},
		{"unknown $schema", `{"$schema":"http://json-schema.org/draft-03/schema#"}`, "/$schema", `unsupported $schema "http://json-schema.org/draft-03/schema#"`},
		{"version-less $schema", `{"$schema":"https://json-schema.org/schema"}`, "/$schema", "unsupported $schema"},
		{"$schema not a string", `{"$schema":7}`, "/$schema", "must be a string"},
		{"nested unknown $schema", `{"$schema":"https://json-schema.org/draft/2020-12/schema",
			"$defs":{"a":{"$id":"http://example.com/a","$schema":"http://example.com/meta"}}}`, "/$defs/a/$schema", "unsupported $schema"},
		{"missing pointer target", `{"$ref":"#/definitions/nope"}`, "/$ref", "points to nothing"},
		{"missing anchor", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#nope"}`, "/$ref", "anchor"},
		{"array at top level", `[{"type":"string"}]`, "", "must be a JSON object or a boolean, not an array"},
		{"string at top level", `"string"`, "", "not a string"},
		{"null at top level", `null`, "", "not null"},
		{"empty", ``, "", "empty"},
		{"whitespace only", " \n\t", "", "empty"},
		{"truncated", `{"type":`, "", "unexpected end"},
		{"syntax error", "{\n  \"type\": \"string\",\n  oops\n}", "", "line 3, column 3"},
		{"trailing data", `{"type":"string"} {}`, "", "unexpected data after the JSON value"},
		{"trailing garbage", `{"type":"string"}x`, "", "unexpected data after the JSON value"},
		{"duplicate key", `{"properties":{"a":{"type":"string","type":"integer"}}}`, "/properties/a/type", `duplicate key "type"`},
		{"invalid UTF-8", "{\"description\":\"\xff\"}", "", "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := parseErr(t, tt.def, schema.Limits{})
			if pe.Path != tt.path {
				t.Errorf("Path = %q, want %q (%v)", pe.Path, tt.path, pe)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", pe.Msg, tt.msg)
			}
		})
	}
}

func TestFormatIsAnnotation(t *testing.T) {
	for _, draft := range []string{
		"http://json-schema.org/draft-04/schema#",
		"http://json-schema.org/draft-06/schema#",
		"http://json-schema.org/draft-07/schema#",
		"https://json-schema.org/draft/2019-09/schema",
		"https://json-schema.org/draft/2020-12/schema",
	} {
		for _, format := range []string{"email", "date-time", "ipv4", "uri", "uuid", "regex", "hostname", "no-such-format"} {
			s := mustParse(t, fmt.Sprintf(`{"$schema":%q,"format":%q}`, draft, format))
			if err := validate(t, s, `"(not valid in any format"`); err != nil {
				t.Errorf("%s format %q asserted: %v", draft, format, err)
			}
		}
	}
	// Patterns are assertions, and keep working after the format engine has been relaxed.
	s := mustParse(t, `{"pattern":"^a+$","format":"regex"}`)
	if err := validate(t, s, `"b"`); err == nil {
		t.Error("pattern not asserted")
	}
}

func TestLocalReferences(t *testing.T) {
	tests := []struct {
		name, def, valid, invalid string
	}{
		{"recursive to root", `{"type":"object","properties":{"child":{"$ref":"#"}},"additionalProperties":false}`,
			`{"child":{"child":{}}}`, `{"child":{"child":{"x":1}}}`},
		{"recursive definition", `{"definitions":{"node":{"type":"object","properties":{
			"value":{"type":"integer"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}`,
			`{"value":1,"next":{"value":2}}`, `{"value":1,"next":{"value":"x"}}`},
		{"mutual recursion", `{"definitions":{"a":{"type":"object","properties":{"b":{"$ref":"#/definitions/b"}}},
			"b":{"type":"object","properties":{"a":{"$ref":"#/definitions/a"}}}},"$ref":"#/definitions/a"}`,
			`{"b":{"a":{"b":{}}}}`, `{"b":{"a":{"b":1}}}`},
		{"escaped pointer", `{"definitions":{"a/b~c":{"type":"string"}},"properties":{"x":{"$ref":"#/definitions/a~1b~0c"}}}`,
			`{"x":"s"}`, `{"x":1}`},
		{"embedded resource by $id", `{"$id":"http://example.com/root.json","definitions":{"a":{"$id":"item.json","type":"string"}},
			"items":{"$ref":"item.json"}}`, `["s"]`, `[1]`},
		{"2020-12 anchor", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"s":{"$anchor":"str","type":"string"}},
			"items":{"$ref":"#str"}}`, `["s"]`, `[1]`},
		{"2020-12 dynamic ref", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$dynamicAnchor":"node",
			"type":"object","properties":{"kids":{"type":"array","items":{"$dynamicRef":"#node"}}}}`,
			`{"kids":[{"kids":[]}]}`, `{"kids":[{"kids":1}]}`},
		{"2019-09 recursive ref", `{"$schema":"https://json-schema.org/draft/2019-09/schema","$recursiveAnchor":true,
			"type":"object","properties":{"kids":{"type":"array","items":{"$recursiveRef":"#"}}}}`,
			`{"kids":[{"kids":[]}]}`, `{"kids":[{"kids":1}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.def)
			if err := validate(t, s, tt.valid); err != nil {
				t.Errorf("%s refused: %v", tt.valid, err)
			}
			if err := validate(t, s, tt.invalid); err == nil {
				t.Errorf("%s accepted", tt.invalid)
			}
		})
	}
}

// validSchemaFile writes a valid JSON Schema to dir/name and returns its path.
func validSchemaFile(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(`{"type":"string"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReferencesToOtherDocumentsRefused(t *testing.T) {
	// Every target below exists and holds a valid schema, so success would mean a fetch.
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/schema+json")
		fmt.Fprint(w, `{"type":"string"}`)
	}))
	defer srv.Close()

	dir := t.TempDir()
	abs := validSchemaFile(t, dir, "abs.json")
	validSchemaFile(t, dir, "other.json")
	t.Chdir(dir) // a relative reference would find other.json here if anything read the disk

	tests := []struct{ name, def, path, ref string }{
		{"remote http", `{"$ref":"http://example.com/s.json"}`, "/$ref", "http://example.com/s.json"},
		{"local test server", fmt.Sprintf(`{"properties":{"a":{"$ref":%q}}}`, srv.URL+"/s.json"), "/properties/a/$ref", srv.URL + "/s.json"},
		{"file /etc/passwd", `{"$ref":"file:///etc/passwd"}`, "/$ref", "file:///etc/passwd"},
		{"file URL of an existing schema", fmt.Sprintf(`{"$ref":%q}`, "file://"+filepath.ToSlash(abs)), "/$ref", "file://" + filepath.ToSlash(abs)},
		{"absolute path of an existing schema", fmt.Sprintf(`{"$ref":%q}`, filepath.ToSlash(abs)), "/$ref", filepath.ToSlash(abs)},
		{"relative file", `{"items":[{"$ref":"other.json"}]}`, "/items/0/$ref", "other.json"},
		{"relative file with pointer", `{"$ref":"other.json#/type"}`, "/$ref", "other.json#/type"},
		{"relative to a remote $id", `{"$id":"http://example.com/root.json","$ref":"other.json"}`, "/$ref", "other.json"},
		{"parent directory", `{"$ref":"../other.json"}`, "/$ref", "../other.json"},
		{"draft meta-schema", `{"$ref":"http://json-schema.org/draft-07/schema#"}`, "/$ref", "http://json-schema.org/draft-07/schema#"},
		{"2020-12 dynamic ref", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$dynamicRef":"http://example.com/x#node"}`, "/$dynamicRef", "http://example.com/x#node"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := parseErr(t, tt.def, schema.Limits{})
			if pe.Path != tt.path {
				t.Errorf("Path = %q, want %q", pe.Path, tt.path)
			}
			want := fmt.Sprintf("reference %q cannot be resolved: references to other documents are not supported; only local references such as #/definitions/x", tt.ref)
			if pe.Msg != want {
				t.Errorf("Msg = %q\nwant  %q", pe.Msg, want)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the test server received %d requests", n)
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("[", 100000)
	deepObj := strings.Repeat(`{"not":`, 30000) + "{}" + strings.Repeat("}", 30000)
	big := `{"description":"` + strings.Repeat("x", schema.DefaultMaxBytes) + `"}`
	nested := func(n int) string {
		return strings.Repeat(`{"items":`, n-1) + "{}" + strings.Repeat("}", n-1)
	}
	tests := []struct {
		name, def string
		limits    schema.Limits
		msg       string
	}{
		{"100k brackets", deep, schema.Limits{}, "nested deeper than 64 levels"},
		{"deep objects", deepObj, schema.Limits{MaxBytes: 1 << 20}, "nested deeper than 64"},
		{"one level too deep", nested(65), schema.Limits{}, "nested deeper than 64 levels at line 1, column 577"},
		{"custom depth", nested(5), schema.Limits{MaxDepth: 4}, "nested deeper than 4"},
		{"oversize", big, schema.Limits{}, fmt.Sprintf("the definition is %d bytes; the limit is %d", len(big), schema.DefaultMaxBytes)},
		{"custom size", `{"type":"string"}`, schema.Limits{MaxBytes: 10}, "the limit is 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			pe := parseErr(t, tt.def, tt.limits)
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", pe.Msg, tt.msg)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// Brackets inside strings are not nesting, and exactly the limit is accepted.
	mustParse(t, `{"description":"`+strings.Repeat("[{", 1000)+`"}`)
	mustParse(t, nested(64))
}

func TestCanonical(t *testing.T) {
	base := `{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"the name"}},"required":["id"]}`
	same := []string{
		base,
		`{
			"required": ["id"],
			"properties": {
				"name": {"description": "the name", "type": "string"},
				"id":   {"default": 1, "type": "integer"}
			},
			"type": "object"
		}`,
		`{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"the n\u0061me"}},"required":["id"]}`,
	}
	different := map[string]string{
		"default value":     `{"type":"object","properties":{"id":{"type":"integer","default":2},"name":{"type":"string","description":"the name"}},"required":["id"]}`,
		"default 1.0":       `{"type":"object","properties":{"id":{"type":"integer","default":1.0},"name":{"type":"string","description":"the name"}},"required":["id"]}`,
		"description":       `{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"The name"}},"required":["id"]}`,
		"array order":       `{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"the name"}},"required":["id","name"]}`,
		"added keyword":     `{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"the name"}},"required":["id"],"title":"t"}`,
		"property renamed":  `{"type":"object","properties":{"ID":{"type":"integer","default":1},"name":{"type":"string","description":"the name"}},"required":["id"]}`,
		"unknown extension": `{"type":"object","properties":{"id":{"type":"integer","default":1},"name":{"type":"string","description":"the name"}},"required":["id"],"x-owner":"me"}`,
	}
	want := `{"properties":{"id":{"default":1,"type":"integer"},"name":{"description":"the name","type":"string"}},"required":["id"],"type":"object"}`
	for i, def := range same {
		if got := mustParse(t, def).Canonical(); got != want {
			t.Errorf("same[%d]: Canonical =\n%s\nwant\n%s", i, got, want)
		}
	}
	for name, def := range different {
		if got := mustParse(t, def).Canonical(); got == want {
			t.Errorf("%s: Canonical did not change", name)
		}
	}
	// Numbers keep their text; HTML-significant characters are not escaped.
	got := mustParse(t, `{"default": 1.50e+3, "const": -0, "description": "<a & b>"}`).Canonical()
	if want := `{"const":-0,"default":1.50e+3,"description":"<a & b>"}`; got != want {
		t.Errorf("Canonical = %s, want %s", got, want)
	}
}

func TestDocument(t *testing.T) {
	doc, ok := mustParse(t, `{"properties":{"n":{"maximum":1.0}}}`).Document().(map[string]any)
	if !ok {
		t.Fatal("Document() is not an object")
	}
	max := doc["properties"].(map[string]any)["n"].(map[string]any)["maximum"]
	if fmt.Sprintf("%T %v", max, max) != "json.Number 1.0" {
		t.Errorf("maximum decoded as %T %v", max, max)
	}
}

func TestConcurrentParse(t *testing.T) {
	def := `{"type":"object","properties":{"a":{"format":"email","pattern":"^x"}}}`
	done := make(chan *jsonschema.Schema)
	for range 8 {
		go func() {
			s, err := jsonschema.Parse(def, schema.Limits{})
			if err != nil {
				t.Error(err)
			}
			done <- s
		}()
	}
	for range 8 {
		s := <-done
		if s != nil && validate(t, s, `{"a":"x@"}`) != nil {
			t.Error("valid instance refused")
		}
	}
}
