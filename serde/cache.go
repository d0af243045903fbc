package serde

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Hooks receive cache and registry events, for metrics. Every field is
// optional; a nil hook costs one comparison. Hooks are called on the
// caller's goroutine (Fetch after a background refresh on the refreshing
// goroutine) and must not block.
type Hooks struct {
	// Hit is called when a lookup is answered from cache.
	Hit func(cache string)
	// Miss is called when a lookup must ask the registry.
	Miss func(cache string)
	// Fetch is called after each registry call a cache makes, with its
	// duration and error (nil on success).
	Fetch func(cache string, took time.Duration, err error)
}

// Cache names passed to Hooks.
const (
	CacheVersionID = "version-id" // Glue version UUID -> schema (Deserializer)
	CacheSchemaID  = "schema-id"  // Confluent integer ID -> schema (Deserializer)
	CacheWriter    = "writer"     // topic -> writer schema version (Serializer)
)

// lru is a bounded map with least-recently-used eviction, one registry
// call per missing key however many goroutines ask (singleflight), and an
// optional time-to-live after which an entry is refreshed in the
// background while the cached value keeps being served. A failed refresh
// keeps the entry and is retried later, so a registry outage does not stop
// a warm cache.
//
// A hit on the key asked for last costs one atomic load and a comparison
// (a stream usually carries one schema version at a time); other hits take
// a read lock and an atomic increment. The clock is read on every 64th
// hit only, so an expired entry is refreshed within 64 hits of its
// time-to-live. Eviction scans for the least recently used entry, which is
// cheap because it only happens when a new key is loaded into a full cache.
type lru[K comparable, V any] struct {
	name    string
	max     int
	ttl     time.Duration
	timeout time.Duration
	hooks   *Hooks
	fetch   func(context.Context, K) (V, error)

	last  atomic.Pointer[entry[K, V]] // the entry of the last hit or load
	tick  atomic.Int64
	mu    sync.RWMutex
	m     map[K]*entry[K, V]
	calls map[K]*call[V]
}

type entry[K comparable, V any] struct {
	k          K
	v          V
	used       atomic.Int64  // tick of the last hit
	hits       atomic.Uint32 // hits, counted only with a time-to-live
	due        atomic.Int64  // unix nanos after which a refresh is due (0: never)
	refreshing atomic.Bool
}

type call[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newLRU[K comparable, V any](name string, max int, ttl, timeout time.Duration, hooks *Hooks, fetch func(context.Context, K) (V, error)) *lru[K, V] {
	if max <= 0 {
		max = DefaultCacheSize
	}
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	return &lru[K, V]{name: name, max: max, ttl: ttl, timeout: timeout, hooks: hooks, fetch: fetch,
		m: make(map[K]*entry[K, V]), calls: make(map[K]*call[V])}
}

// get returns the value for k, calling fetch at most once concurrently per
// key when it is missing.
func (c *lru[K, V]) get(ctx context.Context, k K) (V, error) {
	e := c.last.Load()
	if e == nil || e.k != k {
		c.mu.RLock()
		e = c.m[k]
		c.mu.RUnlock()
		if e == nil {
			if c.hooks.Miss != nil {
				c.hooks.Miss(c.name)
			}
			return c.load(ctx, k)
		}
		e.used.Store(c.tick.Add(1))
		c.last.Store(e)
	}
	if c.ttl > 0 && e.hits.Add(1)&63 == 0 {
		if now := time.Now().UnixNano(); now > e.due.Load() && e.refreshing.CompareAndSwap(false, true) {
			go c.refresh(e)
		}
	}
	if c.hooks.Hit != nil {
		c.hooks.Hit(c.name)
	}
	return e.v, nil
}

func (c *lru[K, V]) load(ctx context.Context, k K) (V, error) {
	c.mu.Lock()
	if e := c.m[k]; e != nil {
		c.mu.Unlock()
		return e.v, nil
	}
	cl := c.calls[k]
	if cl == nil {
		cl = &call[V]{done: make(chan struct{})}
		c.calls[k] = cl
		c.mu.Unlock()
		// The fetch outlives a caller that gives up, so that the
		// goroutines waiting on the same key still get an answer.
		go c.run(ctx, k, cl)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-cl.done:
		return cl.v, cl.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

func (c *lru[K, V]) run(ctx context.Context, k K, cl *call[V]) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	v, err := c.call(fctx, k)
	c.mu.Lock()
	delete(c.calls, k)
	if err == nil {
		c.insertLocked(k, v)
	}
	c.mu.Unlock()
	cl.v, cl.err = v, err
	close(cl.done)
}

func (c *lru[K, V]) call(ctx context.Context, k K) (V, error) {
	if c.hooks.Fetch == nil {
		return c.fetch(ctx, k)
	}
	start := time.Now()
	v, err := c.fetch(ctx, k)
	c.hooks.Fetch(c.name, time.Since(start), err)
	return v, err
}

func (c *lru[K, V]) refresh(e *entry[K, V]) {
	defer e.refreshing.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	v, err := c.call(ctx, e.k)
	if err != nil {
		// Keep serving the cached value; try again a little later.
		retry := min(c.ttl, 5*time.Second)
		e.due.Store(time.Now().Add(retry).UnixNano())
		return
	}
	c.mu.Lock()
	if c.m[e.k] == e {
		c.insertLocked(e.k, v)
	}
	c.mu.Unlock()
}

func (c *lru[K, V]) insertLocked(k K, v V) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		// The last entry hit is the most recently used, whatever its
		// tick says (memo hits do not tick).
		last := c.last.Load()
		var victim K
		oldest := int64(-1)
		for key, e := range c.m {
			if e == last && len(c.m) > 1 {
				continue
			}
			if u := e.used.Load(); oldest < 0 || u < oldest {
				oldest, victim = u, key
			}
		}
		delete(c.m, victim)
	}
	e := &entry[K, V]{k: k, v: v}
	e.used.Store(c.tick.Add(1))
	if c.ttl > 0 {
		e.due.Store(time.Now().Add(c.ttl).UnixNano())
	}
	c.m[k] = e
	c.last.Store(e)
}
