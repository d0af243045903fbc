package jsonschema

import (
	"strings"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

// Draft names a JSON Schema specification version.
type Draft string

// The drafts a definition may declare in "$schema".
const (
	Draft4    Draft = "draft-04"
	Draft6    Draft = "draft-06"
	Draft7    Draft = "draft-07"
	Draft2019 Draft = "2019-09"
	Draft2020 Draft = "2020-12"
)

// DefaultDraft is the draft of a definition without "$schema". It is draft-07, the newest
// draft the Glue SerDe's validator (Everit) implements.
const DefaultDraft = Draft7

// draftFor maps the meta-schema URL in "$schema" to a draft. Both http and https and an
// empty fragment are accepted, as the specifications' own examples use them. The
// version-less alias https://json-schema.org/schema is refused on purpose: its meaning moves
// with the library, and a registered schema must keep its meaning.
func draftFor(metaSchema string) (Draft, bool) {
	u := strings.TrimSuffix(metaSchema, "#")
	if rest, ok := strings.CutPrefix(u, "http://"); ok {
		u = rest
	} else if rest, ok := strings.CutPrefix(u, "https://"); ok {
		u = rest
	} else {
		return "", false
	}
	switch u {
	case "json-schema.org/draft-04/schema":
		return Draft4, true
	case "json-schema.org/draft-06/schema":
		return Draft6, true
	case "json-schema.org/draft-07/schema":
		return Draft7, true
	case "json-schema.org/draft/2019-09/schema":
		return Draft2019, true
	case "json-schema.org/draft/2020-12/schema":
		return Draft2020, true
	}
	return "", false
}

// draftOf reads the draft from the top-level "$schema" keyword.
func draftOf(doc any) (Draft, error) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return DefaultDraft, nil
	}
	v, ok := obj["$schema"]
	if !ok {
		return DefaultDraft, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", parseError("/$schema", "$schema must be a string, not %s", jsonKind(v))
	}
	d, ok := draftFor(s)
	if !ok {
		return "", unsupportedSchema("/$schema", s)
	}
	return d, nil
}

// unsupportedSchema reports a "$schema" that names no supported draft.
func unsupportedSchema(ptr, url string) error {
	return parseError(ptr, "unsupported $schema %q: use the meta-schema URL of draft-04, draft-06, draft-07, 2019-09 or 2020-12, e.g. http://json-schema.org/draft-07/schema#", url)
}

// library returns the compiler's value for d.
func (d Draft) library() *jsc.Draft {
	switch d {
	case Draft4:
		return jsc.Draft4
	case Draft6:
		return jsc.Draft6
	case Draft2019:
		return jsc.Draft2019
	case Draft2020:
		return jsc.Draft2020
	}
	return jsc.Draft7
}

// idKeyword is the keyword that sets a base URI in d.
func (d Draft) idKeyword() string {
	if d == Draft4 {
		return "id"
	}
	return "$id"
}
