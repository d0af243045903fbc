package avro

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// parser turns a decoded JSON document into the schema model. It is used for one definition
// only: named types live in its table, so two parses never share state.
type parser struct {
	names    map[string]*node  // full name -> definition
	defined  map[string]string // full name -> JSON pointer of the definition
	defaults []pendingDefault
}

// pendingDefault is a default value checked once the whole schema is known, because a
// default may refer to a record whose fields are still being parsed (recursive types).
type pendingDefault struct {
	typ   *node
	val   *jvalue
	path  string // pointer to the "default" member
	owner string // e.g. `field "amount"`
}

// parse validates def against the limits and the Avro specification and builds the model.
func parse(def string, limits schema.Limits) (*Schema, error) {
	return parseWith(def, nil, limits)
}

// parseWith is parse with the named types of references known from the start, as if they
// were defined before the definition.
func parseWith(def string, refs []schema.Reference, limits schema.Limits) (*Schema, error) {
	l := limits.WithDefaults()
	if len(def) > l.MaxBytes {
		return nil, parseErr("", "the definition is %d bytes, more than the limit of %d bytes", len(def), l.MaxBytes)
	}
	if err := checkDepth(def, l.MaxDepth); err != nil {
		return nil, parseErr("", "%s", err.Error())
	}
	v, err := decodeJSON(def, l.MaxDepth)
	if err != nil {
		var je *jsonError
		if errors.As(err, &je) {
			return nil, parseErr(je.path, "%s", je.Error())
		}
		return nil, parseErr("", "%s", err.Error())
	}
	p := &parser{names: map[string]*node{}, defined: map[string]string{}}
	if err := p.addReferences(refs); err != nil {
		return nil, err
	}
	root, err := p.parseType(v, "", "")
	if err != nil {
		return nil, err
	}
	for _, d := range p.defaults {
		if err := checkDefault(d); err != nil {
			return nil, err
		}
	}
	s := &Schema{root: root}
	s.canonical = canonical(root)
	return s, nil
}

func parseErr(path, format string, args ...any) *schema.ParseError {
	return &schema.ParseError{Format: schema.Avro, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// parseType parses any schema: a type name, a union (JSON array) or a schema object. ns is
// the enclosing namespace, path the JSON pointer of v.
func (p *parser) parseType(v *jvalue, ns, path string) (*node, error) {
	switch v.kind {
	case jString:
		return p.resolve(v.s, ns, path)
	case jArray:
		return p.parseUnion(v, ns, path)
	case jObject:
		return p.parseObject(v, ns, path)
	}
	return nil, parseErr(path, "a schema must be a type name, an object or an array (a union), not %s", v.typeName())
}

// resolve looks up a type name: a primitive, or a named type defined earlier in the document.
// An unqualified name is looked up in the enclosing namespace first and then in the null
// namespace, as Apache Avro Java does.
func (p *parser) resolve(name, ns, path string) (*node, error) {
	if k, ok := primitiveKind(name); ok {
		return &node{kind: k}, nil
	}
	switch name {
	case "record", "error", "enum", "fixed", "array", "map":
		return nil, parseErr(path, "%q is not a type name; a %s is written as an object, e.g. {\"type\": %q, ...}", name, name, name)
	}
	candidates := []string{name}
	if !strings.Contains(name, ".") && ns != "" {
		candidates = []string{fullName(ns, name), name}
	}
	for _, c := range candidates {
		if n, ok := p.names[c]; ok {
			return n, nil
		}
	}
	return nil, parseErr(path, "unknown type %q: it is not a primitive type and no named type %q is defined before this point", name, candidates[0])
}

func (p *parser) parseUnion(v *jvalue, ns, path string) (*node, error) {
	u := &node{kind: kindUnion}
	seen := map[string]int{}
	for i, e := range v.arr {
		bp := path + "/" + strconv.Itoa(i)
		b, err := p.parseType(e, ns, bp)
		if err != nil {
			return nil, err
		}
		if b.kind == kindUnion {
			return nil, parseErr(bp, "a union may not directly contain another union; list its branches in this union instead")
		}
		key := b.typeName()
		if j, dup := seen[key]; dup {
			return nil, parseErr(bp, "the union already has a %q branch at index %d; a union may hold each unnamed type and each named type only once", key, j)
		}
		seen[key] = i
		u.branches = append(u.branches, b)
	}
	return u, nil
}

// otherProps returns the members of obj whose keys are not in reserved, in document order.
func otherProps(obj *jvalue, reserved ...string) []jmember {
	var out []jmember
	for _, m := range obj.obj {
		skip := false
		for _, r := range reserved {
			if m.key == r {
				skip = true
				break
			}
		}
		if !skip {
			out = append(out, m)
		}
	}
	return out
}

func (p *parser) parseObject(v *jvalue, ns, path string) (*node, error) {
	tv := v.get("type")
	if tv == nil {
		return nil, parseErr(path, "the schema object has no \"type\" attribute")
	}
	if tv.kind != jString {
		return nil, parseErr(path+"/type", "the \"type\" attribute of a schema object must be a string naming a type, not %s; a nested type belongs in a field's \"type\", in \"items\" or in \"values\"", tv.typeName())
	}
	t := tv.s
	if k, ok := primitiveKind(t); ok {
		return &node{kind: k, props: otherProps(v, "type")}, nil
	}
	switch t {
	case "record", "error":
		return p.parseRecord(v, ns, path, t == "error")
	case "enum":
		return p.parseEnum(v, ns, path)
	case "fixed":
		return p.parseFixed(v, ns, path)
	case "array":
		iv := v.get("items")
		if iv == nil {
			return nil, parseErr(path, "an array needs an \"items\" attribute")
		}
		items, err := p.parseType(iv, ns, path+"/items")
		if err != nil {
			return nil, err
		}
		return &node{kind: kindArray, items: items, props: otherProps(v, "type", "items")}, nil
	case "map":
		vv := v.get("values")
		if vv == nil {
			return nil, parseErr(path, "a map needs a \"values\" attribute")
		}
		values, err := p.parseType(vv, ns, path+"/values")
		if err != nil {
			return nil, err
		}
		return &node{kind: kindMap, values: values, props: otherProps(v, "type", "values")}, nil
	}
	// {"type": "com.example.Name"} refers to a named type defined earlier. Apache Avro Java
	// accepts this form and ignores the other attributes; so do we.
	return p.resolve(t, ns, path+"/type")
}

// parseNamed reads the attributes every named type has and registers the type, so that the
// type's own body (e.g. a recursive field) can refer to it.
func (p *parser) parseNamed(v *jvalue, k kind, ns, path string) (*node, error) {
	nv := v.get("name")
	if nv == nil {
		return nil, parseErr(path, "a %s needs a \"name\"", k)
	}
	if nv.kind != jString {
		return nil, parseErr(path+"/name", "the name must be a string, not %s", nv.typeName())
	}
	n := &node{kind: k}
	name := nv.s
	if strings.Contains(name, ".") {
		n.namespace, n.name = splitFullName(name)
		if !validNamespace(n.namespace) {
			return nil, parseErr(path+"/name", "%q is not a valid full name: each dot-separated part must start with a letter or underscore and contain only letters, digits and underscores", name)
		}
	} else {
		n.name = name
		n.namespace = ns
		if nsv := v.get("namespace"); nsv != nil {
			switch nsv.kind {
			case jString:
				n.namespace = nsv.s
				if !validNamespace(n.namespace) {
					return nil, parseErr(path+"/namespace", "%q is not a valid namespace: each dot-separated part must start with a letter or underscore and contain only letters, digits and underscores", nsv.s)
				}
			case jNull: // Apache Avro Java treats a null namespace as absent
			default:
				return nil, parseErr(path+"/namespace", "the namespace must be a string, not %s", nsv.typeName())
			}
		}
	}
	if !validName(n.name) {
		return nil, parseErr(path+"/name", "%q is not a valid name: a name starts with a letter or underscore and contains only letters, digits and underscores", n.name)
	}
	if _, prim := primitiveKind(n.name); prim {
		return nil, parseErr(path+"/name", "%q is a primitive type name and cannot name a %s", n.name, k)
	}
	n.full = fullName(n.namespace, n.name)
	if prev, dup := p.defined[n.full]; dup {
		return nil, parseErr(path+"/name", "the named type %q is already defined at %s; define it once and refer to it by name", n.full, pointerOrRoot(prev))
	}
	p.defined[n.full] = path
	p.names[n.full] = n

	if av := v.get("aliases"); av != nil {
		if av.kind != jArray {
			return nil, parseErr(path+"/aliases", "aliases must be an array of names, not %s", av.typeName())
		}
		for i, a := range av.arr {
			ap := path + "/aliases/" + strconv.Itoa(i)
			if a.kind != jString {
				return nil, parseErr(ap, "an alias must be a string, not %s", a.typeName())
			}
			full := a.s
			if !strings.Contains(full, ".") {
				full = fullName(n.namespace, full)
			}
			aspace, aname := splitFullName(full)
			if !validName(aname) || !validNamespace(aspace) {
				return nil, parseErr(ap, "%q is not a valid alias: it must be a valid name or full name", a.s)
			}
			n.aliases = append(n.aliases, full)
		}
	}
	if dv := v.get("doc"); dv != nil {
		if dv.kind != jString {
			return nil, parseErr(path+"/doc", "doc must be a string, not %s", dv.typeName())
		}
		n.doc, n.hasDoc = dv.s, true
	}
	return n, nil
}

func (p *parser) parseRecord(v *jvalue, ns, path string, isError bool) (*node, error) {
	n, err := p.parseNamed(v, kindRecord, ns, path)
	if err != nil {
		return nil, err
	}
	n.isError = isError
	n.props = otherProps(v, "type", "name", "namespace", "aliases", "doc", "fields")
	fv := v.get("fields")
	if fv == nil {
		return nil, parseErr(path, "the record %q needs a \"fields\" array", n.full)
	}
	if fv.kind != jArray {
		return nil, parseErr(path+"/fields", "fields must be an array, not %s", fv.typeName())
	}
	index := map[string]int{}
	for i, f := range fv.arr {
		fp := path + "/fields/" + strconv.Itoa(i)
		fd, err := p.parseField(f, n, fp)
		if err != nil {
			return nil, err
		}
		if j, dup := index[fd.name]; dup {
			return nil, parseErr(fp+"/name", "the record %q already has a field named %q (field %d)", n.full, fd.name, j)
		}
		index[fd.name] = i
		n.fields = append(n.fields, fd)
	}
	return n, nil
}

func (p *parser) parseField(f *jvalue, rec *node, fp string) (*field, error) {
	if f.kind != jObject {
		return nil, parseErr(fp, "a field must be an object, not %s", f.typeName())
	}
	nv := f.get("name")
	if nv == nil {
		return nil, parseErr(fp, "the field needs a \"name\"")
	}
	if nv.kind != jString {
		return nil, parseErr(fp+"/name", "the field name must be a string, not %s", nv.typeName())
	}
	if !validName(nv.s) {
		return nil, parseErr(fp+"/name", "%q is not a valid field name: it must start with a letter or underscore and contain only letters, digits and underscores", nv.s)
	}
	fd := &field{name: nv.s}
	tv := f.get("type")
	if tv == nil {
		return nil, parseErr(fp, "the field %q needs a \"type\"", fd.name)
	}
	typ, err := p.parseType(tv, rec.namespace, fp+"/type")
	if err != nil {
		return nil, err
	}
	fd.typ = typ
	if dv := f.get("default"); dv != nil {
		fd.def, fd.hasDefault = dv, true
		p.defaults = append(p.defaults, pendingDefault{typ: typ, val: dv, path: fp + "/default", owner: fmt.Sprintf("field %q", fd.name)})
	}
	if ov := f.get("order"); ov != nil {
		if ov.kind != jString || (ov.s != "ascending" && ov.s != "descending" && ov.s != "ignore") {
			return nil, parseErr(fp+"/order", "order must be \"ascending\", \"descending\" or \"ignore\", not %s", brief(ov))
		}
		fd.order, fd.hasOrder = ov.s, true
	}
	if av := f.get("aliases"); av != nil {
		if av.kind != jArray {
			return nil, parseErr(fp+"/aliases", "aliases must be an array of names, not %s", av.typeName())
		}
		for i, a := range av.arr {
			if a.kind != jString {
				return nil, parseErr(fp+"/aliases/"+strconv.Itoa(i), "an alias must be a string, not %s", a.typeName())
			}
			fd.aliases = append(fd.aliases, a.s)
		}
	}
	if dv := f.get("doc"); dv != nil {
		if dv.kind != jString {
			return nil, parseErr(fp+"/doc", "doc must be a string, not %s", dv.typeName())
		}
		fd.doc, fd.hasDoc = dv.s, true
	}
	fd.props = otherProps(f, "name", "type", "default", "order", "aliases", "doc")
	return fd, nil
}

func (p *parser) parseEnum(v *jvalue, ns, path string) (*node, error) {
	n, err := p.parseNamed(v, kindEnum, ns, path)
	if err != nil {
		return nil, err
	}
	n.props = otherProps(v, "type", "name", "namespace", "aliases", "doc", "symbols", "default")
	sv := v.get("symbols")
	if sv == nil {
		return nil, parseErr(path, "the enum %q needs a \"symbols\" array", n.full)
	}
	if sv.kind != jArray {
		return nil, parseErr(path+"/symbols", "symbols must be an array of names, not %s", sv.typeName())
	}
	index := map[string]int{}
	for i, s := range sv.arr {
		sp := path + "/symbols/" + strconv.Itoa(i)
		if s.kind != jString {
			return nil, parseErr(sp, "an enum symbol must be a string, not %s", s.typeName())
		}
		if !validName(s.s) {
			return nil, parseErr(sp, "%q is not a valid enum symbol: it must start with a letter or underscore and contain only letters, digits and underscores", s.s)
		}
		if j, dup := index[s.s]; dup {
			return nil, parseErr(sp, "the enum %q already has the symbol %q (symbol %d)", n.full, s.s, j)
		}
		index[s.s] = i
		n.symbols = append(n.symbols, s.s)
	}
	if dv := v.get("default"); dv != nil {
		if dv.kind != jString {
			return nil, parseErr(path+"/default", "the enum default must be one of its symbols, not %s", dv.typeName())
		}
		if _, ok := index[dv.s]; !ok {
			return nil, parseErr(path+"/default", "the enum default %q is not one of the symbols of %q", dv.s, n.full)
		}
		n.enumDefault, n.hasEnumDefault = dv.s, true
	}
	return n, nil
}

func (p *parser) parseFixed(v *jvalue, ns, path string) (*node, error) {
	n, err := p.parseNamed(v, kindFixed, ns, path)
	if err != nil {
		return nil, err
	}
	n.props = otherProps(v, "type", "name", "namespace", "aliases", "doc", "size")
	sv := v.get("size")
	if sv == nil {
		return nil, parseErr(path, "the fixed %q needs a \"size\"", n.full)
	}
	if sv.kind != jNumber || !isIntegerLiteral(sv.s) || !integerFits(sv.s, 32) || strings.HasPrefix(sv.s, "-") {
		return nil, parseErr(path+"/size", "the size of a fixed must be a non-negative 32-bit integer, not %s", brief(sv))
	}
	size, _ := strconv.Atoi(sv.s)
	n.size = size
	return n, nil
}

// checkDefault validates a field default the way Apache Avro 1.11 Java does. Notably a union
// default must match the union's FIRST branch (Avro 1.11 specification). Avro 1.12 accepts a
// default matching any branch, but clients on Avro 1.11 (AWS Glue's SerDe among them) refuse
// to parse such a schema, so a registry must not accept it. Where Java 1.11 is lenient we are
// too: string, bytes, enum and fixed defaults need only be JSON strings.
func checkDefault(d pendingDefault) error {
	if validDefault(d.typ, d.val) {
		return nil
	}
	if d.typ.kind == kindUnion {
		if len(d.typ.branches) == 0 {
			return parseErr(d.path, "the %s has an empty union type, which has no values, so it cannot have a default", d.owner)
		}
		for i, b := range d.typ.branches[1:] {
			if validDefault(b, d.val) {
				return parseErr(d.path, "the default %s of the %s matches union branch %d (%s), but Avro 1.11 requires a union default to match the first branch (%s); move %s to the front of the union",
					brief(d.val), d.owner, i+1, describeShort(b), describeShort(d.typ.branches[0]), describeShort(b))
			}
		}
	}
	return parseErr(d.path, "the default %s of the %s is not a valid %s value", brief(d.val), d.owner, describe(d.typ))
}

// validDefault reports whether v is a valid default for t (Apache Avro 1.11 Java's rules).
func validDefault(t *node, v *jvalue) bool {
	switch t.kind {
	case kindNull:
		return v.kind == jNull
	case kindBoolean:
		return v.kind == jBool
	case kindInt:
		return v.kind == jNumber && isIntegerLiteral(v.s) && integerFits(v.s, 32)
	case kindLong:
		return v.kind == jNumber && isIntegerLiteral(v.s) && integerFits(v.s, 64)
	case kindFloat, kindDouble:
		return v.kind == jNumber
	case kindBytes, kindString, kindEnum, kindFixed:
		return v.kind == jString
	case kindArray:
		if v.kind != jArray {
			return false
		}
		for _, e := range v.arr {
			if !validDefault(t.items, e) {
				return false
			}
		}
		return true
	case kindMap:
		if v.kind != jObject {
			return false
		}
		for _, m := range v.obj {
			if !validDefault(t.values, m.val) {
				return false
			}
		}
		return true
	case kindUnion:
		return len(t.branches) > 0 && validDefault(t.branches[0], v)
	}
	// record: every field takes its value from the object or, when absent, from its own
	// default (which is validated on its own, so it is not walked again here: that walk
	// could loop forever on recursive types).
	if v.kind != jObject {
		return false
	}
	for _, f := range t.fields {
		fv := v.get(f.name)
		if fv == nil {
			if !f.hasDefault {
				return false
			}
			continue
		}
		if !validDefault(f.typ, fv) {
			return false
		}
	}
	return true
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
