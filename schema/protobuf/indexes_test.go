package protobuf_test

import (
	"slices"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

func TestMessageIndexesBothWireFormats(t *testing.T) {
	s, err := protobuf.Parse(`syntax = "proto3"; package p;
message B { message C {} message A { message D {} } }
message Z {}`, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]int{"p.B": {0}, "p.B.C": {0, 0}, "p.B.A": {0, 1}, "p.B.A.D": {0, 1, 0}, "p.Z": {1}} {
		md, err := s.Message(name)
		if err != nil {
			t.Fatal(err)
		}
		got := protobuf.ConfluentIndexes(md)
		if !slices.Equal(got, want) {
			t.Errorf("ConfluentIndexes(%s) = %v, want %v", name, got, want)
		}
		back, err := s.MessageByConfluentIndexes(got)
		if err != nil || back.FullName() != md.FullName() {
			t.Errorf("MessageByConfluentIndexes(%v) = %v, %v", got, back, err)
		}
		i, ok := s.MessageIndex(md.FullName())
		if at, ok2 := s.MessageAt(uint64(i)); !ok || !ok2 || at.FullName() != md.FullName() {
			t.Errorf("MessageAt(MessageIndex(%s)) = %v", name, at)
		}
	}
	if md, err := s.MessageByConfluentIndexes(nil); err != nil || md.FullName() != "p.B" {
		t.Errorf("an empty path: %v, %v", md, err)
	}
	for _, bad := range [][]int{{2}, {-1}, {0, 5}, {1, 0}} {
		if _, err := s.MessageByConfluentIndexes(bad); err == nil {
			t.Errorf("MessageByConfluentIndexes(%v) found a message", bad)
		}
	}
	if _, ok := s.MessageAt(5); ok {
		t.Error("MessageAt(5) found a message in a file of 5")
	}
}
