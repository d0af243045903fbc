package serde

import (
	"context"
	"errors"

	"github.com/cartaschema/carta/serde/wire"
)

// Format is a schema's data format, spelled as the Glue API spells it.
type Format string

// The three data formats.
const (
	Avro     Format = "AVRO"
	JSON     Format = "JSON"
	Protobuf Format = "PROTOBUF"
)

// DefaultRegistry is the Glue registry used when none is named; in the
// Confluent API it is the default context.
const DefaultRegistry = "default-registry"

// SchemaRef names a schema: a Glue registry and schema name, or in the
// Confluent API a context and subject.
type SchemaRef struct {
	Registry string // empty means DefaultRegistry
	Name     string
}

func (r SchemaRef) registry() string {
	if r.Registry == "" {
		return DefaultRegistry
	}
	return r.Registry
}

// String returns "registry/name".
func (r SchemaRef) String() string { return r.registry() + "/" + r.Name }

// Schema is one registered schema version as the SerDe needs it.
type Schema struct {
	Ref        SchemaRef
	Format     Format
	Definition string
	// VersionID is the Glue schema version UUID; zero when the registry
	// did not report one.
	VersionID wire.VersionID
	// Version is the version number within the schema (1, 2, ...); zero
	// when unknown.
	Version int
	// ID is the Confluent integer schema ID; zero when the registry has
	// none (AWS Glue).
	ID uint32
}

// RegisterOptions are used when a Serializer registers a schema version
// itself (auto-registration).
type RegisterOptions struct {
	// Compatibility is the mode a schema created by the call gets
	// (BACKWARD when empty). An existing schema keeps its mode.
	Compatibility string
	// Description of a schema created by the call.
	Description string
	// Metadata is attached to the new version (Glue version metadata).
	Metadata map[string]string
}

// Registry is what the Serializer and Deserializer need from a schema
// registry. serde/glue and serde/confluent implement it over the two
// APIs; serdetest implements it in memory.
//
// Methods return an error wrapping ErrNotFound when the schema, version or
// definition does not exist, and ErrUnsupported when the registry cannot
// answer that kind of question (AWS Glue has no integer IDs).
type Registry interface {
	// SchemaByVersionID returns the version a Glue record header names.
	SchemaByVersionID(ctx context.Context, id wire.VersionID) (Schema, error)
	// SchemaByID returns the schema a Confluent record header names.
	SchemaByID(ctx context.Context, id uint32) (Schema, error)
	// SchemaVersion returns version number version of ref; 0 means the
	// latest available version.
	SchemaVersion(ctx context.Context, ref SchemaRef, version int) (Schema, error)
	// LookupSchema returns the version of ref whose definition is
	// definition.
	LookupSchema(ctx context.Context, ref SchemaRef, format Format, definition string) (Schema, error)
	// RegisterSchema registers definition as a version of ref, creating
	// the schema when it does not exist. Registering a definition that is
	// already a version returns that version.
	RegisterSchema(ctx context.Context, ref SchemaRef, format Format, definition string, opts RegisterOptions) (Schema, error)
}

// Errors a Registry wraps.
var (
	ErrNotFound    = errors.New("serde: not found in the registry")
	ErrUnsupported = errors.New("serde: not supported by this registry")
	// ErrIncompatible means the registry refused a new version because it
	// breaks the schema's compatibility mode.
	ErrIncompatible = errors.New("serde: the registry refused an incompatible schema version")
)
