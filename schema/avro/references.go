package avro

import (
	"fmt"

	"github.com/cartaschema/carta/schema"
)

// ParseWithReferences validates definition with the named types (records, enums, fixed) the
// references define known from the start, as Confluent's Avro references work: the definition
// uses a referenced type by its full name. The canonical form writes the referenced types in
// full where they are first used, so it is a self-contained definition of the resolved schema
// (and changes when a referenced schema does). Each reference must be a *Schema from this
// package.
func (Handler) ParseWithReferences(definition string, refs []schema.Reference, limits schema.Limits) (schema.Schema, error) {
	s, err := parseWith(definition, refs, limits)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// addReferences makes the named types of every reference known to the parser.
func (p *parser) addReferences(refs []schema.Reference) error {
	for _, r := range refs {
		rs, ok := r.Schema.(*Schema)
		if !ok || rs == nil {
			return fmt.Errorf("avro: reference %q is not an Avro schema (got %T)", r.Name, r.Schema)
		}
		where := fmt.Sprintf("the reference %q", r.Name)
		var walk func(n *node)
		seen := map[*node]bool{}
		walk = func(n *node) {
			if n == nil || seen[n] {
				return
			}
			seen[n] = true
			if n.full != "" {
				if _, dup := p.names[n.full]; !dup {
					p.names[n.full] = n
					p.defined[n.full] = where
				}
			}
			for _, f := range n.fields {
				walk(f.typ)
			}
			walk(n.items)
			walk(n.values)
			for _, b := range n.branches {
				walk(b)
			}
		}
		walk(rs.root)
	}
	return nil
}
