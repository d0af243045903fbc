package registry

import (
	"context"
	"errors"
	"fmt"
)

// importVersion registers a version in IMPORT mode, as a migration from another registry does:
// no compatibility check, and the given version number and content ID (when not 0) are kept.
// A number must be above every number the schema has used; an ID must be free, or already be
// the ID of the same content. The same content, live in the subject under the number asked for
// (or any number when none is), is answered with its version.
func (s *Service) importVersion(ctx context.Context, tx Tx, sc *Schema, r registration, res *RegisterResult) error {
	if sc.Format != r.format {
		return &Error{Code: CodeIncompatible, Message: fmt.Sprintf("Schema %s in registry %s holds %s definitions; a %s definition cannot be imported into it (a schema has one data format).",
			sc.Name, sc.Registry, sc.Format, r.format)}
	}
	canonical := r.parsed.Canonical()
	fp := fingerprint(sc.Format, canonical+r.refKey)
	var contentID int64
	c, err := tx.FindContent(ctx, sc.Format, fp)
	switch {
	case err == nil:
		if r.id != 0 && c.ID != r.id {
			return Errorf(CodeAlreadyExists, "Schema already registered with id %d instead of input id %d", c.ID, r.id)
		}
		contentID = c.ID
		same, err := tx.FindVersionsByContent(ctx, sc.Registry, sc.Name, c.ID)
		if err != nil {
			return err
		}
		for i := range same {
			if same[i].Status == StatusAvailable && !same[i].Deleted && (r.number == 0 || r.number == same[i].Number) {
				*res = RegisterResult{Version: &same[i], Existing: true}
				return nil
			}
		}
	case !errors.Is(err, ErrNotExist):
		return err
	case r.id != 0:
		if _, err := tx.GetContent(ctx, r.id); err == nil {
			return Errorf(CodeNotPermitted, "Overwrite new schema with id %d is not permitted: the ID belongs to another schema.", r.id)
		} else if !errors.Is(err, ErrNotExist) {
			return err
		}
		if err := tx.ImportContent(ctx, Content{ID: r.id, Format: sc.Format, Canonical: canonical, Fingerprint: fp}); err != nil {
			return err
		}
		contentID = r.id
	}
	if r.number != 0 && r.number <= sc.LatestVersion {
		return Errorf(CodeNotPermitted, "Version %d of subject %s cannot be imported: an import keeps numbers above every number the subject has used (%d).", r.number, sc.Name, sc.LatestVersion)
	}
	v, err := s.addVersion(ctx, tx, sc, newVersion{definition: r.definition, parsed: r.parsed, number: r.number, contentID: contentID,
		contractMetadata: r.contractMetadata, contractRuleSet: r.contractRuleSet, refs: r.refs, refKey: r.refKey})
	if err != nil {
		return err
	}
	*res = RegisterResult{Version: v}
	return s.audit(ctx, tx, "ImportSchemaVersion", fmt.Sprintf("%s/version/%d", r.ref.target(), v.Number), "", map[string]any{"id": v.ContentID})
}
