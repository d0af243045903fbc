package jsonschema

import (
	"runtime"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
)

// TestFormatAssertersAreReleased checks that the side table of format-asserting
// compilations does not keep collected schemas alive.
func TestFormatAssertersAreReleased(t *testing.T) {
	count := func() int {
		n := 0
		asserters.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := count()
	func() {
		s, err := Parse(`{"format":"email"}`, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate([]byte(`"x"`), ValidateOptions{AssertFormats: true}); err == nil {
			t.Fatal("an invalid email passed with AssertFormats")
		}
		if count() != before+1 {
			t.Fatalf("%d entries, want %d", count(), before+1)
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for count() > before {
		if time.Now().After(deadline) {
			t.Fatalf("the entry of a collected schema is still there (%d entries, want %d)", count(), before)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
