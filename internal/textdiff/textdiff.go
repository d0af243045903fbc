// Package textdiff renders unified diffs of two texts, line by line.
package textdiff

import (
	"fmt"
	"strings"
)

// maxEdits bounds the Myers search; beyond it the differing middle is shown as replaced
// wholesale, which keeps time and memory bounded for unrelated inputs.
const maxEdits = 4000

type opKind byte

const (
	opEqual opKind = ' '
	opDel   opKind = '-'
	opIns   opKind = '+'
)

type op struct {
	kind opKind
	line string
}

// Unified returns a unified diff (as `diff -u` prints it) from text a, named aName, to text b,
// named bName, with the given number of context lines. Identical texts give "".
func Unified(aName, bName, a, b string, context int) string {
	al, bl := splitLines(a), splitLines(b)
	ops := diffLines(al, bl)
	changed := false
	for _, o := range ops {
		if o.kind != opEqual {
			changed = true
			break
		}
	}
	if !changed {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	// Walk the ops, grouping changes that lie within 2*context lines of each other.
	i := 0
	aLine, bLine := 1, 1
	for i < len(ops) {
		if ops[i].kind == opEqual {
			i++
			aLine++
			bLine++
			continue
		}
		start := i
		ctxBefore := min(context, countEqualBefore(ops, i))
		start -= ctxBefore
		hunkA, hunkB := aLine-ctxBefore, bLine-ctxBefore
		end := i
		for end < len(ops) {
			if ops[end].kind != opEqual {
				end++
				continue
			}
			run := 0
			for end+run < len(ops) && ops[end+run].kind == opEqual {
				run++
			}
			if end+run == len(ops) || run > 2*context {
				end += min(run, context)
				break
			}
			end += run
		}
		var na, nb int
		var body strings.Builder
		for _, o := range ops[start:end] {
			body.WriteByte(byte(o.kind))
			body.WriteString(o.line)
			body.WriteByte('\n')
			if o.kind != opIns {
				na++
			}
			if o.kind != opDel {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(hunkA, na), hunkRange(hunkB, nb))
		out.WriteString(body.String())
		for _, o := range ops[i:end] {
			if o.kind != opIns {
				aLine++
			}
			if o.kind != opDel {
				bLine++
			}
		}
		i = end
	}
	return out.String()
}

func countEqualBefore(ops []op, i int) int {
	n := 0
	for j := i - 1; j >= 0 && ops[j].kind == opEqual; j-- {
		n++
	}
	return n
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start-1)
	}
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// diffLines returns an edit script from a to b: common prefix and suffix are matched first,
// the middle with Myers' O(ND) algorithm.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for _, l := range a[:pre] {
		ops = append(ops, op{opEqual, l})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{opEqual, l})
	}
	return ops
}

func myers(a, b []string) []op {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	max := n + m
	if max > maxEdits {
		max = maxEdits
	}
	offset := max + 1
	v := make([]int, 2*max+3)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		snap := make([]int, len(v))
		copy(snap, v)
		trace = append(trace, snap)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		ops := make([]op, 0, n+m)
		for _, l := range a {
			ops = append(ops, op{opDel, l})
		}
		for _, l := range b {
			ops = append(ops, op{opIns, l})
		}
		return ops
	}
	// Backtrack through the saved frontiers.
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && vd[offset+k-1] < vd[offset+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[offset+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, op{opEqual, a[x]})
		}
		if d > 0 {
			if x == prevX {
				y--
				rev = append(rev, op{opIns, b[y]})
			} else {
				x--
				rev = append(rev, op{opDel, a[x]})
			}
		}
	}
	ops := make([]op, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}
