// Package serdetest provides an in-memory schema registry for the unit
// tests of code that uses the serde package: no server, no network, and
// counters that let a test assert how often the registry was asked.
package serdetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// Registry is an in-memory serde.Registry. It assigns random version IDs
// and integer IDs shared by identical definitions, as Carta does, and does
// no compatibility checking. The zero value is not ready: use New.
type Registry struct {
	mu        sync.Mutex
	schemas   map[serde.SchemaRef][]serde.Schema
	byVersion map[wire.VersionID]serde.Schema
	ids       map[string]uint32 // format + definition -> ID
	byID      map[uint32]serde.Schema
	metadata  map[wire.VersionID]map[string]string
	down      atomic.Bool
	calls     atomic.Int64
}

// New returns an empty Registry.
func New() *Registry {
	return &Registry{
		schemas:   map[serde.SchemaRef][]serde.Schema{},
		byVersion: map[wire.VersionID]serde.Schema{},
		ids:       map[string]uint32{},
		byID:      map[uint32]serde.Schema{},
		metadata:  map[wire.VersionID]map[string]string{},
	}
}

// ErrDown is returned by every call while the registry is down.
var ErrDown = fmt.Errorf("serdetest: the registry is down")

// SetDown makes every following call fail with ErrDown (true) or succeed
// again (false), to test behaviour during an outage.
func (r *Registry) SetDown(down bool) { r.down.Store(down) }

// Calls returns how many calls the registry has answered or refused.
func (r *Registry) Calls() int64 { return r.calls.Load() }

// Metadata returns the metadata recorded for a version.
func (r *Registry) Metadata(id wire.VersionID) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for k, v := range r.metadata[id] {
		out[k] = v
	}
	return out
}

func norm(ref serde.SchemaRef) serde.SchemaRef {
	if ref.Registry == "" {
		ref.Registry = serde.DefaultRegistry
	}
	return ref
}

func (r *Registry) enter() error {
	r.calls.Add(1)
	if r.down.Load() {
		return ErrDown
	}
	return nil
}

// Register adds definition as a new version of ref (or returns the
// existing version with that definition). It is RegisterSchema without a
// context, for test setup.
func (r *Registry) Register(ref serde.SchemaRef, format serde.Format, definition string) serde.Schema {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.registerLocked(norm(ref), format, definition, nil)
}

func (r *Registry) registerLocked(ref serde.SchemaRef, format serde.Format, definition string, md map[string]string) serde.Schema {
	for _, s := range r.schemas[ref] {
		if s.Definition == definition {
			return s
		}
	}
	key := string(format) + "\x00" + definition
	id, ok := r.ids[key]
	if !ok {
		id = uint32(len(r.ids) + 1)
		r.ids[key] = id
	}
	s := serde.Schema{Ref: ref, Format: format, Definition: definition,
		VersionID: wire.VersionID(uuid.New()), Version: len(r.schemas[ref]) + 1, ID: id}
	r.schemas[ref] = append(r.schemas[ref], s)
	r.byVersion[s.VersionID] = s
	if _, ok := r.byID[id]; !ok {
		r.byID[id] = s
	}
	if len(md) > 0 {
		r.metadata[s.VersionID] = md
	}
	return s
}

// SchemaByVersionID implements serde.Registry.
func (r *Registry) SchemaByVersionID(_ context.Context, id wire.VersionID) (serde.Schema, error) {
	if err := r.enter(); err != nil {
		return serde.Schema{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byVersion[id]
	if !ok {
		return serde.Schema{}, fmt.Errorf("version %s: %w", id, serde.ErrNotFound)
	}
	return s, nil
}

// SchemaByID implements serde.Registry.
func (r *Registry) SchemaByID(_ context.Context, id uint32) (serde.Schema, error) {
	if err := r.enter(); err != nil {
		return serde.Schema{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	if !ok {
		return serde.Schema{}, fmt.Errorf("schema id %d: %w", id, serde.ErrNotFound)
	}
	return s, nil
}

// SchemaVersion implements serde.Registry.
func (r *Registry) SchemaVersion(_ context.Context, ref serde.SchemaRef, version int) (serde.Schema, error) {
	if err := r.enter(); err != nil {
		return serde.Schema{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	vs := r.schemas[norm(ref)]
	if len(vs) == 0 {
		return serde.Schema{}, fmt.Errorf("schema %s: %w", ref, serde.ErrNotFound)
	}
	if version == 0 {
		return vs[len(vs)-1], nil
	}
	if version < 0 || version > len(vs) {
		return serde.Schema{}, fmt.Errorf("schema %s version %d: %w", ref, version, serde.ErrNotFound)
	}
	return vs[version-1], nil
}

// LookupSchema implements serde.Registry.
func (r *Registry) LookupSchema(_ context.Context, ref serde.SchemaRef, _ serde.Format, definition string) (serde.Schema, error) {
	if err := r.enter(); err != nil {
		return serde.Schema{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.schemas[norm(ref)] {
		if s.Definition == definition {
			return s, nil
		}
	}
	return serde.Schema{}, fmt.Errorf("definition under %s: %w", ref, serde.ErrNotFound)
}

// RegisterSchema implements serde.Registry.
func (r *Registry) RegisterSchema(_ context.Context, ref serde.SchemaRef, format serde.Format, definition string, opts serde.RegisterOptions) (serde.Schema, error) {
	if err := r.enter(); err != nil {
		return serde.Schema{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.registerLocked(norm(ref), format, definition, opts.Metadata), nil
}

var _ serde.Registry = (*Registry)(nil)
