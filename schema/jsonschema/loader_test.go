package jsonschema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// TestCompilerNeverLoads bypasses checkReferences to show that the compiler itself, whose
// loader serves nothing, cannot fetch another document: the files referenced exist and hold
// valid schemas.
func TestCompilerNeverLoads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	if err := os.WriteFile(path, []byte(`{"type":"string"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, ref := range []string{"file://" + filepath.ToSlash(path), "s.json", "http://127.0.0.1:1/s.json"} {
		doc, err := decode(fmt.Sprintf(`{"$ref":%q}`, ref))
		if err != nil {
			t.Fatal(err)
		}
		_, err = compile(doc, Draft7, nil)
		var pe *schema.ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, refHint) {
			t.Errorf("compile with $ref %q: %v, want a ParseError naming the refusal", ref, err)
		}
	}
}
