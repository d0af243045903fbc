package registry

import (
	"context"
	"errors"
	"maps"
)

// CreateRegistryInput is the input of CreateRegistry.
type CreateRegistryInput struct {
	Name        string
	Description string
	Tags        map[string]string
}

// CreateRegistry creates a registry. It fails with CodeAlreadyExists when the name is taken and
// CodeLimitExceeded when the registry quota is reached.
func (s *Service) CreateRegistry(ctx context.Context, in CreateRegistryInput) (*Registry, error) {
	if len(in.Tags) > s.quotas.MaxTags {
		return nil, Errorf(CodeInvalid, "A resource can have at most %d tags.", s.quotas.MaxTags)
	}
	now := s.timestamp()
	r := &Registry{Name: in.Name, Description: in.Description, Tags: cloneTags(in.Tags), Status: StatusAvailable, CreatedAt: now, UpdatedAt: now}
	err := s.store.Update(ctx, func(tx Tx) error {
		if _, err := tx.GetRegistry(ctx, in.Name); err == nil {
			return registryExists(in.Name)
		} else if !errors.Is(err, ErrNotExist) {
			return err
		}
		n, err := tx.CountRegistries(ctx)
		if err != nil {
			return err
		}
		if n >= s.quotas.MaxRegistries {
			return Errorf(CodeLimitExceeded, "More registries cannot be created. The maximum limit has been reached.")
		}
		if err := tx.CreateRegistry(ctx, r); err != nil {
			if errors.Is(err, ErrExists) {
				return registryExists(in.Name)
			}
			return err
		}
		return s.audit(ctx, tx, "CreateRegistry", "registry/"+in.Name, "", nil)
	})
	if err != nil {
		return nil, s.fault(ctx, "CreateRegistry", err)
	}
	return r, nil
}

func registryExists(name string) error {
	return Errorf(CodeAlreadyExists, "Registry already exists. RegistryName: %s", name)
}

func registryNotFound(name string) error {
	return entityErrorf(CodeNotFound, EntityRegistry, "Registry is not found. RegistryName: %s", name)
}

// GetRegistry returns a registry. The default registry always exists.
func (s *Service) GetRegistry(ctx context.Context, name string) (*Registry, error) {
	var r *Registry
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		r, err = s.getRegistry(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, s.fault(ctx, "GetRegistry", err)
	}
	return r, nil
}

func (s *Service) getRegistry(ctx context.Context, tx Tx, name string) (*Registry, error) {
	r, err := tx.GetRegistry(ctx, name)
	if errors.Is(err, ErrNotExist) {
		return nil, registryNotFound(name)
	}
	return r, err
}

// ensureDefaultRegistry creates the default registry when it is missing.
func (s *Service) ensureDefaultRegistry(ctx context.Context, tx Tx) (*Registry, error) {
	r, err := tx.GetRegistry(ctx, DefaultRegistry)
	if err == nil || !errors.Is(err, ErrNotExist) {
		return r, err
	}
	now := s.timestamp()
	r = &Registry{Name: DefaultRegistry, Status: StatusAvailable, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateRegistry(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// ListRegistries returns up to limit registries with names after the cursor, and the cursor
// of the next page ("" on the last page).
func (s *Service) ListRegistries(ctx context.Context, after string, limit int) ([]Registry, string, error) {
	var out []Registry
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ListRegistries(ctx, after, limit+1)
		return err
	})
	if err != nil {
		return nil, "", s.fault(ctx, "ListRegistries", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Name
	}
	return out, next, nil
}

// UpdateRegistry replaces the description of a registry.
func (s *Service) UpdateRegistry(ctx context.Context, name, description string) (*Registry, error) {
	var r *Registry
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if r, err = s.getRegistry(ctx, tx, name); err != nil {
			return err
		}
		r.Description = description
		r.UpdatedAt = s.timestamp()
		if err := tx.UpdateRegistry(ctx, r); err != nil {
			return err
		}
		return s.audit(ctx, tx, "UpdateRegistry", "registry/"+name, "", nil)
	})
	if err != nil {
		return nil, s.fault(ctx, "UpdateRegistry", err)
	}
	return r, nil
}

// DeleteRegistry deletes a registry with all its schemas and versions. The deletion completes
// at once; the returned registry has status DELETING, as AWS Glue reports it. Deleting the
// default registry deletes its schemas and leaves it, empty, in place.
func (s *Service) DeleteRegistry(ctx context.Context, name string) (*Registry, error) {
	var r *Registry
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if r, err = s.getRegistry(ctx, tx, name); err != nil {
			return err
		}
		if err := tx.DeleteRegistry(ctx, name); err != nil {
			return err
		}
		if name == DefaultRegistry {
			if _, err := s.ensureDefaultRegistry(ctx, tx); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "DeleteRegistry", "registry/"+name, "", nil)
	})
	if err != nil {
		return nil, s.fault(ctx, "DeleteRegistry", err)
	}
	r.Status = StatusDeleting
	return r, nil
}

func cloneTags(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return maps.Clone(t)
}
