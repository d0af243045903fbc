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
// Handler.CanRead and Handler.CanReadWith check compatibility with Confluent Schema
// Registry's JSON Schema rules; see the Compatibility section below.
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
	refs, err := checkReferences(doc, draft)
	if err != nil {
		return nil, err
	}
	compiled, err := compile(doc, draft, refs)
	if err != nil {
		return nil, err
	}
	canonical, err := canonicalize(doc)
	if err != nil {
		return nil, err
	}
	return &Schema{doc: doc, draft: draft, canonical: canonical, compiled: compiled}, nil
}
