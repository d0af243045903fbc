package registry

import (
	"sync"

	"github.com/cartaschema/carta/schema"
)

// parsedCache keeps parsed schemas by content ID, so transitive checks do not re-parse the
// whole history on every registration. Content is immutable, so entries never go stale.
type parsedCache struct {
	mu  sync.Mutex
	max int
	m   map[int64]schema.Schema
}

func (c *parsedCache) get(id int64) (schema.Schema, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[id]
	return p, ok
}

func (c *parsedCache) put(id int64, p schema.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]schema.Schema{}
	}
	if len(c.m) >= c.max {
		// Drop an arbitrary entry: the cache only saves parsing time.
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = p
}
