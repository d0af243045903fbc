package avro

import (
	"crypto/sha256"
	"sort"
	"strconv"
)

// member is one key of a JSON object being written, with its encoded value.
type member struct {
	key string
	val []byte
}

// typeKeyRank fixes the order of the keys of a schema object in the canonical form; keys not
// listed come after these, sorted.
func typeKeyRank(key string) int {
	switch key {
	case "type":
		return 0
	case "name":
		return 1
	case "namespace":
		return 2
	case "doc":
		return 3
	case "fields":
		return 4
	case "symbols":
		return 5
	case "items":
		return 6
	case "values":
		return 7
	case "size":
		return 8
	case "default":
		return 9
	case "aliases":
		return 10
	case "logicalType":
		return 11
	case "precision":
		return 12
	case "scale":
		return 13
	}
	return 100
}

// fieldKeyRank fixes the order of the keys of a record field in the canonical form.
func fieldKeyRank(key string) int {
	switch key {
	case "name":
		return 0
	case "type":
		return 1
	case "doc":
		return 2
	case "default":
		return 3
	case "order":
		return 4
	case "aliases":
		return 5
	}
	return 100
}

// pcfKeyRank is the key order of the Parsing Canonical Form ([ORDER] in the specification).
func pcfKeyRank(key string) int {
	switch key {
	case "name":
		return 0
	case "type":
		return 1
	case "fields":
		return 2
	case "symbols":
		return 3
	case "items":
		return 4
	case "values":
		return 5
	case "size":
		return 6
	}
	return 100
}

func writeObject(members []member, rank func(string) int) []byte {
	sort.SliceStable(members, func(i, j int) bool {
		ri, rj := rank(members[i].key), rank(members[j].key)
		if ri != rj {
			return ri < rj
		}
		return members[i].key < members[j].key
	})
	b := []byte{'{'}
	for i, m := range members {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, m.key)
		b = append(b, ':')
		b = append(b, m.val...)
	}
	return append(b, '}')
}

func str(s string) []byte { return appendString(nil, s) }

func strList(list []string) []byte {
	b := []byte{'['}
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

func propMembers(props []jmember) []member {
	out := make([]member, 0, len(props))
	for _, p := range props {
		out = append(out, member{key: p.key, val: appendValue(nil, p.val)})
	}
	return out
}

// canonWriter writes the model back as JSON. A named type is written in full where it is
// first met in document order (which is where it was defined) and by full name afterwards.
type canonWriter struct {
	seen map[*node]bool
	pcf  bool // Parsing Canonical Form instead of Carta's canonical form
}

// canonical renders Carta's canonical form of a schema: compact JSON with keys in a fixed
// order (see typeKeyRank), every name fully qualified, primitive types without attributes
// written as plain strings, and numbers and strings normalized. Every attribute the author
// wrote (doc, defaults, aliases, order, logical types, custom properties) is kept, so two
// definitions share a canonical form exactly when they differ only in formatting.
func canonical(root *node) string {
	w := &canonWriter{seen: map[*node]bool{}}
	return string(w.typeJSON(root, ""))
}

// parsingCanonicalForm renders the specification's Parsing Canonical Form.
func parsingCanonicalForm(root *node) string {
	w := &canonWriter{seen: map[*node]bool{}, pcf: true}
	return string(w.typeJSON(root, ""))
}

// typeJSON encodes n; ns is the namespace a reader of the output would consider enclosing.
func (w *canonWriter) typeJSON(n *node, ns string) []byte {
	rank := typeKeyRank
	if w.pcf {
		rank = pcfKeyRank
	}
	switch {
	case n.kind.primitive():
		if w.pcf || len(n.props) == 0 {
			return str(n.kind.String())
		}
		return writeObject(append([]member{{"type", str(n.kind.String())}}, propMembers(n.props)...), rank)
	case n.kind == kindUnion:
		b := []byte{'['}
		for i, br := range n.branches {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, w.typeJSON(br, ns)...)
		}
		return append(b, ']')
	case n.kind == kindArray:
		ms := []member{{"type", str("array")}, {"items", w.typeJSON(n.items, ns)}}
		if !w.pcf {
			ms = append(ms, propMembers(n.props)...)
		}
		return writeObject(ms, rank)
	case n.kind == kindMap:
		ms := []member{{"type", str("map")}, {"values", w.typeJSON(n.values, ns)}}
		if !w.pcf {
			ms = append(ms, propMembers(n.props)...)
		}
		return writeObject(ms, rank)
	}
	return w.namedJSON(n, ns, rank)
}

func (w *canonWriter) namedJSON(n *node, ns string, rank func(string) int) []byte {
	if w.seen[n] {
		return str(n.full)
	}
	w.seen[n] = true
	typ := n.kind.String()
	if n.isError && !w.pcf {
		typ = "error"
	}
	ms := []member{{"type", str(typ)}, {"name", str(n.full)}}
	if !w.pcf {
		// A type in the null namespace nested inside a namespaced one must say so, or a
		// reader of the output would put it in the enclosing namespace.
		if n.namespace == "" && ns != "" {
			ms = append(ms, member{"namespace", str("")})
		}
		if n.hasDoc {
			ms = append(ms, member{"doc", str(n.doc)})
		}
		if len(n.aliases) > 0 {
			ms = append(ms, member{"aliases", strList(n.aliases)})
		}
		ms = append(ms, propMembers(n.props)...)
	}
	switch n.kind {
	case kindRecord:
		b := []byte{'['}
		for i, f := range n.fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, w.fieldJSON(f, n.namespace)...)
		}
		ms = append(ms, member{"fields", append(b, ']')})
	case kindEnum:
		ms = append(ms, member{"symbols", strList(n.symbols)})
		if n.hasEnumDefault && !w.pcf {
			ms = append(ms, member{"default", str(n.enumDefault)})
		}
	case kindFixed:
		ms = append(ms, member{"size", []byte(strconv.Itoa(n.size))})
	}
	return writeObject(ms, rank)
}

func (w *canonWriter) fieldJSON(f *field, ns string) []byte {
	ms := []member{{"name", str(f.name)}, {"type", w.typeJSON(f.typ, ns)}}
	if w.pcf {
		return writeObject(ms, pcfKeyRank)
	}
	if f.hasDoc {
		ms = append(ms, member{"doc", str(f.doc)})
	}
	if f.hasDefault {
		ms = append(ms, member{"default", appendValue(nil, f.def)})
	}
	if f.hasOrder {
		ms = append(ms, member{"order", str(f.order)})
	}
	if len(f.aliases) > 0 {
		ms = append(ms, member{"aliases", strList(f.aliases)})
	}
	ms = append(ms, propMembers(f.props)...)
	return writeObject(ms, fieldKeyRank)
}

// Fingerprint returns the SHA-256 of the schema's canonical form (see Schema.Canonical): equal
// fingerprints mean the two definitions differ at most in formatting. It is not the Avro
// specification's fingerprint, which hashes the Parsing Canonical Form instead; use
// sha256.Sum256([]byte(s.ParsingCanonicalForm())) for that.
func Fingerprint(s *Schema) [32]byte {
	return sha256.Sum256([]byte(s.canonical))
}
