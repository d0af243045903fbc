package registry

import (
	"context"
	"errors"
	"fmt"
	"sort"
)

func (r VersionRef) target(v *Version) string {
	return fmt.Sprintf("schema/%s/%s/version/%d", v.Registry, v.Schema, v.Number)
}

// PutMetadata attaches a key/value pair to a version. A key may hold several values; the same
// pair twice fails with CodeAlreadyExists, and more pairs than the quota with CodeLimitExceeded.
func (s *Service) PutMetadata(ctx context.Context, ref VersionRef, key, value string) (*Version, *Schema, error) {
	var v *Version
	var sc *Schema
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, sc, err = s.resolveVersion(ctx, tx, ref); err != nil {
			return err
		}
		existing, err := tx.ListMetadata(ctx, v.ID)
		if err != nil {
			return err
		}
		for _, m := range existing {
			if m.Key == key && m.Value == value {
				return metadataExists(key, value)
			}
		}
		if len(existing) >= s.quotas.MaxMetadata {
			return Errorf(CodeLimitExceeded, "Your resource limits for Schema Version Metadata have been exceeded.")
		}
		if err := tx.AddMetadata(ctx, v.ID, Metadata{Key: key, Value: value, CreatedAt: s.timestamp()}); err != nil {
			if errors.Is(err, ErrExists) {
				return metadataExists(key, value)
			}
			return err
		}
		return s.audit(ctx, tx, "PutSchemaVersionMetadata", ref.target(v), "", map[string]string{"key": key, "value": value})
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "PutSchemaVersionMetadata", err)
	}
	return v, sc, nil
}

func metadataExists(key, value string) error {
	return Errorf(CodeAlreadyExists, "Metadata key value pair already exists. MetadataKey: %s, MetadataValue: %s", key, value)
}

// RemoveMetadata removes a key/value pair from a version; CodeNotFound when it is absent.
func (s *Service) RemoveMetadata(ctx context.Context, ref VersionRef, key, value string) (*Version, *Schema, error) {
	var v *Version
	var sc *Schema
	err := s.store.Update(ctx, func(tx Tx) error {
		var err error
		if v, sc, err = s.resolveVersion(ctx, tx, ref); err != nil {
			return err
		}
		if err := tx.RemoveMetadata(ctx, v.ID, key, value); err != nil {
			if errors.Is(err, ErrNotExist) {
				return Errorf(CodeNotFound, "Metadata key value pair is not found. MetadataKey: %s, MetadataValue: %s", key, value)
			}
			return err
		}
		return s.audit(ctx, tx, "RemoveSchemaVersionMetadata", ref.target(v), "", map[string]string{"key": key, "value": value})
	})
	if err != nil {
		return nil, nil, s.fault(ctx, "RemoveSchemaVersionMetadata", err)
	}
	return v, sc, nil
}

// MetadataQuery selects metadata of a version.
type MetadataQuery struct {
	Ref VersionRef
	// Filter keeps only pairs equal to one of its entries (an entry with an empty Value
	// matches every value of its key); empty means every pair.
	Filter []Metadata
	// AfterKey continues after this key (keys are paged in order).
	AfterKey string
	// Limit is the number of keys per page.
	Limit int
}

// QueryMetadata returns the metadata of a version grouped by key (values oldest first), one
// page of keys at a time, with the key to continue after ("" on the last page).
func (s *Service) QueryMetadata(ctx context.Context, q MetadataQuery) (*Version, map[string][]Metadata, string, error) {
	var v *Version
	var all []Metadata
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if v, _, err = s.resolveVersion(ctx, tx, q.Ref); err != nil {
			return err
		}
		all, err = tx.ListMetadata(ctx, v.ID)
		return err
	})
	if err != nil {
		return nil, nil, "", s.fault(ctx, "QuerySchemaVersionMetadata", err)
	}
	byKey := map[string][]Metadata{}
	for _, m := range all {
		if m.Key <= q.AfterKey && q.AfterKey != "" {
			continue
		}
		if !matchesFilter(m, q.Filter) {
			continue
		}
		byKey[m.Key] = append(byKey[m.Key], m)
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	next := ""
	if q.Limit > 0 && len(keys) > q.Limit {
		for _, k := range keys[q.Limit:] {
			delete(byKey, k)
		}
		next = keys[q.Limit-1]
	}
	for k := range byKey {
		vals := byKey[k]
		sort.SliceStable(vals, func(i, j int) bool { return vals[i].CreatedAt.Before(vals[j].CreatedAt) })
	}
	return v, byKey, next, nil
}

func matchesFilter(m Metadata, filter []Metadata) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f.Key == m.Key && (f.Value == "" || f.Value == m.Value) {
			return true
		}
	}
	return false
}
