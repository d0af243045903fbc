package schema

// PairMemo memoises a recursive walk over (reader, writer) node pairs, for checkers of formats
// whose types can recur (Avro named types, JSON Schema $refs). It serves one check: a pair met
// again while it is being checked counts as compatible (the recursion's assumption), a decided
// pair answers from memory, and a pair's findings are reported only once however often the
// pair is met. The zero value is ready to use.
type PairMemo[K comparable] struct {
	m map[K]*pairState
}

type pairVerdict uint8

const (
	verdictUnknown pairVerdict = iota
	verdictInProgress
	verdictCompatible
	verdictIncompatible
)

type pairState struct {
	verdict  pairVerdict
	reported bool // the pair's findings were emitted, or are being emitted
}

// Visit returns the verdict of the pair named by key, calling compute(report) to decide it when
// memory cannot answer. With report set, the caller wants findings: compute runs once per pair
// in reporting mode, and a pair already reported answers from memory without reporting again.
// Without it, only the verdict is wanted, and a pair in progress counts as compatible.
func (p *PairMemo[K]) Visit(key K, report bool, compute func(report bool) bool) bool {
	if p.m == nil {
		p.m = map[K]*pairState{}
	}
	st := p.m[key]
	if st == nil {
		st = &pairState{}
		p.m[key] = st
	}
	if report {
		if st.reported {
			return st.verdict != verdictIncompatible
		}
		st.reported = true
		if st.verdict == verdictUnknown {
			st.verdict = verdictInProgress
		}
	} else {
		switch st.verdict {
		case verdictCompatible, verdictInProgress:
			return true
		case verdictIncompatible:
			return false
		}
		st.verdict = verdictInProgress
	}
	ok := compute(report)
	st.verdict = verdictIncompatible
	if ok {
		st.verdict = verdictCompatible
	}
	return ok
}
