package avro

import (
	"strconv"
	"strings"
)

// describe renders a type for a message: `string`, `record "com.acme.Payment"`,
// `array of long`, `union ["null","string"]`.
func describe(n *node) string {
	switch n.kind {
	case kindRecord, kindEnum:
		return n.kind.String() + " " + quote(n.full)
	case kindFixed:
		return "fixed " + quote(n.full) + " of size " + itoa(n.size)
	case kindArray:
		return "array of " + describeShort(n.items)
	case kindMap:
		return "map of " + describeShort(n.values)
	case kindUnion:
		return "union " + unionList(n)
	}
	return n.kind.String()
}

// describeShort is describe without the detail of nested types.
func describeShort(n *node) string {
	switch n.kind {
	case kindRecord, kindEnum, kindFixed:
		return n.kind.String() + " " + quote(n.full)
	case kindUnion:
		return "union " + unionList(n)
	}
	return n.kind.String()
}

// unionList renders the branch names of a union as a JSON array.
func unionList(n *node) string {
	parts := make([]string, len(n.branches))
	for i, b := range n.branches {
		parts[i] = quote(b.typeName())
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func quote(s string) string { return string(appendString(nil, s)) }

func itoa(i int) string { return strconv.Itoa(i) }

// readableAs lists the reader types that can read a writer type under Avro's promotion rules.
func readableAs(w kind) string {
	switch w {
	case kindInt:
		return "int, long, float or double"
	case kindLong:
		return "long, float or double"
	case kindFloat:
		return "float or double"
	case kindString:
		return "string or bytes"
	case kindBytes:
		return "bytes or string"
	}
	return w.String()
}

// defaultHint suggests how to give a reader field of type t a default.
func defaultHint(t *node) string {
	switch t.kind {
	case kindNull:
		return `add "default": null`
	case kindUnion:
		if len(t.branches) > 0 && t.branches[0].kind == kindNull {
			return `add "default": null`
		}
		for _, b := range t.branches {
			if b.kind == kindNull {
				return `move "null" to the front of the union and add "default": null`
			}
		}
		if len(t.branches) == 0 {
			return "give it a non-empty type with a default"
		}
		return "add a default matching the union's first branch (" + describeShort(t.branches[0]) + `), or make it nullable with "null" first and "default": null`
	case kindArray:
		return `add a default, e.g. "default": []`
	case kindMap:
		return `add a default, e.g. "default": {}`
	case kindEnum:
		return "add a default, e.g. \"default\": " + quote(firstSymbol(t))
	}
	return `add a default, e.g. make it ["null",` + quote(t.typeName()) + `] with "default": null`
}

func firstSymbol(t *node) string {
	if t.hasEnumDefault {
		return t.enumDefault
	}
	if len(t.symbols) > 0 {
		return t.symbols[0]
	}
	return ""
}

// article returns the indefinite article for a type name.
func article(k kind) string {
	switch k {
	case kindInt, kindEnum, kindArray:
		return "an"
	}
	return "a"
}
