package cli

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// position is a 1-based line and column in a schema file; the zero value means unknown.
type position struct {
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
}

// locator maps the paths of findings to places in the new schema's file, so that a CI
// annotation lands on the line that has to change.
//
// A finding's path is a JSON pointer into the schema that reads (Avro: the new schema for
// BACKWARD, the old version for FORWARD), or a JSON Schema or Protobuf path. Paths into the old
// version are carried over to the new file element by element (Avro fields by name, union
// branches by type), so a FORWARD finding on a field points at that field in the new file,
// or, when the field was removed, at the record that lost it.
type locator struct {
	format  schema.Format
	newText string
	newTree *node            // nil unless the format is JSON text that parsed
	old     map[int64]string // definitions of the versions checked against, by version number
}

func newLocator(format schema.Format, newText string, old map[int64]string) *locator {
	l := &locator{format: format, newText: newText, old: old}
	if format != schema.Protobuf {
		l.newTree, _ = parseTree(newText)
	}
	return l
}

// finding returns the place of a finding in the new file, or the zero position.
func (l *locator) finding(inc schema.Incompatibility) position {
	if l.format == schema.Protobuf {
		return protoPosition(l.newText, inc.Path)
	}
	if l.newTree == nil {
		return position{}
	}
	ptr := inc.Path
	if l.format == schema.Avro && inc.Direction == schema.DirForward {
		if oldTree, err := parseTree(l.old[inc.Version]); err == nil {
			ptr = translateAvroPointer(oldTree, l.newTree, ptr)
		}
	}
	return l.pointer(ptr)
}

// parseError returns the place of a definition's parse error, or the zero position.
func (l *locator) parseError(err error) position {
	pe, ok := err.(*schema.ParseError)
	if !ok {
		return position{}
	}
	if l.format == schema.Protobuf {
		// protocompile reports "line:column".
		if a, b, ok := strings.Cut(pe.Path, ":"); ok {
			line, err1 := strconv.Atoi(a)
			col, err2 := strconv.Atoi(b)
			if err1 == nil && err2 == nil {
				return position{Line: line, Col: col}
			}
		}
		return position{}
	}
	if l.newTree == nil {
		return position{}
	}
	return l.pointer(pe.Path)
}

// pointer returns the place of the element ptr names in the new file: the name of an object
// member, the start of an array item, or the deepest ancestor that exists.
func (l *locator) pointer(ptr string) position {
	n, depth, _ := l.newTree.resolve(ptr)
	off := n.off
	if depth > 0 {
		tokens := pointerTokens(ptr)[:depth]
		parent, _, _ := l.newTree.resolve(joinPointer(tokens[:depth-1]))
		off = memberOffset(parent, n)
	}
	line, col := lineCol(l.newText, off)
	return position{Line: line, Col: col}
}

func joinPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// translateAvroPointer carries a pointer into an old Avro definition over to the new one:
// record fields are matched by name (or alias), union branches by the type they hold, enum
// symbols by value. It returns the pointer of the deepest element that has a counterpart.
func translateAvroPointer(old, new *node, ptr string) string {
	tokens := pointerTokens(ptr)
	var out []string
	o, n := old, new
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		switch {
		case o.kind == kindObject && n.kind == kindObject && (t == "fields" || t == "symbols") && i+1 < len(tokens):
			oList, nList := o.get(t), n.get(t)
			k, err := strconv.Atoi(tokens[i+1])
			if oList == nil || nList == nil || err != nil || k < 0 || k >= len(oList.items) {
				return joinPointer(out)
			}
			var j int
			if t == "fields" {
				j = matchField(nList, oList.items[k])
			} else {
				j = indexOfString(nList, oList.items[k].text())
			}
			if j < 0 {
				return joinPointer(out)
			}
			out = append(out, t, strconv.Itoa(j))
			o, n = oList.items[k], nList.items[j]
			i++
		case o.kind == kindObject && n.kind == kindObject:
			on, nn := o.get(t), n.get(t)
			if on == nil || nn == nil {
				return joinPointer(out)
			}
			out = append(out, t)
			o, n = on, nn
		case o.kind == kindArray && n.kind == kindArray:
			k, err := strconv.Atoi(t)
			if err != nil || k < 0 || k >= len(o.items) {
				return joinPointer(out)
			}
			j := matchBranch(n, o.items[k])
			if j < 0 {
				return joinPointer(out)
			}
			out = append(out, strconv.Itoa(j))
			o, n = o.items[k], n.items[j]
		default:
			return joinPointer(out)
		}
	}
	return joinPointer(out)
}

// matchField returns the index of the field of fields that stands for old: same name, or one
// names the other in its aliases.
func matchField(fields, old *node) int {
	name := old.get("name").text()
	for j, f := range fields.items {
		if f.get("name").text() == name {
			return j
		}
	}
	for j, f := range fields.items {
		if indexOfString(f.get("aliases"), name) >= 0 || indexOfString(old.get("aliases"), f.get("name").text()) >= 0 {
			return j
		}
	}
	return -1
}

// matchBranch returns the index of the union branch of union that holds the same type as old.
func matchBranch(union, old *node) int {
	id := typeIdentity(old)
	for j, b := range union.items {
		if typeIdentity(b) == id {
			return j
		}
	}
	return -1
}

// typeIdentity names an Avro type for matching: a primitive's or a reference's name, a named
// type's name, or the kind of an array or map.
func typeIdentity(t *node) string {
	switch t.kind {
	case kindString:
		return t.str
	case kindObject:
		if name := t.get("name").text(); name != "" {
			return name
		}
		return t.get("type").text()
	}
	return ""
}

func indexOfString(list *node, s string) int {
	if list == nil || list.kind != kindArray {
		return -1
	}
	for j, it := range list.items {
		if it.kind == kindString && it.str == s {
			return j
		}
	}
	return -1
}

var protoNumber = regexp.MustCompile(`^[0-9]+$`)

// protoPosition finds, best effort, the declaration a Protobuf path names in a .proto text.
// Paths follow Confluent's shape: "#/Message/Nested/<field number>", with oneof names as
// segments too. Each name is looked up as a message, enum, oneof or field declaration inside
// the block found so far, and a number as a field number ("= 4"). The result is the deepest
// declaration found; line 1 when none is.
func protoPosition(text, path string) position {
	clean := blankProtoComments(text)
	start, end := 0, len(clean)
	found := -1
	for _, t := range pointerTokens(path) {
		if t == "" {
			continue
		}
		scope := clean[start:end]
		var loc []int
		if protoNumber.MatchString(t) {
			loc = regexp.MustCompile(`(?m)^[ \t]*([^;{}\n]*?)=\s*` + t + `\s*[;\[]`).FindStringSubmatchIndex(scope)
			if loc != nil {
				loc = loc[2:4]
			}
		} else {
			name := regexp.QuoteMeta(t)
			loc = regexp.MustCompile(`\b(?:message|enum|oneof|service|extend)\s+` + name + `\s*\{`).FindStringIndex(scope)
			if loc == nil {
				loc = regexp.MustCompile(`(?m)^[ \t]*([^;{}\n]*\b` + name + `\s*=\s*[0-9])`).FindStringSubmatchIndex(scope)
				if loc != nil {
					loc = loc[2:4]
				}
			}
		}
		if loc == nil {
			break
		}
		found = start + loc[0]
		if brace := strings.IndexByte(clean[found:end], '{'); brace >= 0 && brace < loc[1]-loc[0]+1 {
			start = found + brace + 1
			end = matchingBrace(clean, found+brace, end)
		} else {
			start = found
		}
	}
	if found < 0 {
		return position{Line: 1, Col: 1}
	}
	line, col := lineCol(text, found)
	return position{Line: line, Col: col}
}

// matchingBrace returns the offset just before the '}' that closes the '{' at open, or limit.
func matchingBrace(s string, open, limit int) int {
	depth := 0
	for i := open; i < limit; i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return limit
}

// blankProtoComments replaces comments and string literals of a .proto text with spaces, keeping
// every offset and newline, so that declarations can be found with plain patterns.
func blankProtoComments(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '/':
			for i < len(b) && b[i] != '\n' {
				b[i] = ' '
				i++
			}
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			for i < len(b) && !(b[i] == '*' && i+1 < len(b) && b[i+1] == '/') {
				if b[i] != '\n' {
					b[i] = ' '
				}
				i++
			}
			if i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
				i++
			}
		case b[i] == '"' || b[i] == '\'':
			q := b[i]
			for i++; i < len(b) && b[i] != q && b[i] != '\n'; i++ {
				if b[i] == '\\' && i+1 < len(b) {
					b[i] = ' '
					i++
				}
				b[i] = ' '
			}
		}
	}
	return string(b)
}
