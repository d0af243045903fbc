package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

func testAudit(t *testing.T, s registry.Store) {
	ctx := context.Background()
	var recs []registry.AuditRecord
	for i := range 7 {
		recs = append(recs, registry.AuditRecord{
			Time: at(i), Actor: fmt.Sprint("actor", i%2), Action: "RegisterSchemaVersion",
			Target: fmt.Sprintf("schema/r/s/version/%d", i), Rule: string(schema.Backward),
			Result: "ok", Detail: fmt.Sprintf(`{"i":%d}`, i),
		})
	}
	recs[3].Rule, recs[3].Detail, recs[3].Result = "", "", "failure"
	// Two records in one transaction, the rest one per transaction.
	update(t, s, func(tx registry.Tx) error {
		if err := tx.AppendAudit(ctx, recs[0]); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, recs[1])
	})
	for _, r := range recs[2:] {
		update(t, s, func(tx registry.Tx) error { return tx.AppendAudit(ctx, r) })
	}

	var all []registry.AuditEntry
	view(t, s, func(tx registry.Tx) error {
		var err error
		all, err = tx.ListAudit(ctx, 0, 0)
		return err
	})
	if len(all) != len(recs) {
		t.Fatalf("ListAudit returned %d entries, want %d", len(all), len(recs))
	}
	for i, e := range all {
		wantEqual(t, fmt.Sprintf("ListAudit[%d]", i), e.AuditRecord, recs[i])
		if i > 0 && e.Seq <= all[i-1].Seq {
			t.Errorf("ListAudit: seq %d after %d, want increasing", e.Seq, all[i-1].Seq)
		}
	}
	if all[0].Seq <= 0 {
		t.Errorf("first seq = %d, want > 0 so that 0 means from the start", all[0].Seq)
	}

	for _, limit := range []int{1, 2, 3, 7, 8} {
		var got []int64
		var after int64
		for pages := 0; ; pages++ {
			if pages > len(recs)+1 {
				t.Fatalf("ListAudit(limit %d): pagination does not end", limit)
			}
			var page []registry.AuditEntry
			view(t, s, func(tx registry.Tx) error {
				var err error
				page, err = tx.ListAudit(ctx, after, limit)
				return err
			})
			if len(page) > limit {
				t.Fatalf("ListAudit(limit %d): a page of %d", limit, len(page))
			}
			for _, e := range page {
				got = append(got, e.Seq)
			}
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Seq
		}
		if len(got) != len(all) {
			t.Errorf("ListAudit(limit %d) pages hold %d entries, want %d", limit, len(got), len(all))
			continue
		}
		for i := range got {
			if got[i] != all[i].Seq {
				t.Errorf("ListAudit(limit %d) pages: %v, want the seqs of %v", limit, got, all)
				break
			}
		}
	}
}

// testTimes writes times finer than a millisecond and in other zones: every entity reads them
// back truncated to the millisecond, in UTC.
func testTimes(t *testing.T, s registry.Store) {
	ctx := context.Background()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	fine := time.Date(2026, 7, 1, 23, 59, 59, 123_456_789, zone)
	want := fine.Truncate(time.Millisecond).UTC()
	if want.Nanosecond() != 123_000_000 {
		t.Fatalf("bad fixture: %v", want)
	}
	old := time.Date(1999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)

	r := newRegistry("r")
	r.CreatedAt, r.UpdatedAt = fine, old
	sc := newSchema("r", "s")
	sc.CreatedAt, sc.UpdatedAt = old, fine
	update(t, s, func(tx registry.Tx) error {
		if err := tx.CreateRegistry(ctx, r); err != nil {
			return err
		}
		if err := tx.CreateSchema(ctx, sc); err != nil {
			return err
		}
		c, err := tx.EnsureContent(ctx, newContent("a"))
		if err != nil {
			return err
		}
		if err := tx.CreateVersion(ctx, &registry.Version{ID: "v", Registry: "r", Schema: "s", Number: 1,
			Status: registry.StatusAvailable, Format: schema.Avro, Definition: "a", ContentID: c.ID, CreatedAt: fine}); err != nil {
			return err
		}
		if err := tx.AddMetadata(ctx, "v", registry.Metadata{Key: "k", Value: "v", CreatedAt: fine}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, registry.AuditRecord{Time: fine, Action: "a"})
	})
	wantOld := old.Truncate(time.Millisecond)
	view(t, s, func(tx registry.Tx) error {
		gr, err := tx.GetRegistry(ctx, "r")
		if err != nil {
			return err
		}
		wantTime(t, "Registry.CreatedAt", gr.CreatedAt, want)
		wantTime(t, "Registry.UpdatedAt", gr.UpdatedAt, wantOld)
		gs, err := tx.GetSchema(ctx, "r", "s")
		if err != nil {
			return err
		}
		wantTime(t, "Schema.CreatedAt", gs.CreatedAt, wantOld)
		wantTime(t, "Schema.UpdatedAt", gs.UpdatedAt, want)
		gv, err := tx.GetVersion(ctx, "v")
		if err != nil {
			return err
		}
		wantTime(t, "Version.CreatedAt", gv.CreatedAt, want)
		md, err := tx.ListMetadata(ctx, "v")
		if err != nil {
			return err
		}
		if len(md) != 1 {
			t.Fatalf("ListMetadata = %+v", md)
		}
		wantTime(t, "Metadata.CreatedAt", md[0].CreatedAt, want)
		au, err := tx.ListAudit(ctx, 0, 0)
		if err != nil {
			return err
		}
		if len(au) != 1 {
			t.Fatalf("ListAudit = %+v", au)
		}
		wantTime(t, "AuditRecord.Time", au[0].Time, want)
		return nil
	})

	// A later update stores its time the same way.
	gr := *r
	gr.UpdatedAt = fine.Add(time.Hour)
	update(t, s, func(tx registry.Tx) error { return tx.UpdateRegistry(ctx, &gr) })
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetRegistry(ctx, "r")
		if err != nil {
			return err
		}
		wantTime(t, "Registry.UpdatedAt after UpdateRegistry", got.UpdatedAt, want.Add(time.Hour))
		return nil
	})
}

// testTagsAndReasons pins the round trip of tags and reasons: an empty map or list, nil or not,
// reads back as nil; anything else reads back equal.
func testTagsAndReasons(t *testing.T, s registry.Store) {
	ctx := context.Background()
	tagCases := []map[string]string{
		nil,
		{},
		{"k": "v"},
		{"": "", "unicode ✓": "quotes \" and \\ backslash", "k2": ""},
	}
	update(t, s, func(tx registry.Tx) error {
		for i, tags := range tagCases {
			r := newRegistry(fmt.Sprint("r", i))
			r.Tags = tags
			if err := tx.CreateRegistry(ctx, r); err != nil {
				return err
			}
			sc := newSchema(r.Name, "s")
			sc.Tags = tags
			if err := tx.CreateSchema(ctx, sc); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx registry.Tx) error {
		for i, tags := range tagCases {
			want := tags
			if len(want) == 0 {
				want = nil
			}
			r, err := tx.GetRegistry(ctx, fmt.Sprint("r", i))
			if err != nil {
				return err
			}
			wantEqual(t, fmt.Sprintf("Registry.Tags %#v", tags), r.Tags, want)
			sc, err := tx.GetSchema(ctx, r.Name, "s")
			if err != nil {
				return err
			}
			wantEqual(t, fmt.Sprintf("Schema.Tags %#v", tags), sc.Tags, want)
		}
		return nil
	})

	reasonCases := [][]schema.Incompatibility{
		nil,
		{},
		{{Rule: "READER_FIELD_MISSING_DEFAULT_VALUE", Path: "/fields/1", Direction: schema.DirBackward, Version: 3,
			Message: "Field \"b\" has no default."}},
		{{Rule: "A", Direction: schema.DirForward, Message: "m"}, {Rule: "B", Path: "/x", Direction: schema.DirBackward, Message: "n"}},
	}
	update(t, s, func(tx registry.Tx) error {
		c, err := tx.EnsureContent(ctx, newContent("a"))
		if err != nil {
			return err
		}
		for i, reasons := range reasonCases {
			if err := tx.CreateVersion(ctx, &registry.Version{ID: fmt.Sprint("v", i), Registry: "r0", Schema: "s",
				Number: int64(i + 1), Status: registry.StatusFailure, Format: schema.Avro, Definition: "a",
				ContentID: c.ID, Reasons: reasons, CreatedAt: at(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx registry.Tx) error {
		for i, reasons := range reasonCases {
			want := reasons
			if len(want) == 0 {
				want = nil
			}
			v, err := tx.GetVersion(ctx, fmt.Sprint("v", i))
			if err != nil {
				return err
			}
			wantEqual(t, fmt.Sprintf("Version.Reasons %#v", reasons), v.Reasons, want)
		}
		return nil
	})
}
