package jsonschema

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
)

// FuzzCanRead checks that comparing any two schemas never panics nor errs, ends, and that a schema is compatible with itself both ways under STRICT. The
// self-comparison parses the definition twice and runs the walk itself (bypassing the
// shortcut for identical definitions), so it exercises every rule on equal inputs.
func FuzzCanRead(f *testing.F) {
	for _, file := range []string{"jsonschema-apicurio.jsonl", "jsonschema-karapace.jsonl"} {
		path := filepath.Join("..", "..", "testdata", "compat-vectors", file)
		fh, err := os.Open(path)
		if err != nil {
			f.Fatalf("cannot read the seed vectors %s: %v", path, err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var row struct{ Old, New json.RawMessage }
			if json.Unmarshal(sc.Bytes(), &row) == nil {
				f.Add(string(row.Old), string(row.New))
			}
		}
		fh.Close()
	}
	for _, seed := range [][2]string{
		{`{"$ref":"#"}`, `{"type":"string"}`},
		{`{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}`, `true`},
		{`{"type":["string","null"],"maxLength":3}`, `{"oneOf":[{"type":"null"},{"type":"string","maxLength":5}]}`},
		{`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false,"unevaluatedProperties":false}`,
			`{"$schema":"https://json-schema.org/draft/2019-09/schema","$recursiveAnchor":true,"items":{"$recursiveRef":"#"},"dependentRequired":{"a":["b"]}}`},
		{`{"if":{"const":1},"then":{"minimum":0},"else":{"not":{"enum":[1,2]}}}`, `{"allOf":[{"anyOf":[{"const":1}]},{"not":false}]}`},
		{`{"$schema":"http://json-schema.org/draft-04/schema#","maximum":3,"exclusiveMaximum":true,"multipleOf":0.5}`, `{"exclusiveMaximum":3,"multipleOf":1.5}`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		// The step budget bounds the work; this generous bound only makes a hang visible.
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("comparing took %v:\n%s\n%s", d, a, b)
			}
		}()
		sa, err := Parse(a, schema.Limits{})
		if err != nil {
			return
		}
		h := Handler{}
		for _, policy := range []schema.Policy{schema.Strict, schema.Lenient} {
			opts := schema.CheckOptions{Policy: policy}
			if sb, err := Parse(b, schema.Limits{}); err == nil {
				for _, pair := range [][2]*Schema{{sa, sb}, {sb, sa}} {
					found, err := h.CanReadWith(pair[0], pair[1], opts)
					if err != nil {
						t.Fatalf("CanReadWith: %v", err)
					}
					for _, f := range found {
						if f.Rule == "" || f.Message == "" {
							t.Fatalf("finding without a rule or message: %+v", f)
						}
					}
				}
			}
		}
		again, err := Parse(a, schema.Limits{})
		if err != nil {
			t.Fatalf("the definition parses once but not twice: %v", err)
		}
		for _, pair := range [][2]*Schema{{sa, again}, {again, sa}} {
			found, steps := check(pair[0], pair[1], false)
			if len(found) > 0 {
				t.Fatalf("%s is not compatible with itself (%d steps): %v", a, steps, found)
			}
		}
	})
}
