package registry

import (
	"context"
	"maps"
)

// ResourceRef names a taggable resource: a registry, or a schema when Schema is set.
type ResourceRef struct {
	Registry string
	Schema   string
}

func (r ResourceRef) target() string {
	if r.Schema == "" {
		return "registry/" + r.Registry
	}
	return SchemaRef{r.Registry, r.Schema}.target()
}

// TagResource adds or replaces tags of a registry or schema.
func (s *Service) TagResource(ctx context.Context, r ResourceRef, tags map[string]string) error {
	return s.retag(ctx, "TagResource", r, func(t map[string]string) { maps.Copy(t, tags) })
}

// UntagResource removes tags, by key, from a registry or schema. Absent keys are ignored.
func (s *Service) UntagResource(ctx context.Context, r ResourceRef, keys []string) error {
	return s.retag(ctx, "UntagResource", r, func(t map[string]string) {
		for _, k := range keys {
			delete(t, k)
		}
	})
}

func (s *Service) retag(ctx context.Context, op string, r ResourceRef, change func(map[string]string)) error {
	err := s.store.Update(ctx, func(tx Tx) error {
		if r.Schema == "" {
			reg, err := s.getRegistry(ctx, tx, r.Registry)
			if err != nil {
				return err
			}
			reg.Tags = cloneTags(reg.Tags)
			change(reg.Tags)
			if len(reg.Tags) > s.quotas.MaxTags {
				return tooManyTags(s.quotas.MaxTags)
			}
			if err := tx.UpdateRegistry(ctx, reg); err != nil {
				return err
			}
		} else {
			sc, err := s.getSchema(ctx, tx, SchemaRef{r.Registry, r.Schema})
			if err != nil {
				return err
			}
			sc.Tags = cloneTags(sc.Tags)
			change(sc.Tags)
			if len(sc.Tags) > s.quotas.MaxTags {
				return tooManyTags(s.quotas.MaxTags)
			}
			if err := checkPolicyTag(sc.Tags); err != nil {
				return err
			}
			if err := tx.UpdateSchema(ctx, sc); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, op, r.target(), "", nil)
	})
	return s.fault(ctx, op, err)
}

func tooManyTags(max int) error {
	return Errorf(CodeInvalid, "A resource can have at most %d tags.", max)
}

// GetTags returns the tags of a registry or schema.
func (s *Service) GetTags(ctx context.Context, r ResourceRef) (map[string]string, error) {
	var tags map[string]string
	err := s.store.View(ctx, func(tx Tx) error {
		if r.Schema == "" {
			reg, err := s.getRegistry(ctx, tx, r.Registry)
			if err != nil {
				return err
			}
			tags = reg.Tags
			return nil
		}
		sc, err := s.getSchema(ctx, tx, SchemaRef{r.Registry, r.Schema})
		if err != nil {
			return err
		}
		tags = sc.Tags
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "GetTags", err)
	}
	return cloneTags(tags), nil
}
