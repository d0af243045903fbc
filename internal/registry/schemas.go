package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/cartaschema/carta/schema"
)

// SchemaRef names a schema.
type SchemaRef struct {
	Registry string
	Name     string
}

func (r SchemaRef) target() string { return "schema/" + r.Registry + "/" + r.Name }

func schemaNotFound(ref SchemaRef) error {
	return entityErrorf(CodeNotFound, EntitySchema, "Schema is not found. RegistryName: %s, SchemaName: %s, SchemaArn: null", ref.Registry, ref.Name)
}

// CreateSchemaInput is the input of CreateSchema.
type CreateSchemaInput struct {
	// Registry defaults to the default registry.
	Registry string
	Name     string
	Format   schema.Format
	// Compatibility defaults to BACKWARD.
	Compatibility schema.Mode
	Description   string
	Tags          map[string]string
	// Definition, when not nil, becomes version 1.
	Definition *string
}

// CreateSchema creates a schema and, when a definition is given, its version 1 (which is never
// checked: there is nothing to check it against). The compatibility becomes the schema's
// subject-level config, as a Confluent client sees it. The returned version is nil without a
// definition.
func (s *Service) CreateSchema(ctx context.Context, in CreateSchemaInput) (*Schema, *Version, error) {
	if in.Registry == "" {
		in.Registry = DefaultRegistry
	}
	if in.Compatibility == "" {
		in.Compatibility = schema.Backward
	}
	if !in.Format.Valid() {
		return nil, nil, Errorf(CodeInvalid, "Data format is not valid.")
	}
	if !in.Compatibility.Valid() {
		return nil, nil, Errorf(CodeInvalid, "Compatibility is not valid.")
	}
	if len(in.Tags) > s.quotas.MaxTags {
		return nil, nil, Errorf(CodeInvalid, "A resource can have at most %d tags.", s.quotas.MaxTags)
	}
	if err := checkPolicyTag(in.Tags); err != nil {
		return nil, nil, err
	}
	var parsed schema.Schema
	if in.Definition != nil {
		var err error
		if parsed, err = s.parse(in.Format, *in.Definition); err != nil {
			return nil, nil, err
		}
	}
	now := s.timestamp()
	sc := &Schema{
		Registry: in.Registry, Name: in.Name, Format: in.Format, Compatibility: in.Compatibility,
		Description: in.Description, Tags: cloneTags(in.Tags), NextVersion: 1,
		Status: StatusAvailable, CreatedAt: now, UpdatedAt: now,
	}
	ref := SchemaRef{in.Registry, in.Name}
	var v *Version
	err := s.store.Update(ctx, func(tx Tx) error {
		if in.Registry == DefaultRegistry {
			if _, err := s.ensureDefaultRegistry(ctx, tx); err != nil {
				return err
			}
		} else if _, err := s.getRegistry(ctx, tx, in.Registry); err != nil {
			return err
		}
		if _, err := tx.GetSchema(ctx, in.Registry, in.Name); err == nil {
			return schemaExists(ref)
		} else if !errors.Is(err, ErrNotExist) {
			return err
		}
		n, err := tx.CountSchemas(ctx)
		if err != nil {
			return err
		}
		if n >= s.quotas.MaxSchemas {
			return Errorf(CodeLimitExceeded, "More schemas cannot be created. The maximum limit has been reached.")
		}
		if err := tx.CreateSchema(ctx, sc); err != nil {
			if errors.Is(err, ErrExists) {
				return schemaExists(ref)
			}
			return err
		}
		if err := s.setSubjectCompatibility(ctx, tx, sc); err != nil {
			return err
		}
		if parsed != nil {
			if v, err = s.addVersion(ctx, tx, sc, newVersion{definition: *in.Definition, parsed: parsed}); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "CreateSchema", ref.target(), string(in.Compatibility), nil)
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "CreateSchema", err)
	}
	return sc, v, nil
}

func schemaExists(ref SchemaRef) error {
	return Errorf(CodeAlreadyExists, "Schema already exists. RegistryName: %s, SchemaName: %s", ref.Registry, ref.Name)
}

// GetSchema returns a schema.
func (s *Service) GetSchema(ctx context.Context, ref SchemaRef) (*Schema, error) {
	var sc *Schema
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		sc, err = s.getSchema(ctx, tx, ref)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "GetSchema", err)
	}
	return sc, nil
}

func (s *Service) getSchema(ctx context.Context, tx Tx, ref SchemaRef) (*Schema, error) {
	sc, err := tx.GetSchema(ctx, ref.Registry, ref.Name)
	if errors.Is(err, ErrNotExist) {
		return nil, schemaNotFound(ref)
	}
	return sc, err
}

// SchemaCursor is the position after which ListSchemas continues.
type SchemaCursor struct {
	Registry string
	Name     string
}

// ListSchemas returns up to limit schemas of a registry ("" = every registry) after the cursor,
// and the cursor of the next page (nil on the last page). A named registry must exist.
func (s *Service) ListSchemas(ctx context.Context, registry string, after SchemaCursor, limit int) ([]Schema, *SchemaCursor, error) {
	var out []Schema
	err := s.store.View(ctx, func(tx Tx) error {
		if registry != "" {
			if _, err := s.getRegistry(ctx, tx, registry); err != nil {
				return err
			}
		}
		var err error
		out, err = tx.ListSchemas(ctx, registry, after.Registry, after.Name, limit+1)
		return err
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "ListSchemas", err)
	}
	var next *SchemaCursor
	if len(out) > limit {
		out = out[:limit]
		next = &SchemaCursor{out[limit-1].Registry, out[limit-1].Name}
	}
	return out, next, nil
}

// UpdateSchemaInput is the input of UpdateSchema; nil fields are left unchanged.
type UpdateSchemaInput struct {
	Ref SchemaRef
	// Checkpoint moves the checkpoint to a version (it must be AVAILABLE).
	Checkpoint *VersionSelector
	// Compatibility changes the mode; it requires Checkpoint, as in AWS Glue. Existing
	// versions are not re-validated.
	Compatibility *schema.Mode
	Description   *string
}

// VersionSelector picks a version of a known schema: a number, or the latest.
type VersionSelector struct {
	Number int64
	Latest bool
}

// UpdateSchema changes the description, the compatibility mode and/or the checkpoint.
func (s *Service) UpdateSchema(ctx context.Context, in UpdateSchemaInput) (*Schema, error) {
	if in.Checkpoint == nil && in.Compatibility == nil && in.Description == nil {
		return nil, Errorf(CodeInvalid, "At least one of SchemaVersionNumber, Compatibility or Description must be provided.")
	}
	if in.Compatibility != nil && in.Checkpoint == nil {
		return nil, Errorf(CodeInvalid, "SchemaVersionNumber (the checkpoint) is required when Compatibility is updated.")
	}
	if in.Compatibility != nil && !in.Compatibility.Valid() {
		return nil, Errorf(CodeInvalid, "Compatibility is not valid.")
	}
	var sc *Schema
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if sc, err = s.getSchema(ctx, tx, in.Ref); err != nil {
			return err
		}
		if in.Checkpoint != nil {
			v, err := s.selectVersion(ctx, tx, sc, *in.Checkpoint)
			if err != nil {
				return err
			}
			if v.Status != StatusAvailable {
				return Errorf(CodeInvalid, "The checkpoint must be an AVAILABLE version; version %d is %s.", v.Number, v.Status)
			}
			sc.Checkpoint = v.Number
		}
		if in.Compatibility != nil {
			sc.Compatibility = *in.Compatibility
		}
		if in.Description != nil {
			sc.Description = *in.Description
		}
		sc.UpdatedAt = s.timestamp()
		if err := tx.UpdateSchema(ctx, sc); err != nil {
			return err
		}
		if in.Compatibility != nil {
			if err := s.setSubjectCompatibility(ctx, tx, sc); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "UpdateSchema", in.Ref.target(), string(sc.Compatibility), map[string]any{"checkpoint": sc.Checkpoint})
	})
	if err != nil {
		return nil, s.fault(ctx, "UpdateSchema", err)
	}
	return sc, nil
}

// selectVersion resolves a selector to a version of sc. Latest means the newest AVAILABLE
// version that is not soft-deleted.
func (s *Service) selectVersion(ctx context.Context, tx Tx, sc *Schema, sel VersionSelector) (*Version, error) {
	if sel.Latest {
		v, err := s.latestAvailable(ctx, tx, sc)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, versionNotFoundByNumber(sc, sel)
		}
		return v, nil
	}
	v, err := tx.GetVersionByNumber(ctx, sc.Registry, sc.Name, sel.Number)
	if errors.Is(err, ErrNotExist) {
		return nil, versionNotFoundByNumber(sc, sel)
	}
	return v, err
}

func versionNotFoundByNumber(sc *Schema, sel VersionSelector) error {
	num := "null"
	if !sel.Latest {
		num = fmt.Sprint(sel.Number)
	}
	return entityErrorf(CodeNotFound, EntityVersion, "Schema version is not found. RegistryName: %s, SchemaName: %s, SchemaArn: null, VersionNumber: %s, isLatestVersion: %t",
		sc.Registry, sc.Name, num, sel.Latest)
}

// latestAvailable returns the newest AVAILABLE version of sc that is not soft-deleted, or nil.
func (s *Service) latestAvailable(ctx context.Context, tx Tx, sc *Schema) (*Version, error) {
	for n := sc.LatestVersion; n >= 1; n-- {
		v, err := tx.GetVersionByNumber(ctx, sc.Registry, sc.Name, n)
		if errors.Is(err, ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if v.Status == StatusAvailable && !v.Deleted {
			return v, nil
		}
	}
	return nil, nil
}

// DeleteSchema deletes a schema with all its versions and metadata. The deletion completes at
// once; the returned schema has status DELETING, as AWS Glue reports it. A schema whose
// versions other schemas' versions refer to is refused with CodeReferenced.
func (s *Service) DeleteSchema(ctx context.Context, ref SchemaRef) (*Schema, error) {
	var sc *Schema
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if sc, err = s.getSchema(ctx, tx, ref); err != nil {
			return err
		}
		if by, err := referrers(ctx, tx, ref, nil, false, false); err != nil {
			return err
		} else if len(by) > 0 {
			return refusedReferenced(ref, by)
		}
		if err := tx.DeleteSchema(ctx, ref.Registry, ref.Name); err != nil {
			return err
		}
		return s.audit(ctx, tx, "DeleteSchema", ref.target(), "", nil)
	})
	if err != nil {
		return nil, s.fault(ctx, "DeleteSchema", err)
	}
	sc.Status = StatusDeleting
	return sc, nil
}
