package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
)

// Sizes of the concurrency tests: enough goroutines to contend on two cores under -race, few
// enough commits to stay quick on a store that syncs every commit.
const (
	workers   = 8
	perWorker = 6
)

// parallel runs fn(i) for i in [0, n) on n goroutines released together, and reports every
// error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make([]error, n)
	)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", i, err)
		}
	}
}

// testConcurrentVersionNumbers has many goroutines register versions of one schema with a
// read-modify-write of NextVersion in Update: serialized writers must give gap-free unique
// numbers 1..N.
func testConcurrentVersionNumbers(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s")
	const n = workers * perWorker
	parallel(t, workers, func(w int) error {
		for i := range perWorker {
			err := s.Update(ctx, func(tx registry.Tx) error {
				_, err := addVersion(ctx, tx, "r", "s", fmt.Sprintf("w%d-%d", w, i), registry.StatusAvailable)
				return err
			})
			if err != nil {
				return err
			}
			// Readers run alongside the writers.
			if err := s.View(ctx, func(tx registry.Tx) error {
				_, err := tx.ListVersions(ctx, "r", "s", 0, 0, "")
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	})

	view(t, s, func(tx registry.Tx) error {
		vs, err := tx.ListVersions(ctx, "r", "s", 0, 0, "")
		if err != nil {
			return err
		}
		want := make([]int64, n)
		for i := range want {
			want[i] = int64(i + 1)
		}
		if got := versionNumbers(vs); !slices.Equal(got, want) {
			t.Errorf("version numbers %v, want 1..%d", got, n)
		}
		contents := map[int64]bool{}
		for _, v := range vs {
			contents[v.ContentID] = true
		}
		if len(contents) != n {
			t.Errorf("%d distinct content IDs for %d distinct definitions", len(contents), n)
		}
		sc, err := tx.GetSchema(ctx, "r", "s")
		if err != nil {
			return err
		}
		if sc.NextVersion != n+1 || sc.LatestVersion != n {
			t.Errorf("schema NextVersion %d, LatestVersion %d; want %d, %d", sc.NextVersion, sc.LatestVersion, n+1, n)
		}
		return nil
	})
}

// testConcurrentEnsureContent has many goroutines ensure the same content at once: one ID.
func testConcurrentEnsureContent(t *testing.T, s registry.Store) {
	ctx := context.Background()
	for round := range perWorker {
		ids := make([]int64, workers)
		parallel(t, workers, func(w int) error {
			return s.Update(ctx, func(tx registry.Tx) error {
				c, err := tx.EnsureContent(ctx, newContent(fmt.Sprint("shared", round)))
				if err != nil {
					return err
				}
				ids[w] = c.ID
				return nil
			})
		})
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("round %d: EnsureContent of one content returned IDs %v", round, ids)
			}
		}
	}
}

// testConcurrentIdenticalRegistration has many goroutines register one definition the way the
// service does (look the content up, reuse a version that has it, else add one): one version.
func testConcurrentIdenticalRegistration(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r", "r/s")
	ids := make([]string, workers)
	parallel(t, workers, func(w int) error {
		return s.Update(ctx, func(tx registry.Tx) error {
			c := newContent("same")
			got, err := tx.FindContent(ctx, c.Format, c.Fingerprint)
			switch {
			case err == nil:
				same, err := tx.FindVersionsByContent(ctx, "r", "s", got.ID)
				if err != nil {
					return err
				}
				if len(same) > 0 {
					ids[w] = same[0].ID
					return nil
				}
			case !errors.Is(err, registry.ErrNotExist):
				return err
			}
			v, err := addVersion(ctx, tx, "r", "s", "same", registry.StatusAvailable)
			if err != nil {
				return err
			}
			ids[w] = v.ID
			return nil
		})
	})
	for _, id := range ids {
		if id != ids[0] {
			t.Errorf("concurrent registrations of one definition returned versions %v", ids)
			break
		}
	}
	if got := counts(t, s); got[2] != 1 {
		t.Errorf("CountVersions = %d, want 1", got[2])
	}
}
