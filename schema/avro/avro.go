// Package avro implements Carta's Avro format: a parser that validates definitions against the
// Apache Avro 1.11 specification, a canonical form for duplicate detection, and a
// reader/writer compatibility checker.
//
// # Parsing
//
// Parse enforces schema.Limits before any recursive work (size in bytes, then JSON nesting
// depth by a flat scan), so no input can exhaust the stack. It then builds its own model:
// primitives, records (and "error" records), enums, fixed, arrays, maps and unions; named
// types with namespaces, full names and aliases; field defaults, order and aliases; enum
// defaults; logical types and any other attribute kept as properties. Validation follows the
// specification: names match [A-Za-z_][A-Za-z0-9_]*, no duplicate type names, field names or
// enum symbols, unions hold no unions and no two branches of the same unnamed type or name,
// fixed sizes are non-negative, names must be defined before use, and defaults must fit their
// field type. Where Apache Avro 1.11 Java is lenient the parser is too (string, bytes, enum and
// fixed defaults need only be strings; an unqualified name falls back to the null namespace;
// {"type": "SomeName"} refers to a named type, and any other attribute on that object is
// ignored, as Java ignores it). A union default must match the union's first branch, as the
// 1.11 specification says: Avro 1.12 accepts any branch, but clients on Avro 1.11 (AWS Glue's
// SerDe among them) refuse to parse such a schema. Duplicate JSON keys are rejected. Every
// error is a *schema.ParseError whose Path is a JSON pointer.
//
// # Compatibility
//
// Handler.CanRead implements the specification's "Schema Resolution" as Apache Avro Java's
// SchemaCompatibility checks it:
//
//   - equal primitive types match; a writer int is read as long, float or double, a long as
//     float or double, a float as double, and string and bytes as each other; anything else is
//     TYPE_MISMATCH;
//   - arrays and maps compare their items and values;
//   - records, enums and fixed match when their unqualified names are equal or a reader alias
//     is the writer's full name (NAME_MISMATCH); namespace-only changes are compatible;
//   - fixed sizes must be equal (FIXED_SIZE_MISMATCH);
//   - every writer enum symbol must be a reader symbol unless the reader enum has a default
//     (MISSING_ENUM_SYMBOLS);
//   - each reader field is matched to a writer field by name or by its aliases; one that is
//     missing needs a default (READER_FIELD_MISSING_DEFAULT_VALUE); extra writer fields are
//     skipped;
//   - union against union: every writer branch must be readable by the reader union, else
//     MISSING_UNION_BRANCH at the writer's branch index; a non-union writer needs one reader
//     branch that reads it (MISSING_UNION_BRANCH); a writer union read by a non-union reader
//     needs every branch readable (each failure keeps its own rule, located at the writer's
//     branch index);
//   - logical types are ignored, as they are by Apache Avro; only the underlying type counts.
//
// Every incompatibility is reported, in walk order, with Apache's rule name and location
// (e.g. /fields/1/type/size), and a one-sentence message naming both sides and the fix. The
// root location is "" (rendered "/" by schema.Incompatibility.String).
//
// Details that follow Java rather than intuition: a reader field missing from the writer whose
// type is an enum with a default symbol, but which has no field default, is TYPE_MISMATCH at
// the field's type (Java compares the enum with the writer record). Recursion is memoised on
// the (reader, writer) node pair within one CanRead call only, and a pair met again while it
// is being checked counts as compatible.
//
// Where Carta goes further than Java: a reader field whose name and aliases match two writer
// fields is READER_FIELD_AMBIGUOUS_ALIAS (Java throws; its decoder fails on such data); the
// findings of a named pair are reported once, at the first place it is met (Java repeats them
// with the first place's location); a MISSING_UNION_BRANCH message quotes the first finding of
// the closest reader branch, since "the union lacks the record" usually means "the record
// changed"; and two identical definitions are compatible without a walk.
//
// Sources: the Apache Avro 1.11 specification ("Schemas", "Schema Resolution", "Parsing
// Canonical Form for Schemas"), and the behaviour of Apache Avro Java's SchemaCompatibility
// as recorded in Apache's own compatibility test cases.
package avro

import (
	"fmt"

	"github.com/cartaschema/carta/schema"
)

// Handler implements schema.Handler for Avro. The zero value is ready to use and holds no
// state: every Parse and CanRead call is independent of every other.
type Handler struct{}

var _ schema.Handler = Handler{}

// Format returns schema.Avro.
func (Handler) Format() schema.Format { return schema.Avro }

// Parse validates definition and returns a *Schema. Errors are *schema.ParseError values.
func (Handler) Parse(definition string, limits schema.Limits) (schema.Schema, error) {
	s, err := parse(definition, limits)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// CanRead reports every incompatibility that stops reader from reading data written with
// writer (see the package documentation for the rules). Both arguments must be *Schema values
// returned by Parse; anything else is an error.
func (Handler) CanRead(reader, writer schema.Schema) ([]schema.Incompatibility, error) {
	r, ok := reader.(*Schema)
	if !ok || r == nil {
		return nil, fmt.Errorf("avro: the reader is not an Avro schema (got %T)", reader)
	}
	w, ok := writer.(*Schema)
	if !ok || w == nil {
		return nil, fmt.Errorf("avro: the writer is not an Avro schema (got %T)", writer)
	}
	if r.canonical == w.canonical {
		// Identical definitions decode without any resolution (Apache Avro Java skips alias
		// handling for equal schemas too), so a READER_FIELD_AMBIGUOUS_ALIAS cannot apply.
		return nil, nil
	}
	return canRead(r.root, w.root), nil
}

// Schema is a parsed, validated Avro schema. It is immutable and safe for concurrent use.
type Schema struct {
	root      *node
	canonical string
}

var _ schema.Schema = (*Schema)(nil)

// Format returns schema.Avro.
func (s *Schema) Format() schema.Format { return schema.Avro }

// Canonical returns Carta's canonical form of the schema, used for duplicate detection:
// compact JSON with object keys in a fixed order (type, name, namespace, doc, fields, symbols,
// items, values, size, default, aliases, logicalType, precision, scale, then the other keys
// sorted; record fields as name, type, doc, default, order, aliases, then the others), names
// fully qualified, and primitive types without attributes written as plain strings.
// Definitions that differ only in whitespace, key order or such formatting share a canonical
// form; any change of a default, doc, alias, order or other attribute changes it. The
// canonical form is itself a valid definition of the same schema.
func (s *Schema) Canonical() string { return s.canonical }

// ParsingCanonicalForm returns the schema's Parsing Canonical Form as the Avro specification
// defines it: only the attributes that matter for reading data (type, name, fields, symbols,
// items, values, size), full names, no whitespace. Its CRC-64-AVRO or SHA-256 is the schema
// fingerprint Avro tools compute.
func (s *Schema) ParsingCanonicalForm() string { return parsingCanonicalForm(s.root) }

// String returns the canonical form.
func (s *Schema) String() string { return s.canonical }
