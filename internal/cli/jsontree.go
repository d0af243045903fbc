package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// node is one JSON value with the place it starts in the text. The CLI parses schema files
// into nodes, rather than into maps, to keep two things the standard decoder drops: the order
// of object members (Avro fields are compared by name but reported by index) and the line and
// column of every value (CI annotations point at them).
type node struct {
	kind    nodeKind
	off     int // byte offset of the value's first character
	members []member
	items   []*node
	// str is a string's value, or the literal text of a number, true, false or null.
	str string
}

type member struct {
	key    string
	keyOff int
	value  *node
}

type nodeKind int

const (
	kindNull nodeKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// get returns the value of an object member, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != kindObject {
		return nil
	}
	for _, m := range n.members {
		if m.key == key {
			return m.value
		}
	}
	return nil
}

// text returns the value of a string node, or "".
func (n *node) text() string {
	if n == nil || n.kind != kindString {
		return ""
	}
	return n.str
}

// compact renders the node as compact JSON with members in their written order.
func (n *node) compact() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *node) write(b *strings.Builder) {
	if n == nil {
		b.WriteString("null")
		return
	}
	switch n.kind {
	case kindString:
		q, _ := json.Marshal(n.str)
		b.Write(q)
	case kindArray:
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			it.write(b)
		}
		b.WriteByte(']')
	case kindObject:
		b.WriteByte('{')
		for i, m := range n.members {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(m.key)
			b.Write(q)
			b.WriteByte(':')
			m.value.write(b)
		}
		b.WriteByte('}')
	default:
		b.WriteString(n.str)
	}
}

// parseTree parses a JSON text into nodes. It is meant for files a format's own parser has
// already accepted or is about to judge, so it reports only the first syntax error, and it
// bounds nesting so that a hostile file cannot exhaust the stack.
func parseTree(text string) (*node, error) {
	p := &treeParser{s: text}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, p.errorf("unexpected %q after the top-level value", p.s[p.i])
	}
	return n, nil
}

const maxTreeDepth = 256

type treeParser struct {
	s string
	i int
}

func (p *treeParser) errorf(format string, args ...any) error {
	line, col := lineCol(p.s, p.i)
	return fmt.Errorf("line %d, column %d: %s", line, col, fmt.Sprintf(format, args...))
}

func (p *treeParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *treeParser) value(depth int) (*node, error) {
	if depth > maxTreeDepth {
		return nil, p.errorf("nested too deeply")
	}
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of the text")
	}
	start := p.i
	switch c := p.s[p.i]; {
	case c == '{':
		n := &node{kind: kindObject, off: start}
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, nil
		}
		for {
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil, p.errorf("expected a member name")
			}
			keyOff := p.i
			key, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.errorf("expected ':' after a member name")
			}
			p.i++
			p.space()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, member{key: key, keyOff: keyOff, value: v})
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return n, nil
			}
			return nil, p.errorf("expected ',' or '}' in an object")
		}
	case c == '[':
		n := &node{kind: kindArray, off: start}
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return n, nil
		}
		for {
			p.space()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				return n, nil
			}
			return nil, p.errorf("expected ',' or ']' in an array")
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, off: start, str: s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		p.i++
		for p.i < len(p.s) && strings.IndexByte("0123456789+-.eE", p.s[p.i]) >= 0 {
			p.i++
		}
		lit := p.s[start:p.i]
		if !json.Valid([]byte(lit)) {
			p.i = start
			return nil, p.errorf("invalid number %q", lit)
		}
		return &node{kind: kindNumber, off: start, str: lit}, nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.s[p.i:], lit) {
				p.i += len(lit)
				k := kindBool
				if lit == "null" {
					k = kindNull
				}
				return &node{kind: k, off: start, str: lit}, nil
			}
		}
		return nil, p.errorf("unexpected %q", c)
	}
}

// str reads a string literal at p.i and returns its value.
func (p *treeParser) str() (string, error) {
	start := p.i
	p.i++ // the opening quote
	escaped := false
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			var v string
			if err := json.Unmarshal([]byte(p.s[start:p.i]), &v); err != nil {
				p.i = start
				return "", p.errorf("invalid string")
			}
			return v, nil
		}
	}
	p.i = start
	return "", p.errorf("unterminated string")
}

// lineCol turns a byte offset into a 1-based line and a 1-based column counted in characters.
func lineCol(text string, off int) (line, col int) {
	if off > len(text) {
		off = len(text)
	}
	line = 1 + strings.Count(text[:off], "\n")
	lineStart := strings.LastIndexByte(text[:off], '\n') + 1
	return line, 1 + utf8.RuneCountInString(text[lineStart:off])
}

// errBadPointer is returned by resolve for a pointer that names nothing in the tree.
var errBadPointer = errors.New("the pointer names no element")

// pointerTokens splits a JSON pointer ("/fields/1/type", or "#/properties/a" as JSON Schema
// tools write it) into unescaped reference tokens.
func pointerTokens(ptr string) []string {
	ptr = strings.TrimPrefix(ptr, "#")
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return parts
}

// resolve follows ptr from n and returns the deepest node reached and how many tokens were
// followed. err is errBadPointer when ptr does not name an element of the tree; the returned
// node is then the deepest ancestor that exists, so a caller can still point near the problem.
func (n *node) resolve(ptr string) (*node, int, error) {
	cur := n
	tokens := pointerTokens(ptr)
	for i, t := range tokens {
		var next *node
		switch cur.kind {
		case kindObject:
			next = cur.get(t)
		case kindArray:
			if k, err := strconv.Atoi(t); err == nil && k >= 0 && k < len(cur.items) {
				next = cur.items[k]
			}
		}
		if next == nil {
			return cur, i, errBadPointer
		}
		cur = next
	}
	return cur, len(tokens), nil
}

// memberOffset returns the offset of the key of the member that holds v in parent, or v's own
// offset: an annotation on an object member reads best at its name.
func memberOffset(parent, v *node) int {
	if parent != nil && parent.kind == kindObject {
		for _, m := range parent.members {
			if m.value == v {
				return m.keyOff
			}
		}
	}
	return v.off
}
