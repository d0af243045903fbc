package protobuf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Rule identifiers reported in schema.Incompatibility.Rule: the names of Confluent Schema
// Registry's Protobuf Difference types that it counts as incompatible, so results can be matched
// against Confluent's. Confluent's compatible differences (MESSAGE_ADDED, FIELD_ADDED,
// FIELD_REMOVED, FIELD_NAME_CHANGED, ENUM_*, ONEOF_ADDED, ...) are never reported.
const (
	// RulePackageChanged: the two files declare different packages.
	RulePackageChanged = "PACKAGE_CHANGED"
	// RuleMessageRemoved: a message type of the writer file is missing from the reader file.
	RuleMessageRemoved = "MESSAGE_REMOVED"
	// RuleFieldKindChanged: a field with the same number is a scalar (enums included), a
	// message, a map or a group on one side and another of these on the other.
	RuleFieldKindChanged = "FIELD_KIND_CHANGED"
	// RuleFieldScalarKindChanged: a scalar field changed to a type outside its wire group
	// ({int32, int64, uint32, uint64, bool, enum}, {sint32, sint64}, {string, bytes},
	// {fixed32, sfixed32}, {fixed64, sfixed64}, {float}, {double}).
	RuleFieldScalarKindChanged = "FIELD_SCALAR_KIND_CHANGED"
	// RuleFieldNamedTypeChanged: a message-typed field refers to a message of another name, or
	// to a message of the same name that is itself incompatible.
	RuleFieldNamedTypeChanged = "FIELD_NAMED_TYPE_CHANGED"
	// RuleFieldNumericLabelChanged: a numeric scalar field (enums included) changed its
	// cardinality: singular, required or repeated.
	RuleFieldNumericLabelChanged = "FIELD_NUMERIC_LABEL_CHANGED"
	// RuleRequiredFieldAdded: the reader has a required field the writer does not have.
	RuleRequiredFieldAdded = "REQUIRED_FIELD_ADDED"
	// RuleRequiredFieldRemoved: the writer has a required field the reader does not have.
	RuleRequiredFieldRemoved = "REQUIRED_FIELD_REMOVED"
	// RuleOneofFieldRemoved: a field of a oneof is missing from the reader, which has a oneof
	// of that name.
	RuleOneofFieldRemoved = "ONEOF_FIELD_REMOVED"
	// RuleMultipleFieldsMovedToOneof: a reader oneof holds two or more fields that are
	// separate fields (outside any oneof) in the writer.
	RuleMultipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	// RuleFieldMovedToExistingOneof: a reader oneof holds one field that is outside any oneof
	// in the writer together with fields of a writer oneof.
	RuleFieldMovedToExistingOneof = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// canRead compares two linked files the way Confluent's SchemaDiff compares an original
// (writer) and an update (reader), and returns the incompatible differences, sorted.
func canRead(reader, writer *Schema) []schema.Incompatibility {
	c := &checker{
		r:      newSide(reader),
		w:      newSide(writer),
		nodes:  map[string]int{},
		cur:    -1,
		budget: searchBudget,
	}
	c.checkPackage()
	c.checkMessages()
	c.checkStructure()
	return sortFindings(c.found)
}

// side is one file with its messages indexed by their name relative to the file's package,
// the name Confluent matches types by (so that a package change is one finding, not one per
// message).
type side struct {
	s   *Schema
	pkg string
}

func newSide(s *Schema) side { return side{s: s, pkg: string(s.file.Package())} }

// rel returns the name of m relative to the package of its file; the full name for a message
// of a referenced file.
func (sd side) rel(m protoreflect.MessageDescriptor) string {
	full := string(m.FullName())
	if sd.s.refFiles[m.ParentFile().Path()] {
		return full
	}
	if sd.pkg == "" {
		return full
	}
	return strings.TrimPrefix(full, sd.pkg+".")
}

// message finds the message named rel (relative to the package) in the file; map entries are
// not messages of their own here.
func (sd side) message(rel string) protoreflect.MessageDescriptor {
	full := rel
	if sd.pkg != "" {
		full = sd.pkg + "." + rel
	}
	i, ok := sd.s.MessageIndex(protoreflect.FullName(full))
	if !ok || sd.s.messages[i].IsMapEntry() {
		return nil
	}
	return sd.s.messages[i]
}

// checker collects the findings of one CanRead call. Message types present on both sides are
// the nodes of a graph whose edges are message-typed fields compared by number; a node is
// broken when its own fields have findings, and a field referring to a node from which a broken
// node is reachable is reported as FIELD_NAMED_TYPE_CHANGED once every message is walked.
type checker struct {
	r, w  side
	found []schema.Incompatibility

	nodes  map[string]int // relative message name -> node
	names  []string       // node -> relative name
	broken []bool         // node -> its own fields have findings
	edges  [][]edge       // node -> message-typed fields of that message
	cur    int            // node being walked, -1 for none

	reach  []bool // node -> a broken node is reachable from it (itself included)
	memo   map[[2]int]bool
	budget int
	seen   []int // search marks, see reachesBreak
	stamp  int
	stack  []int
}

// edge is a message-typed field (or map value) whose type, node to, is the same message on
// both sides.
type edge struct {
	to     int
	path   string
	number protoreflect.FieldNumber
	role   string // "" for the field itself, "value" for a map's value
}

// searchBudget bounds the node visits spent on telling whether a recursive reference only
// reaches a break through its own message. Past it, such references are reported whenever a
// break is reachable at all: that adds findings on fields of an already incompatible pair but
// never changes a verdict, and bounds the work on hostile schemas (thousands of mutually
// recursive messages).
const searchBudget = 1 << 20

func (c *checker) emit(rule, path, msg string) {
	c.found = append(c.found, schema.Incompatibility{Rule: rule, Path: path, Message: msg})
	if c.cur >= 0 {
		c.broken[c.cur] = true
	}
}

// checkPackage reports PACKAGE_CHANGED at the root. Messages are still matched by their names
// relative to each package, so field-level problems are reported as well.
func (c *checker) checkPackage() {
	if c.w.pkg == c.r.pkg {
		return
	}
	c.cur = -1
	c.emit(RulePackageChanged, "", fmt.Sprintf(
		"the reader schema declares %s but the writer schema declares %s, and the package is part of every message's full name; use the same package in both, or register the renamed package as a new schema",
		pkgText(c.r.pkg), pkgText(c.w.pkg)))
}

func pkgText(pkg string) string {
	if pkg == "" {
		return "no package"
	}
	return "package " + strconv.Quote(pkg)
}

// checkMessages matches every message of the writer file (nested ones included, map entries
// excluded) with the reader's message of the same relative name, reports MESSAGE_REMOVED for
// the outermost missing ones, and compares the fields of each matched pair.
func (c *checker) checkMessages() {
	removed := map[string]bool{}
	var pairs [][2]protoreflect.MessageDescriptor
	for _, wm := range c.w.s.messages { // sorted by full name: parents before their nested types
		if wm.IsMapEntry() {
			continue
		}
		rel := c.w.rel(wm)
		if parent, ok := wm.Parent().(protoreflect.MessageDescriptor); ok && removed[c.w.rel(parent)] {
			removed[rel] = true // reported with its parent
			continue
		}
		rm := c.r.message(rel)
		if rm == nil {
			removed[rel] = true
			c.cur = -1
			c.emit(RuleMessageRemoved, messagePath(rel), fmt.Sprintf(
				"the message %s at %s in the writer schema is missing from the reader schema, so data of that type has nothing to be read as; declare %s in the reader schema too, or register a new message type under a schema of its own",
				quote(string(wm.FullName())), messagePath(rel), quote(rel)))
			continue
		}
		c.node(rel)
		pairs = append(pairs, [2]protoreflect.MessageDescriptor{wm, rm})
	}
	// The messages of referenced files are compared too, by full name, so that a field of a
	// referenced type sees a change of the reference; a message a reference no longer
	// declares matters only through the fields that use it.
	for _, wm := range c.w.s.refMessages {
		if wm.IsMapEntry() {
			continue
		}
		if rm := c.r.s.refMessage(wm.FullName()); rm != nil {
			c.node(string(wm.FullName()))
			pairs = append(pairs, [2]protoreflect.MessageDescriptor{wm, rm})
		}
	}
	for _, p := range pairs {
		c.cur = c.node(c.w.rel(p[0]))
		c.checkMessage(p[0], p[1])
	}
	c.cur = -1
}

// node returns the graph node of the message named rel, creating it.
func (c *checker) node(rel string) int {
	if n, ok := c.nodes[rel]; ok {
		return n
	}
	n := len(c.names)
	c.nodes[rel] = n
	c.names = append(c.names, rel)
	c.broken = append(c.broken, false)
	c.edges = append(c.edges, nil)
	return n
}

// messagePath is the pointer of a message: its relative name with "/" for ".".
func messagePath(rel string) string { return "/" + strings.ReplaceAll(rel, ".", "/") }

// msgFields is the field view of one message that Confluent's rules need, indexed once:
// every field in declaration order and by number, with its real oneof (nil for fields outside
// any oneof, proto3 optional fields included, whose oneof is synthetic). Descriptor lookups by
// number are linear in protocompile's descriptors, so they are not used.
type msgFields struct {
	m     protoreflect.MessageDescriptor
	list  []fieldInfo
	byNum map[protoreflect.FieldNumber]fieldInfo
}

type fieldInfo struct {
	fd    protoreflect.FieldDescriptor
	num   protoreflect.FieldNumber
	oneof protoreflect.OneofDescriptor
}

func fieldsOf(m protoreflect.MessageDescriptor) msgFields {
	fs := m.Fields()
	mf := msgFields{m: m, list: make([]fieldInfo, fs.Len()), byNum: make(map[protoreflect.FieldNumber]fieldInfo, fs.Len())}
	for i := range mf.list {
		f := fs.Get(i)
		fi := fieldInfo{fd: f, num: f.Number()}
		if o := f.ContainingOneof(); o != nil && !f.HasOptionalKeyword() {
			fi.oneof = o // see synthetic
		}
		mf.list[i] = fi
		mf.byNum[fi.num] = fi
	}
	return mf
}

// synthetic reports whether o is the synthetic oneof of a proto3 optional field. A field in a
// oneof has the optional keyword only in that case; protocompile's own IsSynthetic scans every
// field of the message, which made wide messages quadratic.
func synthetic(o protoreflect.OneofDescriptor) bool {
	fs := o.Fields()
	return fs.Len() == 1 && fs.Get(0).HasOptionalKeyword()
}

// has reports whether the message declares field n, in a oneof or not.
func (mf msgFields) has(n protoreflect.FieldNumber) bool {
	_, ok := mf.byNum[n]
	return ok
}

// top reports whether field n is declared outside any oneof.
func (mf msgFields) top(n protoreflect.FieldNumber) bool {
	fi, ok := mf.byNum[n]
	return ok && fi.oneof == nil
}

// inOneof reports whether field n is declared in a oneof.
func (mf msgFields) inOneof(n protoreflect.FieldNumber) bool {
	return mf.byNum[n].oneof != nil
}

// checkMessage applies the message-level rules to one matched pair.
func (c *checker) checkMessage(wm, rm protoreflect.MessageDescriptor) {
	w, r := fieldsOf(wm), fieldsOf(rm)
	path := messagePath(c.w.rel(wm))
	c.checkOneofMoves(path, w, r)
	c.checkOneofFieldsRemoved(path, w, r)
	c.checkRequiredFields(path, w, r)
	c.checkCommonFields(path, w, r)
}

// checkOneofMoves reports, for each reader oneof, MULTIPLE_FIELDS_MOVED_TO_ONEOF when two or
// more of its fields are outside any oneof in the writer (data may set them all, a oneof keeps
// one), and FIELD_MOVED_TO_EXISTING_ONEOF when one is, next to fields of a writer oneof.
func (c *checker) checkOneofMoves(path string, w, r msgFields) {
	os := r.m.Oneofs()
	for i := 0; i < os.Len(); i++ {
		o := os.Get(i)
		if synthetic(o) {
			continue
		}
		var moved, existing []protoreflect.FieldNumber
		fs := o.Fields()
		for j := 0; j < fs.Len(); j++ {
			n := fs.Get(j).Number()
			if w.top(n) {
				moved = append(moved, n)
			} else if w.inOneof(n) {
				existing = append(existing, n)
			}
		}
		opath := path + "/" + string(o.Name())
		switch {
		case len(moved) > 1:
			c.emit(RuleMultipleFieldsMovedToOneof, opath, fmt.Sprintf(
				"the oneof %s at %s in the reader schema holds fields %s, which are separate fields outside any oneof in the writer schema, so data that sets more than one of them loses all but one; a oneof can take in at most one field that was outside it, so keep the others where they were",
				quote(string(o.Name())), opath, numList(moved)))
		case len(moved) == 1 && len(existing) > 0:
			c.emit(RuleFieldMovedToExistingOneof, opath, fmt.Sprintf(
				"the oneof %s at %s in the reader schema holds field %d, which is outside any oneof in the writer schema, together with field%s %s, which %s in a oneof there too, so data that sets both loses one; keep field %d inside or outside the oneof in both schemas alike",
				quote(string(o.Name())), opath, moved[0], plural(len(existing)), numList(existing), isAre(len(existing)), moved[0]))
		}
	}
}

// checkOneofFieldsRemoved reports ONEOF_FIELD_REMOVED for each field of a writer oneof that
// the reader's oneof of the same name lacks and that the reader does not declare anywhere
// else. (Removing a whole oneof, or moving its fields elsewhere, is compatible, as in
// Confluent.)
func (c *checker) checkOneofFieldsRemoved(path string, w, r msgFields) {
	os := w.m.Oneofs()
	for i := 0; i < os.Len(); i++ {
		wo := os.Get(i)
		if synthetic(wo) {
			continue
		}
		ro := r.m.Oneofs().ByName(wo.Name())
		if ro == nil || synthetic(ro) {
			continue
		}
		fs := wo.Fields()
		for j := 0; j < fs.Len(); j++ {
			f := fs.Get(j)
			if r.has(f.Number()) {
				continue
			}
			fpath := fmt.Sprintf("%s/%s/%d", path, wo.Name(), f.Number())
			c.emit(RuleOneofFieldRemoved, fpath, fmt.Sprintf(
				"field %d %s of the oneof %s at %s in the writer schema is missing from the oneof of that name in the reader schema, so data that chose it reads as a oneof with nothing set; declare the same fields in the oneof in both schemas (a field no longer used can be deprecated)",
				f.Number(), fieldText(f), quote(string(wo.Name())), fpath))
		}
	}
}

// checkRequiredFields reports REQUIRED_FIELD_ADDED for a required reader field whose number is
// not a writer field outside a oneof (data written without it fails to parse), and
// REQUIRED_FIELD_REMOVED for a required writer field the reader lacks entirely (Confluent
// refuses both, so required fields can only be kept).
func (c *checker) checkRequiredFields(path string, w, r msgFields) {
	for _, fi := range r.list {
		if f := fi.fd; fi.oneof == nil && f.Cardinality() == protoreflect.Required && !w.top(fi.num) {
			fpath := fmt.Sprintf("%s/%d", path, f.Number())
			c.emit(RuleRequiredFieldAdded, fpath, fmt.Sprintf(
				"the required field %d %s at %s in the reader schema is not a field of the writer schema, so data written without it fails to parse; make the field optional in the reader schema, or declare it in the writer schema too",
				f.Number(), fieldText(f), fpath))
		}
	}
	for _, fi := range w.list {
		if f := fi.fd; fi.oneof == nil && f.Cardinality() == protoreflect.Required && !r.has(fi.num) {
			fpath := fmt.Sprintf("%s/%d", path, f.Number())
			c.emit(RuleRequiredFieldRemoved, fpath, fmt.Sprintf(
				"the required field %d %s at %s in the writer schema is missing from the reader schema, and a required field can be neither removed nor added; declare the field in the reader schema too, or make it optional in the writer schema",
				f.Number(), fieldText(f), fpath))
		}
	}
}

// checkCommonFields compares every field number declared on both sides, whatever oneof each is
// in. The path names the oneof when the field is in oneofs of the same name on both sides.
func (c *checker) checkCommonFields(path string, w, r msgFields) {
	for _, wi := range w.list {
		ri, ok := r.byNum[wi.num]
		if !ok {
			continue
		}
		fpath := path + "/" + strconv.Itoa(int(wi.num))
		if wi.oneof != nil && ri.oneof != nil && wi.oneof.Name() == ri.oneof.Name() {
			fpath = path + "/" + string(wi.oneof.Name()) + "/" + strconv.Itoa(int(wi.num))
		}
		c.compareTypes(fieldPair{path: fpath, w: wi.fd, r: ri.fd, number: wi.num, labels: true})
	}
}

// fieldPair is one field, or one part of a map field, compared on both sides.
type fieldPair struct {
	path   string
	w, r   protoreflect.FieldDescriptor
	number protoreflect.FieldNumber // of the field itself, for map parts too
	role   string                   // "", "key" or "value"
	labels bool                     // compare cardinalities (not for map parts)
}

// what names the compared element in messages: `field 3` or `the map value of field 3`.
func (p fieldPair) what() string {
	if p.role == "" {
		return fmt.Sprintf("field %d", p.number)
	}
	return fmt.Sprintf("the map %s of field %d", p.role, p.number)
}

// kindClass is Confluent's field kind: scalar (enums included), message or map. Carta also
// tells groups (and editions' delimited messages) from messages, as they are encoded
// differently.
type kindClass string

const (
	classScalar  kindClass = "a scalar"
	classMessage kindClass = "a message"
	classMap     kindClass = "a map"
	classGroup   kindClass = "a group"
)

func classOf(f protoreflect.FieldDescriptor) kindClass {
	switch {
	case f.IsMap():
		return classMap
	case f.Kind() == protoreflect.MessageKind:
		return classMessage
	case f.Kind() == protoreflect.GroupKind:
		return classGroup
	}
	return classScalar
}

// compareTypes applies the kind, scalar-kind, label and named-type rules to one pair.
func (c *checker) compareTypes(p fieldPair) {
	wc, rc := classOf(p.w), classOf(p.r)
	if wc != rc {
		c.emit(RuleFieldKindChanged, p.path, fmt.Sprintf(
			"%s at %s is %s (%s) in the reader schema but %s (%s) in the writer schema, and protobuf cannot read one kind as another; keep the field's type and add a new field with a new number for the new one",
			p.what(), p.path, rc, fieldText(p.r), wc, fieldText(p.w)))
		return
	}
	switch wc {
	case classScalar:
		c.compareScalars(p)
	case classMessage, classGroup:
		c.compareNamedTypes(p)
	case classMap:
		c.compareTypes(fieldPair{path: p.path, w: p.w.MapKey(), r: p.r.MapKey(), number: p.number, role: "key"})
		c.compareTypes(fieldPair{path: p.path, w: p.w.MapValue(), r: p.r.MapValue(), number: p.number, role: "value"})
	}
}

// kindText names the scalar kind of f ("enum" for every enum).
func kindText(f protoreflect.FieldDescriptor) string {
	if f.Kind() == protoreflect.EnumKind {
		return "enum"
	}
	return f.Kind().String()
}

// scalarGroup returns the wire group of a scalar kind: kinds of one group read each other's
// data (with C-style truncation between integer widths).
func scalarGroup(k protoreflect.Kind) string {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "{int32, int64, uint32, uint64, bool, enum}"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "{sint32, sint64}"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "{string, bytes}"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "{fixed32, sfixed32}"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "{fixed64, sfixed64}"
	case protoreflect.FloatKind:
		return "{float}"
	case protoreflect.DoubleKind:
		return "{double}"
	}
	return k.String()
}

// compareScalars reports FIELD_SCALAR_KIND_CHANGED across wire groups and, within a numeric
// group, FIELD_NUMERIC_LABEL_CHANGED when the cardinality changes (repeated numbers are packed,
// and a required field must be present). string and bytes may change label, as in Confluent.
func (c *checker) compareScalars(p fieldPair) {
	wg, rg := scalarGroup(p.w.Kind()), scalarGroup(p.r.Kind())
	if wg != rg {
		c.emit(RuleFieldScalarKindChanged, p.path, fmt.Sprintf(
			"%s at %s is %s in the reader schema but %s in the writer schema, and %s and %s are in different wire groups, %s and %s, which read each other's data wrongly; keep the field's type within one group, or add a new field with a new number",
			p.what(), p.path, fieldText(p.r), fieldText(p.w), kindText(p.r), kindText(p.w), rg, wg))
		return
	}
	if !p.labels || wg == scalarGroup(protoreflect.StringKind) || p.w.Cardinality() == p.r.Cardinality() {
		return
	}
	c.emit(RuleFieldNumericLabelChanged, p.path, fmt.Sprintf(
		"%s at %s is %s in the reader schema but %s in the writer schema, and a numeric field cannot change between singular, required and repeated (repeated numbers are packed on the wire, and a required one must be present); give the field the same label in both schemas, or add a new field with a new number",
		p.what(), p.path, fieldText(p.r), fieldText(p.w)))
}

// typeKey identifies a message type across the two files: by its name relative to the package
// when it is declared in the definition, by its full name when it is imported (the well-known
// types, which are the same on both sides).
func (c *checker) typeKey(sd side, m protoreflect.MessageDescriptor) (key string, local bool) {
	if m.ParentFile().Path() == fileName {
		return "." + sd.rel(m), true
	}
	// A message of a referenced file is compared like one of the definition (the reference
	// may have changed); a well-known type is the same on both sides.
	return string(m.FullName()), sd.s.refFiles[m.ParentFile().Path()]
}

// compareNamedTypes reports FIELD_NAMED_TYPE_CHANGED when a message (or group) field refers to
// another type, and records the field as an edge of the structure graph when it refers to
// the same one, to be reported if that type turns out incompatible.
func (c *checker) compareNamedTypes(p fieldPair) {
	wk, wlocal := c.typeKey(c.w, p.w.Message())
	rk, _ := c.typeKey(c.r, p.r.Message())
	if wk != rk {
		c.emit(RuleFieldNamedTypeChanged, p.path, fmt.Sprintf(
			"%s at %s has the type %s in the reader schema but %s in the writer schema, and a message field cannot change its type; use the same message type in both schemas, or add a new field with a new number for the new type",
			p.what(), p.path, quote(string(p.r.Message().FullName())), quote(string(p.w.Message().FullName()))))
		return
	}
	if !wlocal || c.cur < 0 {
		return
	}
	to := c.node(c.w.rel(p.w.Message()))
	c.edges[c.cur] = append(c.edges[c.cur], edge{to: to, path: p.path, number: p.number, role: p.role})
}

// checkStructure reports FIELD_NAMED_TYPE_CHANGED on every field whose message type reaches a
// broken message, unless the only way there leads back through the field's own message (a
// guard against recursive types, like Confluent's: that break is reported on its own fields).
func (c *checker) checkStructure() {
	c.markReach()
	c.memo = map[[2]int]bool{}
	for from, es := range c.edges {
		for _, e := range es {
			if !c.reachesBreak(e.to, from) {
				continue
			}
			what := fmt.Sprintf("field %d", e.number)
			if e.role != "" {
				what = fmt.Sprintf("the map %s of field %d", e.role, e.number)
			}
			target := messagePath(c.names[e.to])
			c.found = append(c.found, schema.Incompatibility{Rule: RuleFieldNamedTypeChanged, Path: e.path, Message: fmt.Sprintf(
				"%s at %s has the type %s in both the reader schema and the writer schema, but that message changed incompatibly (see the findings under %s and the message types it uses); make %s compatible again, or give the field a new number and a new type",
				what, e.path, quote(c.names[e.to]), target, quote(c.names[e.to]))})
		}
	}
}

// markReach computes, for every node, whether a broken node is reachable from it, by walking
// the edges backwards from the broken nodes.
func (c *checker) markReach() {
	c.reach = make([]bool, len(c.names))
	back := make([][]int, len(c.names))
	for from, es := range c.edges {
		for _, e := range es {
			back[e.to] = append(back[e.to], from)
		}
	}
	var queue []int
	for n, b := range c.broken {
		if b {
			c.reach[n] = true
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, from := range back[n] {
			if !c.reach[from] {
				c.reach[from] = true
				queue = append(queue, from)
			}
		}
	}
}

// reachesBreak reports whether a broken node is reachable from node from without passing
// through node avoid.
func (c *checker) reachesBreak(from, avoid int) bool {
	if from == avoid || !c.reach[from] {
		return false
	}
	if c.broken[from] {
		return true
	}
	key := [2]int{from, avoid}
	if v, ok := c.memo[key]; ok {
		return v
	}
	if c.budget <= 0 {
		return true
	}
	if c.seen == nil {
		c.seen = make([]int, len(c.names))
	}
	c.stamp++ // c.seen[n] == c.stamp: n was visited in this search
	c.seen[from], c.seen[avoid] = c.stamp, c.stamp
	stack := append(c.stack[:0], from)
	found := false
	for len(stack) > 0 && !found {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c.budget--
		for _, e := range c.edges[n] {
			if c.seen[e.to] == c.stamp || !c.reach[e.to] {
				continue
			}
			if c.broken[e.to] {
				found = true
				break
			}
			c.seen[e.to] = c.stamp
			stack = append(stack, e.to)
		}
	}
	c.stack = stack
	c.memo[key] = found
	return found
}

// fieldText describes a field or map part for messages: `"amount" (int64)`.
func fieldText(f protoreflect.FieldDescriptor) string {
	return fmt.Sprintf("%s (%s)", quote(string(f.Name())), typeText(f))
}

// typeText renders the type of f as a .proto file spells it, with its label.
func typeText(f protoreflect.FieldDescriptor) string {
	if f.IsMap() {
		return fmt.Sprintf("map<%s, %s>", typeText(f.MapKey()), typeText(f.MapValue()))
	}
	var t string
	switch f.Kind() {
	case protoreflect.MessageKind:
		t = string(f.Message().FullName())
	case protoreflect.GroupKind:
		t = "group " + string(f.Message().FullName())
	case protoreflect.EnumKind:
		t = "enum " + string(f.Enum().FullName())
	default:
		t = f.Kind().String()
	}
	switch f.Cardinality() {
	case protoreflect.Repeated:
		return "repeated " + t
	case protoreflect.Required:
		return "required " + t
	}
	return t
}

func quote(s string) string { return strconv.Quote(s) }

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// numList renders field numbers as "1, 2 and 3".
func numList(ns []protoreflect.FieldNumber) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(int(n))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// sortFindings orders findings by path (segment by segment, numbers numerically and before
// names), then rule, and drops exact duplicates.
func sortFindings(found []schema.Incompatibility) []schema.Incompatibility {
	sort.SliceStable(found, func(i, j int) bool {
		if c := comparePaths(found[i].Path, found[j].Path); c != 0 {
			return c < 0
		}
		return found[i].Rule < found[j].Rule
	})
	out := found[:0]
	for i, f := range found {
		if i > 0 && f.Rule == found[i-1].Rule && f.Path == found[i-1].Path && f.Message == found[i-1].Message {
			continue
		}
		out = append(out, f)
	}
	return out
}

func comparePaths(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareSegments(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}

func compareSegments(a, b string) int {
	an, aerr := strconv.ParseUint(a, 10, 64)
	bn, berr := strconv.ParseUint(b, 10, 64)
	switch {
	case aerr == nil && berr == nil:
		switch {
		case an < bn:
			return -1
		case an > bn:
			return 1
		}
		return 0
	case aerr == nil:
		return -1
	case berr == nil:
		return 1
	}
	return strings.Compare(a, b)
}
