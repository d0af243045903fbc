package cli

import (
	"fmt"
	"strconv"
)

// diffJSONSchema lists the structural changes between two JSON Schema documents: keywords and
// properties added, removed or changed, with JSON pointers into each document. Arrays of
// strings ("required", "enum", "type") are compared as sets; other arrays item by item.
func diffJSONSchema(old, new *node) changeList {
	var l changeList
	jsonValue(&l, old, new, "", "")
	return l
}

func jsonValue(l *changeList, o, n *node, op, np string) {
	switch {
	case o.kind == kindObject && n.kind == kindObject:
		for _, m := range o.members {
			p := op + "/" + escapeToken(m.key)
			if nv := n.get(m.key); nv == nil {
				l.add("removed", jsonElement(p), p, "", brief(m.value), "")
			} else {
				jsonValue(l, m.value, nv, p, np+"/"+escapeToken(m.key))
			}
		}
		for _, m := range n.members {
			if o.get(m.key) == nil {
				p := np + "/" + escapeToken(m.key)
				l.add("added", jsonElement(p), "", p, "", brief(m.value))
			}
		}
	case o.kind == kindArray && n.kind == kindArray && allStrings(o) && allStrings(n):
		for i, it := range o.items {
			if indexOfString(n, it.str) < 0 {
				l.add("removed", fmt.Sprintf("%q in %s", it.str, jsonElement(op)), op+"/"+strconv.Itoa(i), "", it.str, "")
			}
		}
		for j, it := range n.items {
			if indexOfString(o, it.str) < 0 {
				l.add("added", fmt.Sprintf("%q in %s", it.str, jsonElement(np)), "", np+"/"+strconv.Itoa(j), "", it.str)
			}
		}
	case o.kind == kindArray && n.kind == kindArray:
		for i := 0; i < len(o.items) || i < len(n.items); i++ {
			ip, jp := op+"/"+strconv.Itoa(i), np+"/"+strconv.Itoa(i)
			switch {
			case i >= len(n.items):
				l.add("removed", jsonElement(ip), ip, "", brief(o.items[i]), "")
			case i >= len(o.items):
				l.add("added", jsonElement(jp), "", jp, "", brief(n.items[i]))
			default:
				jsonValue(l, o.items[i], n.items[i], ip, jp)
			}
		}
	case o.compact() != n.compact():
		l.add("changed", jsonElement(np), op, np, brief(o), brief(n))
	}
}

func allStrings(a *node) bool {
	for _, it := range a.items {
		if it.kind != kindString {
			return false
		}
	}
	return true
}

// jsonElement names the element a pointer ends at: `property "b"`, or `"type" of /properties/a`.
func jsonElement(p string) string {
	t := pointerTokens(p)
	switch {
	case len(t) == 0:
		return "the schema"
	case len(t) >= 2 && (t[len(t)-2] == "properties" || t[len(t)-2] == "definitions" || t[len(t)-2] == "$defs"):
		kind := map[string]string{"properties": "property", "definitions": "definition", "$defs": "definition"}[t[len(t)-2]]
		return fmt.Sprintf("%s %q", kind, t[len(t)-1])
	case len(t) == 1:
		return fmt.Sprintf("%q", t[0])
	}
	return fmt.Sprintf("%q of %s", t[len(t)-1], joinPointer(t[:len(t)-1]))
}

// brief renders a JSON value in at most 60 characters.
func brief(n *node) string {
	s := n.compact()
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func escapeToken(t string) string { return joinPointer([]string{t})[1:] }
