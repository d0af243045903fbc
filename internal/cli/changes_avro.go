package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// avroPrimitives are the Avro primitive type names.
var avroPrimitives = map[string]bool{
	"null": true, "boolean": true, "int": true, "long": true, "float": true, "double": true, "bytes": true, "string": true,
}

// diffAvro lists the structural changes from old to new, two Avro definitions already parsed
// into trees: fields added, removed or changed (type, default, name through an alias), enum
// symbols, union branches, fixed sizes, array items and map values, named types renamed.
// Fields are matched by name or alias, union branches by the type they hold, as schema
// resolution matches them.
func diffAvro(old, new *node) changeList {
	var l changeList
	avroType(&l, "the schema", old, new, "", "")
	return l
}

// avroKind is the kind of a type node: a primitive's name, "union", "record", "enum", "fixed",
// "array", "map", or "ref" for a reference to a named type.
func avroKind(t *node) string {
	switch t.kind {
	case kindArray:
		return "union"
	case kindString:
		if avroPrimitives[t.str] {
			return t.str
		}
		return "ref"
	case kindObject:
		k := t.get("type")
		if k.kind == kindString {
			switch k.str {
			case "record", "error":
				return "record"
			case "enum", "fixed", "array", "map":
				return k.str
			}
			if avroPrimitives[k.str] {
				return k.str
			}
			return "ref"
		}
		return avroKind(k)
	}
	return "?"
}

// avroShort renders a type in a few words.
func avroShort(t *node) string {
	switch k := avroKind(t); k {
	case "union":
		parts := make([]string, len(t.items))
		for i, b := range t.items {
			parts[i] = avroShort(b)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case "record", "enum", "fixed":
		return k + " " + t.get("name").text()
	case "array":
		return "array<" + avroShort(t.get("items")) + ">"
	case "map":
		return "map<" + avroShort(t.get("values")) + ">"
	case "ref":
		if t.kind == kindString {
			return t.str
		}
		return t.get("type").text()
	default:
		if lt := t.get("logicalType").text(); lt != "" {
			return k + " (" + lt + ")"
		}
		return k
	}
}

func avroType(l *changeList, what string, o, n *node, op, np string) {
	ok, nk := avroKind(o), avroKind(n)
	if ok != nk || (ok == "ref" && avroShort(o) != avroShort(n)) {
		l.add("changed", "type of "+what, op, np, avroShort(o), avroShort(n))
		return
	}
	switch ok {
	case "union":
		matched := make([]bool, len(n.items))
		for i, ob := range o.items {
			j := matchBranch(n, ob)
			if j < 0 {
				l.add("removed", fmt.Sprintf("branch %s of %s", avroShort(ob), what), op+"/"+strconv.Itoa(i), "", avroShort(ob), "")
				continue
			}
			matched[j] = true
			avroType(l, fmt.Sprintf("branch %s of %s", avroShort(ob), what), ob, n.items[j], op+"/"+strconv.Itoa(i), np+"/"+strconv.Itoa(j))
		}
		for j, nb := range n.items {
			if !matched[j] {
				l.add("added", fmt.Sprintf("branch %s of %s", avroShort(nb), what), "", np+"/"+strconv.Itoa(j), "", avroShort(nb))
			}
		}
	case "record":
		avroName(l, o, n, op, np)
		avroFields(l, o, n, op, np)
	case "enum":
		avroName(l, o, n, op, np)
		os, ns := o.get("symbols"), n.get("symbols")
		name := n.get("name").text()
		for i, s := range os.items {
			if indexOfString(ns, s.text()) < 0 {
				l.add("removed", fmt.Sprintf("symbol %s of enum %s", s.text(), name), fmt.Sprintf("%s/symbols/%d", op, i), "", s.text(), "")
			}
		}
		for j, s := range ns.items {
			if indexOfString(os, s.text()) < 0 {
				l.add("added", fmt.Sprintf("symbol %s of enum %s", s.text(), name), "", fmt.Sprintf("%s/symbols/%d", np, j), "", s.text())
			}
		}
		avroAttr(l, "default of enum "+name, o, n, "default", op, np)
	case "fixed":
		avroName(l, o, n, op, np)
		avroAttr(l, "size of fixed "+n.get("name").text(), o, n, "size", op, np)
	case "array":
		avroType(l, "items of "+what, o.get("items"), n.get("items"), op+"/items", np+"/items")
	case "map":
		avroType(l, "values of "+what, o.get("values"), n.get("values"), op+"/values", np+"/values")
	default:
		if o.kind == kindObject || n.kind == kindObject {
			avroAttr(l, "logical type of "+what, o, n, "logicalType", op, np)
		}
	}
}

// avroName reports a named type's rename at the type's own path, where resolution reports
// NAME_MISMATCH.
func avroName(l *changeList, o, n *node, op, np string) {
	on, nn := fullName(o), fullName(n)
	if on != nn {
		l.add("changed", "name of "+avroKind(n)+" "+n.get("name").text(), op, np, on, nn)
	}
}

func fullName(t *node) string {
	name := t.get("name").text()
	if ns := t.get("namespace").text(); ns != "" && !strings.Contains(name, ".") {
		return ns + "." + name
	}
	return name
}

// avroAttr reports an attribute (a default, a size) added, removed or changed.
func avroAttr(l *changeList, what string, o, n *node, key, op, np string) {
	ov, nv := o.get(key), n.get(key)
	switch {
	case ov == nil && nv == nil:
	case ov == nil:
		l.add("added", what, "", np+"/"+key, "", nv.compact())
	case nv == nil:
		l.add("removed", what, op+"/"+key, "", ov.compact(), "")
	case ov.compact() != nv.compact():
		l.add("changed", what, op+"/"+key, np+"/"+key, ov.compact(), nv.compact())
	}
}

func avroFields(l *changeList, o, n *node, op, np string) {
	of, nf := o.get("fields"), n.get("fields")
	if of == nil || nf == nil {
		return
	}
	matched := make([]bool, len(nf.items))
	for i, f := range of.items {
		fop := fmt.Sprintf("%s/fields/%d", op, i)
		name := f.get("name").text()
		j := matchField(nf, f)
		if j < 0 {
			l.add("removed", fmt.Sprintf("field %q", name), fop, "", fieldSummary(f), "")
			continue
		}
		matched[j] = true
		g := nf.items[j]
		fnp := fmt.Sprintf("%s/fields/%d", np, j)
		if nn := g.get("name").text(); nn != name {
			l.add("changed", fmt.Sprintf("name of field %q", name), fop+"/name", fnp+"/name", name, nn)
		}
		label := fmt.Sprintf("field %q", g.get("name").text())
		avroType(l, label, f.get("type"), g.get("type"), fop+"/type", fnp+"/type")
		avroAttr(l, "default of "+label, f, g, "default", fop, fnp)
	}
	for j, g := range nf.items {
		if !matched[j] {
			l.add("added", fmt.Sprintf("field %q", g.get("name").text()), "", fmt.Sprintf("%s/fields/%d", np, j), "", fieldSummary(g))
		}
	}
}

// fieldSummary renders a field's type and default: `string, no default`.
func fieldSummary(f *node) string {
	s := avroShort(f.get("type"))
	if d := f.get("default"); d != nil {
		return s + ", default " + d.compact()
	}
	return s + ", no default"
}
