package jsonschema

import (
	"fmt"
	"strings"

	"github.com/cartaschema/carta/schema"
	jsc "github.com/santhosh-tekuri/jsonschema/v6"
)

var _ schema.OptionsChecker = Handler{}

// CanRead reports every incompatibility that stops reader from reading data written with
// writer under the STRICT policy; it is CanReadWith with the zero schema.CheckOptions. See
// the package documentation for the rules.
func (h Handler) CanRead(reader, writer schema.Schema) ([]schema.Incompatibility, error) {
	return h.CanReadWith(reader, writer, schema.CheckOptions{})
}

// CanReadWith reports every incompatibility that stops reader from reading data written with
// writer, applying opts.Policy: LENIENT accepts the content-model changes listed in the
// package documentation, and any other value (STRICT, or empty) applies every rule. Only
// incompatible differences are reported, in a deterministic walk order, each with a
// Confluent Difference type as its Rule and a JSON pointer of the place as its Path. Both
// arguments must be *Schema values returned by Parse; anything else is an error.
func (Handler) CanReadWith(reader, writer schema.Schema, opts schema.CheckOptions) ([]schema.Incompatibility, error) {
	r, ok := reader.(*Schema)
	if !ok || r == nil {
		return nil, fmt.Errorf("jsonschema: the reader is not a JSON schema (got %T)", reader)
	}
	w, ok := writer.(*Schema)
	if !ok || w == nil {
		return nil, fmt.Errorf("jsonschema: the writer is not a JSON schema (got %T)", writer)
	}
	if r.Canonical() == w.Canonical() {
		// Identical definitions read each other's data whatever the rules say; this also
		// keeps re-checks of an unchanged schema cheap.
		return nil, nil
	}
	return canRead(r, w, opts.Policy == schema.Lenient), nil
}

// canRead runs one check.
func canRead(r, w *Schema, lenient bool) []schema.Incompatibility {
	found, _ := check(r, w, lenient)
	return found
}

// check runs one check and also returns the number of steps it took. The checker is built for
// this call only, so nothing it memoises outlives it.
func check(r, w *Schema, lenient bool) ([]schema.Incompatibility, int) {
	c := newChecker(lenient, &budget{left: maxSteps})
	c.roots = &roots{schemas: []*Schema{w, r}}
	c.visit(node{s: w.Compiled(), mask: tAll}, node{s: r.Compiled(), mask: tAll}, true)
	if c.budget.exhausted {
		return []schema.Incompatibility{{Rule: RuleCheckLimitExceeded, Path: "", Message: fmt.Sprintf(
			"the reader schema and the writer schema are too large or combine too many alternatives to be compared within Carta's limit of %d steps, so the change cannot be shown to be safe; simplify their allOf/anyOf/oneOf lists or split the change into smaller ones", maxSteps)}}, maxSteps
	}
	return c.found, maxSteps - c.budget.left
}

// Work bounds. The parser already bounds size and nesting; these bound what a pair of schemas
// can make the checker do, whatever their shape.
const (
	// maxSteps bounds the node pairs one check may compare, explanations included.
	maxSteps = 200_000
	// maxMatchPairs bounds the branch pairs compared when two allOf/anyOf/oneOf lists are
	// matched; larger lists only pair identical branches and branches at the same index.
	maxMatchPairs = 4096
	// maxExplain bounds the reader branches tried when a message names the closest one.
	maxExplain = 16
	// maxRefHops bounds a chain of references that lead only to references.
	maxRefHops = 64
)

type budget struct {
	left      int
	exhausted bool
}

// node is one schema position as the checker sees it: a compiled schema, restricted to the
// JSON types in mask (tAll except for the per-type views of a writer whose "type" lists
// several types).
type node struct {
	s    *jsc.Schema
	mask typeSet
}

// checker walks a writer and a reader schema together, in Confluent's orientation: the writer
// is SchemaDiff's "original", the reader its "update". It serves one CanRead call.
//
// As the Avro checker does, it has a report mode that appends findings and a probe mode that
// only answers yes or no (used to match combined-schema branches and to test coverage by a
// partially open content model). Every pair is memoised on node identity: a pair met again
// while it is being compared counts as compatible, which is what ends recursion through
// "$ref"; a decided pair returns its verdict; and the findings of a pair are reported once,
// at the first place it is met.
type checker struct {
	lenient bool
	memo    schema.PairMemo[[2]node]
	info    map[*jsc.Schema]*nodeInfo
	slab    []nodeInfo // node information is allocated in blocks
	merged  map[*jsc.Schema]*jsc.Schema
	roots   *roots
	loc     []string
	found   []schema.Incompatibility
	budget  *budget
}

func newChecker(lenient bool, b *budget) *checker {
	return &checker{lenient: lenient, info: make(map[*jsc.Schema]*nodeInfo, 64), budget: b}
}

// sub returns a checker for an explanation: it shares the node information, the documents
// and the budget, but neither the memo nor the findings.
func (c *checker) sub() *checker {
	s := newChecker(c.lenient, c.budget)
	s.info, s.roots = c.info, c.roots
	return s
}

func (c *checker) push(tok ...string) { c.loc = append(c.loc, tok...) }

func (c *checker) pop(n int) { c.loc = c.loc[:len(c.loc)-n] }

// path renders the current location plus extra tokens as a JSON pointer ("" is the root).
func (c *checker) path(extra ...string) string {
	var b strings.Builder
	for _, t := range c.loc {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	for _, t := range extra {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// here renders the current location for a message ("/" for the root).
func (c *checker) here(extra ...string) string {
	return pointerOrRoot(c.path(extra...))
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// fail records one difference that is incompatible under the checker's policy. It returns
// false when the difference makes the pair incompatible, true when the policy accepts it.
// msg is only called in report mode.
func (c *checker) fail(report bool, rule, path string, msg func() string) bool {
	if c.lenient && lenientAccepts[rule] {
		return true
	}
	if report {
		c.found = append(c.found, schema.Incompatibility{Rule: rule, Path: path, Message: msg()})
	}
	return false
}

// child visits a nested pair under more location tokens.
func (c *checker) child(w, r node, report bool, tok ...string) bool {
	c.push(tok...)
	ok := c.visit(w, r, report)
	c.pop(len(tok))
	return ok
}

// charge spends n steps of the budget and reports whether any were left.
func (c *checker) charge(n int) bool {
	if c.budget.exhausted {
		return false
	}
	c.budget.left -= n
	if c.budget.left < 0 {
		c.budget.exhausted = true
		return false
	}
	return true
}

// visit compares one pair with memoisation.
func (c *checker) visit(w, r node, report bool) bool {
	if !c.charge(1) {
		return false
	}
	w, r = c.deref(w), c.deref(r)
	if w == r {
		return true // the very same schema on both sides
	}
	if c.infoOf(w.s).leaf && c.infoOf(r.s).leaf {
		// Schemas without subschemas cannot recur, and comparing them is cheaper than
		// remembering the result.
		return c.compute(w, r, report)
	}
	return c.memo.Visit([2]node{w, r}, report, func(report bool) bool { return c.compute(w, r, report) })
}

// explain runs a fresh report-mode comparison of one pair, located at the current location
// plus tok, and returns its first finding and the number of findings, for messages that say
// why a pair does not fit.
func (c *checker) explain(w, r node, tok ...string) (first schema.Incompatibility, count int) {
	s := c.sub()
	s.loc = append(append([]string(nil), c.loc...), tok...)
	s.visit(w, r, true)
	if len(s.found) == 0 {
		return first, 0
	}
	return s.found[0], len(s.found)
}

// because renders an explanation as a parenthesis: " (<who> fails with RULE at PATH: what)".
// clause adds what the finding says up to its fix; it is left out when the explanation
// compares the two sides the other way round, where "reader" and "writer" would mislead.
func because(who string, first schema.Incompatibility, count int, clause bool) string {
	if count == 0 {
		return ""
	}
	more := ""
	if count > 1 {
		more = fmt.Sprintf(" and %d more", count-1)
	}
	what := ""
	if clause {
		msg, _, _ := strings.Cut(first.Message, "; ")
		what = ": " + msg
	}
	return fmt.Sprintf(" (%s fails with %s at %s%s%s)", who, first.Rule, pointerOrRoot(first.Path), more, what)
}

// compute applies the rules to one pair.
func (c *checker) compute(w, r node, report bool) bool {
	wi, ri := c.infoOf(w.s), c.infoOf(r.s)
	switch {
	case wi.isFalse:
		return true // the writer admits no value at all (only false counts, as in Confluent)
	case ri.empty && r.mask == tAll:
		return true // the reader admits every value
	case ri.isFalse:
		return c.fail(report, RuleTypeChanged, c.path(), func() string {
			return fmt.Sprintf("the reader schema is false at %s and accepts no value, but the writer schema accepts %s; replace false with a schema that accepts what the writer schema writes", c.here(), describeTypes(c.effTypes(w)))
		})
	}
	if ok, done := c.writerValues(w, r); done {
		return ok
	}
	if wi.pureKind != critNone && !ri.hasCombiner() {
		if ok, done := c.writerCombined(w, r, wi, report); done {
			return ok
		}
	}
	return c.compareNodes(w, r, wi, ri, report)
}
