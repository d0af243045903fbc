package protobuf_test

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// The decode oracle trusts no peer's verdict: for every pair the checker calls compatible (in
// either direction), it writes random messages of every writer message type with the writer's
// descriptor and reads them with the reader's, through protobuf-go, in binary and JSON form.
//
// Binary form: proto.Unmarshal into the reader's type of the same relative name must succeed,
// no writer value may be lost, and the result must equal what the encoding specification says
// a reader sees, as computed here from the writer's values (model.read): each scalar is
// encoded to its wire type and bits (encode) and decoded as the reader's kind (decode).
//
//   - fields are matched by number; writer fields the reader lacks are unknown fields (not
//     compared), reader fields the writer lacks stay unset;
//   - a value whose wire type the reader's kind does not accept is kept as an unknown field:
//     that is a loss;
//   - integers (bool and enums included) are preserved when the writer's number fits the
//     reader's type: the reader must hold the same number. A number that does not fit is
//     truncated as a C cast does (the varint is sign-extended by the writer, a sint32 reader
//     keeps the low 32 bits of the zigzag varint, fixed and sfixed reinterpret the bits), which
//     is the documented semantics of the scalar groups and not a loss; any other change of the
//     number (int32 read as sint32, say) is;
//   - floats and doubles keep their bits; string and bytes keep their bytes;
//   - a closed (proto2) enum reader moves numbers it does not declare to the unknown fields: a
//     loss;
//   - a singular reader of repeated data keeps the last element (scalars) or merges every
//     element (messages), as the specification says, and a repeated reader of singular data
//     gets a list of one; a packed list read as a singular number is a loss;
//   - a oneof member that is set clears the other members of its reader oneof: when the
//     cleared member came from another writer field, that is a loss;
//   - map entries whose keys collide after conversion (int64 keys read as int32) are not
//     compared: which one wins depends on the writer's entry order.
//
// JSON form: protojson.Marshal with the writer type, then protojson.Unmarshal with the
// reader's, with DiscardUnknown as a consumer of evolving data would, must succeed and give
// the message the model computes for the binary form (unknown fields aside). JSON is
// name-based and spells values by type (64-bit integers as strings, enums by name, bytes in
// base64), so several changes Confluent accepts break it.
//
// binaryExceptions and jsonExceptions list, with the reason, the compatible pairs that fail;
// the test fails if a listed exception stops showing, so the lists stay exact. Values are
// compared exactly (floats by bits).

// oracleException documents why a pair the checker accepts does not round-trip, and proves it:
// the oracle fails the test if the documented failure no longer happens.
type oracleException struct {
	reason string
}

// binaryExceptions: Confluent-compatible pairs where the binary decoder fails or loses values.
// Keyed by case name and direction ("BACKWARD": new reads old; "FORWARD": old reads new).
var binaryExceptions = map[string]oracleException{
	"bytes to string/BACKWARD": {"bytes that are not UTF-8 fail to parse as a proto3 string (protobuf-go validates UTF-8); Confluent puts string and bytes in one group"},
	"string to bytes/FORWARD":  {"bytes that are not UTF-8 fail to parse as a proto3 string (protobuf-go validates UTF-8); Confluent puts string and bytes in one group"},
	"merge two oneofs/BACKWARD": {"two writer oneofs merged into one reader oneof: data that set both keeps only one, and " +
		"Confluent counts neither member as moved (neither was outside a oneof)"},
	"required string to optional/FORWARD": {"a proto2 reader whose string field became required fails on data written without it; " +
		"Confluent lets string and bytes fields change label (FIELD_STRING_OR_BYTES_LABEL_CHANGED)"},
	"oracle: proto2 closed enums/BACKWARD": {"an int32 read as a closed (proto2) enum that lacks the number is moved to the unknown fields by " +
		"the specification (protobuf-go's reflective decoder, used by dynamicpb, even keeps it in the field); Confluent lets int32 become an enum"},
}

// jsonExceptions: Confluent-compatible pairs whose JSON form fails or differs from the binary
// form, because JSON matches fields by name and spells types differently.
var jsonExceptions = map[string]oracleException{
	"well-known type kept/BACKWARD":            {"JSON matches fields by name: the renamed Timestamp field's value is dropped"},
	"well-known type kept/FORWARD":             {"JSON matches fields by name: the renamed Timestamp field's value is dropped"},
	"rename field/BACKWARD":                    {"JSON matches fields by name: a renamed field's value is dropped (FIELD_NAME_CHANGED is compatible in Confluent)"},
	"rename field/FORWARD":                     {"JSON matches fields by name: a renamed field's value is dropped"},
	"renumber field/BACKWARD":                  {"JSON matches fields by name: a renumbered field keeps its value in JSON but loses it in binary"},
	"renumber field/FORWARD":                   {"JSON matches fields by name: a renumbered field keeps its value in JSON but loses it in binary"},
	"int64 to int32/BACKWARD":                  {"JSON refuses an int64 that does not fit int32; binary truncates"},
	"int32 to int64/FORWARD":                   {"JSON refuses an int64 that does not fit int32; binary truncates"},
	"uint32 to int32/BACKWARD":                 {"JSON refuses a uint32 above 2^31-1 for an int32; binary wraps"},
	"uint32 to int32/FORWARD":                  {"JSON refuses a negative int32 for a uint32; binary wraps"},
	"uint64 to int64/BACKWARD":                 {"JSON refuses a uint64 above 2^63-1 for an int64; binary wraps"},
	"uint64 to int64/FORWARD":                  {"JSON refuses a negative int64 for a uint64; binary wraps"},
	"int32 to bool/BACKWARD":                   {"JSON spells bool as true/false, not a number"},
	"int32 to bool/FORWARD":                    {"JSON spells bool as true/false, not a number"},
	"int32 to enum/FORWARD":                    {"JSON spells enums by name, which an int32 reader refuses"},
	"enum to int32/BACKWARD":                   {"JSON spells enums by name, which an int32 reader refuses"},
	"sint32 to sint64/FORWARD":                 {"JSON refuses a sint64 that does not fit sint32; binary truncates"},
	"fixed32 to sfixed32/BACKWARD":             {"JSON refuses a fixed32 above 2^31-1 for an sfixed32; binary reinterprets the bits"},
	"fixed32 to sfixed32/FORWARD":              {"JSON refuses a negative sfixed32 for a fixed32; binary reinterprets the bits"},
	"fixed64 to sfixed64/BACKWARD":             {"JSON refuses a fixed64 above 2^63-1 for an sfixed64; binary reinterprets the bits"},
	"fixed64 to sfixed64/FORWARD":              {"JSON refuses a negative sfixed64 for a fixed64; binary reinterprets the bits"},
	"string to bytes/BACKWARD":                 {"JSON spells bytes in base64: a string is rarely valid base64, and never the same bytes"},
	"string to bytes/FORWARD":                  {"JSON spells bytes in base64: a string reader gets the base64 text"},
	"bytes to string/BACKWARD":                 {"JSON spells bytes in base64: a string reader gets the base64 text"},
	"bytes to string/FORWARD":                  {"JSON spells bytes in base64: a string is rarely valid base64, and never the same bytes"},
	"map value int32 to int64/FORWARD":         {"JSON refuses an int64 map value that does not fit int32; binary truncates"},
	"map key int32 to int64/FORWARD":           {"JSON refuses an int64 map key that does not fit int32; binary truncates"},
	"repeated int32 to repeated int64/FORWARD": {"JSON refuses an int64 that does not fit int32; binary truncates"},
	"string to repeated string/BACKWARD":       {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"string to repeated string/FORWARD":        {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"repeated bytes to singular/BACKWARD":      {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"repeated bytes to singular/FORWARD":       {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"message to repeated message/BACKWARD":     {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"message to repeated message/FORWARD":      {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"repeated message to singular/BACKWARD":    {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"repeated message to singular/FORWARD":     {"JSON spells a repeated field as an array, which a singular reader refuses, and vice versa"},
	"merge two oneofs/BACKWARD":                {"JSON refuses two members of one oneof"},
	"add and remove enum values/BACKWARD":      {"JSON spells enums by name: a name the reader lacks is refused"},
	"add and remove enum values/FORWARD":       {"JSON spells enums by name: a name the reader lacks is refused"},
	"required string to optional/FORWARD":      {"a proto2 reader whose string field became required fails on data written without it"},
	"oracle: widen every group/FORWARD":        {"JSON refuses 64-bit values that do not fit 32 bits, and enum names an int32 reader does not know"},
	"oracle: proto2 closed enums/BACKWARD":     {"JSON carries the writer's int32 as a number, which a closed enum keeps where binary drops it"},
	"oracle: proto2 closed enums/FORWARD":      {"JSON carries enum names the int32 reader refuses"},
}

// oracleCases are pairs beyond the rule table that exercise every value kind.
func oracleCases() []ruleCase {
	return []ruleCase{
		{name: "oracle: widen every group",
			old: p3(`message All {
  int32 i32 = 1; uint32 u32 = 2; sint32 s32 = 3; int32 e = 4; float f = 5; double d = 6;
  string s = 7; bytes b = 8; bool flag = 9; fixed32 fx = 10; sfixed64 sfx = 11;
  repeated int32 ri = 12; repeated string rs = 13; map<int32, string> m = 14; map<string, Inner> mi = 15;
  Inner inner = 16; repeated Inner inners = 17; optional int64 opt = 18;
  oneof choice { int32 c1 = 19; string c2 = 20; Inner c3 = 21; }
  message Inner { int32 x = 1; repeated uint64 ys = 2; All back = 3; }
}
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }`),
			new: p3(`message All {
  int64 i32 = 1; uint64 u32 = 2; sint64 s32 = 3; Color e = 4; float f = 5; double d = 6;
  string s = 7; bytes b = 8; bool flag = 9; fixed32 fx = 10; sfixed64 sfx = 11;
  repeated int64 ri = 12; repeated string rs = 13; map<int64, string> m = 14; map<string, Inner> mi = 15;
  Inner inner = 16; repeated Inner inners = 17; optional int64 opt = 18;
  oneof choice { int32 c1 = 19; string c2 = 20; Inner c3 = 21; }
  string added = 22;
  message Inner { int64 x = 1; repeated uint64 ys = 2; All back = 3; string z = 4; }
}
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }`)},
		{name: "oracle: proto2 closed enums",
			old: p2(`message M { optional int32 level = 1; repeated int32 levels = 2; required string id = 3; optional group G = 4 { optional int32 a = 1; } }`),
			new: p2(`message M { optional Level level = 1; repeated Level levels = 2; required string id = 3; optional group G = 4 { optional sint32 b = 2; optional int32 a = 1; } }
enum Level { LOW = 0; HIGH = 1; }`)},
		{name: "oracle: well-known types",
			old: p3(`import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
message Event { google.protobuf.Timestamp at = 1; google.protobuf.Duration took = 2; google.protobuf.Int32Value n = 3; }`),
			new: p3(`import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
message Event { google.protobuf.Timestamp at = 1; google.protobuf.Duration took = 2; google.protobuf.Int32Value n = 3; string source = 4; }`)},
	}
}

func TestDecodeOracle(t *testing.T) {
	used := map[string]bool{}
	for _, c := range append(ruleCases(), oracleCases()...) {
		oldS, newS := mustParse(t, c.old), mustParse(t, c.new)
		for _, dir := range []schema.Direction{schema.DirBackward, schema.DirForward} {
			reader, writer := newS, oldS
			if dir == schema.DirForward {
				reader, writer = oldS, newS
			}
			found, err := protobuf.Handler{}.CanRead(reader, writer)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) > 0 {
				continue
			}
			key := c.name + "/" + string(dir)
			t.Run(key, func(t *testing.T) {
				binExc, hasBin := binaryExceptions[key]
				jsonExc, hasJSON := jsonExceptions[key]
				used[key] = hasBin || hasJSON
				res := runOracle(t, reader, writer)
				switch {
				case hasBin && res.binaryFailures == 0:
					t.Errorf("documented binary exception no longer shows (%s): remove it", binExc.reason)
				case !hasBin && res.binaryFailures > 0:
					t.Errorf("binary form: %d failures, first: %s", res.binaryFailures, res.firstBinary)
				}
				switch {
				case hasJSON && res.jsonFailures == 0:
					t.Errorf("documented JSON exception no longer shows (%s): remove it", jsonExc.reason)
				case !hasJSON && res.jsonFailures > 0:
					t.Errorf("JSON form: %d failures, first: %s", res.jsonFailures, res.firstJSON)
				}
				if res.messages == 0 {
					t.Errorf("no message compared")
				}
			})
		}
	}
	for key := range binaryExceptions {
		if !used[key] {
			t.Errorf("binary exception %q matches no compatible pair", key)
		}
	}
	for key := range jsonExceptions {
		if !used[key] {
			t.Errorf("JSON exception %q matches no compatible pair", key)
		}
	}
}

type oracleResult struct {
	messages                     int
	binaryFailures, jsonFailures int
	firstBinary, firstJSON       string
}

// samplesPerType is how many random messages of each writer type are written.
const samplesPerType = 40

func runOracle(t *testing.T, reader, writer *protobuf.Schema) oracleResult {
	var res oracleResult
	rpkg, wpkg := string(reader.FileDescriptor().Package()), string(writer.FileDescriptor().Package())
	for _, wm := range writer.Messages() {
		if wm.IsMapEntry() {
			continue
		}
		rm := findRel(reader, rpkg, relName(wm, wpkg))
		if rm == nil {
			t.Fatalf("compatible pair but the reader lacks %s", wm.FullName())
		}
		g := &generator{r: rand.New(rand.NewPCG(1, uint64(len(wm.FullName())))), maxDepth: 3}
		for i := range samplesPerType {
			w := dynamicpb.NewMessage(wm)
			g.fill(w, 0)
			res.messages++
			fail := func(form string, format string, args ...any) {
				msg := fmt.Sprintf("%s sample %d: %s", wm.FullName(), i, fmt.Sprintf(format, args...))
				if form == "binary" {
					if res.binaryFailures == 0 {
						res.firstBinary = msg
					}
					res.binaryFailures++
					return
				}
				if res.jsonFailures == 0 {
					res.firstJSON = msg
				}
				res.jsonFailures++
			}

			wire, err := proto.MarshalOptions{Deterministic: true}.Marshal(w)
			if err != nil {
				t.Fatalf("writer cannot marshal its own message: %v", err)
			}
			m := &model{skip: map[protoreflect.Map]map[any]bool{}}
			want := dynamicpb.NewMessage(rm)
			m.read(want, w)
			got := dynamicpb.NewMessage(rm)
			switch err := proto.Unmarshal(wire, got); {
			case err != nil:
				fail("binary", "Unmarshal: %v", err)
			case len(m.losses) > 0:
				fail("binary", "data lost: %s", m.losses[0])
			default:
				if d := m.diff("", want, got); d != "" {
					fail("binary", "%s", d)
				}
			}

			js, err := protojson.Marshal(w)
			if err != nil {
				t.Fatalf("writer cannot marshal its own message as JSON: %v", err)
			}
			fromJSON := dynamicpb.NewMessage(rm)
			if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(js, fromJSON); err != nil {
				fail("json", "Unmarshal %s: %v", js, err)
				continue
			}
			if d := m.diff("", want, fromJSON); d != "" {
				fail("json", "%s (JSON %s)", d, js)
			}
		}
	}
	return res
}

func relName(m protoreflect.MessageDescriptor, pkg string) string {
	if pkg == "" {
		return string(m.FullName())
	}
	return strings.TrimPrefix(string(m.FullName()), pkg+".")
}

func findRel(s *protobuf.Schema, pkg, rel string) protoreflect.MessageDescriptor {
	full := rel
	if pkg != "" {
		full = pkg + "." + rel
	}
	i, ok := s.MessageIndex(protoreflect.FullName(full))
	if !ok {
		return nil
	}
	return s.Messages()[i]
}

// generator fills messages with random values, biased towards the edges of each type.
type generator struct {
	r        *rand.Rand
	maxDepth int
}

func (g *generator) fill(m protoreflect.Message, depth int) {
	md := m.Descriptor()
	if g.wellKnown(m) {
		return
	}
	fs := md.Fields()
	oneofDone := map[protoreflect.FullName]bool{}
	for i := 0; i < fs.Len(); i++ {
		f := fs.Get(i)
		if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if oneofDone[o.FullName()] {
				continue
			}
			oneofDone[o.FullName()] = true
			k := g.r.IntN(o.Fields().Len() + 1)
			if k == o.Fields().Len() {
				continue
			}
			f = o.Fields().Get(k)
			if isMessage(f) && depth >= g.maxDepth {
				continue
			}
			g.setOne(m, f, depth)
			continue
		}
		required := f.Cardinality() == protoreflect.Required
		if isMessage(f) && depth >= g.maxDepth && !required {
			continue
		}
		switch {
		case f.IsMap():
			mp := m.Mutable(f).Map()
			for range g.r.IntN(4) {
				k := g.scalar(f.MapKey()).MapKey()
				if isMessage(f.MapValue()) {
					v := mp.NewValue()
					g.fill(v.Message(), depth+1)
					mp.Set(k, v)
				} else {
					mp.Set(k, g.scalar(f.MapValue()))
				}
			}
		case f.IsList():
			l := m.Mutable(f).List()
			for range g.r.IntN(4) {
				if isMessage(f) {
					v := l.NewElement()
					g.fill(v.Message(), depth+1)
					l.Append(v)
				} else {
					l.Append(g.scalar(f))
				}
			}
		case required || !f.HasPresence() || g.r.IntN(10) < 7:
			g.setOne(m, f, depth)
		}
	}
}

func isMessage(f protoreflect.FieldDescriptor) bool {
	return f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind
}

func (g *generator) setOne(m protoreflect.Message, f protoreflect.FieldDescriptor, depth int) {
	if isMessage(f) {
		g.fill(m.Mutable(f).Message(), depth+1)
		return
	}
	m.Set(f, g.scalar(f))
}

// wellKnown fills the well-known types the oracle cases use with values JSON can spell, and
// reports whether m was one.
func (g *generator) wellKnown(m protoreflect.Message) bool {
	md := m.Descriptor()
	if md.ParentFile().Package() != "google.protobuf" {
		return false
	}
	set := func(name protoreflect.Name, v protoreflect.Value) { m.Set(md.Fields().ByName(name), v) }
	switch md.Name() {
	case "Timestamp":
		set("seconds", protoreflect.ValueOfInt64(g.r.Int64N(253402300799)))
		set("nanos", protoreflect.ValueOfInt32(g.r.Int32N(1e9)))
	case "Duration":
		s := g.r.Int64N(315576000000)
		set("seconds", protoreflect.ValueOfInt64(s))
		set("nanos", protoreflect.ValueOfInt32(g.r.Int32N(1e9)))
	case "Int32Value":
		set("value", protoreflect.ValueOfInt32(int32(g.r.Uint32())))
	}
	return true
}

func (g *generator) scalar(f protoreflect.FieldDescriptor) protoreflect.Value {
	r := g.r
	pick32 := func() int32 {
		return []int32{0, 1, -1, math.MaxInt32, math.MinInt32, int32(r.Uint32()), r.Int32N(100)}[r.IntN(7)]
	}
	pick64 := func() int64 {
		return []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1 << 40, int64(r.Uint64()), r.Int64N(100)}[r.IntN(8)]
	}
	switch f.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(r.IntN(2) == 1)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(pick32())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(pick64())
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(pick32()))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(pick64()))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32([]float32{0, float32(math.Copysign(0, -1)), 1.5, float32(math.NaN()), float32(math.Inf(1)),
			math.MaxFloat32, math.SmallestNonzeroFloat32, r.Float32()}[r.IntN(8)])
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64([]float64{0, math.Copysign(0, -1), 1.5, math.NaN(), math.Inf(-1),
			math.MaxFloat64, math.SmallestNonzeroFloat64, r.NormFloat64()}[r.IntN(8)])
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(g.text())
	case protoreflect.BytesKind:
		if r.IntN(2) == 0 {
			return protoreflect.ValueOfBytes([]byte(g.text()))
		}
		b := make([]byte, r.IntN(6))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return protoreflect.ValueOfBytes(b)
	case protoreflect.EnumKind:
		vs := f.Enum().Values()
		if !f.Enum().IsClosed() && r.IntN(4) == 0 {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(pick32()))
		}
		return protoreflect.ValueOfEnum(vs.Get(r.IntN(vs.Len())).Number())
	}
	panic("no scalar generator for " + f.Kind().String())
}

func (g *generator) text() string {
	runes := []rune{'a', 'Z', '0', ' ', 'é', '€', '𝄞', '"', '\\', '\n', 0}
	var b strings.Builder
	for range g.r.IntN(6) {
		b.WriteRune(runes[g.r.IntN(len(runes))])
	}
	return b.String()
}

// model computes what a reader sees from a writer's message, from the encoding rules alone,
// and notes every writer value the reader does not keep.
type model struct {
	// skip holds the map keys of expected messages that several writer entries converted to.
	skip map[protoreflect.Map]map[any]bool
	// losses describe writer values the reader drops or changes beyond the conversion
	// semantics of its type.
	losses []string
}

func (m *model) lose(format string, args ...any) {
	m.losses = append(m.losses, fmt.Sprintf(format, args...))
}

// read merges the wire form of w into dst, a message of the reader's type, field by field in
// number order.
func (m *model) read(dst, w protoreflect.Message) {
	rfs := dst.Descriptor().Fields()
	for _, fv := range populated(w) {
		wf, v := fv.fd, fv.v
		rf := rfs.ByNumber(wf.Number())
		if rf == nil {
			continue // an unknown field to the reader
		}
		switch {
		case wf.IsMap() != rf.IsMap():
			m.lose("field %d: a map on one side only", wf.Number())
		case wf.IsMap():
			m.readMap(dst, rf, wf, v.Map())
		case wf.IsList() && wf.IsPacked() && !rf.IsList():
			// A packed list is one length-delimited record: a singular number cannot read it.
			m.lose("field %d: packed repeated %v read as singular %v", wf.Number(), wf.Kind(), rf.Kind())
		case wf.IsList():
			for i := 0; i < v.List().Len(); i++ {
				m.readOne(dst, rf, wf, v.List().Get(i))
			}
		default:
			m.readOne(dst, rf, wf, v)
		}
	}
}

// readOne reads one occurrence of writer field wf into reader field rf.
func (m *model) readOne(dst protoreflect.Message, rf, wf protoreflect.FieldDescriptor, v protoreflect.Value) {
	if isMessage(rf) || isMessage(wf) {
		if rf.Kind() != wf.Kind() {
			m.lose("field %d: %v read as %v", wf.Number(), wf.Kind(), rf.Kind())
			return
		}
		if rf.IsList() {
			e := dst.Mutable(rf).List().NewElement()
			m.read(e.Message(), v.Message())
			dst.Mutable(rf).List().Append(e)
			return
		}
		m.clearOneof(dst, rf, wf)
		m.read(dst.Mutable(rf).Message(), v.Message()) // a singular message merges
		return
	}
	rv, ok := m.convert(wf, rf, v)
	if !ok {
		return
	}
	if rf.IsList() {
		dst.Mutable(rf).List().Append(rv)
		return
	}
	m.clearOneof(dst, rf, wf)
	dst.Set(rf, rv) // last one wins
}

// clearOneof clears the other members of rf's oneof before writer field wf sets rf; a member
// set from another writer field is data lost.
func (m *model) clearOneof(dst protoreflect.Message, rf, wf protoreflect.FieldDescriptor) {
	o := rf.ContainingOneof()
	if o == nil {
		return
	}
	for i := 0; i < o.Fields().Len(); i++ {
		if f := o.Fields().Get(i); f != rf && dst.Has(f) {
			m.lose("writer field %d replaced field %d in the reader's oneof %s", wf.Number(), f.Number(), o.Name())
			dst.Clear(f)
		}
	}
}

func (m *model) readMap(dst protoreflect.Message, rf, wf protoreflect.FieldDescriptor, wm protoreflect.Map) {
	mp := dst.Mutable(rf).Map()
	seen := map[any]bool{}
	for _, k := range sortedKeys(wm) {
		rk, ok := m.convert(wf.MapKey(), rf.MapKey(), k.Value())
		if !ok {
			continue
		}
		key := rk.MapKey()
		var rv protoreflect.Value
		switch {
		case isMessage(rf.MapValue()) != isMessage(wf.MapValue()):
			m.lose("field %d: map value %v read as %v", wf.Number(), wf.MapValue().Kind(), rf.MapValue().Kind())
			continue
		case isMessage(rf.MapValue()):
			rv = mp.NewValue()
			m.read(rv.Message(), wm.Get(k).Message())
		default:
			if rv, ok = m.convert(wf.MapValue(), rf.MapValue(), wm.Get(k)); !ok {
				continue
			}
		}
		if seen[key.Interface()] {
			if m.skip[mp] == nil {
				m.skip[mp] = map[any]bool{}
			}
			m.skip[mp][key.Interface()] = true
		}
		seen[key.Interface()] = true
		mp.Set(key, rv)
	}
}

// wireValue is one scalar as the wire carries it.
type wireValue struct {
	typ   protowire.Type
	bits  uint64 // varint, fixed32 or fixed64
	bytes []byte
}

// encode writes a scalar as the encoding specification says.
func encode(f protoreflect.FieldDescriptor, v protoreflect.Value) wireValue {
	switch f.Kind() {
	case protoreflect.Int32Kind, protoreflect.Int64Kind:
		return wireValue{typ: protowire.VarintType, bits: uint64(v.Int())} // sign-extended
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		return wireValue{typ: protowire.VarintType, bits: v.Uint()}
	case protoreflect.BoolKind:
		if v.Bool() {
			return wireValue{typ: protowire.VarintType, bits: 1}
		}
		return wireValue{typ: protowire.VarintType}
	case protoreflect.EnumKind:
		return wireValue{typ: protowire.VarintType, bits: uint64(int64(v.Enum()))}
	case protoreflect.Sint32Kind:
		x := int32(v.Int())
		return wireValue{typ: protowire.VarintType, bits: uint64(uint32((x << 1) ^ (x >> 31)))}
	case protoreflect.Sint64Kind:
		x := v.Int()
		return wireValue{typ: protowire.VarintType, bits: uint64((x << 1) ^ (x >> 63))}
	case protoreflect.Fixed32Kind:
		return wireValue{typ: protowire.Fixed32Type, bits: v.Uint()}
	case protoreflect.Sfixed32Kind:
		return wireValue{typ: protowire.Fixed32Type, bits: uint64(uint32(v.Int()))}
	case protoreflect.FloatKind:
		return wireValue{typ: protowire.Fixed32Type, bits: uint64(math.Float32bits(float32(v.Float())))}
	case protoreflect.Fixed64Kind:
		return wireValue{typ: protowire.Fixed64Type, bits: v.Uint()}
	case protoreflect.Sfixed64Kind:
		return wireValue{typ: protowire.Fixed64Type, bits: uint64(v.Int())}
	case protoreflect.DoubleKind:
		return wireValue{typ: protowire.Fixed64Type, bits: math.Float64bits(v.Float())}
	case protoreflect.StringKind:
		return wireValue{typ: protowire.BytesType, bytes: []byte(v.String())}
	case protoreflect.BytesKind:
		return wireValue{typ: protowire.BytesType, bytes: v.Bytes()}
	}
	panic("cannot encode " + f.Kind().String())
}

// decode reads a wire scalar as kind f; ok is false when the wire type does not fit (the
// reader keeps it as an unknown field) or a closed enum does not declare the number (the
// specification moves it to the unknown fields).
func decode(f protoreflect.FieldDescriptor, w wireValue) (protoreflect.Value, bool) {
	want := protowire.VarintType
	switch f.Kind() {
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind, protoreflect.FloatKind:
		want = protowire.Fixed32Type
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind, protoreflect.DoubleKind:
		want = protowire.Fixed64Type
	case protoreflect.StringKind, protoreflect.BytesKind:
		want = protowire.BytesType
	}
	if w.typ != want {
		return protoreflect.Value{}, false
	}
	u := w.bits
	switch f.Kind() {
	case protoreflect.Int32Kind:
		return protoreflect.ValueOfInt32(int32(u)), true
	case protoreflect.Int64Kind:
		return protoreflect.ValueOfInt64(int64(u)), true
	case protoreflect.Uint32Kind:
		return protoreflect.ValueOfUint32(uint32(u)), true
	case protoreflect.Uint64Kind:
		return protoreflect.ValueOfUint64(u), true
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(u != 0), true
	case protoreflect.EnumKind:
		n := protoreflect.EnumNumber(int32(u))
		if f.Enum().IsClosed() && f.Enum().Values().ByNumber(n) == nil {
			return protoreflect.Value{}, false
		}
		return protoreflect.ValueOfEnum(n), true
	case protoreflect.Sint32Kind:
		x := uint32(u)
		return protoreflect.ValueOfInt32(int32(x>>1) ^ -int32(x&1)), true
	case protoreflect.Sint64Kind:
		return protoreflect.ValueOfInt64(int64(u>>1) ^ -int64(u&1)), true
	case protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(u)), true
	case protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(uint32(u))), true
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(math.Float32frombits(uint32(u))), true
	case protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(u), true
	case protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(int64(u)), true
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(math.Float64frombits(u)), true
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(string(w.bytes)), true
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes(w.bytes), true
	}
	panic("cannot decode " + f.Kind().String())
}

// convert passes a writer scalar through the wire to the reader's kind, and notes a loss when
// the reader drops it or reads another value than the writer's. Integers are preserved when
// the writer's number fits the reader's type; one that does not fit is truncated as a C cast
// does, which is the documented semantics of the int32/int64/uint32/uint64/bool group and of
// sint32/sint64, fixed32/sfixed32 and fixed64/sfixed64, and not a loss.
func (m *model) convert(wf, rf protoreflect.FieldDescriptor, v protoreflect.Value) (protoreflect.Value, bool) {
	rv, ok := decode(rf, encode(wf, v))
	if !ok {
		m.lose("field %d: %v %v is not read as %v", wf.Number(), wf.Kind(), v, rf.Kind())
		return rv, false
	}
	if !preserved(wf, rf, v, rv) {
		m.lose("field %d: %v %v is read as %v %v", wf.Number(), wf.Kind(), v, rf.Kind(), rv)
	}
	return rv, true
}

func preserved(wf, rf protoreflect.FieldDescriptor, wv, rv protoreflect.Value) bool {
	wn, wok := number(wf, wv)
	rn, rok := number(rf, rv)
	switch {
	case wok && rok:
		lo, hi := bounds(rf.Kind())
		if wn.Cmp(lo) < 0 || wn.Cmp(hi) > 0 {
			return true // truncated, by the conversion semantics
		}
		return wn.Cmp(rn) == 0
	case wok || rok:
		return false
	}
	switch wf.Kind() {
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return wf.Kind() == rf.Kind() && math.Float64bits(wv.Float()) == math.Float64bits(rv.Float())
	case protoreflect.StringKind, protoreflect.BytesKind:
		return bytes.Equal(encode(wf, wv).bytes, encode(rf, rv).bytes)
	}
	return false
}

// number returns an integer-like scalar (bool and enums included) as a big integer.
func number(f protoreflect.FieldDescriptor, v protoreflect.Value) (*big.Int, bool) {
	switch f.Kind() {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Sint32Kind, protoreflect.Sint64Kind,
		protoreflect.Sfixed32Kind, protoreflect.Sfixed64Kind:
		return big.NewInt(v.Int()), true
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind, protoreflect.Fixed32Kind, protoreflect.Fixed64Kind:
		return new(big.Int).SetUint64(v.Uint()), true
	case protoreflect.BoolKind:
		if v.Bool() {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	case protoreflect.EnumKind:
		return big.NewInt(int64(v.Enum())), true
	}
	return nil, false
}

// bounds is the range of an integer-like kind.
func bounds(k protoreflect.Kind) (lo, hi *big.Int) {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind, protoreflect.EnumKind:
		return big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return big.NewInt(0), big.NewInt(math.MaxUint32)
	case protoreflect.BoolKind:
		return big.NewInt(0), big.NewInt(1)
	}
	return big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)
}

type fieldValue struct {
	fd protoreflect.FieldDescriptor
	v  protoreflect.Value
}

// populated lists the set fields of m (known ones only) in number order.
func populated(m protoreflect.Message) []fieldValue {
	var out []fieldValue
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		out = append(out, fieldValue{fd, v})
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].fd.Number() < out[j].fd.Number() })
	return out
}

func sortedKeys(mp protoreflect.Map) []protoreflect.MapKey {
	var keys []protoreflect.MapKey
	mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
		keys = append(keys, k)
		return true
	})
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i].Interface()) < fmt.Sprint(keys[j].Interface()) })
	return keys
}

// diff describes the first difference between two messages of one type, ignoring unknown
// fields and the map keys the model marked as ambiguous in want; "" means equal.
func (m *model) diff(path string, want, got protoreflect.Message) string {
	fs := want.Descriptor().Fields()
	for i := 0; i < fs.Len(); i++ {
		f := fs.Get(i)
		p := fmt.Sprintf("%s/%s", path, f.Name())
		if want.Has(f) != got.Has(f) {
			return fmt.Sprintf("%s: set %v, want set %v (want %v, got %v)", p, got.Has(f), want.Has(f), want.Get(f), got.Get(f))
		}
		if !want.Has(f) {
			continue
		}
		wv, gv := want.Get(f), got.Get(f)
		switch {
		case f.IsMap():
			wm, gm := wv.Map(), gv.Map()
			skip := m.skip[wm]
			var d string
			gm.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				if !wm.Has(k) {
					d = fmt.Sprintf("%s[%v]: unexpected entry", p, k)
				}
				return d == ""
			})
			wm.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
				if skip[k.Interface()] {
					return true
				}
				if !gm.Has(k) {
					d = fmt.Sprintf("%s[%v]: missing", p, k)
					return false
				}
				d = m.value(fmt.Sprintf("%s[%v]", p, k), f.MapValue(), v, gm.Get(k))
				return d == ""
			})
			if d != "" {
				return d
			}
		case f.IsList():
			wl, gl := wv.List(), gv.List()
			if wl.Len() != gl.Len() {
				return fmt.Sprintf("%s: %d elements, want %d", p, gl.Len(), wl.Len())
			}
			for j := 0; j < wl.Len(); j++ {
				if d := m.value(fmt.Sprintf("%s[%d]", p, j), f, wl.Get(j), gl.Get(j)); d != "" {
					return d
				}
			}
		default:
			if d := m.value(p, f, wv, gv); d != "" {
				return d
			}
		}
	}
	return ""
}

func (m *model) value(p string, f protoreflect.FieldDescriptor, want, got protoreflect.Value) string {
	eq := true
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return m.diff(p, want.Message(), got.Message())
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		eq = math.Float64bits(want.Float()) == math.Float64bits(got.Float())
	case protoreflect.BytesKind:
		eq = bytes.Equal(want.Bytes(), got.Bytes())
	case protoreflect.StringKind:
		eq = want.String() == got.String()
	default:
		eq = want.Interface() == got.Interface()
	}
	if !eq {
		return fmt.Sprintf("%s = %v, want %v", p, got, want)
	}
	return ""
}

// TestOracleCatchesBreaks shows the oracle is not blind: pairs the checker refuses do fail it.
func TestOracleCatchesBreaks(t *testing.T) {
	for _, c := range []struct{ name, old, new string }{
		{"int32 to sint32", order("int32 n = 1;"), order("sint32 n = 1;")},
		{"fixed32 to fixed64", order("fixed32 n = 1;"), order("fixed64 n = 1;")},
		{"repeated int32 to singular", order("repeated int32 n = 1;"), order("int32 n = 1;")},
		{"two fields into a oneof", order("int32 a = 1; int32 b = 2;"), order("oneof o { int32 a = 1; int32 b = 2; }")},
	} {
		t.Run(c.name, func(t *testing.T) {
			reader, writer := mustParse(t, c.new), mustParse(t, c.old)
			if found, _ := (protobuf.Handler{}).CanRead(reader, writer); len(found) == 0 {
				t.Fatal("the checker accepts the pair")
			}
			if res := runOracle(t, reader, writer); res.binaryFailures == 0 {
				t.Error("the oracle sees no difference")
			}
		})
	}
}
