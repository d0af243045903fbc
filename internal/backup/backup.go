// Package backup writes a whole registry store as JSON lines and reads such a file back into an
// empty store: the format of carta export and carta import, the way to back a registry up, to
// restore it and to move it from one store to another (SQLite to PostgreSQL and back).
//
// # Format
//
// An export is UTF-8 text, one JSON object per line, each with a "type":
//
//	{"type":"carta-export","version":2}
//	{"type":"registry","name":...,"description":...,"tags":{...},"status":...,"created":...,"updated":...}
//	{"type":"schema","registry":...,"name":...,"format":...,"compatibility":...,"description":...,"tags":{...},
//	 "checkpoint":...,"latest_version":...,"next_version":...,"status":...,"created":...,"updated":...}
//	{"type":"config","registry":...,"subject":...,"compatibility":...,"normalize":...,"policy":...,"mode":...,"updated":...}
//	{"type":"content","id":...,"format":...,"fingerprint":...,"canonical":...}
//	{"type":"version","id":...,"registry":...,"schema":...,"number":...,"status":...,"format":...,
//	 "content_id":...,"created":...,"reasons":[...],"metadata":[{"key":...,"value":...,"created":...}],
//	 "deleted":...,"contract_metadata":...,"contract_rule_set":...,
//	 "references":[{"name":...,"registry":...,"schema":...,"version":...}],"definition":...}
//	{"type":"audit","seq":...,"time":...,"actor":...,"action":...,"target":...,"rule":...,"result":...,"detail":...}
//	{"type":"end","registries":N,"schemas":N,"configs":N,"contents":N,"versions":N,"metadata":N,"audit":N}
//
// The header comes first and the end line last; in between come every registry (by name),
// every schema (by registry and name), every config (by registry and subject; the global one
// has both empty), every content row (by ID, including content no version uses any more),
// every version (by schema, then number) with its metadata inline, and the audit log (by
// sequence number): parents before children, so that an import replays the lines in order.
// Every field is always present; empty tags are {}, empty reasons, metadata and references
// [], an unset config setting and an absent contract "" (a config's normalize is "", "true" or
// "false").
//
// Version 1, written before the Confluent API, has no config lines, no "configs" count and no
// deleted, contract_metadata, contract_rule_set and references fields; Import still reads it, and gives
// every schema of a version 1 file the subject-level config of its compatibility, as the
// store migration that added configs does. Times are RFC 3339 in UTC with milliseconds, the precision the stores keep. Content IDs
// (the Confluent schema IDs), version UUIDs and numbers, statuses, reasons, metadata, tags,
// times and audit sequence numbers are kept as they are, so that an export of an imported store
// is byte for byte the export it was imported from.
//
// The end line counts what came before it; an import refuses a file without it (a truncated
// copy) or whose counts do not match.
//
// # Consistency
//
// Export reads the store in one read transaction (registry.Store.View), which on both stores
// sees one consistent snapshot: a SQLite export taken while a server writes (WAL mode) and a
// PostgreSQL export taken while a cluster writes (REPEATABLE READ) are both a registry as it
// was at one instant. Import writes in one transaction (registry.Store.Update): a failed or
// interrupted import leaves the target as it was.
package backup

import (
	"errors"
	"fmt"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// FormatVersion is the version of the export format this package writes. Import reads it and
// the versions before it.
const FormatVersion = 2

// HeaderType is the type of the first line of an export.
const HeaderType = "carta-export"

// MaxLineBytes bounds one line of an export that Import accepts. The longest lines are
// versions and contents, whose definition is bounded by the server's --max-schema-bytes (680 KB
// by default); JSON escaping can make a line up to six times longer than its text.
const MaxLineBytes = 64 << 20

// Line types.
const (
	typeRegistry = "registry"
	typeSchema   = "schema"
	typeConfig   = "config"
	typeContent  = "content"
	typeVersion  = "version"
	typeAudit    = "audit"
	typeEnd      = "end"
)

// timeLayout renders times in UTC with exactly three fractional digits.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Counts is what an export holds, as its end line states it.
type Counts struct {
	Registries int `json:"registries"`
	Schemas    int `json:"schemas"`
	Configs    int `json:"configs" since:"2"`
	Contents   int `json:"contents"`
	Versions   int `json:"versions"`
	// Metadata counts the key/value pairs of every version.
	Metadata int `json:"metadata"`
	Audit    int `json:"audit"`
}

// String is a one-line summary, e.g. "2 registries, 3 schemas, 1 config, 4 contents,
// 5 versions, 1 metadata pair, 9 audit records".
func (c Counts) String() string {
	return fmt.Sprintf("%s, %s, %s, %s, %s, %s, %s",
		plural(c.Registries, "registry", "registries"), plural(c.Schemas, "schema", "schemas"),
		plural(c.Configs, "config", "configs"),
		plural(c.Contents, "content", "contents"), plural(c.Versions, "version", "versions"),
		plural(c.Metadata, "metadata pair", "metadata pairs"), plural(c.Audit, "audit record", "audit records"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// LineError is a line of an import that is not valid, or that the store refused (a duplicate,
// a reference to something the export did not define before it).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ErrNotEmpty is the refusal to import into a store that holds anything but an empty default
// registry.
var ErrNotEmpty = errors.New("the target store is not empty")

// ErrNotUTF8 is the refusal to export text that is not valid UTF-8: a JSON string cannot carry
// it byte for byte.
var ErrNotUTF8 = errors.New("text that is not valid UTF-8, which an export cannot keep byte for byte")

// The lines. Field order is the order of the JSON object; no field is omitted. A field tagged
// since:"N" is absent from files of format versions before N.

type header struct {
	Type    string `json:"type"`
	Version int    `json:"version"`
}

type registryLine struct {
	Type        string            `json:"type"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Tags        map[string]string `json:"tags"`
	Status      string            `json:"status"`
	Created     string            `json:"created"`
	Updated     string            `json:"updated"`
}

type schemaLine struct {
	Type          string            `json:"type"`
	Registry      string            `json:"registry"`
	Name          string            `json:"name"`
	Format        schema.Format     `json:"format"`
	Compatibility schema.Mode       `json:"compatibility"`
	Description   string            `json:"description"`
	Tags          map[string]string `json:"tags"`
	Checkpoint    int64             `json:"checkpoint"`
	LatestVersion int64             `json:"latest_version"`
	NextVersion   int64             `json:"next_version"`
	Status        string            `json:"status"`
	Created       string            `json:"created"`
	Updated       string            `json:"updated"`
}

type configLine struct {
	Type          string        `json:"type"`
	Registry      string        `json:"registry"`
	Subject       string        `json:"subject"`
	Compatibility schema.Mode   `json:"compatibility"`
	Normalize     string        `json:"normalize"`
	Policy        schema.Policy `json:"policy"`
	Mode          string        `json:"mode"`
	Updated       string        `json:"updated"`
}

type contentLine struct {
	Type        string        `json:"type"`
	ID          int64         `json:"id"`
	Format      schema.Format `json:"format"`
	Fingerprint string        `json:"fingerprint"`
	Canonical   string        `json:"canonical"`
}

type metadataLine struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Created string `json:"created"`
}

type versionLine struct {
	Type      string                   `json:"type"`
	ID        string                   `json:"id"`
	Registry  string                   `json:"registry"`
	Schema    string                   `json:"schema"`
	Number    int64                    `json:"number"`
	Status    string                   `json:"status"`
	Format    schema.Format            `json:"format"`
	ContentID int64                    `json:"content_id"`
	Created   string                   `json:"created"`
	Reasons   []schema.Incompatibility `json:"reasons"`
	Metadata  []metadataLine           `json:"metadata"`
	Deleted   bool                     `json:"deleted" since:"2"`
	// ContractMetadata and ContractRuleSet are JSON text, not JSON values: a store keeps them
	// byte for byte.
	ContractMetadata string                     `json:"contract_metadata" since:"2"`
	ContractRuleSet  string                     `json:"contract_rule_set" since:"2"`
	References       []registry.SchemaReference `json:"references" since:"2"`
	// Definition comes last: it is the long field, and a reader scanning the file sees the
	// rest first.
	Definition string `json:"definition"`
}

type auditLine struct {
	Type   string `json:"type"`
	Seq    int64  `json:"seq"`
	Time   string `json:"time"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Rule   string `json:"rule"`
	Result string `json:"result"`
	Detail string `json:"detail"`
}

type endLine struct {
	Type string `json:"type"`
	Counts
}

// formatTime is the export form of a stored time.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a time of an export: RFC 3339, at most millisecond precision.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time", field, s)
	}
	if !t.Equal(t.Truncate(time.Millisecond)) {
		return time.Time{}, fmt.Errorf("%s %q is finer than a millisecond, which a store cannot keep", field, s)
	}
	return t.UTC(), nil
}
