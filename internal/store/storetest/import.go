package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// contentIDs returns the IDs of every content row, in ListContents order.
func contentIDs(t *testing.T, s registry.Store) []int64 {
	t.Helper()
	var ids []int64
	view(t, s, func(tx registry.Tx) error {
		cs, err := tx.ListContents(context.Background(), 0, 0)
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return err
	})
	return ids
}

// testContentPages lists content by ID in pages; content whose versions are gone is listed too.
func testContentPages(t *testing.T, s registry.Store) {
	ctx := context.Background()
	if ids := contentIDs(t, s); len(ids) != 0 {
		t.Fatalf("ListContents of an empty store = %v", ids)
	}
	vs := populate(t, s, "r")
	update(t, s, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "r") })
	var all []registry.Content
	view(t, s, func(tx registry.Tx) error {
		var err error
		all, err = tx.ListContents(ctx, 0, 0)
		return err
	})
	want := map[int64]bool{}
	for _, v := range vs {
		want[v.ContentID] = true
	}
	if len(all) != len(want) {
		t.Fatalf("ListContents returned %d rows after the versions were deleted, want %d (content outlives its versions)", len(all), len(want))
	}
	for i, c := range all {
		if !want[c.ID] {
			t.Errorf("ListContents[%d] has ID %d, which no version used", i, c.ID)
		}
		if i > 0 && c.ID <= all[i-1].ID {
			t.Errorf("ListContents: ID %d after %d, want increasing", c.ID, all[i-1].ID)
		}
		var got *registry.Content
		view(t, s, func(tx registry.Tx) error {
			var err error
			got, err = tx.GetContent(ctx, c.ID)
			return err
		})
		wantEqual(t, fmt.Sprintf("ListContents[%d]", i), c, *got)
	}
	for _, limit := range []int{1, 2, len(all), len(all) + 1} {
		var got []int64
		var after int64
		for pages := 0; ; pages++ {
			if pages > len(all)+1 {
				t.Fatalf("ListContents(limit %d): pagination does not end", limit)
			}
			var page []registry.Content
			view(t, s, func(tx registry.Tx) error {
				var err error
				page, err = tx.ListContents(ctx, after, limit)
				return err
			})
			if len(page) > limit {
				t.Fatalf("ListContents(limit %d): a page of %d", limit, len(page))
			}
			for _, c := range page {
				got = append(got, c.ID)
			}
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].ID
		}
		if fmt.Sprint(got) != fmt.Sprint(contentIDs(t, s)) {
			t.Errorf("ListContents(limit %d) pages: %v, want %v", limit, got, contentIDs(t, s))
		}
	}
}

// testImportContent restores content rows with their own IDs, out of order and with gaps: they
// read back as imported, versions can use them, duplicates are refused, and every ID handed out
// afterwards, in the same transaction or a later one, is above every imported ID.
func testImportContent(t *testing.T, s registry.Store) {
	ctx := context.Background()
	imported := []registry.Content{
		{ID: 7, Format: schema.Avro, Canonical: "seven", Fingerprint: "fp-seven"},
		{ID: 3, Format: schema.JSON, Canonical: "three", Fingerprint: "fp-three"},
		{ID: 42, Format: schema.Protobuf, Canonical: "forty-two", Fingerprint: "fp-forty-two"},
	}
	mustCreate(t, s, "r", "r/s")
	update(t, s, func(tx registry.Tx) error {
		for _, c := range imported {
			if err := tx.ImportContent(ctx, c); err != nil {
				return err
			}
		}
		// Refusals leave the transaction usable.
		wantErr(t, "ImportContent(taken ID)", tx.ImportContent(ctx, registry.Content{ID: 7, Format: schema.Avro,
			Canonical: "other", Fingerprint: "fp-other"}), registry.ErrExists)
		wantErr(t, "ImportContent(taken fingerprint)", tx.ImportContent(ctx, registry.Content{ID: 8, Format: schema.Avro,
			Canonical: "seven", Fingerprint: "fp-seven"}), registry.ErrExists)
		for _, id := range []int64{0, -1} {
			if err := tx.ImportContent(ctx, registry.Content{ID: id, Format: schema.Avro, Canonical: "x", Fingerprint: "fp-x"}); err == nil {
				t.Errorf("ImportContent(ID %d) succeeded", id)
			}
		}
		// A version can use imported content.
		if err := tx.CreateVersion(ctx, &registry.Version{ID: "v", Registry: "r", Schema: "s", Number: 1,
			Status: registry.StatusAvailable, Format: schema.Protobuf, Definition: "forty-two", ContentID: 42, CreatedAt: at(0)}); err != nil {
			return err
		}
		// EnsureContent in the same transaction: above every imported ID.
		c, err := tx.EnsureContent(ctx, newContent("new in the import transaction"))
		if err != nil {
			return err
		}
		if c.ID <= 42 {
			t.Errorf("EnsureContent after ImportContent(42) in the same transaction: ID %d, want > 42", c.ID)
		}
		// Imported content is found by fingerprint, not created again.
		again, err := tx.EnsureContent(ctx, imported[0])
		if err != nil {
			return err
		}
		if again.ID != 7 {
			t.Errorf("EnsureContent of imported content: ID %d, want 7", again.ID)
		}
		return nil
	})
	view(t, s, func(tx registry.Tx) error {
		for _, want := range imported {
			got, err := tx.GetContent(ctx, want.ID)
			if err != nil {
				return err
			}
			wantEqual(t, fmt.Sprintf("GetContent(%d)", want.ID), *got, want)
			found, err := tx.FindContent(ctx, want.Format, want.Fingerprint)
			if err != nil {
				return err
			}
			wantEqual(t, fmt.Sprintf("FindContent(%s)", want.Fingerprint), *found, want)
		}
		return nil
	})
	ids := contentIDs(t, s)
	if len(ids) != 4 || ids[0] != 3 || ids[1] != 7 || ids[2] != 42 {
		t.Fatalf("ListContents IDs = %v, want 3 7 42 and one above", ids)
	}
	highest := ids[3]

	// A later transaction: importing an ID below the highest does not lower the next ID.
	update(t, s, func(tx registry.Tx) error {
		if err := tx.ImportContent(ctx, registry.Content{ID: 5, Format: schema.Avro, Canonical: "five", Fingerprint: "fp-five"}); err != nil {
			return err
		}
		c, err := tx.EnsureContent(ctx, newContent("later"))
		if err != nil {
			return err
		}
		if c.ID <= highest {
			t.Errorf("EnsureContent after ImportContent(5) = ID %d, want > %d", c.ID, highest)
		}
		highest = c.ID
		return nil
	})

	// A rolled-back import leaves no row, and IDs stay unique.
	errBoom := errors.New("boom")
	err := s.Update(ctx, func(tx registry.Tx) error {
		if err := tx.ImportContent(ctx, registry.Content{ID: highest + 100, Format: schema.Avro, Canonical: "rolled back", Fingerprint: "fp-rolled back"}); err != nil {
			return err
		}
		return errBoom
	})
	wantErr(t, "Update ending in an error", err, errBoom)
	update(t, s, func(tx registry.Tx) error {
		_, err := tx.GetContent(ctx, highest+100)
		wantErr(t, "GetContent(rolled-back import)", err, registry.ErrNotExist)
		c, err := tx.EnsureContent(ctx, newContent("after the rollback"))
		if err != nil {
			return err
		}
		if c.ID <= highest {
			t.Errorf("EnsureContent after a rolled-back import = ID %d, want > %d", c.ID, highest)
		}
		return nil
	})
}

// testImportAudit restores audit records with their own sequence numbers: they read back as
// imported and in order, duplicates are refused, and records appended afterwards get greater
// numbers.
func testImportAudit(t *testing.T, s registry.Store) {
	ctx := context.Background()
	var imported []registry.AuditEntry
	for i, seq := range []int64{5, 9, 20} {
		imported = append(imported, registry.AuditEntry{Seq: seq, AuditRecord: registry.AuditRecord{
			Time: at(i), Actor: fmt.Sprint("actor", i), Action: "CreateSchema", Target: fmt.Sprintf("schema/r/s%d", i),
			Rule: string(schema.Backward), Result: "ok", Detail: fmt.Sprintf(`{"i":%d}`, i),
		}})
	}
	imported[1].Rule, imported[1].Detail, imported[1].Result = "", "", "failure"
	update(t, s, func(tx registry.Tx) error {
		// Out of order: the log is ordered by sequence number, not by insertion.
		for _, i := range []int{2, 0, 1} {
			if err := tx.ImportAudit(ctx, imported[i]); err != nil {
				return err
			}
		}
		dup := imported[0]
		dup.Actor = "other"
		wantErr(t, "ImportAudit(taken seq)", tx.ImportAudit(ctx, dup), registry.ErrExists)
		for _, seq := range []int64{0, -1} {
			e := imported[0]
			e.Seq = seq
			if err := tx.ImportAudit(ctx, e); err == nil {
				t.Errorf("ImportAudit(seq %d) succeeded", seq)
			}
		}
		return tx.AppendAudit(ctx, registry.AuditRecord{Time: at(10), Action: "same transaction"})
	})
	update(t, s, func(tx registry.Tx) error {
		if err := tx.ImportAudit(ctx, registry.AuditEntry{Seq: 12, AuditRecord: registry.AuditRecord{Time: at(11), Action: "low"}}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, registry.AuditRecord{Time: at(12), Action: "later transaction"})
	})
	var all []registry.AuditEntry
	view(t, s, func(tx registry.Tx) error {
		var err error
		all, err = tx.ListAudit(ctx, 0, 0)
		return err
	})
	if len(all) != 6 {
		t.Fatalf("ListAudit returned %d entries, want 6: %+v", len(all), all)
	}
	// 5, 9, then the imported 12, 20, then the two appended ones.
	for i, want := range map[int]registry.AuditEntry{0: imported[0], 1: imported[1], 3: imported[2]} {
		wantEqual(t, fmt.Sprintf("ListAudit[%d]", i), all[i], want)
	}
	if all[2].Seq != 12 || all[2].Action != "low" {
		t.Errorf("ListAudit[2] = %+v, want the record imported with seq 12", all[2])
	}
	if all[4].Action != "same transaction" || all[4].Seq <= 20 {
		t.Errorf("ListAudit[4] = %+v: want the record appended after ImportAudit(20) in the same transaction, seq > 20", all[4])
	}
	if all[5].Action != "later transaction" || all[5].Seq <= all[4].Seq {
		t.Errorf("ListAudit[5] = %+v: want the later append, numbered above %d", all[5], all[4].Seq)
	}
}
