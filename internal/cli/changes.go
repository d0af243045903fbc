package cli

import (
	"strings"

	"github.com/cartaschema/carta/schema"
)

// change is one element that differs between two schemas: a field, a type, a default, an enum
// symbol, a union branch, a message.
type change struct {
	// Kind is "added", "removed" or "changed".
	Kind string `json:"change"`
	// Element names what changed, e.g. `field "settlement_currency"` or `type of field "amount"`.
	Element string `json:"element"`
	// OldPath and NewPath locate the element in each schema; one is empty for an addition
	// or a removal.
	OldPath string `json:"old_path,omitempty"`
	NewPath string `json:"new_path,omitempty"`
	// Old and New render the element's before and after, briefly.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Backward, Forward and Full are "compatible", "breaking" or "unknown" (no checker).
	Backward string `json:"backward"`
	Forward  string `json:"forward"`
	Full     string `json:"full"`
	// Findings are the engine's incompatibilities attributed to this change.
	Findings []schema.Incompatibility `json:"findings"`
}

// path returns the path to show: the new one, or the old one for a removal.
func (c *change) path() string {
	if c.NewPath != "" || c.Kind == "added" {
		return orRoot(c.NewPath)
	}
	return orRoot(c.OldPath)
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// changeList collects changes while a differ walks two schemas.
type changeList []*change

func (l *changeList) add(kind, element, oldPath, newPath, old, new string) {
	*l = append(*l, &change{Kind: kind, Element: element, OldPath: oldPath, NewPath: newPath, Old: old, New: new})
}

// attribute marks each change compatible or breaking under BACKWARD, FORWARD and FULL.
//
// The marks come from the engine, not from a second set of rules: the new schema is checked
// as the reader of the old one (BACKWARD) and the old one as the reader of the new (FORWARD),
// and each finding is given to the change at its path. A finding's path is in the schema that
// reads (Avro: the new schema for BACKWARD, the old for FORWARD; Protobuf and JSON Schema paths
// name the element on both sides), so it goes to the change whose path on that side is the
// finding's path or its nearest ancestor; failing that, to every change below the finding's
// path (a record renamed under a field's type); failing that, it is left unattributed and
// reported on its own. FULL is breaking when either direction is.
func attribute(changes []*change, format schema.Format, backward, forward []schema.Incompatibility, checked bool) []schema.Incompatibility {
	for _, c := range changes {
		c.Backward, c.Forward, c.Full = "compatible", "compatible", "compatible"
		if !checked {
			c.Backward, c.Forward, c.Full = "unknown", "unknown", "unknown"
		}
		c.Findings = []schema.Incompatibility{}
	}
	var rest []schema.Incompatibility
	for _, f := range append(append([]schema.Incompatibility{}, backward...), forward...) {
		targets := owners(changes, format, f)
		if len(targets) == 0 {
			rest = append(rest, f)
			continue
		}
		for _, c := range targets {
			c.Findings = append(c.Findings, f)
			if f.Direction == schema.DirBackward {
				c.Backward = "breaking"
			} else {
				c.Forward = "breaking"
			}
			c.Full = "breaking"
		}
	}
	return rest
}

// owners returns the changes a finding belongs to (see attribute). It tries, in order: the
// change at the finding's path or its nearest ancestor on the side that reads; the same on the
// other side (a writer's union branch or symbol named by the reader's path); every change
// below the finding's path on either side.
func owners(changes []*change, format schema.Format, f schema.Incompatibility) []*change {
	// side returns the path of c on the reading side (primary) or the other one. An empty path
	// is the root only for a change at the root, never for an addition's missing old side.
	side := func(c *change, primary bool) (string, bool) {
		p := c.OldPath
		if (format != schema.Avro || f.Direction == schema.DirBackward) == primary {
			p = c.NewPath
		}
		return p, p != "" || (c.OldPath == "" && c.NewPath == "")
	}
	fp := strings.TrimPrefix(f.Path, "#")
	for _, primary := range []bool{true, false} {
		var best *change
		bestLen := -1
		for _, c := range changes {
			if p, ok := side(c, primary); ok && below(fp, p) && len(p) > bestLen {
				best, bestLen = c, len(p)
			}
		}
		if best != nil {
			return []*change{best}
		}
	}
	if fp == "" || fp == "/" {
		return nil
	}
	var under []*change
	for _, c := range changes {
		for _, primary := range []bool{true, false} {
			if p, ok := side(c, primary); ok && p != fp && below(p, fp) {
				under = append(under, c)
				break
			}
		}
	}
	return under
}

// below reports whether the JSON pointer p is anc or lies below it.
func below(p, anc string) bool {
	return p == anc || anc == "" || anc == "/" || strings.HasPrefix(p, anc+"/")
}
