package registry

import (
	"context"

	"github.com/cartaschema/carta/schema"
)

// Store is the persistence port of the registry. Implementations: internal/store/sqlite (the
// embedded default) and internal/store/postgres (several servers on one database). The shared
// test suite in internal/store/storetest runs against every implementation.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Update runs fn in a read-write transaction: all of fn's writes commit together or not at
	// all. Writers are serialized, so a read-modify-write inside fn is safe.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx is one transaction. Getters return ErrNotExist when the row is missing; creators return
// ErrExists on a collision and ErrNotExist when the parent row is missing; updates, deletes and
// removals return ErrNotExist when no row matches. Lists are ordered by their key, compared
// bytewise (PostgreSQL needs COLLATE "C"), and return at most limit rows (limit <= 0: all) with
// a key strictly greater than the given cursor ("" or 0 = from the start); a list under a
// missing parent is empty, not an error. Empty tags, reasons and references read back as nil.
type Tx interface {
	CreateRegistry(ctx context.Context, r *Registry) error
	GetRegistry(ctx context.Context, name string) (*Registry, error)
	// ListRegistries orders by name.
	ListRegistries(ctx context.Context, afterName string, limit int) ([]Registry, error)
	CountRegistries(ctx context.Context) (int, error)
	// UpdateRegistry overwrites description, tags, status and updated time of r.Name.
	UpdateRegistry(ctx context.Context, r *Registry) error
	// DeleteRegistry removes the registry with its schemas, versions, metadata and configs
	// (every Config whose Registry is name). Content rows stay, so integer IDs are never reused.
	DeleteRegistry(ctx context.Context, name string) error

	CreateSchema(ctx context.Context, s *Schema) error
	GetSchema(ctx context.Context, registry, name string) (*Schema, error)
	// ListSchemas orders by (registry, name); registry "" lists every registry. The cursor is
	// the (registry, name) of the last row of the previous page.
	ListSchemas(ctx context.Context, registry, afterRegistry, afterName string, limit int) ([]Schema, error)
	CountSchemas(ctx context.Context) (int, error)
	// UpdateSchema overwrites every mutable field of the schema named by s.Registry/s.Name.
	UpdateSchema(ctx context.Context, s *Schema) error
	// DeleteSchema removes the schema with its versions, metadata and subject-level Config.
	DeleteSchema(ctx context.Context, registry, name string) error

	// EnsureContent returns the content row with c.Format and c.Fingerprint, creating it
	// (with a new, never reused integer ID) when absent.
	EnsureContent(ctx context.Context, c Content) (*Content, error)
	GetContent(ctx context.Context, id int64) (*Content, error)
	// FindContent returns the content row with the given format and fingerprint, or ErrNotExist.
	FindContent(ctx context.Context, format schema.Format, fingerprint string) (*Content, error)
	// ListContents orders by ID. Content rows outlive the versions that used them, so it also
	// returns content no version references any more.
	ListContents(ctx context.Context, afterID int64, limit int) ([]Content, error)
	// ImportContent stores c with its own ID, as a restore does (EnsureContent picks the ID
	// itself): ErrExists when c.ID, or c.Format with c.Fingerprint, is taken; an error when
	// c.ID is not positive. Every ID the store hands out afterwards is greater than c.ID.
	ImportContent(ctx context.Context, c Content) error

	// CreateVersion stores v; (registry, schema, number) and ID are unique.
	CreateVersion(ctx context.Context, v *Version) error
	GetVersion(ctx context.Context, id string) (*Version, error)
	GetVersionByNumber(ctx context.Context, registry, schema string, number int64) (*Version, error)
	// FindVersionsByContent returns the versions of the schema with the given content, newest first.
	FindVersionsByContent(ctx context.Context, registry, schema string, contentID int64) ([]Version, error)
	// ListVersions orders by number; status "" returns every status.
	ListVersions(ctx context.Context, registry, schema string, afterNumber int64, limit int, status string) ([]Version, error)
	// CountVersions counts every version of every schema (the account-wide quota).
	CountVersions(ctx context.Context) (int, error)
	// DeleteVersion removes the version and its metadata.
	DeleteVersion(ctx context.Context, id string) error
	// SetVersionDeleted sets the soft-delete flag of a version.
	SetVersionDeleted(ctx context.Context, id string, deleted bool) error
	// ListVersionsByContent returns the versions of every schema with the given content,
	// ordered by (registry, schema, number).
	ListVersionsByContent(ctx context.Context, contentID int64) ([]Version, error)
	// ListVersionSummaries returns every version of the schemas of a registry ("" = every
	// registry), ordered by (registry, schema, number), with Definition, Reasons and the
	// contract fields left empty (References filled): enough to tell which schemas have which
	// versions, and which versions refer to which, without reading definitions.
	ListVersionSummaries(ctx context.Context, registry string) ([]Version, error)

	// GetConfig returns the Config of a level.
	GetConfig(ctx context.Context, registry, subject string) (*Config, error)
	// PutConfig creates or replaces the Config of the level c names.
	PutConfig(ctx context.Context, c *Config) error
	// DeleteConfig removes the Config of a level.
	DeleteConfig(ctx context.Context, registry, subject string) error
	// ListConfigs returns every Config ordered by (registry, subject). There are at most as
	// many as schemas and registries, plus one.
	ListConfigs(ctx context.Context) ([]Config, error)

	// ListMetadata returns the pairs of a version ordered by (key, created time, value).
	ListMetadata(ctx context.Context, versionID string) ([]Metadata, error)
	// AddMetadata returns ErrExists when the same key and value are already present.
	AddMetadata(ctx context.Context, versionID string, m Metadata) error
	// RemoveMetadata returns ErrNotExist when the pair is absent.
	RemoveMetadata(ctx context.Context, versionID, key, value string) error

	AppendAudit(ctx context.Context, a AuditRecord) error
	// ListAudit returns audit records in insertion order after the given sequence number,
	// with each record's sequence number.
	ListAudit(ctx context.Context, afterSeq int64, limit int) ([]AuditEntry, error)
	// ImportAudit stores e with its own sequence number, as a restore does: ErrExists when
	// e.Seq is taken; an error when e.Seq is not positive. Every record appended afterwards
	// gets a greater sequence number.
	ImportAudit(ctx context.Context, e AuditEntry) error
}

// AuditEntry is a stored AuditRecord with its sequence number.
type AuditEntry struct {
	Seq int64
	AuditRecord
}
