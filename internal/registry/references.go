package registry

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// Bounds of a definition's references, so that no chain of references (a hostile import, a
// corrupted store) makes a registration do unbounded work.
const (
	// maxReferenceDepth is the longest chain of references followed.
	maxReferenceDepth = 32
	// maxReferences is the most versions one definition may refer to, directly or not.
	maxReferences = 1000
)

// refResolver resolves the references of one definition from the store: it loads every version
// they name, directly or through another reference, checks that each exists, that no chain
// comes back to where it started and that one name never means two versions, and parses each
// with its own references.
type refResolver struct {
	s      *Service
	ctx    context.Context
	tx     Tx
	format schema.Format
	// byName maps a reference name to the version ID it resolved to.
	byName  map[string]string
	onStack map[string]bool
	flat    []schema.Reference
}

// resolveReferences resolves the direct references refs of a new definition of format: a
// Version of 0 or -1 names the newest version of its schema that is not soft-deleted, a number
// that version, which must be AVAILABLE and not soft-deleted. It returns every reference for
// the parser (schema.ReferenceParser), refs with their version numbers resolved, and the key
// that makes a content with references other content than the same text without (or with
// other ones). A reference that cannot be resolved is CodeInvalid.
func (s *Service) resolveReferences(ctx context.Context, tx Tx, format schema.Format, refs []SchemaReference, stored bool) ([]schema.Reference, []SchemaReference, string, error) {
	r := &refResolver{s: s, ctx: ctx, tx: tx, format: format, byName: map[string]string{}, onStack: map[string]bool{}}
	resolved := make([]SchemaReference, 0, len(refs))
	keys := make([]string, 0, len(refs))
	for _, ref := range refs {
		if ref.Name == "" {
			return nil, nil, "", Errorf(CodeInvalid, "A schema reference needs a name: the name the definition uses for it.")
		}
		v, err := r.version(ref, stored)
		if err != nil {
			return nil, nil, "", err
		}
		if err := r.visit(ref.Name, v, 1); err != nil {
			return nil, nil, "", err
		}
		resolved = append(resolved, SchemaReference{Name: ref.Name, Registry: v.Registry, Schema: v.Schema, Version: v.Number})
		keys = append(keys, ref.Name+"\x00"+strconv.FormatInt(v.ContentID, 10))
	}
	sort.Strings(keys)
	key := ""
	if len(keys) > 0 {
		key = "\x00references\x00" + strings.Join(keys, "\x00")
	}
	return r.flat, resolved, key, nil
}

// version finds the version a reference names. A reference stored with a version may name a
// soft-deleted version; a new one may not.
func (r *refResolver) version(ref SchemaReference, stored bool) (*Version, error) {
	what := fmt.Sprintf("Schema reference %q to subject %s (registry %s)", ref.Name, ref.Schema, ref.Registry)
	sc, err := r.tx.GetSchema(r.ctx, ref.Registry, ref.Schema)
	if errors.Is(err, ErrNotExist) {
		return nil, Errorf(CodeInvalid, "%s: no such subject.", what)
	}
	if err != nil {
		return nil, err
	}
	var v *Version
	if ref.Version <= 0 {
		if v, err = r.s.latestAvailable(r.ctx, r.tx, sc); err != nil {
			return nil, err
		}
	} else {
		v, err = r.tx.GetVersionByNumber(r.ctx, ref.Registry, ref.Schema, ref.Version)
		if err != nil && !errors.Is(err, ErrNotExist) {
			return nil, err
		}
	}
	switch {
	case v == nil || v.Status != StatusAvailable:
		return nil, Errorf(CodeInvalid, "%s: version %s not found.", what, versionText(ref.Version))
	case v.Deleted && !stored:
		return nil, Errorf(CodeInvalid, "%s: version %d is soft-deleted.", what, v.Number)
	case v.Format != r.format:
		return nil, Errorf(CodeInvalid, "%s: version %d is %s, but the definition is %s; a reference is of the definition's format.", what, v.Number, v.Format, r.format)
	}
	return v, nil
}

func versionText(n int64) string {
	if n <= 0 {
		return "latest"
	}
	return strconv.FormatInt(n, 10)
}

// visit adds v, named name, and its own references (first) to the flattened list.
func (r *refResolver) visit(name string, v *Version, depth int) error {
	if prev, ok := r.byName[name]; ok {
		if prev != v.ID {
			return Errorf(CodeInvalid, "Schema reference %q names two versions (%s and %s version %d): a name means one schema.", name, prev, v.Schema, v.Number)
		}
		return nil
	}
	if r.onStack[v.ID] {
		return Errorf(CodeInvalid, "Schema references form a cycle: version %d of %s refers back to itself through %q.", v.Number, v.Schema, name)
	}
	if depth > maxReferenceDepth {
		return Errorf(CodeInvalid, "Schema references are nested more than %d deep.", maxReferenceDepth)
	}
	if len(r.byName) >= maxReferences {
		return Errorf(CodeInvalid, "A definition may refer to at most %d schemas, directly or not.", maxReferences)
	}
	r.onStack[v.ID] = true
	for _, child := range v.References {
		cv, err := r.version(child, true)
		if err != nil {
			return err
		}
		if err := r.visit(child.Name, cv, depth+1); err != nil {
			return err
		}
	}
	delete(r.onStack, v.ID)
	r.byName[name] = v.ID
	p, err := r.s.parseStored(r.ctx, r.tx, v)
	if err != nil {
		return err
	}
	r.flat = append(r.flat, schema.Reference{Name: name, Definition: v.Definition, Schema: p})
	return nil
}

// parseWithReferences parses a definition of format with its references resolved from the
// store, and returns the references with their numbers resolved and the content key they add
// (see resolveReferences). Without references it is parse.
func (s *Service) parseWithReferences(ctx context.Context, tx Tx, format schema.Format, definition string, refs []SchemaReference, stored bool) (schema.Schema, []SchemaReference, string, error) {
	if len(refs) == 0 {
		p, err := s.parse(format, definition)
		return p, nil, "", err
	}
	h, ok := s.handlers[format].(schema.ReferenceParser)
	if !ok {
		return nil, nil, "", Errorf(CodeInvalid, "%s definitions cannot have references.", format)
	}
	flat, resolved, key, err := s.resolveReferences(ctx, tx, format, refs, stored)
	if err != nil {
		return nil, nil, "", err
	}
	p, err := h.ParseWithReferences(definition, flat, s.limits)
	if err != nil {
		var pe *schema.ParseError
		if errors.As(err, &pe) {
			return nil, nil, "", &Error{Code: CodeInvalid, Message: fmt.Sprintf("Schema definition of %s data format is invalid: %s", format, err)}
		}
		return nil, nil, "", err
	}
	return p, resolved, key, nil
}

// candidateWithReferences parses a new definition with its references in a read transaction of
// its own (parsing is the expensive part; it stays out of the write transaction).
func (s *Service) candidateWithReferences(ctx context.Context, format schema.Format, definition string, refs []SchemaReference) (schema.Schema, []SchemaReference, string, error) {
	if len(refs) == 0 {
		p, err := s.parse(format, definition)
		return p, nil, "", err
	}
	var (
		p        schema.Schema
		resolved []SchemaReference
		key      string
	)
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		p, resolved, key, err = s.parseWithReferences(ctx, tx, format, definition, refs, false)
		return err
	})
	return p, resolved, key, err
}

// checkReferencesExist checks, inside a write transaction, that the versions a candidate's
// resolved references name are still there and not soft-deleted.
func (s *Service) checkReferencesExist(ctx context.Context, tx Tx, refs []SchemaReference) error {
	for _, ref := range refs {
		v, err := tx.GetVersionByNumber(ctx, ref.Registry, ref.Schema, ref.Version)
		if errors.Is(err, ErrNotExist) || err == nil && (v.Deleted || v.Status != StatusAvailable) {
			return Errorf(CodeInvalid, "Schema reference %q: version %d of subject %s was deleted meanwhile.", ref.Name, ref.Version, ref.Schema)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// referrers returns the versions whose references name a version of the schema ref with a
// number in numbers (every number when numbers is nil), leaving out the versions of ref itself
// when ownToo is false. live keeps only AVAILABLE versions that are not soft-deleted.
func referrers(ctx context.Context, tx Tx, ref SchemaRef, numbers map[int64]bool, ownToo, live bool) ([]Version, error) {
	all, err := tx.ListVersionSummaries(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []Version
	for _, v := range all {
		if live && (v.Deleted || v.Status != StatusAvailable) || !ownToo && v.Registry == ref.Registry && v.Schema == ref.Name {
			continue
		}
		for _, r := range v.References {
			if r.Registry == ref.Registry && r.Schema == ref.Name && (numbers == nil || numbers[r.Version]) {
				out = append(out, v)
				break
			}
		}
	}
	return out, nil
}

// refusedReferenced is the refusal to delete versions other versions refer to.
func refusedReferenced(ref SchemaRef, by []Version) error {
	names := make([]string, 0, len(by))
	for i, v := range by {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(by)-3))
			break
		}
		names = append(names, fmt.Sprintf("%s version %d", v.Schema, v.Number))
	}
	return Errorf(CodeReferenced, "One or more references exist to the schema {subject=%s, registry=%s}: %s refer to it; delete them first.",
		ref.Name, ref.Registry, strings.Join(names, ", "))
}

// ReferencedBy returns the content IDs of the AVAILABLE versions, soft-deleted ones included
// only with includeDeleted, whose references name the given version of a subject, in ID order.
func (s *Service) ReferencedBy(ctx context.Context, ref SchemaRef, sel VersionSelector, includeDeleted bool) ([]int64, error) {
	var out []int64
	err := s.store.View(ctx, func(tx Tx) error {
		v, err := s.subjectVersion(ctx, tx, ref, sel, includeDeleted)
		if err != nil {
			return err
		}
		by, err := referrers(ctx, tx, ref, map[int64]bool{v.Number: true}, true, !includeDeleted)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, b := range by {
			if b.Status == StatusAvailable && !seen[b.ContentID] {
				seen[b.ContentID] = true
				out = append(out, b.ContentID)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "ReferencedBy", err)
	}
	return out, nil
}
