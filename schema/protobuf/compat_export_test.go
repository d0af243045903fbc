package protobuf

import "github.com/cartaschema/carta/schema"

// CanReadWalk runs the comparison without CanRead's shortcut for identical definitions, so
// tests can check that a schema compared with itself walks to no finding.
func CanReadWalk(reader, writer *Schema) []schema.Incompatibility { return canRead(reader, writer) }

// SyntheticOneof exposes the cheap test for proto3 optional oneofs, to check it against
// protoreflect's IsSynthetic.
var SyntheticOneof = synthetic
