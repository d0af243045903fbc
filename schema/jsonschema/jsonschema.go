// Package jsonschema parses, validates and normalizes JSON Schema definitions (the Glue
// DataFormat JSON).
//
// A definition is checked in this order, so that hostile input is refused before any work
// proportional to its nesting is done:
//
//  1. its size against Limits.MaxBytes, its UTF-8 encoding, and its nesting depth against
//     Limits.MaxDepth, by a flat byte scan;
//  2. JSON decoding: exactly one value, an object or a boolean, no duplicate object keys,
//     numbers kept as written;
//  3. draft selection from "$schema" (draft-04, draft-06, draft-07, 2019-09, 2020-12;
//     draft-07 when absent) and a check that every reference stays inside the document;
//  4. compilation with github.com/santhosh-tekuri/jsonschema/v6, which validates the
//     definition against its draft's meta-schema.
//
// Parsing never reads a file or opens a network connection: the compiler's loader serves no
// document at all, so a reference to another document is an error, never a fetch. "format"
// is an annotation, never an assertion, in every draft.
//
// # Compatibility
//
// Handler.CanRead(reader, writer) reports every incompatibility that stops reader from
// reading data written with writer; Handler.CanReadWith also takes a schema.CheckOptions
// whose Policy is STRICT (the default) or LENIENT. The rules are Confluent Schema Registry's
// (its SchemaDiff with the writer as the original and the reader as the update), each finding
// is named by Confluent's Difference type (see Rules for the list, and the few names that are
// Carta's own), only incompatible differences are reported, and every one of them is
// reported, in a deterministic walk order. A Path is a JSON pointer of the place, e.g.
// /properties/email/maxLength, with references followed as if their targets were written in
// place.
//
//   - Types: the reader must accept every type the writer allows (TYPE_CHANGED); integer to
//     number widens, number to integer is TYPE_NARROWED; a "type" list is a set, so it may
//     grow. A schema without "type" accepts every type; the writer's types are narrowed by
//     its enum, const and combined schemas. {} and true read anything, and anything reads a
//     writer false.
//   - Bounds may be relaxed or removed, not added or tightened: maxLength, minLength,
//     maximum, minimum, exclusiveMaximum, exclusiveMinimum (compared as effective bounds, so
//     draft-04's boolean form and the later numeric one agree, and integers are compared as
//     integers), multipleOf (the reader's must divide the writer's), maxItems, minItems,
//     maxContains, minContains, maxProperties, minProperties and uniqueItems. A pattern may be
//     removed, not added or changed; patterns are compared as written.
//   - enum and const: the reader must allow every value the writer allows; values compare as
//     JSON values (1 equals 1.0). A writer that lists its values is compatible as soon as
//     the reader validates each of them.
//   - required: a name the reader requires and the writer does not is REQUIRED_ATTRIBUTE_ADDED
//     unless the reader's schema for it has a "default" (Confluent's policy: validators do not
//     apply defaults, so such data still fails a validating reader).
//   - Content models. An object schema is open (additionalProperties absent or true, no
//     patternProperties, unevaluatedProperties absent or true), closed (additionalProperties
//     false) or partially open. A property the reader adds to the writer's open model is
//     incompatible unless its schema is {} (data may already carry the name with any value);
//     added to a closed model it is fine unless required without a default; in a partially
//     open one its schema must accept what the writer allowed for the name. A property the
//     reader removes must be allowed by the reader's open model or its patternProperties or
//     additionalProperties schema. additionalProperties and unevaluatedProperties may widen,
//     not narrow. patternProperties entries are compared pattern by pattern, propertyNames as
//     a string schema.
//   - dependencies, dependentRequired and dependentSchemas: removing is fine, adding or
//     extending a list is not, schemas are compared.
//   - Arrays: the schema of every item, tuples (items arrays up to 2019-09, prefixItems in
//     2020-12, which compare with each other) with the same open, closed and partially open
//     rules as objects, additionalItems (or 2020-12's items after prefixItems),
//     unevaluatedItems and contains.
//   - allOf, anyOf and oneOf: the criterion may change only towards anyOf (or from a single
//     branch); an allOf may lose branches, an anyOf or oneOf gain them; and a maximum
//     bipartite matching of compatible branch pairs must cover the shorter list (duplicate
//     branches collapse). A plain writer is read by an anyOf/oneOf with a branch that reads
//     it, or by an allOf whose every branch does; an anyOf/oneOf writer is read by a plain
//     reader that reads every branch; an allOf writer is read through the merge of its
//     branches, or through any one of them.
//   - not: the reader's "not" must exclude no more than the writer's. if/then/else: the "if"
//     must stay the same (CONDITION_CHANGED) and then and else are compared.
//   - References ($ref to definitions, $defs, $id and anchors, and $recursiveRef and
//     $dynamicRef taken statically) are followed. Each pair of schemas is compared once per
//     check: a pair met again while it is being compared counts as compatible (this ends
//     recursion), and its findings are reported at the first place it is met.
//
// Drafts 4, 6, 7, 2019-09 and 2020-12 may be mixed. The work is bounded: a check compares at
// most 200,000 schema pairs (a value of a listed enum counts as one), large allOf/anyOf/oneOf
// lists only pair identical branches and branches at the same index, and a check that would
// go further fails with CHECK_LIMIT_EXCEEDED rather than run on.
//
// LENIENT accepts what Confluent's LENIENT policy accepts, for consumers that ignore unknown
// properties: properties added to an open model (optional, or required with a default),
// properties removed from a closed one, a model closed or its additionalProperties or
// unevaluatedProperties narrowed, and properties not covered by a partially open model, added
// or removed (see LenientRules).
//
// Where Carta departs from Confluent, it is on purpose and towards what a validator does:
// required names that no property declares count; patternProperties, propertyNames, contains
// and if/then/else are compared (Confluent ignores them); bounds are compared as effective
// bounds ("exclusiveMinimum": 10 to "minimum": 10 relaxes, where Confluent sees
// MINIMUM_ADDED); a schema without "type" accepts every type, so adding "type" is
// TYPE_CHANGED (Confluent infers the type from the other keywords); additionalItems without an
// items array has no effect and is ignored; and format, contentEncoding and contentMediaType
// are annotations. Like Confluent, Carta treats oneOf as anyOf: adding a oneOf branch is
// compatible although a value may then match two branches. Against Apicurio's and Karapace's
// own test data the checker disagrees only where their verdicts contradict these rules; the
// package tests list each such row with its reason.
package jsonschema

import (
	"github.com/cartaschema/carta/schema"
	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// Handler implements schema.Handler for JSON Schema. The zero value is ready to use and safe
// for concurrent use; Handler carries no state, so it is used as a value.
type Handler struct{}

var _ schema.Handler = Handler{}

// Format returns schema.JSON.
func (Handler) Format() schema.Format { return schema.JSON }

// Parse validates definition and returns a *Schema. Every error describing the definition is
// a *schema.ParseError; its Path is a JSON pointer into the definition when the offending
// element is known.
func (Handler) Parse(definition string, limits schema.Limits) (schema.Schema, error) {
	return Parse(definition, limits)
}

// Schema is a parsed and compiled JSON Schema. It is immutable and safe for concurrent use.
type Schema struct {
	doc       any
	draft     Draft
	canonical string
	compiled  *jsc.Schema
	// asserter is the second compilation, with format assertions on, built on first use.
	asserter formatAsserter
}

var _ schema.Schema = (*Schema)(nil)

// Format returns schema.JSON.
func (s *Schema) Format() schema.Format { return schema.JSON }

// Canonical returns the normalized definition: compact JSON with object keys sorted by byte
// order at every level and no insignificant whitespace. Numbers keep their text exactly as
// written (1.0 and 1 stay different, as do 1e2 and 100), because a registry cannot know
// whether a reader treats them alike; strings are re-encoded, so "\u00e9" and "é" are the
// same. Whitespace and key order therefore never change the canonical form, and any change
// of a value (a default, a description) always does.
func (s *Schema) Canonical() string { return s.canonical }

// Document returns the decoded definition: map[string]any, []any, string, json.Number, bool
// or nil at each level, exactly what encoding/json produces with UseNumber. The value is
// shared by every caller and must not be modified.
func (s *Schema) Document() any { return s.doc }

// Draft returns the JSON Schema draft the definition was compiled with.
func (s *Schema) Draft() Draft { return s.draft }

// Compiled returns the compiled schema, for validating payloads. Format keywords are
// annotations in it (see the package documentation). It is shared and must not be modified.
func (s *Schema) Compiled() *jsc.Schema { return s.compiled }

// Parse is Handler.Parse with the concrete result type.
func Parse(definition string, limits schema.Limits) (*Schema, error) {
	return parseWith(definition, nil, limits)
}

// parseWith parses a definition whose references to other documents name refs.
func parseWith(definition string, refs []schema.Reference, limits schema.Limits) (*Schema, error) {
	limits = limits.WithDefaults()
	if err := checkLimits(definition, limits); err != nil {
		return nil, err
	}
	doc, err := decode(definition)
	if err != nil {
		return nil, err
	}
	switch doc.(type) {
	case map[string]any, bool:
	default:
		return nil, parseError("", "a JSON Schema must be a JSON object or a boolean, not %s", jsonKind(doc))
	}
	draft, err := draftOf(doc)
	if err != nil {
		return nil, err
	}
	if len(refs) > 0 {
		if doc, err = bundle(doc, draft, refs); err != nil {
			return nil, err
		}
	}
	sites, err := checkReferences(doc, draft)
	if err != nil {
		return nil, err
	}
	compiled, err := compile(doc, draft, sites)
	if err != nil {
		return nil, err
	}
	canonical, err := canonicalize(doc)
	if err != nil {
		return nil, err
	}
	return &Schema{doc: doc, draft: draft, canonical: canonical, compiled: compiled}, nil
}
