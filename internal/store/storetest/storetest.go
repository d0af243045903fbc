// Package storetest is the conformance suite of registry.Store: every implementation runs the
// same tests, so the service above can rely on one behaviour whatever the store.
//
// Beyond the contract written in the registry.Store and registry.Tx docs, the suite pins down:
//
//   - Update, Delete and Remove methods return registry.ErrNotExist when no row matches.
//   - A create that references a missing parent (a schema in a missing registry, a version of a
//     missing schema or content, metadata of a missing version) returns registry.ErrNotExist.
//   - Lists and finds of a missing parent return no rows, not an error.
//   - Names are ordered bytewise ("B" before "a"), as Go compares strings, so a cursor taken from
//     the last row of a page continues where it left off.
//   - Times are kept to the millisecond and read back in UTC.
//   - An empty tag map or reasons list, nil or not, reads back as nil.
//   - View is read-only: a write inside it fails.
//   - Update rolls back when fn returns an error or panics; the panic reaches the caller.
//   - Deleting a schema deletes its subject-level Config; deleting a registry deletes every
//     Config of the registry; other configs (the global one, a subject's whose schema does not
//     exist yet) stay.
//   - ImportContent and ImportAudit keep the imported ID or sequence number, and every one the
//     store hands out afterwards, in the same transaction or later, is above it.
//
// A store is used as a regular caller would: any use of registry.Store that passes this suite is
// safe against every implementation.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// Run runs the suite. open is called once per subtest and must return a new, empty store (no
// registries, not even the default one); Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) registry.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s registry.Store)
	}{
		{"Registries", testRegistries},
		{"RegistryPages", testRegistryPages},
		{"Schemas", testSchemas},
		{"SchemaPages", testSchemaPages},
		{"Content", testContent},
		{"Versions", testVersions},
		{"VersionPages", testVersionPages},
		{"Metadata", testMetadata},
		{"DeleteRegistryCascades", testDeleteRegistryCascades},
		{"DeleteSchemaCascades", testDeleteSchemaCascades},
		{"ContentIDsNeverReused", testContentIDsNeverReused},
		{"Audit", testAudit},
		{"ContentPages", testContentPages},
		{"ImportContent", testImportContent},
		{"ImportAudit", testImportAudit},
		{"Times", testTimes},
		{"TagsAndReasons", testTagsAndReasons},
		{"UpdateRollsBackOnError", testRollbackOnError},
		{"UpdateRollsBackOnPanic", testRollbackOnPanic},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"CanceledContext", testCanceledContext},
		{"SoftDelete", testSoftDelete},
		{"VersionsAcrossSchemas", testVersionsAcrossSchemas},
		{"Configs", testConfigs},
		{"ConcurrentVersionNumbers", testConcurrentVersionNumbers},
		{"ConcurrentEnsureContent", testConcurrentEnsureContent},
		{"ConcurrentIdenticalRegistration", testConcurrentIdenticalRegistration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// t0 is the base of every time the suite writes; it has millisecond precision, so it reads back
// unchanged.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

// at returns t0 plus n seconds.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }

func update(t *testing.T, s registry.Store, fn func(tx registry.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t *testing.T, s registry.Store, fn func(tx registry.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

// wantTime fails unless got is want, in UTC.
func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("%s: got %v (%v), want %v in UTC", what, got, got.Location(), want)
	}
}

// wantEqual compares two values of the same type field by field, time.Time fields with
// wantTime (so a store need not reproduce time's internal representation).
func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	g, w := reflect.ValueOf(&got).Elem(), reflect.ValueOf(&want).Elem()
	if g.Kind() == reflect.Struct {
		timeType := reflect.TypeFor[time.Time]()
		for i := range g.NumField() {
			if g.Field(i).Type() == timeType {
				name := what + "." + g.Type().Field(i).Name
				wantTime(t, name, g.Field(i).Interface().(time.Time), w.Field(i).Interface().(time.Time))
				g.Field(i).Set(reflect.Zero(timeType))
				w.Field(i).Set(reflect.Zero(timeType))
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func newRegistry(name string) *registry.Registry {
	return &registry.Registry{
		Name: name, Description: "registry " + name, Status: registry.StatusAvailable,
		CreatedAt: at(0), UpdatedAt: at(0),
	}
}

func newSchema(reg, name string) *registry.Schema {
	return &registry.Schema{
		Registry: reg, Name: name, Format: schema.Avro, Compatibility: schema.Backward,
		Description: "schema " + name, NextVersion: 1, Status: registry.StatusAvailable,
		CreatedAt: at(1), UpdatedAt: at(1),
	}
}

func newContent(canonical string) registry.Content {
	return registry.Content{Format: schema.Avro, Canonical: canonical, Fingerprint: "fp-" + canonical}
}

// mustCreate creates registries and schemas: each arg is "registry" or "registry/schema"
// (whose registry must come earlier).
func mustCreate(t *testing.T, s registry.Store, args ...string) {
	t.Helper()
	update(t, s, func(tx registry.Tx) error {
		ctx := context.Background()
		for _, a := range args {
			if reg, name, ok := strings.Cut(a, "/"); ok {
				if err := tx.CreateSchema(ctx, newSchema(reg, name)); err != nil {
					return err
				}
				continue
			}
			if err := tx.CreateRegistry(ctx, newRegistry(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// addVersion registers canonical as the next version of the schema the way the service does:
// read the schema, ensure the content, create the version with NextVersion, advance the schema.
// It runs inside tx and returns the version.
func addVersion(ctx context.Context, tx registry.Tx, reg, name, canonical, status string) (*registry.Version, error) {
	sc, err := tx.GetSchema(ctx, reg, name)
	if err != nil {
		return nil, err
	}
	c, err := tx.EnsureContent(ctx, newContent(canonical))
	if err != nil {
		return nil, err
	}
	v := &registry.Version{
		ID:       fmt.Sprintf("%s/%s/v%d", reg, name, sc.NextVersion),
		Registry: reg, Schema: name, Number: sc.NextVersion, Status: status,
		Format: sc.Format, Definition: canonical + " ", ContentID: c.ID, CreatedAt: at(int(sc.NextVersion)),
	}
	if err := tx.CreateVersion(ctx, v); err != nil {
		return nil, err
	}
	sc.LatestVersion = sc.NextVersion
	sc.NextVersion++
	if err := tx.UpdateSchema(ctx, sc); err != nil {
		return nil, err
	}
	return v, nil
}

func mustAddVersion(t *testing.T, s registry.Store, reg, name, canonical, status string) *registry.Version {
	t.Helper()
	var v *registry.Version
	update(t, s, func(tx registry.Tx) error {
		var err error
		v, err = addVersion(context.Background(), tx, reg, name, canonical, status)
		return err
	})
	return v
}

// counts returns CountRegistries, CountSchemas and CountVersions.
func counts(t *testing.T, s registry.Store) [3]int {
	t.Helper()
	var n [3]int
	view(t, s, func(tx registry.Tx) error {
		ctx := context.Background()
		var err error
		if n[0], err = tx.CountRegistries(ctx); err != nil {
			return err
		}
		if n[1], err = tx.CountSchemas(ctx); err != nil {
			return err
		}
		n[2], err = tx.CountVersions(ctx)
		return err
	})
	return n
}
