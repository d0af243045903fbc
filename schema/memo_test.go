package schema

import "testing"

func TestPairMemo(t *testing.T) {
	var m PairMemo[string]
	calls := 0
	// A pair that recurs into itself: the inner visit assumes compatibility.
	var compute func(report bool) bool
	compute = func(report bool) bool {
		calls++
		if calls == 1 && !m.Visit("a", report, compute) {
			t.Fatal("a pair in progress must count as compatible")
		}
		return false
	}
	if m.Visit("a", false, compute) {
		t.Fatal("compute said incompatible")
	}
	if calls != 1 {
		t.Fatalf("compute ran %d times, want 1 (the recursive visit answers from memory)", calls)
	}
	// Decided: answers from memory without reporting.
	if m.Visit("a", false, func(bool) bool { t.Fatal("decided pair recomputed"); return true }) {
		t.Fatal("memory lost the verdict")
	}
	// Reporting runs compute once, even for a decided pair, then never again.
	reported := 0
	report := func(report bool) bool { reported++; return false }
	m.Visit("a", true, report)
	m.Visit("a", true, report)
	if reported != 1 {
		t.Fatalf("findings reported %d times, want once", reported)
	}
}
