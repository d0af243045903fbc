package registry

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cartaschema/carta/schema"
	"github.com/google/uuid"
)

// Quotas bound what one Carta deployment holds. Zero fields take AWS Glue's defaults.
type Quotas struct {
	// MaxRegistries is the number of registries (default 100).
	MaxRegistries int
	// MaxSchemas is the number of schemas across registries (default 10,000).
	MaxSchemas int
	// MaxVersions is the number of schema versions across schemas (default 10,000).
	MaxVersions int
	// MaxVersionNumber is the highest version number of one schema (default 100,000).
	MaxVersionNumber int64
	// MaxMetadata is the number of metadata key/value pairs per version (default 10).
	MaxMetadata int
	// MaxTags is the number of tags per resource (default 50).
	MaxTags int
}

// WithDefaults returns q with zero fields replaced by AWS Glue's defaults.
func (q Quotas) WithDefaults() Quotas {
	if q.MaxRegistries <= 0 {
		q.MaxRegistries = 100
	}
	if q.MaxSchemas <= 0 {
		q.MaxSchemas = 10000
	}
	if q.MaxVersions <= 0 {
		q.MaxVersions = 10000
	}
	if q.MaxVersionNumber <= 0 {
		q.MaxVersionNumber = 100000
	}
	if q.MaxMetadata <= 0 {
		q.MaxMetadata = 10
	}
	if q.MaxTags <= 0 {
		q.MaxTags = 50
	}
	return q
}

// Options configure a Service.
type Options struct {
	// Handlers implement the formats; a format without a handler is refused.
	Handlers []schema.Handler
	// Limits bound definitions before parsing.
	Limits schema.Limits
	// Quotas bound the number of entities.
	Quotas Quotas
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now. Tests pin it.
	Now func() time.Time
	// NewID returns a new SchemaVersionId; nil means a random (version 4) UUID.
	NewID func() string
	// RejectIncompatible makes an incompatible registration fail with CodeIncompatible
	// instead of being stored as a FAILURE version (AWS Glue's behaviour, the default).
	RejectIncompatible bool
	// ParsedCacheSize bounds the cache of parsed schemas (default 1,000).
	ParsedCacheSize int
	// DefaultPolicy is the compatibility policy of schemas without a PolicyTag (default STRICT).
	DefaultPolicy schema.Policy
}

// Service holds the registry's use cases. Every mutation of every API dialect goes through it,
// in one store transaction that also writes the audit record.
type Service struct {
	store    Store
	handlers map[schema.Format]schema.Handler
	limits   schema.Limits
	quotas   Quotas
	log      *slog.Logger
	now      func() time.Time
	newID    func() string

	rejectIncompatible bool
	parsed             *parsedCache
	defaultPolicy      schema.Policy
}

// NewService returns a Service over store. It ensures that the default registry exists.
func NewService(ctx context.Context, store Store, opts Options) (*Service, error) {
	s := &Service{
		store:    store,
		handlers: map[schema.Format]schema.Handler{},
		limits:   opts.Limits.WithDefaults(),
		quotas:   opts.Quotas.WithDefaults(),
		log:      opts.Logger,
		now:      opts.Now,
		newID:    opts.NewID,

		rejectIncompatible: opts.RejectIncompatible,
		defaultPolicy:      opts.DefaultPolicy,
		parsed:             &parsedCache{max: opts.ParsedCacheSize},
	}
	if s.defaultPolicy == "" {
		s.defaultPolicy = schema.Strict
	}
	if !s.defaultPolicy.Valid() {
		return nil, fmt.Errorf("unknown compatibility policy %q: use STRICT or LENIENT", opts.DefaultPolicy)
	}
	if s.parsed.max <= 0 {
		s.parsed.max = 1000
	}
	for _, h := range opts.Handlers {
		s.handlers[h.Format()] = h
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newID == nil {
		s.newID = func() string { return uuid.NewString() }
	}
	err := store.Update(ctx, func(tx Tx) error {
		_, err := s.ensureDefaultRegistry(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Limits returns the definition limits the service enforces.
func (s *Service) Limits() schema.Limits { return s.limits }

// Quotas returns the quotas the service enforces.
func (s *Service) Quotas() Quotas { return s.quotas }

// Ping reports whether the store answers.
func (s *Service) Ping(ctx context.Context) error {
	return s.store.View(ctx, func(tx Tx) error {
		_, err := tx.CountRegistries(ctx)
		return err
	})
}

// timestamp truncates t to the millisecond precision the stores and APIs keep.
func (s *Service) timestamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

type actorKey struct{}

// WithActor returns a context that names the caller (e.g. an AWS access key ID) for the audit log.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// Actor returns the caller named by WithActor, or "anonymous".
func Actor(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "anonymous"
}

// PolicyTag is the tag that sets a schema's compatibility policy (STRICT or LENIENT; only JSON
// Schema's rules have a LENIENT form). A tag works with every Glue client: set it with
// `create-schema --tags` or `tag-resource`. Schemas without it use the policy of their
// registry's config, else the global config's, else the server's default.
const PolicyTag = "carta:compatibility-policy"

// policyOf returns the compatibility policy of a schema: its PolicyTag, else the policy of its
// registry's config, else the global config's, else the server's default.
func (s *Service) policyOf(ctx context.Context, tx Tx, sc *Schema) (schema.Policy, error) {
	if p := schema.Policy(sc.Tags[PolicyTag]); p != "" && p.Valid() {
		return p, nil
	}
	eff, err := s.resolveConfig(ctx, tx, sc.Registry, "")
	return eff.Policy, err
}

// checkPolicyTag refuses a PolicyTag with an unknown value.
func checkPolicyTag(tags map[string]string) error {
	if p, ok := tags[PolicyTag]; ok && (p == "" || !schema.Policy(p).Valid()) {
		return Errorf(CodeInvalid, "Tag %s must be STRICT or LENIENT, not %q.", PolicyTag, p)
	}
	return nil
}
