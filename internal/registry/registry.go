// Package registry is Carta's domain core: registries, schemas, versions and their metadata,
// the use cases that change them (Service), and the Store interface the storage adapters
// implement. It does no I/O of its own: storage comes in through Store, formats through
// schema.Handler.
package registry

import (
	"time"

	"github.com/cartaschema/carta/schema"
)

// DefaultRegistry is the registry that always exists and is used when a request names none.
const DefaultRegistry = "default-registry"

// Statuses of registries, schemas and versions, spelled as the Glue API spells them.
const (
	StatusAvailable = "AVAILABLE"
	StatusPending   = "PENDING"
	StatusFailure   = "FAILURE"
	StatusDeleting  = "DELETING"
)

// Registry is a namespace of schemas.
type Registry struct {
	Name        string
	Description string
	Tags        map[string]string
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Schema is a named, versioned schema inside a registry.
type Schema struct {
	Registry      string
	Name          string
	Format        schema.Format
	Compatibility schema.Mode
	Description   string
	Tags          map[string]string
	// Checkpoint is the version number from which transitive (_ALL) checks start; it cannot
	// be deleted.
	Checkpoint int64
	// LatestVersion is the highest version number ever assigned (FAILURE versions included).
	LatestVersion int64
	// NextVersion is the number the next registered version gets; numbers are never reused.
	NextVersion int64
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Version is one registered definition of a schema.
type Version struct {
	// ID is the SchemaVersionId: a random lower-case UUID, globally unique.
	ID       string
	Registry string
	Schema   string
	Number   int64
	// Status is AVAILABLE, or FAILURE when the definition failed the compatibility check.
	Status     string
	Format     schema.Format
	Definition string
	// ContentID is the global integer ID of the normalized content (the Confluent schema ID);
	// identical content under two schemas shares one ContentID.
	ContentID int64
	// Reasons holds the incompatibilities of a FAILURE version.
	Reasons   []schema.Incompatibility
	CreatedAt time.Time
}

// Content is a normalized definition with its global integer ID.
type Content struct {
	ID     int64
	Format schema.Format
	// Canonical is the normalized definition (schema.Schema.Canonical).
	Canonical string
	// Fingerprint is the lower-case hex SHA-256 of Format and Canonical.
	Fingerprint string
}

// Metadata is one key/value pair attached to a version. A key may hold several values.
type Metadata struct {
	Key       string
	Value     string
	CreatedAt time.Time
}

// AuditRecord is one entry of the audit log: who changed what, when, against which rule, with
// what result.
type AuditRecord struct {
	Time   time.Time
	Actor  string
	Action string
	// Target names the entity, e.g. "registry/r", "schema/r/s", "schema/r/s/version/3".
	Target string
	// Rule is the compatibility mode applied, for registrations.
	Rule string
	// Result is "ok", "failure" (incompatible) or the error code.
	Result string
	// Detail is a JSON document with operation-specific facts (e.g. incompatibility reasons).
	Detail string
}
