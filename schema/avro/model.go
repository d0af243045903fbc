package avro

import "strings"

// kind is the type of an Avro schema node.
type kind uint8

const (
	kindNull kind = iota
	kindBoolean
	kindInt
	kindLong
	kindFloat
	kindDouble
	kindBytes
	kindString
	kindRecord
	kindEnum
	kindFixed
	kindArray
	kindMap
	kindUnion
)

// String returns the name Avro uses for the kind.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBoolean:
		return "boolean"
	case kindInt:
		return "int"
	case kindLong:
		return "long"
	case kindFloat:
		return "float"
	case kindDouble:
		return "double"
	case kindBytes:
		return "bytes"
	case kindString:
		return "string"
	case kindRecord:
		return "record"
	case kindEnum:
		return "enum"
	case kindFixed:
		return "fixed"
	case kindArray:
		return "array"
	case kindMap:
		return "map"
	}
	return "union"
}

// primitiveKind maps a primitive type name to its kind.
func primitiveKind(name string) (kind, bool) {
	switch name {
	case "null":
		return kindNull, true
	case "boolean":
		return kindBoolean, true
	case "int":
		return kindInt, true
	case "long":
		return kindLong, true
	case "float":
		return kindFloat, true
	case "double":
		return kindDouble, true
	case "bytes":
		return kindBytes, true
	case "string":
		return kindString, true
	}
	return 0, false
}

func (k kind) primitive() bool { return k <= kindString }

func (k kind) named() bool { return k == kindRecord || k == kindEnum || k == kindFixed }

// node is one schema in the parsed model. Named types are shared: every reference to a name
// points at the node of its definition, so recursive schemas are cyclic graphs and identity
// (pointer equality) is what the compatibility checker memoises on.
type node struct {
	kind kind

	// Named types (record, enum, fixed).
	name      string   // unqualified name
	namespace string   // "" is the null namespace
	full      string   // namespace + "." + name, or name
	aliases   []string // full names
	doc       string
	hasDoc    bool
	isError   bool // a record declared with "type": "error"

	fields []*field // record

	symbols        []string // enum
	enumDefault    string
	hasEnumDefault bool

	size int // fixed

	items    *node   // array
	values   *node   // map
	branches []*node // union

	// props holds every other attribute (logicalType, precision, custom keys), in document
	// order; the canonical form sorts them.
	props []jmember
}

// field is one field of a record.
type field struct {
	name       string
	typ        *node
	doc        string
	hasDoc     bool
	def        *jvalue
	hasDefault bool
	order      string
	hasOrder   bool
	aliases    []string
	props      []jmember
}

// prop returns the attribute named key, or nil.
func (n *node) prop(key string) *jvalue {
	for _, p := range n.props {
		if p.key == key {
			return p.val
		}
	}
	return nil
}

// typeName is the name used for n as a union branch and in short descriptions: the full
// name for named types, the type name otherwise.
func (n *node) typeName() string {
	if n.kind.named() {
		return n.full
	}
	return n.kind.String()
}

// fullName joins a namespace and a name.
func fullName(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "." + name
}

// splitFullName splits a full name into namespace and unqualified name.
func splitFullName(full string) (namespace, name string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

// validName reports whether s matches [A-Za-z_][A-Za-z0-9_]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// validNamespace reports whether s is empty or dot-separated valid names.
func validNamespace(s string) bool {
	if s == "" {
		return true
	}
	for _, part := range strings.Split(s, ".") {
		if !validName(part) {
			return false
		}
	}
	return true
}
