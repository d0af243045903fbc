package serde_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The SerDe is what users import: no package under serde/ may depend on
// the server's internal packages.
func TestSerdeImportsNothingInternal(t *testing.T) {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/cartaschema/carta/internal/") {
			t.Errorf("a serde package depends on %s", p)
		}
	}
}
