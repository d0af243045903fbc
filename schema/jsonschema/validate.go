package jsonschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cartaschema/carta/schema"
	jsc "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Default bounds on a validated document. Payloads may be larger than definitions (a
// definition's limit is schema.DefaultMaxBytes), and data nests deeper than schemas do; these
// bounds still keep one document's decoding work and memory small enough for a server.
const (
	// DefaultPayloadMaxBytes is the largest document Validate accepts by default: 16 MiB.
	DefaultPayloadMaxBytes = 16 << 20
	// DefaultPayloadMaxDepth is the deepest nesting of arrays and objects Validate accepts
	// by default.
	DefaultPayloadMaxDepth = 256
)

// ValidateOptions tune Schema.Validate. The zero value validates with "format" as an
// annotation and the default bounds.
type ValidateOptions struct {
	// AssertFormats makes "format" an assertion: a string that is not, say, a valid
	// "date-time" or "email" is a problem. By default "format" is an annotation, as it is
	// when the definition is parsed, and never fails a document. Formats the library does
	// not know ("credit-card") stay annotations. Format "regex" is checked with Go's RE2
	// syntax, like "pattern".
	AssertFormats bool
	// MaxBytes is the largest document accepted, in bytes (DefaultPayloadMaxBytes when zero
	// or negative).
	MaxBytes int
	// MaxDepth is the deepest nesting of arrays and objects accepted (DefaultPayloadMaxDepth
	// when zero or negative).
	MaxDepth int
}

// withDefaults returns o with zero bounds replaced by the defaults.
func (o ValidateOptions) withDefaults() ValidateOptions {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultPayloadMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultPayloadMaxDepth
	}
	return o
}

// Problem is one reason a document does not match a schema.
type Problem struct {
	// InstancePath is a JSON pointer to the offending value in the document ("" for the
	// whole document).
	InstancePath string `json:"instancePath"`
	// SchemaPath is a JSON pointer to the failing keyword, following the path the validator
	// took from the root schema (the JSON Schema output format's "keywordLocation"): a step
	// through a reference appears as "$ref", e.g. "/properties/tags/items/$ref/maxLength".
	// It is "" when the document is not well-formed JSON, or exceeds the bounds.
	SchemaPath string `json:"schemaPath"`
	// Message explains the problem in English.
	Message string `json:"message"`
}

// String renders the problem on one line.
func (p Problem) String() string {
	at := p.InstancePath
	if at == "" {
		at = "/"
	}
	if p.SchemaPath == "" {
		return fmt.Sprintf("at %s: %s", at, p.Message)
	}
	return fmt.Sprintf("at %s (schema %s): %s", at, p.SchemaPath, p.Message)
}

// ValidationError reports every reason a document does not match a schema. It is also the
// error for a document that is not well-formed JSON (one problem, without a SchemaPath).
type ValidationError struct {
	// Problems lists every problem found, at least one, ordered by InstancePath (array
	// indexes numerically), then SchemaPath, then Message; duplicates are removed.
	Problems []Problem
}

// maxListed bounds how many problems Error spells out.
const maxListed = 10

// Error summarizes the problems on one line: all of them up to ten, then a count of the rest.
func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	switch n {
	case 0:
		return "the JSON document does not match the schema"
	case 1:
		b.WriteString("the JSON document does not match the schema: ")
	default:
		fmt.Fprintf(&b, "the JSON document does not match the schema (%d problems): ", n)
	}
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", n-maxListed)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.ReplaceAll(p.String(), "\n", " "))
	}
	return b.String()
}

// Validate checks that doc, one JSON document as UTF-8 text, matches the schema. It returns
// nil when it does, and otherwise a *ValidationError listing every problem.
//
// The document is refused before it is decoded when it is larger than opts.MaxBytes, is not
// valid UTF-8, or nests arrays and objects deeper than opts.MaxDepth; then it must be exactly
// one JSON value, with no duplicate keys in any object (parsers disagree on which copy wins,
// so such a document means different things to different consumers). Numbers keep their
// exact decimal value, so 10000000000000000001 is not rounded before "maximum" or
// "multipleOf" see it.
//
// Validation never reads a file or opens a connection: references were resolved inside the
// definition when it was parsed. With opts.AssertFormats the schema is compiled a second
// time, with format assertions on; that compilation happens once per Schema, on first use,
// and is then shared by every call.
func (s *Schema) Validate(doc []byte, opts ValidateOptions) error {
	opts = opts.withDefaults()
	text := string(doc)
	if p, ok := checkPayload(text, opts); !ok {
		return &ValidationError{Problems: []Problem{p}}
	}
	v, p, ok := decodeDocument(text)
	if !ok {
		return &ValidationError{Problems: []Problem{p}}
	}
	var err error
	compiled := s.compiled
	if opts.AssertFormats {
		if compiled, err = s.formatAsserting(); err != nil {
			return err
		}
	}
	err = compiled.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsc.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("jsonschema: validating the document: %s", cleanMessage(err.Error()))
	}
	return &ValidationError{Problems: problems(ve)}
}

// checkPayload applies the bounds with flat passes over the bytes, before the decoder, whose
// work grows with nesting, sees them.
func checkPayload(doc string, opts ValidateOptions) (Problem, bool) {
	if len(doc) > opts.MaxBytes {
		return Problem{Message: fmt.Sprintf("the document is %d bytes; the limit is %d", len(doc), opts.MaxBytes)}, false
	}
	if !utf8.ValidString(doc) {
		line, col := position(doc, invalidUTF8Offset(doc))
		return Problem{Message: fmt.Sprintf("the document is not valid UTF-8 (line %d, column %d)", line, col)}, false
	}
	if i := schema.JSONDepthOffset(doc, opts.MaxDepth); i >= 0 {
		line, col := position(doc, i)
		return Problem{Message: fmt.Sprintf("arrays and objects are nested deeper than %d levels at line %d, column %d", opts.MaxDepth, line, col)}, false
	}
	return Problem{}, true
}

// invalidUTF8Offset returns the offset of the first invalid UTF-8 sequence in s.
func invalidUTF8Offset(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}

// decodeDocument decodes one JSON value with numbers as json.Number, the representation the
// validator expects. The fast path is encoding/json; when it fails, or when the decoded
// objects hold fewer members than the text has (a duplicate key), the document is decoded
// again by the definition decoder, which pinpoints the problem.
func decodeDocument(text string) (any, Problem, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if err == nil && memberCount(v) == colonCount(text) {
		return v, Problem{}, true
	}
	if _, derr := decode(text); derr != nil {
		return nil, decodeProblem(derr), false
	}
	if err == nil {
		return v, Problem{}, true // the counts cannot differ when decode finds no duplicate
	}
	return nil, Problem{Message: "invalid JSON: " + err.Error()}, false
}

// memberCount counts the members of every object in a decoded value.
func memberCount(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		n += len(v)
		for _, e := range v {
			n += memberCount(e)
		}
	case []any:
		for _, e := range v {
			n += memberCount(e)
		}
	}
	return n
}

// colonCount counts the colons outside strings in a JSON text: in valid JSON, one for each
// object member.
func colonCount(text string) int {
	n := 0
	schema.ScanJSONStructure(text, func(_ int, c byte) bool {
		if c == ':' {
			n++
		}
		return true
	})
	return n
}

// decodeProblem turns an error of the definition decoder, which the document decoder is,
// into a problem. Its messages speak of "the definition"; here that is the document.
func decodeProblem(err error) Problem {
	var pe *schema.ParseError
	if !errors.As(err, &pe) {
		return Problem{Message: err.Error()}
	}
	return Problem{InstancePath: pe.Path, Message: strings.ReplaceAll(pe.Msg, "the definition", "the document")}
}

// problems flattens the library's tree of errors into its leaves, each with the instance
// location and the keyword location the library's "basic" output gives it.
func problems(root *jsc.ValidationError) []Problem {
	p := message.NewPrinter(language.English)
	var out []Problem
	type item struct {
		e         *jsc.ValidationError
		schemaURL string // the schema location the keyword location is relative to; "" at the root
		kwLoc     string // the keyword location of that schema
	}
	stack := []item{{e: root}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		e, kwLoc := it.e, it.kwLoc
		ref, isRef := e.ErrorKind.(*kind.Reference)
		if it.schemaURL != "" {
			kwLoc += relativeFragment(it.schemaURL, e.SchemaURL)
			if isRef {
				kwLoc += pointer(ref.KeywordPath())
			}
		}
		schemaURL := e.SchemaURL
		if isRef {
			schemaURL = ref.URL
		}
		if len(e.Causes) == 0 {
			schemaPath := kwLoc + pointer(e.ErrorKind.KeywordPath())
			out = append(out, Problem{
				InstancePath: pointer(e.InstanceLocation),
				SchemaPath:   schemaPath,
				Message:      problemMessage(e.ErrorKind, schemaPath, p),
			})
			continue
		}
		for i := len(e.Causes) - 1; i >= 0; i-- {
			stack = append(stack, item{e: e.Causes[i], schemaURL: schemaURL, kwLoc: kwLoc})
		}
	}
	slices.SortFunc(out, compareProblems)
	return slices.Compact(out)
}

// relativeFragment returns the JSON pointer that leads from the schema at base to the schema
// at loc, when loc lies inside base (the library's locations nest that way), and "" otherwise.
func relativeFragment(base, loc string) string {
	rest, ok := strings.CutPrefix(loc, base)
	if !ok {
		return ""
	}
	if r, err := url.PathUnescape(rest); err == nil {
		rest = r
	}
	return rest
}

// problemMessage renders one failure in English, without the private base URI. A false
// schema is named by the keyword that holds it where that keyword says more than "false".
func problemMessage(k jsc.ErrorKind, schemaPath string, p *message.Printer) string {
	if _, ok := k.(*kind.FalseSchema); ok {
		switch kw := schemaPath[strings.LastIndexByte(schemaPath, '/')+1:]; kw {
		case "additionalProperties", "unevaluatedProperties", "additionalItems", "unevaluatedItems", "items":
			return fmt.Sprintf("no value is allowed here (%s is false)", kw)
		}
		return "no value is allowed here (the schema is false)"
	}
	return cleanMessage(k.LocalizedString(p))
}

// compareProblems orders problems by instance location, comparing array indexes as numbers,
// then by schema location and message.
func compareProblems(a, b Problem) int {
	if c := comparePointers(a.InstancePath, b.InstancePath); c != 0 {
		return c
	}
	if c := comparePointers(a.SchemaPath, b.SchemaPath); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

// comparePointers compares JSON pointers token by token; tokens that are both decimal
// numbers compare numerically, so /items/2 comes before /items/10.
func comparePointers(a, b string) int {
	for a != "" && b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if ta == tb {
			continue
		}
		na, errA := strconv.ParseUint(ta, 10, 64)
		nb, errB := strconv.ParseUint(tb, 10, 64)
		if errA == nil && errB == nil && na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
		return strings.Compare(ta, tb)
	}
	return strings.Compare(a, b)
}

// nextToken splits the first reference token off a JSON pointer.
func nextToken(ptr string) (tok, rest string) {
	ptr = strings.TrimPrefix(ptr, "/")
	if i := strings.IndexByte(ptr, '/'); i >= 0 {
		return ptr[:i], ptr[i:]
	}
	return ptr, ""
}

// formatAsserter holds the second compilation of one Schema, with format assertions on.
type formatAsserter struct {
	once     sync.Once
	compiled *jsc.Schema
	err      error
}

// formatAsserting returns the schema compiled with format assertions on, compiling it on
// first use.
func (s *Schema) formatAsserting() (*jsc.Schema, error) {
	fa := &s.asserter
	fa.once.Do(func() { fa.compiled, fa.err = compileAsserting(s.doc, s.draft) })
	return fa.compiled, fa.err
}

// compileAsserting compiles a definition that Parse has accepted again, with the same loader
// (which serves nothing), Go's regexp package for "pattern" and format "regex", and every
// format the library knows asserted.
func compileAsserting(doc any, draft Draft) (*jsc.Schema, error) {
	c := jsc.NewCompiler()
	c.DefaultDraft(draft.library())
	c.UseLoader(refusingLoader{})
	c.UseRegexpEngine(func(s string) (jsc.Regexp, error) { return regexp.Compile(s) })
	c.AssertFormat()
	if err := c.AddResource(documentURL, doc); err != nil {
		return nil, fmt.Errorf("jsonschema: compiling with format assertions: %s", cleanMessage(err.Error()))
	}
	compiled, err := c.Compile(documentURL)
	if err != nil {
		return nil, fmt.Errorf("jsonschema: compiling with format assertions: %s", cleanMessage(err.Error()))
	}
	return compiled, nil
}
