package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
)

// touchEverything writes to every table inside tx: a registry "new" with a schema and a version
// with metadata and new content, an update and a delete of existing rows, and an audit record.
func touchEverything(ctx context.Context, tx registry.Tx) error {
	if err := tx.CreateRegistry(ctx, newRegistry("new")); err != nil {
		return err
	}
	if err := tx.CreateSchema(ctx, newSchema("new", "s")); err != nil {
		return err
	}
	v, err := addVersion(ctx, tx, "new", "s", "new content", registry.StatusAvailable)
	if err != nil {
		return err
	}
	if err := tx.AddMetadata(ctx, v.ID, registry.Metadata{Key: "k", Value: "v", CreatedAt: at(0)}); err != nil {
		return err
	}
	r := newRegistry("old")
	r.Description = "changed"
	if err := tx.UpdateRegistry(ctx, r); err != nil {
		return err
	}
	if err := tx.DeleteSchema(ctx, "old", "s"); err != nil {
		return err
	}
	return tx.AppendAudit(ctx, registry.AuditRecord{Time: at(0), Action: "touch"})
}

// wantUntouched checks that nothing touchEverything writes is there.
func wantUntouched(t *testing.T, s registry.Store) {
	t.Helper()
	ctx := context.Background()
	view(t, s, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "new")
		wantErr(t, "GetRegistry(new)", err, registry.ErrNotExist)
		_, err = tx.GetSchema(ctx, "new", "s")
		wantErr(t, "GetSchema(new/s)", err, registry.ErrNotExist)
		_, err = tx.FindContent(ctx, newContent("new content").Format, newContent("new content").Fingerprint)
		wantErr(t, "FindContent(new content)", err, registry.ErrNotExist)
		r, err := tx.GetRegistry(ctx, "old")
		if err != nil {
			return err
		}
		if r.Description != newRegistry("old").Description {
			t.Errorf("registry old has description %q: the update was not rolled back", r.Description)
		}
		if _, err := tx.GetSchema(ctx, "old", "s"); err != nil {
			t.Errorf("GetSchema(old/s): %v: the delete was not rolled back", err)
		}
		au, err := tx.ListAudit(ctx, 0, 0)
		if len(au) != 0 {
			t.Errorf("ListAudit = %+v, want none", au)
		}
		return err
	})
	if got := counts(t, s); got != [3]int{1, 1, 0} {
		t.Errorf("counts = %v, want [1 1 0]", got)
	}
}

func testRollbackOnError(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "old", "old/s")
	errBoom := errors.New("boom")
	err := s.Update(ctx, func(tx registry.Tx) error {
		if err := touchEverything(ctx, tx); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Update returned %v, want fn's error", err)
	}
	// A domain error comes back as it is, for the service to pass on.
	domainErr := registry.Errorf(registry.CodeConflict, "conflict")
	err = s.Update(ctx, func(tx registry.Tx) error {
		if err := touchEverything(ctx, tx); err != nil {
			return err
		}
		return domainErr
	})
	var e *registry.Error
	if !errors.As(err, &e) || e != domainErr {
		t.Errorf("Update returned %v, want fn's *registry.Error", err)
	}
	// A failed statement does not commit the statements before it either.
	err = s.Update(ctx, func(tx registry.Tx) error {
		if err := touchEverything(ctx, tx); err != nil {
			return err
		}
		return tx.CreateRegistry(ctx, newRegistry("new"))
	})
	wantErr(t, "Update ending in a duplicate", err, registry.ErrExists)
	wantUntouched(t, s)

	// The store works on after the rollbacks.
	update(t, s, func(tx registry.Tx) error { return touchEverything(ctx, tx) })
	if got := counts(t, s); got != [3]int{2, 1, 1} {
		t.Errorf("counts after a committed Update = %v, want [2 1 1]", got)
	}
}

func testRollbackOnPanic(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "old", "old/s")
	type boom struct{}
	func() {
		defer func() {
			if p := recover(); p != (boom{}) {
				t.Errorf("recovered %v, want the panic of fn", p)
			}
		}()
		_ = s.Update(ctx, func(tx registry.Tx) error {
			if err := touchEverything(ctx, tx); err != nil {
				return err
			}
			panic(boom{})
		})
		t.Error("Update returned after fn panicked")
	}()
	wantUntouched(t, s)

	// A panic in View is passed on too, and both sides work on after it.
	func() {
		defer func() {
			if p := recover(); p != (boom{}) {
				t.Errorf("recovered %v from View, want the panic of fn", p)
			}
		}()
		_ = s.View(ctx, func(tx registry.Tx) error { panic(boom{}) })
	}()
	update(t, s, func(tx registry.Tx) error { return touchEverything(ctx, tx) })
	if got := counts(t, s); got != [3]int{2, 1, 1} {
		t.Errorf("counts after a committed Update = %v, want [2 1 1]", got)
	}
}

func testViewIsReadOnly(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "old", "old/s")
	err := s.View(ctx, func(tx registry.Tx) error { return touchEverything(ctx, tx) })
	if err == nil {
		t.Error("a write in View succeeded")
	}
	wantUntouched(t, s)
}

func testCanceledContext(t *testing.T, s registry.Store) {
	mustCreate(t, s, "old", "old/s")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := s.Update(ctx, func(tx registry.Tx) error {
		called = true
		return touchEverything(ctx, tx)
	})
	if err == nil {
		t.Errorf("Update with a canceled context succeeded (fn called: %v)", called)
	}
	wantUntouched(t, s)
}
