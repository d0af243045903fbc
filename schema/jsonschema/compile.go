package jsonschema

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	jsc "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// refusingLoader is the compiler's only loader. The definition itself is added as a resource
// before compiling and the draft meta-schemas are embedded in the library, so the loader is
// asked only for other documents, and it serves none: no file is read and no connection is
// opened, whatever the definition says.
type refusingLoader struct{}

// Load implements jsc.URLLoader by refusing every URL.
func (refusingLoader) Load(u string) (any, error) {
	return nil, errors.New(refHint)
}

// annotationFormats lists every format the library knows how to assert. Each is replaced by
// a check that accepts everything, which makes "format" an annotation in every draft (the
// library otherwise asserts formats in draft-04 to draft-07). "regex" cannot be replaced
// this way; patternEngine handles it.
func annotationFormats() []string {
	return []string{"date", "date-time", "duration", "email", "hostname", "idn-email", "idn-hostname",
		"ipv4", "ipv6", "iri", "iri-reference", "json-pointer", "period", "relative-json-pointer",
		"semver", "time", "uri", "uri-reference", "uri-template", "uuid"}
}

// patternEngine compiles "pattern" and "patternProperties" with Go's regexp package while
// the definition is compiled, and accepts every string afterwards. The library calls the
// engine after compilation only to assert format "regex" on payload strings, so this turns
// that last format into an annotation too. Each compilation has its own engine; done is set
// before the compiled schema is published and never changes afterwards.
type patternEngine struct {
	done bool
}

func (e *patternEngine) compile(s string) (jsc.Regexp, error) {
	if e.done {
		return acceptAll(s), nil
	}
	return regexp.Compile(s)
}

// acceptAll is the Regexp handed out after compilation.
type acceptAll string

// String returns the expression as written.
func (a acceptAll) String() string { return string(a) }

// MatchString reports a match for every string.
func (a acceptAll) MatchString(s string) bool { return true }

// compile compiles doc with draft as the default draft and translates the library's errors
// into *schema.ParseError values.
func compile(doc any, draft Draft, refs []refSite) (*jsc.Schema, error) {
	c := jsc.NewCompiler()
	c.DefaultDraft(draft.library())
	c.UseLoader(refusingLoader{})
	engine := &patternEngine{}
	c.UseRegexpEngine(engine.compile)
	for _, name := range annotationFormats() {
		c.RegisterFormat(&jsc.Format{Name: name, Validate: func(any) error { return nil }})
	}
	if err := c.AddResource(documentURL, doc); err != nil {
		return nil, parseError("", "%s", cleanMessage(err.Error()))
	}
	compiled, err := c.Compile(documentURL)
	if err != nil {
		return nil, translate(err, refs)
	}
	engine.done = true
	return compiled, nil
}

// translate turns a compilation error into a *schema.ParseError with a JSON pointer where
// the library gives one.
func translate(err error, refs []refSite) error {
	var (
		invalid    *jsc.SchemaValidationError
		load       *jsc.LoadURLError
		noPointer  *jsc.JSONPointerNotFoundError
		noAnchor   *jsc.AnchorNotFoundError
		badRegex   *jsc.InvalidRegexError
		badPointer *jsc.InvalidJsonPointerError
	)
	switch {
	case errors.As(err, &invalid):
		var ve *jsc.ValidationError
		if errors.As(invalid.Err, &ve) {
			return metaSchemaError(ve)
		}
		return parseError(fragmentOf(invalid.URL), "%s", cleanMessage(invalid.Err.Error()))
	case errors.As(err, &load):
		r := findRef(refs, load.URL)
		if r.meta {
			return unsupportedSchema(r.ptr, r.raw)
		}
		return parseError(r.ptr, "reference %q cannot be resolved: %s", r.raw, refHint)
	case errors.As(err, &noPointer):
		r := findRef(refs, noPointer.URL)
		return parseError(r.ptr, "reference %q points to nothing in the document", r.raw)
	case errors.As(err, &noAnchor):
		r := findRef(refs, noAnchor.Reference)
		return parseError(r.ptr, "reference %q names an anchor the document does not define", r.raw)
	case errors.As(err, &badPointer):
		r := findRef(refs, badPointer.URL)
		return parseError(r.ptr, "reference %q is not a valid JSON pointer", r.raw)
	case errors.As(err, &badRegex):
		return parseError(fragmentOf(badRegex.URL), "invalid regular expression %q: %v (patterns use Go's RE2 syntax: no lookaround or backreferences)", badRegex.Regex, badRegex.Err)
	}
	return parseError("", "%s", cleanMessage(err.Error()))
}

// metaSchemaError reports the most specific failures of the meta-schema validation: the
// deepest instance location, and every message found there.
func metaSchemaError(ve *jsc.ValidationError) error {
	type leaf struct{ ptr, msg string }
	var leaves []leaf
	p := message.NewPrinter(language.English)
	// Each cause is paired with the location it concerns. Errors below "propertyNames" are
	// about a key, and the library restarts their locations at the key, so the key's own
	// location is carried down to them instead.
	type item struct {
		e   *jsc.ValidationError
		loc []string
	}
	stack := []item{{ve, ve.InstanceLocation}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if len(it.e.Causes) == 0 {
			leaves = append(leaves, leaf{pointer(it.loc), describe(it.e.ErrorKind, p)})
			continue
		}
		loc := it.loc
		if pn, ok := it.e.ErrorKind.(*kind.PropertyNames); ok {
			loc = append(slices.Clone(loc), pn.Property)
		}
		for _, c := range it.e.Causes {
			cl := loc
			if len(c.InstanceLocation) >= len(loc) && slices.Equal(c.InstanceLocation[:len(loc)], loc) {
				cl = c.InstanceLocation
			}
			stack = append(stack, item{c, cl})
		}
	}
	sort.Slice(leaves, func(i, j int) bool {
		di, dj := strings.Count(leaves[i].ptr, "/"), strings.Count(leaves[j].ptr, "/")
		if di != dj {
			return di > dj
		}
		if leaves[i].ptr != leaves[j].ptr {
			return leaves[i].ptr < leaves[j].ptr
		}
		return leaves[i].msg < leaves[j].msg
	})
	at := leaves[0].ptr
	var msgs []string
	for _, l := range leaves {
		if l.ptr == at && (len(msgs) == 0 || msgs[len(msgs)-1] != l.msg) {
			msgs = append(msgs, l.msg)
		}
	}
	return parseError(at, "not valid against the meta-schema: %s", strings.Join(msgs, "; or "))
}

// describe renders one meta-schema failure in English.
func describe(k jsc.ErrorKind, p *message.Printer) string {
	if _, ok := k.(*kind.FalseSchema); ok {
		return "this keyword is not allowed here"
	}
	return k.LocalizedString(p)
}

// pointer joins reference tokens into a JSON pointer.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// fragmentOf returns the JSON pointer in the fragment of a URL into the definition.
func fragmentOf(u string) string {
	_, frag, ok := strings.Cut(u, "#")
	if !ok {
		return ""
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if strings.HasPrefix(frag, "/") {
		return frag
	}
	return ""
}

// findRef returns the reference that resolved to target; failing that, one with the same
// document, so the message can quote the reference as written.
func findRef(refs []refSite, target string) refSite {
	for _, r := range refs {
		if r.target == target {
			return r
		}
	}
	doc, _, _ := strings.Cut(target, "#")
	for _, r := range refs {
		if r.doc == doc {
			return r
		}
	}
	return refSite{raw: cleanMessage(target)}
}

// cleanMessage removes the private base URI from library messages, so a location reads as
// the fragment the user wrote.
func cleanMessage(s string) string {
	return strings.ReplaceAll(s, documentURL, "")
}
