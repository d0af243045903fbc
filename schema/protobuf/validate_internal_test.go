package protobuf

import (
	"runtime"
	"testing"
	"time"

	"github.com/cartaschema/carta/schema"
)

// TestResolversAreReleased checks that the side table of type resolvers does not keep
// collected schemas alive.
func TestResolversAreReleased(t *testing.T) {
	count := func() int {
		n := 0
		resolvers.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := count()
	func() {
		s, err := Parse(`syntax = "proto3"; message M { int32 a = 1; }`, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ValidateJSON("", []byte(`{"a": 1}`)); err != nil {
			t.Fatal(err)
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
