package jsonschema

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// documentURL is the base URI of a definition without its own "$id". The scheme is private
// to Carta, so no reference can name a real resource relative to it.
const documentURL = "carta:///definition.json"

// refHint ends every message about a reference that leaves the document.
const refHint = "references to other documents are not supported; only local references such as #/definitions/x"

// refSite is one reference keyword found in a definition.
type refSite struct {
	ptr    string // JSON pointer of the keyword
	raw    string // the reference as written
	target string // the resolved URI, fragment included
	doc    string // the resolved URI without its fragment
	meta   bool   // a "$schema" keyword rather than a reference
}

// checkReferences walks the schema positions of doc, collecting the base URI of every
// embedded resource ("$id", or "id" in draft-04) and every reference, and refuses a
// reference that resolves outside those resources. It returns the references so compile
// errors can name the one they concern.
//
// This check gives the precise message and pointer; the compiler's loader, which serves
// nothing, is the guarantee that no document is ever fetched.
func checkReferences(doc any, draft Draft) ([]refSite, error) {
	root, _ := url.Parse(documentURL)
	w := refWalker{idKey: draft.idKeyword(), resources: map[string]bool{documentURL: true}}
	w.walk(doc, "", root)
	for i := range w.refs {
		r := &w.refs[i]
		if r.meta {
			r.target = r.raw
			r.doc, _, _ = strings.Cut(r.raw, "#")
			continue
		}
		u, err := r.base.Parse(r.raw)
		if err != nil {
			return nil, parseError(r.ptr, "invalid reference %q: %v", r.raw, err)
		}
		r.target = u.String()
		u.Fragment, u.RawFragment = "", ""
		r.doc = u.String()
		if !w.resources[r.doc] {
			return nil, parseError(r.ptr, "reference %q cannot be resolved: %s", r.raw, refHint)
		}
	}
	sites := make([]refSite, len(w.refs))
	for i, r := range w.refs {
		sites[i] = r.refSite
	}
	return sites, nil
}

// pendingRef is a reference with the base URI in scope where it was found.
type pendingRef struct {
	refSite
	base *url.URL
}

type refWalker struct {
	idKey     string
	resources map[string]bool
	refs      []pendingRef
}

// walk visits one subschema. Definitions are at most Limits.MaxDepth deep by the time they
// get here, so recursion is bounded.
func (w *refWalker) walk(v any, ptr string, base *url.URL) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	if id, ok := obj[w.idKey].(string); ok {
		if u, err := base.Parse(id); err == nil {
			base = u
			doc := *u
			doc.Fragment, doc.RawFragment = "", ""
			w.resources[doc.String()] = true
		}
	}
	for _, k := range sortedKeys(obj) {
		kptr := ptr + "/" + escapePointer(k)
		sub := obj[k]
		// The keywords below hold a subschema, a list of them, or a map of names to them in
		// at least one supported draft. A union over the drafts is safe: it can only make the
		// walk see more base URIs, and the compiler still refuses what its draft does not know.
		switch k {
		case "$schema":
			// Nested meta-schema URLs are checked by the compiler; remembered for its messages.
			if raw, ok := sub.(string); ok && ptr != "" {
				w.refs = append(w.refs, pendingRef{refSite{ptr: kptr, raw: raw, meta: true}, base})
			}
		case "$ref", "$dynamicRef", "$recursiveRef":
			if raw, ok := sub.(string); ok {
				w.refs = append(w.refs, pendingRef{refSite{ptr: kptr, raw: raw}, base})
			}
		case "additionalItems", "additionalProperties", "contains", "contentSchema", "else", "if",
			"not", "propertyNames", "then", "unevaluatedItems", "unevaluatedProperties":
			w.walk(sub, kptr, base)
		case "items", "allOf", "anyOf", "oneOf", "prefixItems":
			if list, ok := sub.([]any); ok {
				for i, item := range list {
					w.walk(item, kptr+"/"+strconv.Itoa(i), base)
				}
			} else {
				w.walk(sub, kptr, base)
			}
		case "$defs", "definitions", "dependencies", "dependentSchemas", "patternProperties", "properties":
			if m, ok := sub.(map[string]any); ok {
				for _, name := range sortedKeys(m) {
					w.walk(m[name], kptr+"/"+escapePointer(name), base)
				}
			}
		}
	}
}

// sortedKeys returns the keys of m in byte order, so walks and messages are deterministic.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
