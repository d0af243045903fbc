package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

func testContent(t *testing.T, s registry.Store) {
	ctx := context.Background()
	var a, a2, b, aJSON *registry.Content
	update(t, s, func(tx registry.Tx) error {
		var err error
		if a, err = tx.EnsureContent(ctx, newContent("a")); err != nil {
			return err
		}
		if a2, err = tx.EnsureContent(ctx, newContent("a")); err != nil {
			return err
		}
		if b, err = tx.EnsureContent(ctx, newContent("b")); err != nil {
			return err
		}
		// The same fingerprint in another format is other content.
		c := newContent("a")
		c.Format = schema.JSON
		aJSON, err = tx.EnsureContent(ctx, c)
		return err
	})
	if a.ID <= 0 {
		t.Errorf("EnsureContent returned ID %d, want a positive ID", a.ID)
	}
	wantEqual(t, "EnsureContent", *a, registry.Content{ID: a.ID, Format: schema.Avro, Canonical: "a", Fingerprint: "fp-a"})
	if a2.ID != a.ID {
		t.Errorf("EnsureContent of the same content: ID %d, then %d", a.ID, a2.ID)
	}
	if b.ID <= a.ID || aJSON.ID <= b.ID {
		t.Errorf("EnsureContent IDs %d, %d, %d: want increasing IDs for new content", a.ID, b.ID, aJSON.ID)
	}

	// A later transaction finds the content, too.
	update(t, s, func(tx registry.Tx) error {
		again, err := tx.EnsureContent(ctx, newContent("b"))
		if err != nil {
			return err
		}
		if again.ID != b.ID {
			t.Errorf("EnsureContent in a later transaction: ID %d, want %d", again.ID, b.ID)
		}
		return nil
	})

	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetContent(ctx, b.ID)
		if err != nil {
			return err
		}
		wantEqual(t, "GetContent", *got, *b)
		_, err = tx.GetContent(ctx, aJSON.ID+100)
		wantErr(t, "GetContent(missing)", err, registry.ErrNotExist)

		got, err = tx.FindContent(ctx, schema.JSON, "fp-a")
		if err != nil {
			return err
		}
		wantEqual(t, "FindContent", *got, *aJSON)
		_, err = tx.FindContent(ctx, schema.Protobuf, "fp-a")
		wantErr(t, "FindContent(other format)", err, registry.ErrNotExist)
		_, err = tx.FindContent(ctx, schema.Avro, "fp-missing")
		wantErr(t, "FindContent(missing)", err, registry.ErrNotExist)
		return nil
	})
}

func testVersions(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s", "r/other")
	v1 := mustAddVersion(t, s, "r", "s", "a", registry.StatusAvailable)
	v2 := mustAddVersion(t, s, "r", "s", "b", registry.StatusFailure)
	v3 := mustAddVersion(t, s, "r", "s", "a", registry.StatusAvailable)
	o1 := mustAddVersion(t, s, "r", "other", "a", registry.StatusAvailable)
	if v1.ContentID != v3.ContentID || v1.ContentID != o1.ContentID || v1.ContentID == v2.ContentID {
		t.Errorf("content IDs %d, %d, %d, %d: want versions of the same content to share one",
			v1.ContentID, v2.ContentID, v3.ContentID, o1.ContentID)
	}

	view(t, s, func(tx registry.Tx) error {
		for _, want := range []*registry.Version{v1, v2, v3, o1} {
			got, err := tx.GetVersion(ctx, want.ID)
			if err != nil {
				return err
			}
			wantEqual(t, "GetVersion", *got, *want)
			got, err = tx.GetVersionByNumber(ctx, want.Registry, want.Schema, want.Number)
			if err != nil {
				return err
			}
			wantEqual(t, "GetVersionByNumber", *got, *want)
		}
		_, err := tx.GetVersion(ctx, "missing")
		wantErr(t, "GetVersion(missing)", err, registry.ErrNotExist)
		_, err = tx.GetVersionByNumber(ctx, "r", "s", 4)
		wantErr(t, "GetVersionByNumber(missing)", err, registry.ErrNotExist)
		_, err = tx.GetVersionByNumber(ctx, "r", "missing", 1)
		wantErr(t, "GetVersionByNumber(missing schema)", err, registry.ErrNotExist)

		got, err := tx.FindVersionsByContent(ctx, "r", "s", v1.ContentID)
		if err != nil {
			return err
		}
		if ids := versionIDs(got); !slices.Equal(ids, []string{v3.ID, v1.ID}) {
			t.Errorf("FindVersionsByContent = %v, want newest first %v", ids, []string{v3.ID, v1.ID})
		}
		got, err = tx.FindVersionsByContent(ctx, "r", "other", v2.ContentID)
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("FindVersionsByContent(content of another schema) = %v, want none", versionIDs(got))
		}
		got, err = tx.FindVersionsByContent(ctx, "r", "missing", v1.ContentID)
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("FindVersionsByContent(missing schema) = %v, want none", versionIDs(got))
		}
		n, err := tx.CountVersions(ctx)
		if n != 4 {
			t.Errorf("CountVersions = %d, want 4", n)
		}
		return err
	})

	dup := *v1
	dup.Number = 10
	err := s.Update(ctx, func(tx registry.Tx) error { return tx.CreateVersion(ctx, &dup) })
	wantErr(t, "CreateVersion(duplicate ID)", err, registry.ErrExists)
	dup = *v1
	dup.ID = "fresh"
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.CreateVersion(ctx, &dup) })
	wantErr(t, "CreateVersion(duplicate number)", err, registry.ErrExists)
	dup.Schema = "missing"
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.CreateVersion(ctx, &dup) })
	wantErr(t, "CreateVersion(missing schema)", err, registry.ErrNotExist)
	dup.Schema, dup.Number, dup.ContentID = "s", 10, v2.ContentID+100
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.CreateVersion(ctx, &dup) })
	wantErr(t, "CreateVersion(missing content)", err, registry.ErrNotExist)

	update(t, s, func(tx registry.Tx) error { return tx.DeleteVersion(ctx, v2.ID) })
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.DeleteVersion(ctx, v2.ID) })
	wantErr(t, "DeleteVersion(deleted)", err, registry.ErrNotExist)
	view(t, s, func(tx registry.Tx) error {
		_, err := tx.GetVersion(ctx, v2.ID)
		wantErr(t, "GetVersion(deleted)", err, registry.ErrNotExist)
		_, err = tx.GetVersionByNumber(ctx, "r", "s", v2.Number)
		wantErr(t, "GetVersionByNumber(deleted)", err, registry.ErrNotExist)
		// Content outlives its versions.
		if _, err := tx.GetContent(ctx, v2.ContentID); err != nil {
			t.Errorf("GetContent of a deleted version's content: %v", err)
		}
		n, err := tx.CountVersions(ctx)
		if n != 3 {
			t.Errorf("CountVersions after delete = %d, want 3", n)
		}
		return err
	})
}

func testVersionPages(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s", "r/t")
	var all, available, failed []int64
	for i := range 11 {
		status := registry.StatusAvailable
		if i%3 == 1 {
			status = registry.StatusFailure
		}
		v := mustAddVersion(t, s, "r", "s", fmt.Sprint("c", i%4), status)
		all = append(all, v.Number)
		if status == registry.StatusAvailable {
			available = append(available, v.Number)
		} else {
			failed = append(failed, v.Number)
		}
		mustAddVersion(t, s, "r", "t", fmt.Sprint("c", i), registry.StatusAvailable)
	}
	if !slices.Equal(all, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Fatalf("version numbers %v, want 1..11", all)
	}

	for _, tc := range []struct {
		status string
		want   []int64
	}{{"", all}, {registry.StatusAvailable, available}, {registry.StatusFailure, failed}, {registry.StatusPending, nil}} {
		for _, limit := range []int{0, 1, 2, 3, 11, 12} {
			var got []int64
			var after int64
			for pages := 0; ; pages++ {
				if pages > len(all)+1 {
					t.Fatalf("ListVersions(%q, limit %d): pagination does not end", tc.status, limit)
				}
				var page []registry.Version
				view(t, s, func(tx registry.Tx) error {
					var err error
					page, err = tx.ListVersions(ctx, "r", "s", after, limit, tc.status)
					return err
				})
				if limit > 0 && len(page) > limit {
					t.Fatalf("ListVersions(%q, limit %d): a page of %d", tc.status, limit, len(page))
				}
				for _, v := range page {
					if v.Schema != "s" || (tc.status != "" && v.Status != tc.status) {
						t.Errorf("ListVersions(%q) returned %s/%d with status %s", tc.status, v.Schema, v.Number, v.Status)
					}
					got = append(got, v.Number)
				}
				if limit <= 0 || len(page) < limit {
					break
				}
				after = page[len(page)-1].Number
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ListVersions(status %q, limit %d) = %v, want %v", tc.status, limit, got, tc.want)
			}
		}
	}
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.ListVersions(ctx, "r", "s", 9, 0, "")
		if err != nil {
			return err
		}
		if nums := versionNumbers(got); !slices.Equal(nums, []int64{10, 11}) {
			t.Errorf("ListVersions(after 9) = %v, want [10 11]", nums)
		}
		got, err = tx.ListVersions(ctx, "r", "missing", 0, 0, "")
		if err != nil {
			return err
		}
		if len(got) != 0 {
			t.Errorf("ListVersions(missing schema) = %v, want none", versionNumbers(got))
		}
		n, err := tx.CountVersions(ctx)
		if n != 22 {
			t.Errorf("CountVersions = %d, want 22 (every schema)", n)
		}
		return err
	})
}

func testMetadata(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s")
	v := mustAddVersion(t, s, "r", "s", "a", registry.StatusAvailable)
	other := mustAddVersion(t, s, "r", "s", "b", registry.StatusAvailable)

	// Added out of order: the list is ordered by key, then time, then value.
	pairs := []registry.Metadata{
		{Key: "owner", Value: "zed", CreatedAt: at(1)},
		{Key: "env", Value: "prod", CreatedAt: at(5)},
		{Key: "owner", Value: "amy", CreatedAt: at(2)},
		{Key: "env", Value: "dev", CreatedAt: at(5)},
		{Key: "Env", Value: "x", CreatedAt: at(9)},
		{Key: "env", Value: "a-old", CreatedAt: at(3)},
	}
	update(t, s, func(tx registry.Tx) error {
		for _, m := range pairs {
			if err := tx.AddMetadata(ctx, v.ID, m); err != nil {
				return err
			}
		}
		return tx.AddMetadata(ctx, other.ID, registry.Metadata{Key: "owner", Value: "zed", CreatedAt: at(0)})
	})
	want := []registry.Metadata{pairs[4], pairs[5], pairs[3], pairs[1], pairs[0], pairs[2]}
	listMetadata := func(id string) []registry.Metadata {
		var got []registry.Metadata
		view(t, s, func(tx registry.Tx) error {
			var err error
			got, err = tx.ListMetadata(ctx, id)
			return err
		})
		return got
	}
	got := listMetadata(v.ID)
	if len(got) != len(want) {
		t.Fatalf("ListMetadata = %+v, want %+v", got, want)
	}
	for i := range want {
		wantEqual(t, fmt.Sprintf("ListMetadata[%d]", i), got[i], want[i])
	}

	err := s.Update(ctx, func(tx registry.Tx) error {
		return tx.AddMetadata(ctx, v.ID, registry.Metadata{Key: "env", Value: "prod", CreatedAt: at(50)})
	})
	wantErr(t, "AddMetadata(duplicate)", err, registry.ErrExists)
	err = s.Update(ctx, func(tx registry.Tx) error {
		return tx.AddMetadata(ctx, "missing", registry.Metadata{Key: "k", Value: "v", CreatedAt: at(0)})
	})
	wantErr(t, "AddMetadata(missing version)", err, registry.ErrNotExist)

	update(t, s, func(tx registry.Tx) error { return tx.RemoveMetadata(ctx, v.ID, "env", "prod") })
	for _, tc := range [][3]string{{v.ID, "env", "prod"}, {v.ID, "env", "nope"}, {v.ID, "nope", "dev"}, {"missing", "env", "dev"}} {
		err = s.Update(ctx, func(tx registry.Tx) error { return tx.RemoveMetadata(ctx, tc[0], tc[1], tc[2]) })
		wantErr(t, fmt.Sprintf("RemoveMetadata(%q)", tc), err, registry.ErrNotExist)
	}
	if got := len(listMetadata(v.ID)); got != len(want)-1 {
		t.Errorf("ListMetadata after RemoveMetadata: %d pairs, want %d", got, len(want)-1)
	}
	if got := listMetadata(other.ID); len(got) != 1 {
		t.Errorf("ListMetadata(other version) = %+v, want its one pair", got)
	}
	if got := listMetadata("missing"); len(got) != 0 {
		t.Errorf("ListMetadata(missing version) = %+v, want none", got)
	}

	// DeleteVersion removes the metadata: a new version with the same ID starts with none.
	update(t, s, func(tx registry.Tx) error {
		if err := tx.DeleteVersion(ctx, v.ID); err != nil {
			return err
		}
		again := *v
		again.Number = 3
		return tx.CreateVersion(ctx, &again)
	})
	if got := listMetadata(v.ID); len(got) != 0 {
		t.Errorf("ListMetadata of a re-created version = %+v, want none", got)
	}
}

func versionIDs(vs []registry.Version) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func versionNumbers(vs []registry.Version) []int64 {
	var out []int64
	for _, v := range vs {
		out = append(out, v.Number)
	}
	return out
}
