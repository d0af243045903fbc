package serde_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

func compileProto(t testing.TB, def string) protoreflect.FileDescriptor {
	t.Helper()
	s, err := protobuf.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return s.FileDescriptor()
}

func protoName(full string) protoreflect.Name {
	return protoreflect.Name(full[strings.LastIndexByte(full, '.')+1:])
}

func protoString(s string) protoreflect.Value { return protoreflect.ValueOfString(s) }
