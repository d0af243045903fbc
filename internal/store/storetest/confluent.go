package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// testSoftDelete covers the soft-delete flag, the contract fields and the references of
// versions.
func testSoftDelete(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s")
	var v *registry.Version
	update(t, s, func(tx registry.Tx) error {
		c, err := tx.EnsureContent(ctx, newContent("a"))
		if err != nil {
			return err
		}
		v = &registry.Version{
			ID: "v1", Registry: "r", Schema: "s", Number: 1, Status: registry.StatusAvailable,
			Format: schema.Avro, Definition: "a", ContentID: c.ID, CreatedAt: at(1),
			ContractMetadata: `{"properties":{"owner":"billing"}}`, ContractRuleSet: `{"domainRules":[]}`,
			References: []registry.SchemaReference{{Name: "com.acme.Address", Registry: "r", Schema: "address", Version: 3},
				{Name: "other.json", Registry: "q", Schema: "other", Version: 1}},
		}
		return tx.CreateVersion(ctx, v)
	})
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetVersion(ctx, v.ID)
		if err != nil {
			return err
		}
		wantEqual(t, "GetVersion with contracts and references", *got, *v)
		sums, err := tx.ListVersionSummaries(ctx, "r")
		if err != nil {
			return err
		}
		if len(sums) != 1 || !reflect.DeepEqual(sums[0].References, v.References) {
			t.Errorf("ListVersionSummaries = %+v, want the version with its references", sums)
		}
		return nil
	})

	update(t, s, func(tx registry.Tx) error { return tx.SetVersionDeleted(ctx, v.ID, true) })
	v.Deleted = true
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetVersion(ctx, v.ID)
		if err != nil {
			return err
		}
		wantEqual(t, "GetVersion after SetVersionDeleted(true)", *got, *v)
		list, err := tx.ListVersions(ctx, "r", "s", 0, 0, "")
		if err != nil {
			return err
		}
		if len(list) != 1 || !list[0].Deleted {
			t.Errorf("ListVersions after soft delete = %+v, want the version with Deleted set", list)
		}
		return nil
	})
	update(t, s, func(tx registry.Tx) error { return tx.SetVersionDeleted(ctx, v.ID, false) })
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetVersion(ctx, v.ID)
		if err != nil {
			return err
		}
		if got.Deleted {
			t.Errorf("GetVersion after SetVersionDeleted(false): Deleted is still set")
		}
		return nil
	})
	err := s.Update(ctx, func(tx registry.Tx) error { return tx.SetVersionDeleted(ctx, "missing", true) })
	wantErr(t, "SetVersionDeleted(missing)", err, registry.ErrNotExist)
}

// testVersionsAcrossSchemas covers ListVersionsByContent and ListVersionSummaries.
func testVersionsAcrossSchemas(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/b", "r/a", "q", "q/z")
	rb1 := mustAddVersion(t, s, "r", "b", "x", registry.StatusAvailable)
	ra1 := mustAddVersion(t, s, "r", "a", "y", registry.StatusFailure)
	ra2 := mustAddVersion(t, s, "r", "a", "x", registry.StatusAvailable)
	qz1 := mustAddVersion(t, s, "q", "z", "x", registry.StatusAvailable)
	update(t, s, func(tx registry.Tx) error { return tx.SetVersionDeleted(ctx, rb1.ID, true) })

	view(t, s, func(tx registry.Tx) error {
		got, err := tx.ListVersionsByContent(ctx, rb1.ContentID)
		if err != nil {
			return err
		}
		if ids, want := versionIDs(got), []string{qz1.ID, ra2.ID, rb1.ID}; !slices.Equal(ids, want) {
			t.Errorf("ListVersionsByContent = %v, want %v (by registry, schema, number)", ids, want)
		}
		for _, v := range got {
			if v.ID == rb1.ID && !v.Deleted || v.Definition == "" {
				t.Errorf("ListVersionsByContent returned %+v, want whole versions", v)
			}
		}
		got, err = tx.ListVersionsByContent(ctx, rb1.ContentID+ra1.ContentID+100)
		if err != nil || len(got) != 0 {
			t.Errorf("ListVersionsByContent(unused ID) = %v, %v; want none", got, err)
		}

		all, err := tx.ListVersionSummaries(ctx, "")
		if err != nil {
			return err
		}
		if ids, want := versionIDs(all), []string{qz1.ID, ra1.ID, ra2.ID, rb1.ID}; !slices.Equal(ids, want) {
			t.Errorf("ListVersionSummaries(all) = %v, want %v", ids, want)
		}
		for _, v := range all {
			want := registry.Version{ID: v.ID, Registry: v.Registry, Schema: v.Schema, Number: v.Number,
				Status: v.Status, Format: schema.Avro, ContentID: v.ContentID, CreatedAt: at(int(v.Number)), Deleted: v.ID == rb1.ID}
			wantEqual(t, "ListVersionSummaries row", v, want)
		}
		if all[1].Status != registry.StatusFailure {
			t.Errorf("ListVersionSummaries: %s has status %s, want FAILURE", all[1].ID, all[1].Status)
		}
		some, err := tx.ListVersionSummaries(ctx, "r")
		if err != nil {
			return err
		}
		if ids, want := versionIDs(some), []string{ra1.ID, ra2.ID, rb1.ID}; !slices.Equal(ids, want) {
			t.Errorf("ListVersionSummaries(r) = %v, want %v", ids, want)
		}
		none, err := tx.ListVersionSummaries(ctx, "missing")
		if err != nil || len(none) != 0 {
			t.Errorf("ListVersionSummaries(missing) = %v, %v; want none", none, err)
		}
		return nil
	})
}

// testConfigs covers the config rows: put, replace, get, list, delete, and their removal with
// their schema or registry.
func testConfigs(t *testing.T, s registry.Store) {
	ctx := context.Background()
	yes, no := true, false
	global := registry.Config{Compatibility: schema.Full, Normalize: &yes, Policy: schema.Lenient, Mode: "READWRITE", UpdatedAt: at(1)}
	ctxLevel := registry.Config{Registry: "r", Mode: "READONLY", UpdatedAt: at(2)}
	subject := registry.Config{Registry: "r", Subject: "s", Compatibility: schema.BackwardAll, Normalize: &no, UpdatedAt: at(3)}
	pending := registry.Config{Registry: "r", Subject: "not-yet", Compatibility: schema.None, UpdatedAt: at(4)}
	other := registry.Config{Registry: "q", Subject: "s", Compatibility: schema.Forward, UpdatedAt: at(5)}
	mustCreate(t, s, "r", "r/s", "q", "q/s")
	update(t, s, func(tx registry.Tx) error {
		for _, c := range []registry.Config{other, subject, pending, ctxLevel, global} {
			if err := tx.PutConfig(ctx, &c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx registry.Tx) error {
		for _, want := range []registry.Config{global, ctxLevel, subject, pending, other} {
			got, err := tx.GetConfig(ctx, want.Registry, want.Subject)
			if err != nil {
				return err
			}
			wantEqual(t, "GetConfig", *got, want)
		}
		_, err := tx.GetConfig(ctx, "r", "missing")
		wantErr(t, "GetConfig(missing)", err, registry.ErrNotExist)
		list, err := tx.ListConfigs(ctx)
		if err != nil {
			return err
		}
		want := []registry.Config{global, other, ctxLevel, pending, subject}
		if len(list) != len(want) {
			t.Fatalf("ListConfigs = %+v, want %d rows", list, len(want))
		}
		for i := range want {
			wantEqual(t, "ListConfigs row", list[i], want[i])
		}
		return nil
	})

	// Put replaces every setting, unset ones included.
	replaced := registry.Config{Registry: "r", Subject: "s", Mode: "IMPORT", UpdatedAt: at(6)}
	update(t, s, func(tx registry.Tx) error { return tx.PutConfig(ctx, &replaced) })
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetConfig(ctx, "r", "s")
		if err != nil {
			return err
		}
		wantEqual(t, "GetConfig after a second PutConfig", *got, replaced)
		return nil
	})

	update(t, s, func(tx registry.Tx) error { return tx.DeleteConfig(ctx, "r", "not-yet") })
	err := s.Update(ctx, func(tx registry.Tx) error { return tx.DeleteConfig(ctx, "r", "not-yet") })
	wantErr(t, "DeleteConfig(deleted)", err, registry.ErrNotExist)

	// A schema takes its subject's config with it; a registry takes all of its own.
	update(t, s, func(tx registry.Tx) error { return tx.DeleteSchema(ctx, "q", "s") })
	view(t, s, func(tx registry.Tx) error {
		_, err := tx.GetConfig(ctx, "q", "s")
		wantErr(t, "GetConfig after DeleteSchema", err, registry.ErrNotExist)
		return nil
	})
	update(t, s, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "r") })
	view(t, s, func(tx registry.Tx) error {
		list, err := tx.ListConfigs(ctx)
		if err != nil {
			return err
		}
		if len(list) != 1 {
			t.Fatalf("ListConfigs after DeleteRegistry = %+v, want only the global config", list)
		}
		wantEqual(t, "the global config after DeleteRegistry", list[0], global)
		return nil
	})
}
