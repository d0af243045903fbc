package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

func testRegistries(t *testing.T, s registry.Store) {
	ctx := context.Background()
	r := newRegistry("orders")
	r.Tags = map[string]string{"team": "payments", "env": "prod"}
	update(t, s, func(tx registry.Tx) error { return tx.CreateRegistry(ctx, r) })

	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetRegistry(ctx, "orders")
		if err != nil {
			return err
		}
		wantEqual(t, "GetRegistry", *got, *r)
		_, err = tx.GetRegistry(ctx, "missing")
		wantErr(t, "GetRegistry(missing)", err, registry.ErrNotExist)
		return nil
	})

	err := s.Update(ctx, func(tx registry.Tx) error { return tx.CreateRegistry(ctx, newRegistry("orders")) })
	wantErr(t, "CreateRegistry(duplicate)", err, registry.ErrExists)

	// UpdateRegistry overwrites description, tags, status and updated time, nothing else.
	changed := *r
	changed.Description = "changed"
	changed.Tags = map[string]string{"team": "billing"}
	changed.Status = registry.StatusDeleting
	changed.UpdatedAt = at(60)
	changed.CreatedAt = at(-60) // must be ignored
	update(t, s, func(tx registry.Tx) error { return tx.UpdateRegistry(ctx, &changed) })
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetRegistry(ctx, "orders")
		if err != nil {
			return err
		}
		want := changed
		want.CreatedAt = r.CreatedAt
		wantEqual(t, "GetRegistry after UpdateRegistry", *got, want)
		return nil
	})
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.UpdateRegistry(ctx, newRegistry("missing")) })
	wantErr(t, "UpdateRegistry(missing)", err, registry.ErrNotExist)

	mustCreate(t, s, "other")
	if got := counts(t, s); got != [3]int{2, 0, 0} {
		t.Errorf("counts = %v, want [2 0 0]", got)
	}
	update(t, s, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "orders") })
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.DeleteRegistry(ctx, "orders") })
	wantErr(t, "DeleteRegistry(deleted)", err, registry.ErrNotExist)
	view(t, s, func(tx registry.Tx) error {
		_, err := tx.GetRegistry(ctx, "orders")
		wantErr(t, "GetRegistry(deleted)", err, registry.ErrNotExist)
		return nil
	})
	if got := counts(t, s); got != [3]int{1, 0, 0} {
		t.Errorf("counts after delete = %v, want [1 0 0]", got)
	}
}

// registryNames are created in this order; byte order puts upper case first.
var registryNames = []string{"orders", "Payments", "a", "default-registry", "zeta", "b-1", "b_1", "B", "inventory", "a.b"}

func testRegistryPages(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, registryNames...)
	want := slices.Sorted(slices.Values(registryNames))

	for _, limit := range []int{1, 3, 4, len(want), len(want) + 1} {
		var got []string
		after := ""
		for pages := 0; ; pages++ {
			if pages > len(want)+1 {
				t.Fatalf("limit %d: pagination does not end", limit)
			}
			var page []registry.Registry
			view(t, s, func(tx registry.Tx) error {
				var err error
				page, err = tx.ListRegistries(ctx, after, limit)
				return err
			})
			if len(page) > limit {
				t.Fatalf("limit %d: got a page of %d", limit, len(page))
			}
			for _, r := range page {
				got = append(got, r.Name)
			}
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Name
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: pages list %q, want %q", limit, got, want)
		}
	}

	for _, limit := range []int{0, -1} {
		view(t, s, func(tx registry.Tx) error {
			all, err := tx.ListRegistries(ctx, "", limit)
			if err != nil {
				return err
			}
			if len(all) != len(want) {
				t.Errorf("ListRegistries(limit %d) returned %d rows, want all %d", limit, len(all), len(want))
			}
			return nil
		})
	}
	view(t, s, func(tx registry.Tx) error {
		rest, err := tx.ListRegistries(ctx, "inventory", 0)
		if err != nil {
			return err
		}
		if len(rest) != 2 || rest[0].Name != "orders" || rest[1].Name != "zeta" {
			t.Errorf("ListRegistries(after %q) = %v, want orders, zeta", "inventory", rest)
		}
		rest, err = tx.ListRegistries(ctx, "zeta", 10)
		if err != nil {
			return err
		}
		if len(rest) != 0 {
			t.Errorf("ListRegistries(after the last) = %v, want none", rest)
		}
		n, err := tx.CountRegistries(ctx)
		if n != len(want) {
			t.Errorf("CountRegistries = %d, want %d", n, len(want))
		}
		return err
	})
}

func testSchemas(t *testing.T, s registry.Store) {
	ctx := context.Background()
	mustCreate(t, s, "r1", "r2")
	sc := newSchema("r1", "orders")
	sc.Format = schema.Protobuf
	sc.Compatibility = schema.FullAll
	sc.Tags = map[string]string{"k": "v"}
	update(t, s, func(tx registry.Tx) error { return tx.CreateSchema(ctx, sc) })
	// The same name in another registry is another schema.
	other := newSchema("r2", "orders")
	update(t, s, func(tx registry.Tx) error { return tx.CreateSchema(ctx, other) })

	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetSchema(ctx, "r1", "orders")
		if err != nil {
			return err
		}
		wantEqual(t, "GetSchema", *got, *sc)
		got, err = tx.GetSchema(ctx, "r2", "orders")
		if err != nil {
			return err
		}
		wantEqual(t, "GetSchema(other registry)", *got, *other)
		_, err = tx.GetSchema(ctx, "r1", "missing")
		wantErr(t, "GetSchema(missing)", err, registry.ErrNotExist)
		_, err = tx.GetSchema(ctx, "missing", "orders")
		wantErr(t, "GetSchema(missing registry)", err, registry.ErrNotExist)
		return nil
	})

	err := s.Update(ctx, func(tx registry.Tx) error { return tx.CreateSchema(ctx, newSchema("r1", "orders")) })
	wantErr(t, "CreateSchema(duplicate)", err, registry.ErrExists)
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.CreateSchema(ctx, newSchema("missing", "x")) })
	wantErr(t, "CreateSchema(missing registry)", err, registry.ErrNotExist)

	// UpdateSchema overwrites every mutable field; format and creation time stay.
	changed := *sc
	changed.Compatibility = schema.None
	changed.Description = "changed"
	changed.Tags = map[string]string{"k": "w", "k2": "v2"}
	changed.Checkpoint = 3
	changed.LatestVersion = 7
	changed.NextVersion = 8
	changed.Status = registry.StatusDeleting
	changed.UpdatedAt = at(99)
	update(t, s, func(tx registry.Tx) error { return tx.UpdateSchema(ctx, &changed) })
	view(t, s, func(tx registry.Tx) error {
		got, err := tx.GetSchema(ctx, "r1", "orders")
		if err != nil {
			return err
		}
		wantEqual(t, "GetSchema after UpdateSchema", *got, changed)
		return nil
	})
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.UpdateSchema(ctx, newSchema("r1", "missing")) })
	wantErr(t, "UpdateSchema(missing)", err, registry.ErrNotExist)

	if got := counts(t, s); got != [3]int{2, 2, 0} {
		t.Errorf("counts = %v, want [2 2 0]", got)
	}
	update(t, s, func(tx registry.Tx) error { return tx.DeleteSchema(ctx, "r1", "orders") })
	err = s.Update(ctx, func(tx registry.Tx) error { return tx.DeleteSchema(ctx, "r1", "orders") })
	wantErr(t, "DeleteSchema(deleted)", err, registry.ErrNotExist)
	view(t, s, func(tx registry.Tx) error {
		_, err := tx.GetSchema(ctx, "r1", "orders")
		wantErr(t, "GetSchema(deleted)", err, registry.ErrNotExist)
		if _, err := tx.GetSchema(ctx, "r2", "orders"); err != nil {
			t.Errorf("GetSchema(r2/orders) after deleting r1/orders: %v", err)
		}
		return nil
	})
	if got := counts(t, s); got != [3]int{2, 1, 0} {
		t.Errorf("counts after delete = %v, want [2 1 0]", got)
	}
}

func testSchemaPages(t *testing.T, s registry.Store) {
	ctx := context.Background()
	type key struct{ reg, name string }
	var all []key
	args := []string{"r2", "R1", "r1"}
	for _, reg := range []string{"r2", "R1", "r1"} {
		for _, name := range []string{"s3", "S", "s1", "s10", "s2"} {
			args = append(args, reg+"/"+name)
			all = append(all, key{reg, name})
		}
	}
	mustCreate(t, s, args...)
	mustCreate(t, s, "empty")
	slices.SortFunc(all, func(a, b key) int {
		if a.reg != b.reg {
			return strings.Compare(a.reg, b.reg)
		}
		return strings.Compare(a.name, b.name)
	})

	list := func(reg string, limit int) []key {
		var got []key
		var after key
		for pages := 0; ; pages++ {
			if pages > len(all)+1 {
				t.Fatalf("ListSchemas(%q, limit %d): pagination does not end", reg, limit)
			}
			var page []registry.Schema
			view(t, s, func(tx registry.Tx) error {
				var err error
				page, err = tx.ListSchemas(ctx, reg, after.reg, after.name, limit)
				return err
			})
			if limit > 0 && len(page) > limit {
				t.Fatalf("ListSchemas(%q, limit %d): got a page of %d", reg, limit, len(page))
			}
			for _, sc := range page {
				if reg != "" && sc.Registry != reg {
					t.Errorf("ListSchemas(%q) returned %s/%s", reg, sc.Registry, sc.Name)
				}
				got = append(got, key{sc.Registry, sc.Name})
			}
			if limit <= 0 || len(page) < limit {
				return got
			}
			last := page[len(page)-1]
			after = key{last.Registry, last.Name}
		}
	}
	for _, limit := range []int{0, 1, 2, 4, 5, 100} {
		if got := list("", limit); !slices.Equal(got, all) {
			t.Errorf("ListSchemas(every registry, limit %d):\n got %v\nwant %v", limit, got, all)
		}
		for _, reg := range []string{"R1", "r1", "r2"} {
			want := slices.DeleteFunc(slices.Clone(all), func(k key) bool { return k.reg != reg })
			if got := list(reg, limit); !slices.Equal(got, want) {
				t.Errorf("ListSchemas(%q, limit %d):\n got %v\nwant %v", reg, limit, got, want)
			}
		}
		if got := list("empty", limit); len(got) != 0 {
			t.Errorf("ListSchemas(empty registry) = %v", got)
		}
		if got := list("missing", limit); len(got) != 0 {
			t.Errorf("ListSchemas(missing registry) = %v", got)
		}
	}
	if got := counts(t, s); got != [3]int{4, len(all), 0} {
		t.Errorf("counts = %v, want [4 %d 0]", got, len(all))
	}
}
