// Package registry is Carta's domain core: registries, schemas, versions and their metadata,
// the use cases that change them (Service), and the Store interface the storage adapters
// implement. It does no I/O of its own: storage comes in through Store, formats through
// schema.Handler.
package registry

import (
	"regexp"
	"time"

	"github.com/cartaschema/carta/schema"
)

// DefaultRegistry is the registry that always exists and is used when a request names none.
const DefaultRegistry = "default-registry"

// MaxNameLen is the longest registry or schema name, in characters, as AWS Glue allows.
const MaxNameLen = 255

// namePattern is AWS Glue's pattern of registry and schema names.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_$#.]+$`)

// ValidNameChars reports whether a registry or schema name holds only the characters AWS Glue
// allows: a-z, A-Z, 0-9, '-', '_', '$', '#' and '.'. Every API dialect holds its names to it
// (a Confluent subject or context is a Glue name too).
func ValidNameChars(name string) bool { return namePattern.MatchString(name) }

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
	// Deleted marks a version soft-deleted through the Confluent API: it keeps its number and
	// still resolves by ID, but it leaves the subject's version list and is skipped by
	// compatibility checks and by "latest".
	Deleted bool
	// ContractMetadata and ContractRuleSet are the Confluent "metadata" and "ruleSet" (data
	// contracts) the version was registered with, as opaque JSON text; "" when there is none.
	ContractMetadata string
	ContractRuleSet  string
	// References are the other versions the definition refers to (Confluent's schema
	// references); nil when there are none.
	References []SchemaReference
}

// SchemaReference is a reference of a version's definition to another version: the name the
// definition uses for it (an Avro type name, a JSON Schema "$ref" URI, a Protobuf import path)
// and the version it names.
type SchemaReference struct {
	Name     string `json:"name"`
	Registry string `json:"registry"`
	Schema   string `json:"schema"`
	Version  int64  `json:"version"`
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

// Config is the configuration of one level: the global one (Registry and Subject ""), a
// registry's (Subject ""; a Confluent context's), or a subject's (a schema's, which need not
// exist yet). An empty setting is not set at this level: the next level up applies.
type Config struct {
	Registry string
	Subject  string
	// Compatibility is the compatibility mode new schemas of the level get.
	Compatibility schema.Mode
	// Normalize, when not nil, says whether definitions are registered in their normalized form.
	Normalize *bool
	// Policy is the compatibility policy (registry and global levels; a schema's policy is its
	// PolicyTag).
	Policy schema.Policy
	// Mode is the Confluent mode: READWRITE, READONLY or IMPORT.
	Mode      string
	UpdatedAt time.Time
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
