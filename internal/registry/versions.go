package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// VersionRef names a version: by ID alone, or by schema and selector.
type VersionRef struct {
	ID       string
	Schema   SchemaRef
	Selector VersionSelector
}

func versionNotFoundByID(id string) error {
	return entityErrorf(CodeNotFound, EntityVersion, "Schema version is not found. SchemaVersionId: %s", id)
}

// parse validates a definition of the given format.
func (s *Service) parse(format schema.Format, definition string) (schema.Schema, error) {
	h, ok := s.handlers[format]
	if !ok {
		return nil, Errorf(CodeInvalid, "Data format is not valid.")
	}
	p, err := h.Parse(definition, s.limits)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("Schema definition of %s data format is invalid: %s", format, err)}
	}
	return p, nil
}

// CheckValidity reports whether definition is a valid schema of the format: nil when it is, a
// CodeInvalid *Error explaining the problem when it is not.
func (s *Service) CheckValidity(format schema.Format, definition string) error {
	if !format.Valid() {
		return Errorf(CodeInvalid, "Data format is not valid.")
	}
	_, err := s.parse(format, definition)
	return err
}

func fingerprint(format schema.Format, canonical string) string {
	h := sha256.New()
	h.Write([]byte(format))
	h.Write([]byte{0})
	h.Write([]byte(canonical))
	return hex.EncodeToString(h.Sum(nil))
}

// RegisterResult is the outcome of RegisterVersion.
type RegisterResult struct {
	Version *Version
	// Existing is true when an identical definition was already registered and its version
	// is returned.
	Existing bool
}

// RegisterVersion registers a new version of a schema, or returns the existing version with an
// identical (normalized) definition. The candidate is checked against the schema's mode: an
// incompatible candidate is stored with status FAILURE (its number consumed, its reasons in
// Version.Reasons), unless the service rejects incompatible versions, in which case it fails
// with CodeIncompatible and stores nothing but the audit record. DISABLED refuses every new
// version. A soft-deleted version with the same definition does not count as existing: the
// definition gets a new version. A schema in the Confluent mode READONLY or IMPORT refuses it
// with CodeNotPermitted.
func (s *Service) RegisterVersion(ctx context.Context, ref SchemaRef, definition string) (*RegisterResult, error) {
	sc, parsed, err := s.candidate(ctx, "RegisterSchemaVersion", ref, definition)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, registration{ref: ref, format: sc.Format, definition: definition, parsed: parsed,
		reject: s.rejectIncompatible, reuseFailure: true})
}

// registration is one request to add a version, as RegisterVersion and Register make it.
type registration struct {
	ref    SchemaRef
	format schema.Format
	// definition is the text to store; parsed is its parse in format.
	definition string
	parsed     schema.Schema
	// create creates the schema (and its registry) when it does not exist.
	create bool
	// reject refuses an incompatible candidate instead of storing a FAILURE version.
	reject bool
	// reuseFailure answers a candidate that failed before, and fails again, with the version
	// of its earlier attempt instead of consuming another number.
	reuseFailure bool
	// contractMetadata and contractRuleSet go into a new version (Version.ContractMetadata
	// and ContractRuleSet).
	contractMetadata, contractRuleSet string
	// importing allows a registration in IMPORT mode, where it keeps id and number (when not
	// 0) and is not checked; in the other modes, id and number must be 0.
	importing  bool
	id, number int64
	// refs are the definition's references, resolved, and refKey what they add to the
	// content's identity (see resolveReferences).
	refs   []SchemaReference
	refKey string
}

// register adds a version in one transaction, with its audit record; a refusal is audited in
// a transaction of its own.
func (s *Service) register(ctx context.Context, r registration) (*RegisterResult, error) {
	var (
		res  RegisterResult
		rule string
	)
	err := s.store.Update(ctx, func(tx Tx) error {
		sc, err := s.getSchema(ctx, tx, r.ref)
		if r.create && ErrorCode(err) == CodeNotFound {
			sc, err = s.createForSubject(ctx, tx, r.ref, r.format)
		}
		if err != nil {
			return err
		}
		rule = string(sc.Compatibility)
		eff, err := s.resolveConfig(ctx, tx, r.ref.Registry, r.ref.Name)
		if err != nil {
			return err
		}
		switch {
		case eff.Mode == ModeReadOnly:
			return Errorf(CodeNotPermitted, "Subject %s in registry %s is in read-only mode: it takes no new versions.", r.ref.Name, r.ref.Registry)
		case eff.Mode == ModeImport && !r.importing:
			return Errorf(CodeNotPermitted, "Subject %s in registry %s is in IMPORT mode: it takes only registrations that keep their IDs, through the Confluent API.", r.ref.Name, r.ref.Registry)
		case eff.Mode != ModeImport && (r.id != 0 || r.number != 0):
			return Errorf(CodeNotPermitted, "A registration keeps a given id or version only in IMPORT mode; subject %s is in %s mode.", r.ref.Name, eff.Mode)
		}
		if err := s.checkReferencesExist(ctx, tx, r.refs); err != nil {
			return err
		}
		if eff.Mode == ModeImport {
			return s.importVersion(ctx, tx, sc, r, &res)
		}
		if sc.Format != r.format {
			return &Error{Code: CodeIncompatible, Message: fmt.Sprintf("Schema %s in registry %s holds %s definitions; a %s definition cannot be registered under it (a schema has one data format).",
				sc.Name, sc.Registry, sc.Format, r.format)}
		}
		if sc.Compatibility == schema.Disabled {
			return disabledError(r.ref)
		}
		fp := fingerprint(sc.Format, r.parsed.Canonical()+r.refKey)
		var failed *Version
		if c, err := tx.FindContent(ctx, sc.Format, fp); err == nil {
			same, err := tx.FindVersionsByContent(ctx, r.ref.Registry, r.ref.Name, c.ID)
			if err != nil {
				return err
			}
			for i := range same {
				if same[i].Status == StatusAvailable && !same[i].Deleted {
					res = RegisterResult{Version: &same[i], Existing: true}
					return nil
				}
				if failed == nil && same[i].Status == StatusFailure {
					failed = &same[i]
				}
			}
		} else if !errors.Is(err, ErrNotExist) {
			return err
		}
		reasons, err := s.check(ctx, tx, sc, r.parsed)
		if err != nil {
			return err
		}
		if len(reasons) > 0 && r.reuseFailure && failed != nil {
			// The same definition failed before and still fails: answer with that attempt
			// rather than consuming another number.
			failed.Reasons = reasons
			res = RegisterResult{Version: failed, Existing: true}
			return nil
		}
		if len(reasons) > 0 && r.reject {
			return &Error{Code: CodeIncompatible, Reasons: reasons, Message: incompatibleMessage(sc.Registry, sc.Name, sc.Compatibility, reasons)}
		}
		v, err := s.addVersion(ctx, tx, sc, newVersion{definition: r.definition, parsed: r.parsed, reasons: reasons,
			contractMetadata: r.contractMetadata, contractRuleSet: r.contractRuleSet, refs: r.refs, refKey: r.refKey})
		if err != nil {
			return err
		}
		res = RegisterResult{Version: v}
		result := "ok"
		if v.Status == StatusFailure {
			result = "failure"
		}
		return s.auditResult(ctx, tx, "RegisterSchemaVersion", fmt.Sprintf("%s/version/%d", r.ref.target(), v.Number), string(sc.Compatibility), result, reasons)
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && (e.Code == CodeIncompatible || e.Code == CodeInvalid || e.Code == CodeNotPermitted) {
			s.auditRefusal(ctx, "RegisterSchemaVersion", r.ref.target(), rule, e)
		}
		return nil, s.fault(ctx, "RegisterSchemaVersion", err)
	}
	return &res, nil
}

// candidate reads the schema a definition is offered to and parses the definition in the
// schema's format, outside any write transaction (parsing is the expensive part).
func (s *Service) candidate(ctx context.Context, op string, ref SchemaRef, definition string) (*Schema, schema.Schema, error) {
	var sc *Schema
	if err := s.store.View(ctx, func(tx Tx) error {
		var err error
		sc, err = s.getSchema(ctx, tx, ref)
		return err
	}); err != nil {
		return nil, nil, s.fault(ctx, op, err)
	}
	parsed, err := s.parse(sc.Format, definition)
	if err != nil {
		return nil, nil, err
	}
	return sc, parsed, nil
}

// incompatibleMessage renders a refusal: a summary naming the rule (when known) and every reason.
func incompatibleMessage(registryName, schemaName string, mode schema.Mode, reasons []schema.Incompatibility) string {
	var b strings.Builder
	b.WriteString("Schema definition is not compatible")
	if mode != "" {
		fmt.Fprintf(&b, " with the %s rule", mode)
	}
	fmt.Fprintf(&b, " of schema %s in registry %s: %d incompatibilit", schemaName, registryName, len(reasons))
	if len(reasons) == 1 {
		b.WriteString("y")
	} else {
		b.WriteString("ies")
	}
	for _, r := range reasons {
		b.WriteString("; ")
		b.WriteString(r.String())
	}
	return b.String()
}

// IncompatibleMessage renders the reasons of a FAILURE version as one message, the way the
// registry reports a refused registration.
func IncompatibleMessage(v *Version) string {
	return incompatibleMessage(v.Registry, v.Schema, "", v.Reasons)
}

// check runs the compatibility check of sc's mode for a candidate against the AVAILABLE
// versions that are not soft-deleted.
func (s *Service) check(ctx context.Context, tx Tx, sc *Schema, candidate schema.Schema) ([]schema.Incompatibility, error) {
	mode := sc.Compatibility
	if !mode.NeedsCheck() {
		return nil, nil
	}
	var history []schema.Versioned
	if mode.Transitive() {
		vs, err := tx.ListVersions(ctx, sc.Registry, sc.Name, sc.Checkpoint-1, 0, StatusAvailable)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Deleted {
				continue
			}
			p, err := s.parseStored(ctx, tx, &v)
			if err != nil {
				return nil, err
			}
			history = append(history, schema.Versioned{Version: v.Number, Schema: p})
		}
	} else {
		v, err := s.latestAvailable(ctx, tx, sc)
		if err != nil {
			return nil, err
		}
		if v != nil {
			p, err := s.parseStored(ctx, tx, v)
			if err != nil {
				return nil, err
			}
			history = append(history, schema.Versioned{Version: v.Number, Schema: p})
		}
	}
	if len(history) == 0 {
		return nil, nil
	}
	policy, err := s.policyOf(ctx, tx, sc)
	if err != nil {
		return nil, err
	}
	reasons, err := schema.Check(s.handlers[sc.Format], mode, candidate, history, schema.CheckOptions{Policy: policy})
	if errors.Is(err, schema.ErrCheckUnsupported) {
		return nil, Errorf(CodeInvalid, "Compatibility checking of %s schemas is not available yet, so compatibility %s cannot be enforced; set the schema's compatibility to NONE to register versions without a check.", sc.Format, mode)
	}
	return reasons, err
}

// parseStored parses a stored definition with its references, through the cache of parsed
// schemas (a content ID stands for a definition and the contents of its references).
func (s *Service) parseStored(ctx context.Context, tx Tx, v *Version) (schema.Schema, error) {
	if p, ok := s.parsed.get(v.ContentID); ok {
		return p, nil
	}
	p, _, _, err := s.parseWithReferences(ctx, tx, v.Format, v.Definition, v.References, true)
	if ErrorCode(err) == CodeInvalid && len(v.References) > 0 {
		return nil, err // a reference of the stored version is gone: the caller's user error
	}
	if err != nil {
		return nil, fmt.Errorf("stored version %s no longer parses: %w", v.ID, err)
	}
	s.parsed.put(v.ContentID, p)
	return p, nil
}

// newVersion is what addVersion stores.
type newVersion struct {
	definition string
	parsed     schema.Schema
	// reasons, when not empty, make the version a FAILURE.
	reasons                           []schema.Incompatibility
	contractMetadata, contractRuleSet string
	// number, when not 0, is the version's number (above the schema's latest) instead of the
	// next one; contentID, when not 0, is the content row to use.
	number, contentID int64
	// refs and refKey are the definition's resolved references and what they add to its
	// content's identity.
	refs   []SchemaReference
	refKey string
}

// addVersion stores a new version of sc with the next number, AVAILABLE when nv.reasons is
// empty and FAILURE otherwise, and advances sc's counters.
func (s *Service) addVersion(ctx context.Context, tx Tx, sc *Schema, nv newVersion) (*Version, error) {
	number := sc.NextVersion
	if nv.number != 0 {
		number = nv.number
	}
	if number < 1 {
		number = 1
	}
	if number > s.quotas.MaxVersionNumber {
		return nil, Errorf(CodeLimitExceeded, "More versions of schema %s cannot be created: the maximum version number %d has been reached.", sc.Name, s.quotas.MaxVersionNumber)
	}
	n, err := tx.CountVersions(ctx)
	if err != nil {
		return nil, err
	}
	if n >= s.quotas.MaxVersions {
		return nil, Errorf(CodeLimitExceeded, "More schema versions cannot be created. The maximum limit has been reached.")
	}
	canonical := nv.parsed.Canonical()
	c := &Content{ID: nv.contentID}
	if c.ID == 0 {
		if c, err = tx.EnsureContent(ctx, Content{Format: sc.Format, Canonical: canonical, Fingerprint: fingerprint(sc.Format, canonical+nv.refKey)}); err != nil {
			return nil, err
		}
	}
	now := s.timestamp()
	v := &Version{
		ID: s.newID(), Registry: sc.Registry, Schema: sc.Name, Number: number, Status: StatusAvailable,
		Format: sc.Format, Definition: nv.definition, ContentID: c.ID, Reasons: nv.reasons, CreatedAt: now,
		ContractMetadata: nv.contractMetadata, ContractRuleSet: nv.contractRuleSet, References: nv.refs,
	}
	if len(nv.reasons) > 0 {
		v.Status = StatusFailure
	}
	if err := tx.CreateVersion(ctx, v); err != nil {
		return nil, err
	}
	sc.LatestVersion = number
	sc.NextVersion = number + 1
	if sc.Checkpoint == 0 && v.Status == StatusAvailable {
		sc.Checkpoint = number
	}
	sc.UpdatedAt = now
	if err := tx.UpdateSchema(ctx, sc); err != nil {
		return nil, err
	}
	s.parsed.put(c.ID, nv.parsed)
	return v, nil
}

// GetVersion returns a version and its schema.
func (s *Service) GetVersion(ctx context.Context, ref VersionRef) (*Version, *Schema, error) {
	var v *Version
	var sc *Schema
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		v, sc, err = s.resolveVersion(ctx, tx, ref)
		return err
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "GetSchemaVersion", err)
	}
	return v, sc, nil
}

func (s *Service) resolveVersion(ctx context.Context, tx Tx, ref VersionRef) (*Version, *Schema, error) {
	if ref.ID != "" {
		v, err := tx.GetVersion(ctx, ref.ID)
		if errors.Is(err, ErrNotExist) {
			return nil, nil, versionNotFoundByID(ref.ID)
		}
		if err != nil {
			return nil, nil, err
		}
		sc, err := s.getSchema(ctx, tx, SchemaRef{v.Registry, v.Schema})
		if err != nil {
			return nil, nil, err
		}
		return v, sc, nil
	}
	sc, err := s.getSchema(ctx, tx, ref.Schema)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.selectVersion(ctx, tx, sc, ref.Selector)
	if err != nil {
		return nil, nil, err
	}
	return v, sc, nil
}

// ListVersions returns up to limit versions of a schema (every status) with numbers after the
// cursor, and the cursor of the next page (0 on the last page).
func (s *Service) ListVersions(ctx context.Context, ref SchemaRef, after int64, limit int) ([]Version, int64, error) {
	var out []Version
	err := s.store.View(ctx, func(tx Tx) error {
		if _, err := s.getSchema(ctx, tx, ref); err != nil {
			return err
		}
		var err error
		out, err = tx.ListVersions(ctx, ref.Registry, ref.Name, after, limit+1, "")
		return err
	})
	if err != nil {
		return nil, 0, s.fault(ctx, "ListSchemaVersions", err)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Number
	}
	return out, next, nil
}

// GetVersionByDefinition finds the version of a schema whose normalized definition equals the
// given one: the AVAILABLE one when there is one, else the newest FAILURE attempt.
func (s *Service) GetVersionByDefinition(ctx context.Context, ref SchemaRef, definition string) (*Version, *Schema, error) {
	var v *Version
	var sc *Schema
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if sc, err = s.getSchema(ctx, tx, ref); err != nil {
			return err
		}
		parsed, err := s.parse(sc.Format, definition)
		if err != nil {
			return err
		}
		c, err := tx.FindContent(ctx, sc.Format, fingerprint(sc.Format, parsed.Canonical()))
		if errors.Is(err, ErrNotExist) {
			return definitionNotFound(ref)
		}
		if err != nil {
			return err
		}
		same, err := tx.FindVersionsByContent(ctx, ref.Registry, ref.Name, c.ID)
		if err != nil {
			return err
		}
		for i := range same {
			if same[i].Status == StatusAvailable {
				v = &same[i]
				return nil
			}
		}
		if len(same) > 0 {
			v = &same[0]
			return nil
		}
		return definitionNotFound(ref)
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "GetSchemaByDefinition", err)
	}
	return v, sc, nil
}

func definitionNotFound(ref SchemaRef) error {
	return entityErrorf(CodeNotFound, EntityContent, "Schema version is not found. RegistryName: %s, SchemaName: %s, SchemaArn: null, SchemaDefinition: given definition is not registered", ref.Registry, ref.Name)
}

// VersionError is the failure to delete one version.
type VersionError struct {
	Number  int64
	Code    Code
	Message string
}

// ParseVersionRange parses "N" or "N-M" (1 <= N <= M).
func ParseVersionRange(spec string) (from, to int64, err error) {
	a, b, isRange := strings.Cut(spec, "-")
	from, err1 := strconv.ParseInt(a, 10, 64)
	to = from
	var err2 error
	if isRange {
		to, err2 = strconv.ParseInt(b, 10, 64)
	}
	if err1 != nil || err2 != nil || from < 1 || to < from {
		return 0, 0, Errorf(CodeInvalid, "Versions must be a version number or a range N-M with 1 <= N <= M, got %q.", spec)
	}
	return from, to, nil
}

// DeleteVersions deletes the versions named by spec ("N" or "N-M") with their metadata.
// Version 1 (delete the schema instead), the checkpoint version and versions other versions
// refer to are protected; each version that cannot be deleted is reported in the result instead
// of failing the call. Numbers in a
// range above the latest version are ignored.
func (s *Service) DeleteVersions(ctx context.Context, ref SchemaRef, spec string) ([]VersionError, error) {
	from, to, err := ParseVersionRange(spec)
	if err != nil {
		return nil, err
	}
	var out []VersionError
	err = s.store.Update(ctx, func(tx Tx) error {
		sc, err := s.getSchema(ctx, tx, ref)
		if err != nil {
			return err
		}
		last := to
		if from != to && last > sc.LatestVersion {
			last = sc.LatestVersion
		}
		var deleted []int64
		for n := from; n <= last; n++ {
			v, err := tx.GetVersionByNumber(ctx, ref.Registry, ref.Name, n)
			switch {
			case errors.Is(err, ErrNotExist):
				out = append(out, VersionError{n, CodeNotFound, fmt.Sprintf("Schema version is not found. RegistryName: %s, SchemaName: %s, SchemaArn: null, VersionNumber: %d, isLatestVersion: false", ref.Registry, ref.Name, n)})
				continue
			case err != nil:
				return err
			case n == sc.Checkpoint:
				out = append(out, VersionError{n, CodeConflict, fmt.Sprintf("Version %d is the checkpoint of schema %s and cannot be deleted; move the checkpoint with UpdateSchema first.", n, ref.Name)})
				continue
			case n == 1:
				out = append(out, VersionError{n, CodeInvalid, fmt.Sprintf("Version 1 of schema %s cannot be deleted; delete the schema with DeleteSchema instead.", ref.Name)})
				continue
			}
			if by, err := referrers(ctx, tx, ref, map[int64]bool{n: true}, true, false); err != nil {
				return err
			} else if len(by) > 0 {
				out = append(out, VersionError{n, CodeReferenced, refusedReferenced(ref, by).Error()})
				continue
			}
			if err := tx.DeleteVersion(ctx, v.ID); err != nil {
				return err
			}
			deleted = append(deleted, n)
		}
		if len(deleted) == 0 {
			return nil
		}
		return s.audit(ctx, tx, "DeleteSchemaVersions", ref.target(), "", map[string]any{"deleted": deleted})
	})
	if err != nil {
		return nil, s.fault(ctx, "DeleteSchemaVersions", err)
	}
	return out, nil
}
