package textdiff

import (
	"math/rand"
	"strings"
	"testing"
)

func TestUnifiedGolden(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n"
	b := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	got := Unified("v1", "v2", a, b, 3)
	want := `--- v1
+++ v2
@@ -1,7 +1,7 @@
 a
 b
 c
-d
+D
 e
 f
 g
@@ -10,3 +10,4 @@
 j
 k
 l
+m
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if Unified("a", "b", a, a, 3) != "" {
		t.Fatal("identical texts must give an empty diff")
	}
}

func TestUnifiedMergesCloseHunks(t *testing.T) {
	got := Unified("x", "y", "1\n2\n3\n4\n5\n", "1\nX\n3\nY\n5\n", 1)
	want := "--- x\n+++ y\n@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n-4\n+Y\n 5\n"
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
}

// applyOps rebuilds both sides from an edit script; a correct script reproduces them.
func TestDiffLinesReproducesBothSides(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	words := []string{"a", "b", "c", "d"}
	for i := 0; i < 500; i++ {
		a := randLines(r, words)
		b := randLines(r, words)
		var ga, gb []string
		for _, o := range diffLines(a, b) {
			if o.kind != opIns {
				ga = append(ga, o.line)
			}
			if o.kind != opDel {
				gb = append(gb, o.line)
			}
		}
		if strings.Join(ga, "\n") != strings.Join(a, "\n") || strings.Join(gb, "\n") != strings.Join(b, "\n") {
			t.Fatalf("script does not reproduce inputs for %q -> %q", a, b)
		}
	}
}

func randLines(r *rand.Rand, words []string) []string {
	n := r.Intn(12)
	out := make([]string, n)
	for i := range out {
		out[i] = words[r.Intn(len(words))]
	}
	return out
}

func TestHugeUnrelatedInputsStayBounded(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 5000; i++ {
		a.WriteString("a\n")
		b.WriteString("b\n")
	}
	d := Unified("x", "y", a.String(), b.String(), 3)
	if strings.Count(d, "\n-a") != 5000 || strings.Count(d, "\n+b") != 5000 {
		t.Fatal("fallback must delete every old line and insert every new one")
	}
}
