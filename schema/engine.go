package schema

import (
	"fmt"
	"strings"
)

// Versioned is a registered schema together with its version number.
type Versioned struct {
	Version int64
	Schema  Schema
}

// Check runs the compatibility check that mode demands of candidate against history, which
// holds the versions eligible for checking (available versions from the checkpoint on), oldest
// first. Non-transitive modes use only the newest entry; transitive modes use every entry and
// report the incompatibilities found against each of them (they do not stop at the first
// failing version). NONE and DISABLED, or an empty history, check nothing. opts reach handlers
// that implement OptionsChecker.
//
// The result is in a deterministic order: by version (newest first), then direction (BACKWARD
// before FORWARD), then the handler's own walk order.
func Check(h Handler, mode Mode, candidate Schema, history []Versioned, opts CheckOptions) ([]Incompatibility, error) {
	if !mode.NeedsCheck() || len(history) == 0 {
		return nil, nil
	}
	against := history
	if !mode.Transitive() {
		against = history[len(history)-1:]
	}
	var out []Incompatibility
	for i := len(against) - 1; i >= 0; i-- {
		old := against[i]
		for _, dir := range mode.Directions() {
			reader, writer := candidate, old.Schema
			if dir == DirForward {
				reader, writer = old.Schema, candidate
			}
			var found []Incompatibility
			var err error
			if oc, ok := h.(OptionsChecker); ok {
				found, err = oc.CanReadWith(reader, writer, opts)
			} else {
				found, err = h.CanRead(reader, writer)
			}
			if err != nil {
				return nil, err
			}
			sides := sideNames(dir, old.Version)
			for _, f := range found {
				f.Direction = dir
				f.Version = old.Version
				f.Message = sides.Replace(f.Message)
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// sideNames rewrites a handler's "reader"/"writer" wording into the names a user knows: the new
// schema and the version it was checked against.
func sideNames(dir Direction, version int64) *strings.Replacer {
	oldName := "the old schema"
	if version > 0 {
		oldName = fmt.Sprintf("version %d", version)
	}
	reader, writer := "the new schema", oldName
	if dir == DirForward {
		reader, writer = oldName, "the new schema"
	}
	return strings.NewReplacer(
		"the reader schema", reader+" (the reader)",
		"the writer schema", writer+" (the writer)",
	)
}
