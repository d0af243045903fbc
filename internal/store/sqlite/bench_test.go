package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// benchDB opens a database in a temporary directory with registry r and schema r/s.
func benchDB(b *testing.B) *DB {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "carta.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Now()
	err = db.Update(ctx, func(tx registry.Tx) error {
		if err := tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Status: registry.StatusAvailable, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		return tx.CreateSchema(ctx, &registry.Schema{Registry: "r", Name: "s", Format: schema.Avro,
			Compatibility: schema.Backward, NextVersion: 1, Status: registry.StatusAvailable, CreatedAt: now, UpdatedAt: now})
	})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// createVersion is the store's part of a registration: read the schema, ensure the content,
// insert the version, advance the schema, append the audit record; one durable commit.
func createVersion(ctx context.Context, db *DB, n int64) (string, error) {
	var id string
	err := db.Update(ctx, func(tx registry.Tx) error {
		sc, err := tx.GetSchema(ctx, "r", "s")
		if err != nil {
			return err
		}
		def := fmt.Sprintf(`{"type":"record","name":"R%d","fields":[]}`, n)
		c, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: def, Fingerprint: fmt.Sprint("fp", n)})
		if err != nil {
			return err
		}
		now := time.Now()
		id = fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		v := &registry.Version{ID: id, Registry: "r", Schema: "s", Number: sc.NextVersion, Status: registry.StatusAvailable,
			Format: schema.Avro, Definition: def, ContentID: c.ID, CreatedAt: now}
		if err := tx.CreateVersion(ctx, v); err != nil {
			return err
		}
		sc.LatestVersion, sc.NextVersion, sc.UpdatedAt = sc.NextVersion, sc.NextVersion+1, now
		if err := tx.UpdateSchema(ctx, sc); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, registry.AuditRecord{Time: now, Actor: "bench", Action: "RegisterSchemaVersion",
			Target: "schema/r/s", Rule: "BACKWARD", Result: "ok"})
	})
	return id, err
}

// BenchmarkCreateVersion measures one registration transaction, synced to disk.
func BenchmarkCreateVersion(b *testing.B) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		db := benchDB(b)
		var n int64
		for b.Loop() {
			n++
			if _, err := createVersion(ctx, db, n); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Writers from many goroutines queue for the one write connection.
	b.Run("parallel", func(b *testing.B) {
		db := benchDB(b)
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := createVersion(ctx, db, n.Add(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkGetVersion measures a read transaction that fetches one version by ID out of 1,000.
func BenchmarkGetVersion(b *testing.B) {
	ctx := context.Background()
	db := benchDB(b)
	const versions = 1000
	ids := make([]string, versions)
	for i := range ids {
		var err error
		if ids[i], err = createVersion(ctx, db, int64(i+1)); err != nil {
			b.Fatal(err)
		}
	}
	get := func(i int) error {
		return db.View(ctx, func(tx registry.Tx) error {
			_, err := tx.GetVersion(ctx, ids[i%versions])
			return err
		})
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if err := get(i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := get(int(n.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
