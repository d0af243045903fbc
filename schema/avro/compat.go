package avro

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// Rule identifiers reported in schema.Incompatibility.Rule. The first six are Apache Avro's
// SchemaIncompatibilityType names, so results can be matched against Apache's, Confluent's
// and Karapace's.
const (
	// RuleNameMismatch: a reader record, enum or fixed has another unqualified name than the
	// writer's, and none of its aliases is the writer's full name.
	RuleNameMismatch = "NAME_MISMATCH"
	// RuleFixedSizeMismatch: reader and writer fixed types have different sizes.
	RuleFixedSizeMismatch = "FIXED_SIZE_MISMATCH"
	// RuleMissingEnumSymbols: the writer enum has symbols the reader lacks, and the reader enum
	// has no default symbol.
	RuleMissingEnumSymbols = "MISSING_ENUM_SYMBOLS"
	// RuleReaderFieldMissingDefaultValue: a reader field is not in the writer record and has no
	// default value.
	RuleReaderFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE"
	// RuleTypeMismatch: the writer's type cannot be read as the reader's, even by promotion.
	RuleTypeMismatch = "TYPE_MISMATCH"
	// RuleMissingUnionBranch: no branch of a reader union can read a writer type.
	RuleMissingUnionBranch = "MISSING_UNION_BRANCH"
	// RuleReaderFieldAmbiguousAlias (Carta's own; Apache Avro Java throws instead): a reader
	// field matches more than one writer field through its name and aliases, so a resolving
	// decoder cannot tell which writer field to read.
	RuleReaderFieldAmbiguousAlias = "READER_FIELD_AMBIGUOUS_ALIAS"
)

// checker walks a reader and a writer schema together, as Apache Avro Java's
// ReaderWriterCompatibilityChecker does. A checker serves one CanRead call: its memo is keyed
// on node identity and is never shared, so no verdict ever leaks from one check to another.
//
// The walk has two modes. Report mode appends findings at the current location; probe mode
// only answers yes or no, for the places where Apache asks "can any/every branch read this"
// and reports a single MISSING_UNION_BRANCH instead of the branch's own findings. Probes never
// start a report-mode walk, so the stack is report frames followed by probe frames.
//
// Pairs involving a named type are memoised: a pair met again while being checked is assumed
// compatible (this is what ends recursion), a pair already decided returns its verdict, and
// the findings of a pair are emitted once, at the first location where it was reported. (Java
// repeats a memoised pair's findings, with the first location, each time the pair recurs.)
type checker struct {
	memo    schema.PairMemo[[2]*node]
	loc     []string
	wunion  []bool // wunion[i]: loc[i] is a writer-union branch index
	found   []schema.Incompatibility
	fields  map[*node]map[string]*field
	explain bool // explain MISSING_UNION_BRANCH with the closest branch's first finding
	// explained caches the first finding of a closest-branch walk per pair, so a type used in
	// many unions is walked once, not once per union.
	explained map[[2]*node]*explanation
}

// subRoot is the location token under which explanation walks run; no schema token contains
// a NUL byte.
const subRoot = "\x00"

type explanation struct {
	first schema.Incompatibility
	count int
}

func newChecker(explain bool) *checker {
	return &checker{fields: map[*node]map[string]*field{}, explain: explain,
		explained: map[[2]*node]*explanation{}}
}

// canRead returns every incompatibility that stops reader from reading data written with writer.
func canRead(reader, writer *node) []schema.Incompatibility {
	c := newChecker(true)
	c.visit(reader, writer, true)
	return c.found
}

func (c *checker) push(tok string, fromWriterUnion bool) {
	c.loc = append(c.loc, tok)
	c.wunion = append(c.wunion, fromWriterUnion)
}

func (c *checker) pop() {
	c.loc = c.loc[:len(c.loc)-1]
	c.wunion = c.wunion[:len(c.wunion)-1]
}

// path renders the current location plus extra tokens as a JSON pointer ("" is the root).
func (c *checker) path(extra ...string) string {
	if len(c.loc)+len(extra) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range c.loc {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	for _, t := range extra {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

func (c *checker) emit(rule, path, msg string) {
	c.found = append(c.found, schema.Incompatibility{Rule: rule, Path: path, Message: msg})
}

// child visits a nested pair under one more location token.
func (c *checker) child(tok string, r, w *node, report, fromWriterUnion bool) bool {
	c.push(tok, fromWriterUnion)
	ok := c.visit(r, w, report)
	c.pop()
	return ok
}

// visit checks one pair, with memoisation for pairs that involve a named type (only those can
// recur).
func (c *checker) visit(r, w *node, report bool) bool {
	if !r.kind.named() && !w.kind.named() {
		return c.compute(r, w, report)
	}
	return c.memo.Visit([2]*node{r, w}, report, func(report bool) bool { return c.compute(r, w, report) })
}

// compute applies the resolution rules to one pair (Apache's calculateCompatibility).
func (c *checker) compute(r, w *node, report bool) bool {
	if r.kind == w.kind {
		switch r.kind {
		case kindArray:
			return c.child("items", r.items, w.items, report, false)
		case kindMap:
			return c.child("values", r.values, w.values, report, false)
		case kindFixed:
			ok := c.checkName(r, w, report)
			if !ok && !report {
				return false // a probe needs only the verdict
			}
			return c.checkFixedSize(r, w, report) && ok
		case kindEnum:
			ok := c.checkName(r, w, report)
			if !ok && !report {
				return false
			}
			return c.checkEnumSymbols(r, w, report) && ok
		case kindRecord:
			ok := c.checkName(r, w, report)
			if !ok && !report {
				return false
			}
			return c.checkFields(r, w, report) && ok
		case kindUnion:
			return c.checkWriterBranches(r, w, report)
		}
		return true // same primitive
	}
	if w.kind == kindUnion {
		// A non-union reader must read every branch the writer may have written.
		ok := true
		for i, b := range w.branches {
			ok = c.child(itoa(i), r, b, report, true) && ok
			if !ok && !report {
				return false
			}
		}
		return ok
	}
	if r.kind == kindUnion {
		return c.checkReaderBranches(r, w, report)
	}
	if promotable(w.kind, r.kind) {
		return true
	}
	if report {
		c.typeMismatch(r, w)
	}
	return false
}

// promotable reports whether a writer value of kind w can be read as kind r (the
// specification's promotions).
func promotable(w, r kind) bool {
	switch w {
	case kindInt:
		return r == kindLong || r == kindFloat || r == kindDouble
	case kindLong:
		return r == kindFloat || r == kindDouble
	case kindFloat:
		return r == kindDouble
	case kindString:
		return r == kindBytes
	case kindBytes:
		return r == kindString
	}
	return false
}

func (c *checker) typeMismatch(r, w *node) {
	path := c.path()
	readerPath, writerSide := path, "the writer schema has "+describe(w)+" there"
	if n := len(c.wunion); n > 0 && c.wunion[n-1] {
		// Apache's location ends with the writer's union index; the reader's own node is
		// one level up.
		readerPath = ""
		if n > 1 {
			readerPath = "/" + strings.Join(c.loc[:n-1], "/")
		}
		writerSide = fmt.Sprintf("branch %s of the writer's union there is %s", c.loc[n-1], describe(w))
	}
	fix := fmt.Sprintf("which Avro can only read as %s; make the types match or use one of those", readableAs(w.kind))
	if readableAs(w.kind) == w.kind.String() {
		fix = fmt.Sprintf("and Avro has no promotion from %s to %s; make the two types match", w.kind, r.kind)
	}
	c.emit(RuleTypeMismatch, path, fmt.Sprintf("the reader schema has %s at %s but %s, %s",
		describe(r), pointerOrRoot(readerPath), writerSide, fix))
}

// nameMatches is Apache's rule: unqualified names are equal, or a reader alias is the writer's
// full name. Namespaces alone never cause a mismatch.
func nameMatches(r, w *node) bool {
	return r.name == w.name || slices.Contains(r.aliases, w.full)
}

func (c *checker) checkName(r, w *node, report bool) bool {
	if nameMatches(r, w) {
		return true
	}
	if report {
		c.emit(RuleNameMismatch, c.path("name"), fmt.Sprintf(
			"the reader's %s at %s does not match the writer's %s: the unqualified names differ and no reader alias is %s; rename the reader type to %s or add %s to its \"aliases\"",
			describeShort(r), pointerOrRoot(c.path()), describeShort(w), quote(w.full), quote(w.name), quote(w.full)))
	}
	return false
}

func (c *checker) checkFixedSize(r, w *node, report bool) bool {
	if r.size == w.size {
		return true
	}
	if report {
		c.emit(RuleFixedSizeMismatch, c.path("size"), fmt.Sprintf(
			"the reader's fixed %s at %s has size %d but the writer's fixed %s has size %d, and a fixed cannot change size; keep size %d, or add a new field for the new size",
			quote(r.full), pointerOrRoot(c.path()), r.size, quote(w.full), w.size, w.size))
	}
	return false
}

func (c *checker) checkEnumSymbols(r, w *node, report bool) bool {
	var missing []string
	for _, s := range w.symbols {
		if !slices.Contains(r.symbols, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 || r.hasEnumDefault {
		// A reader enum with a default reads unknown symbols as the default.
		return true
	}
	if report {
		c.emit(RuleMissingEnumSymbols, c.path("symbols"), fmt.Sprintf(
			"the reader's enum %s at %s lacks the writer's symbols %s, so data holding them cannot be read; add them to the reader's symbols or give the reader enum a \"default\" symbol",
			quote(r.full), pointerOrRoot(c.path()), strList(missing)))
	}
	return false
}

// writerFields indexes a writer record's fields by name, once per checker.
func (c *checker) writerFields(w *node) map[string]*field {
	m := c.fields[w]
	if m == nil {
		m = make(map[string]*field, len(w.fields))
		for _, f := range w.fields {
			m[f.name] = f
		}
		c.fields[w] = m
	}
	return m
}

// lookupWriterField finds the writer field a reader field reads: by name, then by the reader
// field's aliases. More than one distinct match is ambiguous.
func (c *checker) lookupWriterField(w *node, rf *field) (match *field, all []*field) {
	byName := c.writerFields(w)
	if f := byName[rf.name]; f != nil {
		all = append(all, f)
	}
	for _, a := range rf.aliases {
		if f := byName[a]; f != nil && !slices.Contains(all, f) {
			all = append(all, f)
		}
	}
	if len(all) == 1 {
		return all[0], nil
	}
	return nil, all
}

func (c *checker) checkFields(r, w *node, report bool) bool {
	ok := true
	c.push("fields", false)
	for i, rf := range r.fields {
		c.push(itoa(i), false)
		wf, all := c.lookupWriterField(w, rf)
		switch {
		case wf != nil:
			ok = c.child("type", rf.typ, wf.typ, report, false) && ok
		case len(all) > 1:
			ok = false
			if report {
				names := make([]string, len(all))
				for j, f := range all {
					names[j] = f.name
				}
				c.emit(RuleReaderFieldAmbiguousAlias, c.path(), fmt.Sprintf(
					"the field %s at %s in the reader schema matches the writer's fields %s through its name and aliases, so a decoder cannot tell which one to read; remove the aliases that name other writer fields",
					quote(rf.name), pointerOrRoot(c.path()), strList(names)))
			}
		case rf.hasDefault:
		case rf.typ.kind == kindEnum && rf.typ.hasEnumDefault:
			// Apache Avro Java checks the enum against the writer record here, which always
			// fails as TYPE_MISMATCH at the field's type; we keep its rule and location.
			ok = false
			if report {
				c.emit(RuleTypeMismatch, c.path("type"), fmt.Sprintf(
					"the field %s (%s) at %s in the reader schema has no default value and is missing from the writer schema, and the enum's own \"default\" symbol only replaces unknown symbols, not a missing field; add a field default, e.g. \"default\": %s",
					quote(rf.name), describeShort(rf.typ), pointerOrRoot(c.path()), quote(firstSymbol(rf.typ))))
			}
		default:
			ok = false
			if report {
				c.emit(RuleReaderFieldMissingDefaultValue, c.path(), fmt.Sprintf(
					"the field %s (%s) at %s in the reader schema has no default value and is missing from the writer schema; %s",
					quote(rf.name), describeShort(rf.typ), pointerOrRoot(c.path()), defaultHint(rf.typ)))
			}
		}
		c.pop()
		if !ok && !report {
			break
		}
	}
	c.pop()
	return ok
}

// checkWriterBranches: both sides are unions; every writer branch must be readable by the
// reader union. A failing branch is reported once, at the writer's branch index.
func (c *checker) checkWriterBranches(r, w *node, report bool) bool {
	ok := true
	for i, wb := range w.branches {
		if c.visit(r, wb, false) {
			continue
		}
		if !report {
			return false
		}
		ok = false
		c.emit(RuleMissingUnionBranch, c.path(itoa(i)), c.unionMiss(r, wb, i))
	}
	return ok
}

// checkReaderBranches: a reader union and a non-union writer; some reader branch must read it.
func (c *checker) checkReaderBranches(r, w *node, report bool) bool {
	for _, rb := range r.branches {
		if c.visit(rb, w, false) {
			return true
		}
	}
	if report {
		c.emit(RuleMissingUnionBranch, c.path(), c.unionMiss(r, w, -1))
	}
	return false
}

// unionMiss explains why no branch of reader union r reads writer type w (branch wIndex of
// the writer's union, or -1 when the writer is not a union). When a reader branch of the same
// kind (and, for named types, the same name) exists, its first finding is quoted: "the
// union lacks a record" is rarely the real story when the record is there but changed.
func (c *checker) unionMiss(r, w *node, wIndex int) string {
	what := "the writer's " + describe(w)
	if wIndex >= 0 {
		what = fmt.Sprintf("branch %d of the writer's union (%s)", wIndex, describe(w))
	}
	head := fmt.Sprintf("the reader's union %s at %s has no branch that can read %s", unionList(r), pointerOrRoot(c.path()), what)
	closest := -1
	for j, rb := range r.branches {
		if rb.kind != w.kind || rb.kind.primitive() {
			continue
		}
		if !w.kind.named() || nameMatches(rb, w) {
			closest = j
			break
		}
		if closest < 0 {
			closest = j
		}
	}
	if closest >= 0 && c.explain {
		rb := r.branches[closest]
		key := [2]*node{rb, w}
		ex, done := c.explained[key]
		if !done {
			// The walk runs under a marker location, replaced by the real one when quoted,
			// so that a cached explanation names the right place wherever it is reused.
			sub := newChecker(false)
			sub.loc = []string{subRoot}
			sub.wunion = []bool{false}
			sub.visit(rb, w, true)
			if len(sub.found) > 0 {
				ex = &explanation{first: sub.found[0], count: len(sub.found)}
			}
			c.explained[key] = ex
		}
		if ex != nil {
			more := ""
			if ex.count > 1 {
				more = fmt.Sprintf(" (and %d more)", ex.count-1)
			}
			here := strings.NewReplacer("/"+subRoot, c.path(itoa(closest)))
			return fmt.Sprintf("%s; its closest branch %d (%s) fails with %s at %s%s: %s",
				head, closest, describeShort(rb), ex.first.Rule, here.Replace(ex.first.Path), more, here.Replace(ex.first.Message))
		}
	}
	if w.kind.named() {
		return fmt.Sprintf("%s; add %s %s named %s (or aliased to %s) to the reader's union", head, article(w.kind), w.kind, quote(w.name), quote(w.full))
	}
	if readableAs(w.kind) != w.kind.String() {
		return fmt.Sprintf("%s; add a branch that can read it (%s) to the reader's union", head, readableAs(w.kind))
	}
	return fmt.Sprintf("%s; add %s %s branch to the reader's union", head, article(w.kind), describe(w))
}
