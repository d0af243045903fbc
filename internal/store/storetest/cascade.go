package storetest

import (
	"context"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
)

// populate fills registry reg with schemas s1 and s2, two versions each (with content named
// after reg) and metadata on every version, and returns the versions.
func populate(t *testing.T, s registry.Store, reg string) []*registry.Version {
	t.Helper()
	mustCreate(t, s, reg, reg+"/s1", reg+"/s2")
	var vs []*registry.Version
	for _, sc := range []string{"s1", "s2"} {
		for _, c := range []string{"x", "y"} {
			v := mustAddVersion(t, s, reg, sc, reg+"-"+sc+"-"+c, registry.StatusAvailable)
			update(t, s, func(tx registry.Tx) error {
				return tx.AddMetadata(context.Background(), v.ID, registry.Metadata{Key: "k", Value: c, CreatedAt: at(0)})
			})
			vs = append(vs, v)
		}
	}
	return vs
}

// wantGone checks that every version is gone with its metadata while its content stays.
func wantGone(t *testing.T, s registry.Store, vs []*registry.Version) {
	t.Helper()
	view(t, s, func(tx registry.Tx) error {
		ctx := context.Background()
		for _, v := range vs {
			_, err := tx.GetVersion(ctx, v.ID)
			wantErr(t, "GetVersion("+v.ID+")", err, registry.ErrNotExist)
			_, err = tx.GetVersionByNumber(ctx, v.Registry, v.Schema, v.Number)
			wantErr(t, "GetVersionByNumber("+v.ID+")", err, registry.ErrNotExist)
			md, err := tx.ListMetadata(ctx, v.ID)
			if err != nil {
				return err
			}
			if len(md) != 0 {
				t.Errorf("ListMetadata(%s) = %+v, want none after the delete", v.ID, md)
			}
			if _, err := tx.GetContent(ctx, v.ContentID); err != nil {
				t.Errorf("GetContent(%d) of deleted version %s: %v; content must stay", v.ContentID, v.ID, err)
			}
		}
		return nil
	})
}

// wantKept checks that every version is still there with its metadata.
func wantKept(t *testing.T, s registry.Store, vs []*registry.Version) {
	t.Helper()
	view(t, s, func(tx registry.Tx) error {
		ctx := context.Background()
		for _, v := range vs {
			if _, err := tx.GetVersion(ctx, v.ID); err != nil {
				t.Errorf("GetVersion(%s) of an untouched version: %v", v.ID, err)
			}
			md, err := tx.ListMetadata(ctx, v.ID)
			if err != nil {
				return err
			}
			if len(md) != 1 {
				t.Errorf("ListMetadata(%s) = %+v, want its one pair", v.ID, md)
			}
		}
		return nil
	})
}

func testDeleteRegistryCascades(t *testing.T, s registry.Store) {
	ctx := context.Background()
	doomed := populate(t, s, "doomed")
	kept := populate(t, s, "kept")
	if got := counts(t, s); got != [3]int{2, 4, 8} {
		t.Fatalf("counts = %v, want [2 4 8]", got)
	}
	update(t, s, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "doomed") })

	if got := counts(t, s); got != [3]int{1, 2, 4} {
		t.Errorf("counts after DeleteRegistry = %v, want [1 2 4]", got)
	}
	view(t, s, func(tx registry.Tx) error {
		for _, sc := range []string{"s1", "s2"} {
			_, err := tx.GetSchema(ctx, "doomed", sc)
			wantErr(t, "GetSchema(doomed/"+sc+")", err, registry.ErrNotExist)
		}
		left, err := tx.ListSchemas(ctx, "", "", "", 0)
		if err != nil {
			return err
		}
		for _, sc := range left {
			if sc.Registry != "kept" {
				t.Errorf("ListSchemas after DeleteRegistry returns %s/%s", sc.Registry, sc.Name)
			}
		}
		return nil
	})
	wantGone(t, s, doomed)
	wantKept(t, s, kept)

	// The name is free again, and the new registry starts empty.
	mustCreate(t, s, "doomed", "doomed/s1")
	view(t, s, func(tx registry.Tx) error {
		vs, err := tx.ListVersions(ctx, "doomed", "s1", 0, 0, "")
		if len(vs) != 0 {
			t.Errorf("ListVersions of a re-created schema = %v, want none", versionNumbers(vs))
		}
		return err
	})
}

func testDeleteSchemaCascades(t *testing.T, s registry.Store) {
	ctx := context.Background()
	vs := populate(t, s, "r")
	update(t, s, func(tx registry.Tx) error { return tx.DeleteSchema(ctx, "r", "s1") })
	if got := counts(t, s); got != [3]int{1, 1, 2} {
		t.Errorf("counts after DeleteSchema = %v, want [1 1 2]", got)
	}
	wantGone(t, s, vs[:2])
	wantKept(t, s, vs[2:])
}

// testContentIDsNeverReused deletes everything that uses the newest content and checks that
// new content gets a larger ID still.
func testContentIDsNeverReused(t *testing.T, s registry.Store) {
	ctx := context.Background()
	vs := populate(t, s, "r")
	var maxID int64
	for _, v := range vs {
		maxID = max(maxID, v.ContentID)
	}
	update(t, s, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "r") })

	update(t, s, func(tx registry.Tx) error {
		// Old content is found again under its old ID.
		for _, v := range vs {
			c, err := tx.EnsureContent(ctx, newContent(v.Definition[:len(v.Definition)-1]))
			if err != nil {
				return err
			}
			if c.ID != v.ContentID {
				t.Errorf("EnsureContent of old content: ID %d, want its old ID %d", c.ID, v.ContentID)
			}
		}
		c, err := tx.EnsureContent(ctx, newContent("brand new"))
		if err != nil {
			return err
		}
		if c.ID <= maxID {
			t.Errorf("new content after deletes got ID %d, want > %d: IDs must never be reused", c.ID, maxID)
		}
		return nil
	})
}
