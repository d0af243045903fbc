package registry

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateDiffKeepsTheModelLimit(t *testing.T) {
	long := strings.Repeat("+ some line of a schema, é\n", 20000)
	got := truncateDiff(long, MaxDiffChars)
	if n := utf8.RuneCountInString(got); n > MaxDiffChars {
		t.Fatalf("truncated diff has %d characters, limit %d", n, MaxDiffChars)
	}
	if !strings.HasSuffix(got, truncatedNote) || !strings.HasPrefix(long, strings.TrimSuffix(got, truncatedNote)) {
		t.Fatal("a truncated diff must be a prefix of the diff, cut at a line, followed by the note")
	}
	if short := "--- a\n+++ b\n"; truncateDiff(short, MaxDiffChars) != short {
		t.Fatal("short diffs must not change")
	}
}
