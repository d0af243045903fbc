package protobuf_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

// TestCompatGolden checks each testdata/compat/<name>.old.proto, <name>.new.proto pair in
// both directions against <name>.golden, which holds every finding as the engine renders it
// (rule, path, direction, version and message). Run with -update to rewrite the golden files.
func TestCompatGolden(t *testing.T) {
	olds, err := filepath.Glob(filepath.Join("testdata", "compat", "*.old.proto"))
	if err != nil || len(olds) == 0 {
		t.Fatalf("no golden pairs: %v", err)
	}
	for _, oldPath := range olds {
		name := strings.TrimSuffix(filepath.Base(oldPath), ".old.proto")
		t.Run(name, func(t *testing.T) {
			oldDef := readFile(t, oldPath)
			newDef := readFile(t, filepath.Join("testdata", "compat", name+".new.proto"))
			var b strings.Builder
			for _, mode := range []schema.Mode{schema.Backward, schema.Forward} {
				b.WriteString("# " + string(mode) + "\n")
				for _, f := range checkHistory(t, mode, []string{oldDef}, newDef) {
					b.WriteString(f.String() + "\n")
				}
			}
			got := b.String()
			golden := filepath.Join("testdata", "compat", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); got != want {
				t.Errorf("findings differ from %s (run with -update to accept):\n%s", golden, got)
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
