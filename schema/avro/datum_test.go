package avro

import (
	"math/rand/v2"
	"reflect"
)

// datumGen generates random datums for a schema of our model, as the generic Go values
// hamba/avro encodes: records and maps as map[string]any, arrays as []any, unions as
// map[string]any{branchName: value}, fixed as [N]byte. Recursion is bounded: past maxDepth a
// union takes its cheapest branch and arrays and maps are empty.
type datumGen struct {
	rnd      *rand.Rand
	maxDepth int
}

func newDatumGen(seed uint64) *datumGen {
	return &datumGen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), maxDepth: 4}
}

// value returns a random value of n; ok is false when n has no values (an empty union).
func (g *datumGen) value(n *node, depth int) (v any, ok bool) {
	switch n.kind {
	case kindNull:
		return nil, true
	case kindBoolean:
		return g.rnd.IntN(2) == 1, true
	case kindInt:
		return int32(g.rnd.Uint32()), true
	case kindLong:
		return int64(g.rnd.Uint64()), true
	case kindFloat:
		return float32(g.rnd.NormFloat64() * 1000), true
	case kindDouble:
		return g.rnd.NormFloat64() * 1e6, true
	case kindBytes:
		b := make([]byte, g.rnd.IntN(8))
		for i := range b {
			b[i] = byte(g.rnd.Uint32())
		}
		return b, true
	case kindString:
		return g.str(), true
	case kindEnum:
		if len(n.symbols) == 0 {
			return nil, false
		}
		return n.symbols[g.rnd.IntN(len(n.symbols))], true
	case kindFixed:
		arr := reflect.New(reflect.ArrayOf(n.size, reflect.TypeFor[byte]())).Elem()
		for i := 0; i < n.size; i++ {
			arr.Index(i).SetUint(uint64(g.rnd.Uint32() & 0xff))
		}
		return arr.Interface(), true
	case kindArray:
		out := []any{}
		for i := g.count(depth); i > 0; i-- {
			e, ok := g.value(n.items, depth+1)
			if !ok {
				break
			}
			out = append(out, e)
		}
		return out, true
	case kindMap:
		out := map[string]any{}
		for i := g.count(depth); i > 0; i-- {
			e, ok := g.value(n.values, depth+1)
			if !ok {
				break
			}
			out[g.str()] = e
		}
		return out, true
	case kindUnion:
		if len(n.branches) == 0 {
			return nil, false
		}
		b := n.branches[g.rnd.IntN(len(n.branches))]
		if depth >= g.maxDepth {
			b = cheapest(n.branches)
		}
		e, ok := g.value(b, depth+1)
		if !ok {
			return nil, false
		}
		return map[string]any{b.typeName(): e}, true
	}
	out := make(map[string]any, len(n.fields))
	for _, f := range n.fields {
		e, ok := g.value(f.typ, depth+1)
		if !ok {
			return nil, false
		}
		out[f.name] = e
	}
	return out, true
}

func (g *datumGen) count(depth int) int {
	if depth >= g.maxDepth {
		return 0
	}
	return g.rnd.IntN(4)
}

func (g *datumGen) str() string {
	const alphabet = "abcXYZ_019 é✓"
	r := []rune(alphabet)
	out := make([]rune, g.rnd.IntN(6))
	for i := range out {
		out[i] = r[g.rnd.IntN(len(r))]
	}
	return string(out)
}

// cheapest picks the union branch least likely to recurse: a primitive, then an array or map
// (generated empty), then the rest.
func cheapest(branches []*node) *node {
	for _, b := range branches {
		if b.kind.primitive() {
			return b
		}
	}
	for _, b := range branches {
		if b.kind == kindArray || b.kind == kindMap || b.kind == kindEnum || b.kind == kindFixed {
			return b
		}
	}
	return branches[0]
}

// recursive reports whether a named type in n's graph refers back to itself.
func recursive(n *node) bool {
	return findCycle(n, map[*node]int{})
}

func findCycle(n *node, state map[*node]int) bool {
	if n.kind.named() {
		switch state[n] {
		case 1:
			return true
		case 2:
			return false
		}
		state[n] = 1
		defer func() { state[n] = 2 }()
	}
	switch n.kind {
	case kindArray:
		return findCycle(n.items, state)
	case kindMap:
		return findCycle(n.values, state)
	case kindUnion:
		for _, b := range n.branches {
			if findCycle(b, state) {
				return true
			}
		}
	case kindRecord:
		for _, f := range n.fields {
			if findCycle(f.typ, state) {
				return true
			}
		}
	}
	return false
}
