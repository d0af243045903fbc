package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// This file holds the use cases of the Confluent dialect, where a schema is a subject. A
// subject's versions are the schema's AVAILABLE versions: FAILURE versions (Glue's record of a
// refused registration) never appear. Version numbers are the Glue numbers, so a subject's
// numbers have a gap where a FAILURE version sits. A subject exists while it has an AVAILABLE
// version that is not soft-deleted; a subject whose versions are all soft-deleted is
// soft-deleted itself.

// RegisterInput is the input of Register.
type RegisterInput struct {
	Ref    SchemaRef
	Format schema.Format
	// Definition is the schema text.
	Definition string
	// Normalize overrides the subject's normalize setting when not nil: a normalized
	// definition is stored in its canonical form.
	Normalize *bool
	// ContractMetadata and ContractRuleSet are stored with a new version as they are.
	ContractMetadata, ContractRuleSet string
	// ID and Version, when not 0, are kept by a registration in IMPORT mode (see Register);
	// in another mode they are CodeNotPermitted.
	ID, Version int64
	// References name the versions the definition refers to (see resolveReferences: a
	// Version of 0 or -1 is the newest); the version stores them with their numbers.
	References []SchemaReference
}

// Register registers a definition under a subject the way a Confluent registry does: it
// creates the schema (and its registry) on the first registration, with the compatibility the
// subject's config resolves to; it returns the existing version when the subject has one with
// the same normalized definition that is not soft-deleted; and it refuses an incompatible
// definition with CodeIncompatible, storing nothing, whatever the server does for the Glue
// dialect. A definition of another format than the subject's is incompatible too.
//
// The subject's mode governs it: READONLY refuses it (CodeNotPermitted); IMPORT registers
// without a compatibility check and keeps in.ID and in.Version, for a migration from another
// registry: a version number must be above every number the subject has used, and an ID must
// be free or already the ID of the same content (CodeAlreadyExists when the content has
// another ID, CodeNotPermitted when the ID is another content's).
func (s *Service) Register(ctx context.Context, in RegisterInput) (*RegisterResult, error) {
	if !in.Format.Valid() {
		return nil, Errorf(CodeInvalid, "Data format %q is not valid.", in.Format)
	}
	parsed, refs, refKey, err := s.candidateWithReferences(ctx, in.Format, in.Definition, in.References)
	if err != nil {
		return nil, s.fault(ctx, "Register", err)
	}
	normalize := false
	if in.Normalize != nil {
		normalize = *in.Normalize
	} else {
		eff, err := s.ResolveConfig(ctx, in.Ref.Registry, in.Ref.Name)
		if err != nil {
			return nil, err
		}
		normalize = eff.Normalize
	}
	def := in.Definition
	if normalize && len(refs) == 0 {
		// With references the canonical form is the resolved schema, which is no longer
		// the definition that goes with them: the text stays as given.
		def = s.normalizedDefinition(in.Format, def, parsed)
	}
	return s.register(ctx, registration{ref: in.Ref, format: in.Format, definition: def, parsed: parsed,
		create: true, reject: true, contractMetadata: in.ContractMetadata, contractRuleSet: in.ContractRuleSet,
		importing: true, id: in.ID, number: in.Version, refs: refs, refKey: refKey})
}

func subjectNotFound(ref SchemaRef) error {
	return entityErrorf(CodeNotFound, EntitySchema, "Subject '%s' not found.", ref.Name)
}

func subjectVersionNotFound(ref SchemaRef, what string) error {
	return entityErrorf(CodeNotFound, EntityVersion, "Version %s not found.", what)
}

func schemaIDNotFound(id int64) error {
	return entityErrorf(CodeNotFound, EntityContent, "Schema %d not found", id)
}

// subjectVersions returns the AVAILABLE versions of a subject, oldest first, and whether any
// of them is not soft-deleted. A schema that does not exist, or has no AVAILABLE version, is
// CodeNotFound with EntitySchema.
func (s *Service) subjectVersions(ctx context.Context, tx Tx, ref SchemaRef) (sc *Schema, vs []Version, live bool, err error) {
	sc, err = tx.GetSchema(ctx, ref.Registry, ref.Name)
	if errors.Is(err, ErrNotExist) {
		return nil, nil, false, subjectNotFound(ref)
	}
	if err != nil {
		return nil, nil, false, err
	}
	vs, err = tx.ListVersions(ctx, ref.Registry, ref.Name, 0, 0, StatusAvailable)
	if err != nil {
		return nil, nil, false, err
	}
	if len(vs) == 0 {
		return nil, nil, false, subjectNotFound(ref)
	}
	for _, v := range vs {
		if !v.Deleted {
			live = true
			break
		}
	}
	return sc, vs, live, nil
}

// DeletedFilter selects versions by their soft-delete flag.
type DeletedFilter int

// The filters.
const (
	// LiveOnly: versions that are not soft-deleted.
	LiveOnly DeletedFilter = iota
	// WithDeleted: every version.
	WithDeleted
	// DeletedOnly: soft-deleted versions.
	DeletedOnly
)

func (f DeletedFilter) keep(deleted bool) bool {
	switch f {
	case WithDeleted:
		return true
	case DeletedOnly:
		return deleted
	}
	return !deleted
}

// SubjectVersions returns a subject's versions that f keeps, oldest first. A subject that does
// not exist, or (unless f is LiveOnly) is soft-deleted, is CodeNotFound with EntitySchema.
func (s *Service) SubjectVersions(ctx context.Context, ref SchemaRef, f DeletedFilter) ([]Version, error) {
	var out []Version
	err := s.store.View(ctx, func(tx Tx) error {
		_, vs, live, err := s.subjectVersions(ctx, tx, ref)
		if err != nil {
			return err
		}
		if !live && f == LiveOnly {
			return subjectNotFound(ref)
		}
		for _, v := range vs {
			if f.keep(v.Deleted) {
				out = append(out, v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "SubjectVersions", err)
	}
	return out, nil
}

// SubjectVersion returns one version of a subject: by number, or the newest (sel.Latest). A
// soft-deleted version is found only with includeDeleted; so is the latest of a soft-deleted
// subject. Errors: CodeNotFound with EntitySchema for the subject, EntityVersion for the
// version.
func (s *Service) SubjectVersion(ctx context.Context, ref SchemaRef, sel VersionSelector, includeDeleted bool) (*Version, error) {
	var out *Version
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = s.subjectVersion(ctx, tx, ref, sel, includeDeleted)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "SubjectVersion", err)
	}
	return out, nil
}

// subjectVersion resolves a version of a subject with a query or two: it serves
// GET .../versions/latest and /versions/{n}, the reads serializers make.
func (s *Service) subjectVersion(ctx context.Context, tx Tx, ref SchemaRef, sel VersionSelector, includeDeleted bool) (*Version, error) {
	sc, err := tx.GetSchema(ctx, ref.Registry, ref.Name)
	if errors.Is(err, ErrNotExist) {
		return nil, subjectNotFound(ref)
	}
	if err != nil {
		return nil, err
	}
	if sel.Latest {
		v, err := s.newestVersion(ctx, tx, sc, includeDeleted)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, subjectNotFound(ref) // no version to show: no subject
		}
		return v, nil
	}
	v, err := tx.GetVersionByNumber(ctx, ref.Registry, ref.Name, sel.Number)
	if err != nil && !errors.Is(err, ErrNotExist) {
		return nil, err
	}
	if err == nil && v.Status == StatusAvailable && (includeDeleted || !v.Deleted) {
		return v, nil
	}
	// Not there: a subject without a version to show is not there either.
	if newest, err := s.newestVersion(ctx, tx, sc, includeDeleted); err != nil {
		return nil, err
	} else if newest == nil {
		return nil, subjectNotFound(ref)
	}
	return nil, subjectVersionNotFound(ref, fmt.Sprint(sel.Number))
}

// newestVersion returns the newest AVAILABLE version of sc, soft-deleted ones included only
// with includeDeleted, or nil.
func (s *Service) newestVersion(ctx context.Context, tx Tx, sc *Schema, includeDeleted bool) (*Version, error) {
	if !includeDeleted {
		return s.latestAvailable(ctx, tx, sc)
	}
	for n := sc.LatestVersion; n >= 1; n-- {
		v, err := tx.GetVersionByNumber(ctx, sc.Registry, sc.Name, n)
		if errors.Is(err, ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if v.Status == StatusAvailable {
			return v, nil
		}
	}
	return nil, nil
}

// SubjectsInput selects subjects for Subjects.
type SubjectsInput struct {
	// Registry limits the list to one registry; "" lists every registry.
	Registry string
	// Prefix keeps the subjects whose name starts with it.
	Prefix string
	// Filter applies to the subject's versions: a subject is listed when it has an AVAILABLE
	// version the filter keeps (LiveOnly: a live subject; DeletedOnly: a subject with a
	// soft-deleted version).
	Filter DeletedFilter
}

// Subjects lists subjects, ordered by (registry, name).
func (s *Service) Subjects(ctx context.Context, in SubjectsInput) ([]SchemaRef, error) {
	var out []SchemaRef
	err := s.store.View(ctx, func(tx Tx) error {
		vs, err := tx.ListVersionSummaries(ctx, in.Registry)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if v.Status != StatusAvailable || !in.Filter.keep(v.Deleted) || !strings.HasPrefix(v.Schema, in.Prefix) {
				continue
			}
			ref := SchemaRef{v.Registry, v.Schema}
			if len(out) == 0 || out[len(out)-1] != ref {
				out = append(out, ref)
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "Subjects", err)
	}
	return out, nil
}

// VersionsByContent returns the AVAILABLE versions, in every schema of every registry, whose
// content has the given ID (a Confluent schema ID), ordered by (registry, schema, number),
// soft-deleted ones included only with includeDeleted. An ID no AVAILABLE version uses, even a
// soft-deleted one, is CodeNotFound with EntityContent.
func (s *Service) VersionsByContent(ctx context.Context, id int64, includeDeleted bool) ([]Version, error) {
	var out []Version
	err := s.store.View(ctx, func(tx Tx) error {
		vs, err := tx.ListVersionsByContent(ctx, id)
		if err != nil {
			return err
		}
		found := false
		for _, v := range vs {
			if v.Status != StatusAvailable {
				continue
			}
			found = true
			if includeDeleted || !v.Deleted {
				out = append(out, v)
			}
		}
		if !found {
			return schemaIDNotFound(id)
		}
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "VersionsByContent", err)
	}
	return out, nil
}

// LookupVersion finds the version of a subject whose normalized definition equals the given
// one: the newest such AVAILABLE version, soft-deleted ones included only with includeDeleted.
// A missing (or, without includeDeleted, soft-deleted) subject is CodeNotFound with
// EntitySchema; a definition the subject does not hold, or of another format than the
// subject's, is CodeNotFound with EntityContent; an invalid definition is CodeInvalid.
//
// refs are the definition's references, as a registration gives them.
func (s *Service) LookupVersion(ctx context.Context, ref SchemaRef, format schema.Format, definition string, refs []SchemaReference, includeDeleted bool) (*Version, error) {
	var out *Version
	err := s.store.View(ctx, func(tx Tx) error {
		sc, _, live, err := s.subjectVersions(ctx, tx, ref)
		if err != nil {
			return err
		}
		if !live && !includeDeleted {
			return subjectNotFound(ref)
		}
		notFound := entityErrorf(CodeNotFound, EntityContent, "Schema not found")
		if format != sc.Format {
			return notFound
		}
		parsed, _, refKey, err := s.parseWithReferences(ctx, tx, sc.Format, definition, refs, false)
		if err != nil {
			return err
		}
		c, err := tx.FindContent(ctx, sc.Format, fingerprint(sc.Format, parsed.Canonical()+refKey))
		if errors.Is(err, ErrNotExist) {
			return notFound
		}
		if err != nil {
			return err
		}
		same, err := tx.FindVersionsByContent(ctx, ref.Registry, ref.Name, c.ID)
		if err != nil {
			return err
		}
		for i := range same {
			if same[i].Status == StatusAvailable && (includeDeleted || !same[i].Deleted) {
				out = &same[i]
				return nil
			}
		}
		return notFound
	})
	if err != nil {
		return nil, s.fault(ctx, "LookupVersion", err)
	}
	return out, nil
}

// CompatibilityInput is the input of CheckCompatibility.
type CompatibilityInput struct {
	Ref        SchemaRef
	Format     schema.Format
	Definition string
	// Against names the one version to check against; nil checks as a registration would
	// (the latest version, or every version since the checkpoint for a transitive mode).
	Against *VersionSelector
	// References are the candidate's references, as a registration gives them.
	References []SchemaReference
}

// CompatibilityResult is the verdict of CheckCompatibility.
type CompatibilityResult struct {
	// Mode is the subject's compatibility; with Against, its non-transitive form is applied.
	Mode schema.Mode
	// Versions are the numbers of the versions checked against, newest first.
	Versions []int64
	// Reasons lists every incompatibility; empty means compatible.
	Reasons []schema.Incompatibility
	// Message explains a verdict that has no Reasons, such as a change of format.
	Message string
}

// Compatible reports whether the candidate passed.
func (r *CompatibilityResult) Compatible() bool { return len(r.Reasons) == 0 && r.Message == "" }

// CheckCompatibility checks a candidate definition against a subject's versions under the
// subject's compatibility, registering nothing. With no Against, a subject that does not
// exist yet is compatible (a first registration is); with Against, it is CodeNotFound, as is a
// version that does not exist or is soft-deleted. Soft-deleted versions are never checked
// against. DISABLED is CodeNotPermitted; NONE is always compatible.
func (s *Service) CheckCompatibility(ctx context.Context, in CompatibilityInput) (*CompatibilityResult, error) {
	if !in.Format.Valid() {
		return nil, Errorf(CodeInvalid, "Data format %q is not valid.", in.Format)
	}
	parsed, _, _, err := s.candidateWithReferences(ctx, in.Format, in.Definition, in.References)
	if err != nil {
		return nil, s.fault(ctx, "CheckCompatibility", err)
	}
	var res CompatibilityResult
	err = s.store.View(ctx, func(tx Tx) error {
		sc, _, live, err := s.subjectVersions(ctx, tx, in.Ref)
		if ErrorCode(err) == CodeNotFound && in.Against == nil {
			eff, err := s.resolveConfig(ctx, tx, in.Ref.Registry, in.Ref.Name)
			res.Mode = eff.Compatibility
			return err
		}
		if err != nil {
			return err
		}
		if !live && in.Against != nil {
			return subjectNotFound(in.Ref)
		}
		res.Mode = sc.Compatibility
		if sc.Compatibility == schema.Disabled {
			return disabledError(in.Ref)
		}
		if !sc.Compatibility.NeedsCheck() {
			return nil
		}
		if sc.Format != in.Format {
			res.Message = fmt.Sprintf("Incompatible schema type: the subject holds %s schemas, the candidate is %s.", sc.Format, in.Format)
			return nil
		}
		if in.Against == nil {
			res.Reasons, err = s.check(ctx, tx, sc, parsed)
			res.Versions = checkedVersions(res.Reasons)
			if len(res.Versions) == 0 {
				if v, err := s.latestAvailable(ctx, tx, sc); err != nil {
					return err
				} else if v != nil {
					res.Versions = []int64{v.Number}
				}
			}
			return err
		}
		v, err := s.subjectVersion(ctx, tx, in.Ref, *in.Against, false)
		if err != nil {
			return err
		}
		old, err := s.parseStored(ctx, tx, v)
		if err != nil {
			return err
		}
		policy, err := s.policyOf(ctx, tx, sc)
		if err != nil {
			return err
		}
		res.Versions = []int64{v.Number}
		res.Reasons, err = schema.Check(s.handlers[sc.Format], nonTransitive(sc.Compatibility), parsed,
			[]schema.Versioned{{Version: v.Number, Schema: old}}, schema.CheckOptions{Policy: policy})
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "CheckCompatibility", err)
	}
	return &res, nil
}

// checkedVersions lists the versions the reasons name, newest first.
func checkedVersions(reasons []schema.Incompatibility) []int64 {
	var out []int64
	for _, r := range reasons {
		if len(out) == 0 || out[len(out)-1] != r.Version {
			out = append(out, r.Version)
		}
	}
	return out
}

// nonTransitive is the mode that checks against one version the way m checks against each.
func nonTransitive(m schema.Mode) schema.Mode {
	switch m {
	case schema.BackwardAll:
		return schema.Backward
	case schema.ForwardAll:
		return schema.Forward
	case schema.FullAll:
		return schema.Full
	}
	return m
}

// DeleteSubject deletes a subject the way a Confluent registry does, and returns the numbers
// of the versions it deleted. A subject in READONLY mode refuses it (CodeNotPermitted), and so
// does a subject other subjects' versions refer to (CodeReferenced: live ones for a soft
// delete, any for a permanent one). Without permanent it soft-deletes every AVAILABLE version that is
// not soft-deleted yet (a soft-deleted subject is CodeDeleted); with permanent it deletes the
// schema with all its versions (FAILURE ones too), metadata and config, which needs the subject
// soft-deleted first (CodeNotDeleted otherwise). A subject that does not exist is CodeNotFound.
func (s *Service) DeleteSubject(ctx context.Context, ref SchemaRef, permanent bool) ([]int64, error) {
	var out []int64
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := s.checkWritable(ctx, tx, ref); err != nil {
			return err
		}
		_, vs, live, err := s.subjectVersions(ctx, tx, ref)
		if err != nil {
			return err
		}
		switch {
		case !permanent && !live:
			return entityErrorf(CodeDeleted, EntitySchema, "Subject '%s' was soft deleted. Set permanent=true to delete permanently", ref.Name)
		case permanent && live:
			return entityErrorf(CodeNotDeleted, EntitySchema, "Subject '%s' was not deleted first before being permanently deleted", ref.Name)
		}
		// A soft delete is refused while live versions of other subjects refer to the
		// subject; a permanent one while any version does (it still resolves by ID).
		if by, err := referrers(ctx, tx, ref, nil, false, !permanent); err != nil {
			return err
		} else if len(by) > 0 {
			return refusedReferenced(ref, by)
		}
		for _, v := range vs {
			if permanent {
				out = append(out, v.Number)
				continue
			}
			if v.Deleted {
				continue
			}
			if err := tx.SetVersionDeleted(ctx, v.ID, true); err != nil {
				return err
			}
			out = append(out, v.Number)
		}
		if permanent {
			if err := tx.DeleteSchema(ctx, ref.Registry, ref.Name); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "DeleteSubject", ref.target(), "", map[string]any{"versions": out, "permanent": permanent})
	})
	if err != nil {
		return nil, s.fault(ctx, "DeleteSubject", err)
	}
	return out, nil
}

// DeleteSubjectVersion deletes one version of a subject the way a Confluent registry does and
// returns its number. A subject in READONLY mode refuses it (CodeNotPermitted), and so does a
// version other versions refer to (CodeReferenced: live ones for a soft delete, any for a
// permanent one). Without permanent it soft-deletes the version (latest: the newest one
// that is not soft-deleted; a soft-deleted version is CodeDeleted with EntityVersion, a
// soft-deleted subject CodeDeleted with EntitySchema); with permanent it deletes the version
// and its metadata (latest: the newest AVAILABLE one), which needs it soft-deleted first
// (CodeNotDeleted with EntityVersion otherwise). A permanently deleted checkpoint moves to the
// next AVAILABLE version, or, when there is none, to the one before it.
func (s *Service) DeleteSubjectVersion(ctx context.Context, ref SchemaRef, sel VersionSelector, permanent bool) (int64, error) {
	var number int64
	err := s.store.Update(ctx, func(tx Tx) error {
		if err := s.checkWritable(ctx, tx, ref); err != nil {
			return err
		}
		sc, vs, live, err := s.subjectVersions(ctx, tx, ref)
		if err != nil {
			return err
		}
		if !permanent && !live {
			return entityErrorf(CodeDeleted, EntitySchema, "Subject '%s' was soft deleted. Set permanent=true to delete permanently", ref.Name)
		}
		var v *Version
		for i := len(vs) - 1; i >= 0; i-- {
			if sel.Latest && (permanent || !vs[i].Deleted) || !sel.Latest && vs[i].Number == sel.Number {
				v = &vs[i]
				break
			}
		}
		switch {
		case v == nil && sel.Latest:
			return subjectVersionNotFound(ref, "latest")
		case v == nil:
			return subjectVersionNotFound(ref, fmt.Sprint(sel.Number))
		case !permanent && v.Deleted:
			return entityErrorf(CodeDeleted, EntityVersion, "Subject '%s' Version %d was soft deleted. Set permanent=true to delete permanently", ref.Name, v.Number)
		case permanent && !v.Deleted:
			return entityErrorf(CodeNotDeleted, EntityVersion, "Subject '%s' Version %d was not deleted first before being permanently deleted", ref.Name, v.Number)
		}
		if by, err := referrers(ctx, tx, ref, map[int64]bool{v.Number: true}, true, !permanent); err != nil {
			return err
		} else if len(by) > 0 {
			return refusedReferenced(ref, by)
		}
		number = v.Number
		if !permanent {
			if err := tx.SetVersionDeleted(ctx, v.ID, true); err != nil {
				return err
			}
		} else {
			if err := tx.DeleteVersion(ctx, v.ID); err != nil {
				return err
			}
			if sc.Checkpoint == v.Number {
				// The next version takes its place, else the one before it.
				sc.Checkpoint = 0
				for _, other := range vs {
					if other.Number > v.Number {
						sc.Checkpoint = other.Number
						break
					}
					if other.Number < v.Number {
						sc.Checkpoint = other.Number
					}
				}
				sc.UpdatedAt = s.timestamp()
				if err := tx.UpdateSchema(ctx, sc); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, tx, "DeleteSubjectVersion", fmt.Sprintf("%s/version/%d", ref.target(), v.Number), "", map[string]any{"permanent": permanent})
	})
	if err != nil {
		return 0, s.fault(ctx, "DeleteSubjectVersion", err)
	}
	return number, nil
}

// checkWritable refuses a change to a subject in READONLY mode.
func (s *Service) checkWritable(ctx context.Context, tx Tx, ref SchemaRef) error {
	eff, err := s.resolveConfig(ctx, tx, ref.Registry, ref.Name)
	if err != nil {
		return err
	}
	if eff.Mode == ModeReadOnly {
		return Errorf(CodeNotPermitted, "Subject %s in registry %s is in read-only mode.", ref.Name, ref.Registry)
	}
	return nil
}

// ParsedVersion returns a version's definition parsed with its references, for the forms of
// a schema other than its text (a Protobuf file descriptor).
func (s *Service) ParsedVersion(ctx context.Context, v *Version) (schema.Schema, error) {
	var out schema.Schema
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = s.parseStored(ctx, tx, v)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "ParsedVersion", err)
	}
	return out, nil
}

// SchemasInput selects versions for ListSubjectVersions.
type SchemasInput struct {
	// Registry limits the list to one registry; "" lists every registry.
	Registry string
	// Prefix keeps the subjects whose name starts with it.
	Prefix string
	// Filter keeps versions by their soft-delete flag.
	Filter DeletedFilter
	// LatestOnly keeps the newest kept version of each subject.
	LatestOnly bool
	// Offset skips that many versions; Limit, when positive, returns at most that many.
	Offset, Limit int
}

// ListSubjectVersions returns the AVAILABLE versions of the subjects in selects, ordered by
// (registry, subject, number).
func (s *Service) ListSubjectVersions(ctx context.Context, in SchemasInput) ([]Version, error) {
	var out []Version
	err := s.store.View(ctx, func(tx Tx) error {
		all, err := tx.ListVersionSummaries(ctx, in.Registry)
		if err != nil {
			return err
		}
		var kept []Version
		for _, v := range all {
			if v.Status != StatusAvailable || !in.Filter.keep(v.Deleted) || !strings.HasPrefix(v.Schema, in.Prefix) {
				continue
			}
			if in.LatestOnly && len(kept) > 0 && kept[len(kept)-1].Registry == v.Registry && kept[len(kept)-1].Schema == v.Schema {
				kept[len(kept)-1] = v
				continue
			}
			kept = append(kept, v)
		}
		kept = kept[min(max(in.Offset, 0), len(kept)):]
		if in.Limit > 0 && len(kept) > in.Limit {
			kept = kept[:in.Limit]
		}
		for _, k := range kept {
			v, err := tx.GetVersion(ctx, k.ID)
			if err != nil {
				return err
			}
			out = append(out, *v)
		}
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "ListSubjectVersions", err)
	}
	return out, nil
}
