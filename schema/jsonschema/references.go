package jsonschema

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/cartaschema/carta/schema"
)

// ParseWithReferences parses a definition whose "$ref"s name other documents, as Confluent's
// JSON Schema references work: a reference named "address.json" (or
// "https://example.com/address.json") is what "$ref": "address.json" (resolved against the
// definition's base URI) finds. The references are embedded in the definition as resources of
// their own ("definitions" up to draft-07, "$defs" from 2019-09 on, each with its name as its
// "$id"), so that compilation, validation and compatibility checks all see one self-contained
// document, which is also what Canonical renders. Nothing is fetched: a reference the refs do
// not name is an error.
func (Handler) ParseWithReferences(definition string, refs []schema.Reference, limits schema.Limits) (schema.Schema, error) {
	s, err := parseWith(definition, refs, limits)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// bundle embeds the documents of refs in doc.
func bundle(doc any, draft Draft, refs []schema.Reference) (any, error) {
	root, ok := doc.(map[string]any)
	if !ok {
		return doc, nil // a boolean schema refers to nothing
	}
	base, _ := url.Parse(documentURL)
	idKey := draft.idKeyword()
	if id, ok := root[idKey].(string); ok {
		if u, err := base.Parse(id); err == nil {
			base = u
		}
	}
	container := "definitions"
	if draft == Draft2019 || draft == Draft2020 {
		container = "$defs"
	}
	out := make(map[string]any, len(root)+1)
	for k, v := range root {
		out[k] = v
	}
	defs := map[string]any{}
	if existing, ok := root[container].(map[string]any); ok {
		for k, v := range existing {
			defs[k] = v
		}
	} else if _, taken := root[container]; taken {
		return nil, parseError("/"+container, "%q must be an object to hold the references", container)
	}
	for i, r := range refs {
		rd, err := decode(r.Definition)
		if err != nil {
			return nil, fmt.Errorf("jsonschema: reference %q: %w", r.Name, err)
		}
		u, err := base.Parse(r.Name)
		if err != nil {
			return nil, parseError("", "reference name %q is not a URI reference: %v", r.Name, err)
		}
		u.Fragment, u.RawFragment = "", ""
		var embedded any
		switch d := rd.(type) {
		case map[string]any:
			m := make(map[string]any, len(d)+1)
			for k, v := range d {
				m[k] = v
			}
			m[idKey] = u.String()
			embedded = m
		case bool:
			// A boolean schema has no "$id": wrap it in one that has.
			embedded = map[string]any{idKey: u.String(), "allOf": []any{d}}
		default:
			return nil, parseError("", "reference %q is not a JSON Schema", r.Name)
		}
		key := "carta-reference-" + strconv.Itoa(i)
		for defs[key] != nil {
			key += "_"
		}
		defs[key] = embedded
	}
	out[container] = defs
	return out, nil
}
