// Package schema holds the format-neutral vocabulary of Carta's compatibility engine: data
// formats, compatibility modes, the Incompatibility value every checker reports, and the
// interfaces each format (Avro, JSON Schema, Protobuf) implements.
//
// The package does no I/O. The registry server, the CLI and the SerDe library all call the same
// engine, so a verdict computed in CI is the verdict the server computes.
package schema

import (
	"errors"
	"fmt"
)

// Format is the data format of a schema, spelled as the AWS Glue API spells it.
type Format string

// The data formats Carta understands.
const (
	Avro     Format = "AVRO"
	JSON     Format = "JSON"
	Protobuf Format = "PROTOBUF"
)

// Formats lists every supported format in a stable order.
var Formats = []Format{Avro, JSON, Protobuf}

// Valid reports whether f is one of the supported formats.
func (f Format) Valid() bool {
	switch f {
	case Avro, JSON, Protobuf:
		return true
	}
	return false
}

// Mode is a compatibility mode, spelled as the AWS Glue API spells it. Confluent's
// X_TRANSITIVE is Glue's X_ALL.
type Mode string

// The compatibility modes.
const (
	None        Mode = "NONE"
	Disabled    Mode = "DISABLED"
	Backward    Mode = "BACKWARD"
	BackwardAll Mode = "BACKWARD_ALL"
	Forward     Mode = "FORWARD"
	ForwardAll  Mode = "FORWARD_ALL"
	Full        Mode = "FULL"
	FullAll     Mode = "FULL_ALL"
)

// Modes lists every mode in a stable order.
var Modes = []Mode{None, Disabled, Backward, BackwardAll, Forward, ForwardAll, Full, FullAll}

// Valid reports whether m is one of the eight modes.
func (m Mode) Valid() bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

// Transitive reports whether the mode checks against every version since the checkpoint
// rather than only the latest one.
func (m Mode) Transitive() bool {
	return m == BackwardAll || m == ForwardAll || m == FullAll
}

// NeedsCheck reports whether registering under this mode runs a compatibility check.
func (m Mode) NeedsCheck() bool {
	return m != None && m != Disabled
}

// Directions returns the directions this mode checks, in a stable order.
func (m Mode) Directions() []Direction {
	switch m {
	case Backward, BackwardAll:
		return []Direction{DirBackward}
	case Forward, ForwardAll:
		return []Direction{DirForward}
	case Full, FullAll:
		return []Direction{DirBackward, DirForward}
	}
	return nil
}

// Direction says which side reads and which side wrote in one check.
type Direction string

// The two directions of a check.
const (
	// DirBackward: the new schema reads data written with the old one.
	DirBackward Direction = "BACKWARD"
	// DirForward: the old schema reads data written with the new one.
	DirForward Direction = "FORWARD"
)

// Incompatibility is one reason a candidate schema cannot be registered. Checkers report every
// incompatibility they find, never only the first.
type Incompatibility struct {
	// Rule is a stable UPPER_SNAKE identifier, reusing the peers' names where they exist
	// (for Avro: Apache Avro's SchemaIncompatibilityType names, e.g. READER_FIELD_MISSING_DEFAULT_VALUE).
	Rule string `json:"rule"`
	// Path is a JSON pointer into the reader schema (Avro) or the changed schema, e.g. "/fields/1/type".
	Path string `json:"path"`
	// Direction is the direction of the check that found it.
	Direction Direction `json:"direction"`
	// Version is the version number the candidate was checked against (0 when checked against
	// an unversioned schema, e.g. offline).
	Version int64 `json:"version,omitempty"`
	// Message is one sentence that names both sides and the fix.
	Message string `json:"message"`
}

// String renders the incompatibility on one line.
func (i Incompatibility) String() string {
	v := ""
	if i.Version > 0 {
		v = fmt.Sprintf(" against version %d", i.Version)
	}
	return fmt.Sprintf("%s at %s (%s%s): %s", i.Rule, pointerOrRoot(i.Path), i.Direction, v, i.Message)
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// Schema is a parsed, validated schema of one format.
type Schema interface {
	// Format is the data format of the schema.
	Format() Format
	// Canonical is the normalized definition used for duplicate detection: two definitions
	// that differ only in whitespace, key order or formatting have the same Canonical form;
	// a change of a default, a doc string or an option changes it.
	Canonical() string
}

// Handler implements one format: it parses definitions and compares two parsed schemas.
type Handler interface {
	// Format is the data format this handler implements.
	Format() Format
	// Parse validates a definition and returns the parsed schema. Parse enforces the limits
	// before doing any work proportional to nesting, and never reads a file or opens a
	// network connection. Errors are *ParseError values where the position is known.
	Parse(definition string, limits Limits) (Schema, error)
	// CanRead reports every incompatibility that stops reader from reading data written with
	// writer. Paths are relative to the schemas; Direction and Version are filled by the engine,
	// which also rewrites the phrases "the reader schema" and "the writer schema" in messages
	// into "the new schema" and "version N" as the direction of the check demands.
	// A handler that cannot check compatibility returns ErrCheckUnsupported.
	CanRead(reader, writer Schema) ([]Incompatibility, error)
}

// Reference is another schema a definition refers to: an Avro schema that defines a named
// type the definition uses, a JSON Schema document a "$ref" names, a Protobuf file the
// definition imports. References come from the registry's store, never from files or the
// network.
type Reference struct {
	// Name is how the definition refers to it: for JSON Schema the URI of a "$ref" (resolved
	// against the definition's base URI), for Protobuf the import path. Avro finds the named
	// types of a reference by their own names.
	Name string
	// Definition is the text of the referenced schema.
	Definition string
	// Schema is the referenced schema, parsed with its own references.
	Schema Schema
}

// ReferenceParser is implemented by handlers that parse definitions referring to other
// schemas. refs holds every schema the definition refers to, directly or through another
// reference, each once; the parsed schema is complete (a compatibility check sees through the
// references), and its Canonical form changes when a referenced schema does.
type ReferenceParser interface {
	ParseWithReferences(definition string, refs []Reference, limits Limits) (Schema, error)
}

// Policy selects how strictly a format's rules are applied. Only JSON Schema has a LENIENT
// relaxation (Confluent's compatibilityPolicy); other formats ignore the policy.
type Policy string

// The policies.
const (
	// Strict applies every rule (the default).
	Strict Policy = "STRICT"
	// Lenient accepts, for JSON Schema, the changes Confluent's LENIENT policy accepts:
	// properties added to or removed from open content models, closing an open model,
	// narrowing additional/unevaluated properties, and the NOT_COVERED cases.
	Lenient Policy = "LENIENT"
)

// Valid reports whether p is a known policy ("" counts as Strict).
func (p Policy) Valid() bool { return p == "" || p == Strict || p == Lenient }

// CheckOptions tune one compatibility check.
type CheckOptions struct {
	// Policy is Strict when empty.
	Policy Policy
}

// OptionsChecker is implemented by handlers whose checks take options (JSON Schema's policy).
// schema.Check calls CanReadWith instead of CanRead when a handler implements it.
type OptionsChecker interface {
	CanReadWith(reader, writer Schema, opts CheckOptions) ([]Incompatibility, error)
}

// ErrCheckUnsupported is returned by a Handler that can parse a format but not yet compare it.
var ErrCheckUnsupported = errors.New("compatibility checking is not supported for this format")

// Limits bound the work a parser may do on untrusted input. Zero values mean the defaults.
type Limits struct {
	// MaxBytes is the largest definition accepted, in bytes (default 680,000: AWS Glue's limit
	// of 170,000 characters, at up to four UTF-8 bytes each; the API adapters enforce the
	// character limit of their dialect before parsing).
	MaxBytes int
	// MaxDepth is the deepest nesting of JSON objects/arrays or Protobuf declarations
	// accepted (default 64).
	MaxDepth int
}

// Default limits.
const (
	DefaultMaxBytes = 4 * 170000
	DefaultMaxDepth = 64
)

// WithDefaults returns l with zero fields replaced by the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// ParseError reports why a definition is not a valid schema.
type ParseError struct {
	Format Format
	// Path is a JSON pointer (or, for Protobuf, line:column) naming the offending element; may be empty.
	Path string
	// Msg explains the problem.
	Msg string
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s schema is invalid at %s: %s", e.Format, e.Path, e.Msg)
	}
	return fmt.Sprintf("%s schema is invalid: %s", e.Format, e.Msg)
}
