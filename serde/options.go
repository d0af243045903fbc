package serde

import (
	"time"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/serde/wire"
)

// Defaults of the options.
const (
	DefaultCacheSize    = 1000
	DefaultFetchTimeout = 10 * time.Second
)

// WireFormat selects the framing a Serializer writes. A Deserializer
// reads both.
type WireFormat int

const (
	// WireGlue is the AWS Glue Schema Registry framing: 0x03, a
	// compression byte and the 16-byte version UUID. It is the default.
	WireGlue WireFormat = iota
	// WireConfluent is the Confluent framing: 0x00 and a 4-byte schema ID
	// (and the message-index array for Protobuf).
	WireConfluent
)

// String returns "glue" or "confluent".
func (w WireFormat) String() string {
	if w == WireConfluent {
		return "confluent"
	}
	return "glue"
}

// NamingStrategy maps a topic or stream name to the schema that governs
// its records.
type NamingStrategy func(topic string) SchemaRef

// TopicName is the naming strategy that uses the topic or stream name as
// the schema name, in registry (DefaultRegistry when empty). With the
// Confluent API a suffix such as "-value" gives Confluent's
// TopicNameStrategy.
func TopicName(registry, suffix string) NamingStrategy {
	return func(topic string) SchemaRef { return SchemaRef{Registry: registry, Name: topic + suffix} }
}

// An Option configures a Serializer or a Deserializer. Options that only
// make sense on one side are ignored by the other; each says which side
// it is for.
type Option func(*config)

type config struct {
	wire         WireFormat
	compression  wire.Compression
	ref          SchemaRef
	naming       NamingStrategy
	definition   string
	version      int
	fixed        *Schema
	autoRegister bool
	registerOpts RegisterOptions

	cacheSize    int
	ttl          time.Duration
	fetchTimeout time.Duration
	hooks        Hooks

	readerSchema string
	validate     bool
	limits       schema.Limits
	maxInflate   int
}

func newConfig(opts []Option) *config {
	c := &config{ttl: 5 * time.Minute}
	for _, o := range opts {
		o(c)
	}
	return c
}

// WithWireFormat sets the framing the Serializer writes (WireGlue by
// default).
func WithWireFormat(w WireFormat) Option { return func(c *config) { c.wire = w } }

// WithCompression sets the Glue compression of the Serializer
// (wire.CompressionNone by default; wire.CompressionZlib is what AWS's
// SerDe libraries write when compression is on). The Confluent framing
// has no compression byte and ignores it.
func WithCompression(comp wire.Compression) Option { return func(c *config) { c.compression = comp } }

// WithSchema names the schema the Serializer writes with.
func WithSchema(registry, name string) Option {
	return func(c *config) { c.ref = SchemaRef{Registry: registry, Name: name} }
}

// WithNaming derives the Serializer's schema from the topic or stream
// name passed to Serialize; it takes precedence over WithSchema.
func WithNaming(n NamingStrategy) Option { return func(c *config) { c.naming = n } }

// WithDefinition gives the Serializer the writer schema's definition. The
// Serializer looks its version up in the registry (and registers it when
// auto-registration is on). Without it the Serializer writes with a
// version taken from the registry (WithVersion, latest by default).
func WithDefinition(definition string) Option { return func(c *config) { c.definition = definition } }

// WithVersion makes a Serializer without a definition write with version
// number n of its schema instead of the latest.
func WithVersion(n int) Option { return func(c *config) { c.version = n } }

// WithFixedVersion makes the Serializer write every record with the Glue
// version id and definition given, without ever calling the registry; for
// producers that must not depend on it at run time.
func WithFixedVersion(id wire.VersionID, format Format, definition string) Option {
	return func(c *config) {
		c.fixed = &Schema{VersionID: id, Format: format, Definition: definition}
	}
}

// WithFixedID is WithFixedVersion for the Confluent framing: every record
// carries the integer schema id given.
func WithFixedID(id uint32, format Format, definition string) Option {
	return func(c *config) {
		c.fixed = &Schema{ID: id, Format: format, Definition: definition}
		c.wire = WireConfluent
	}
}

// WithAutoRegistration lets the Serializer register its definition when
// the registry does not have it, creating the schema with opts.Compatibility
// when needed. It is off by default: in production, schemas should reach
// the registry through review and CI (carta register), not from a
// producer. Like AWS's SerDe, the new version gets the metadata
// x-amz-meta-transport = the topic or stream name, besides opts.Metadata.
func WithAutoRegistration(opts RegisterOptions) Option {
	return func(c *config) { c.autoRegister, c.registerOpts = true, opts }
}

// WithCacheSize bounds each cache to n entries (DefaultCacheSize).
func WithCacheSize(n int) Option { return func(c *config) { c.cacheSize = n } }

// WithTTL sets how long the Serializer trusts the version it resolved for
// a topic before it asks the registry again (5 minutes by default; 0
// never asks again). The refresh happens in the background: records keep
// being written with the cached version meanwhile, and when the registry
// is unreachable. Entries keyed by a version ID or schema ID never
// expire, because a registered version never changes.
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithFetchTimeout bounds each registry call a cache makes
// (DefaultFetchTimeout).
func WithFetchTimeout(d time.Duration) Option { return func(c *config) { c.fetchTimeout = d } }

// WithHooks installs metrics hooks on every cache.
func WithHooks(h Hooks) Option { return func(c *config) { c.hooks = h } }

// WithReaderSchema gives an Avro Deserializer the consumer's own schema:
// records are decoded with the writer's schema and resolved to this one
// (Avro schema resolution), so a consumer built on an older version reads
// newer records and the reverse, as far as the two are compatible.
func WithReaderSchema(definition string) Option {
	return func(c *config) { c.readerSchema = definition }
}

// WithValidation makes the Deserializer validate JSON records against
// their JSON Schema before decoding them (off by default; the Serializer
// always validates).
func WithValidation(on bool) Option { return func(c *config) { c.validate = on } }

// WithLimits sets the size and nesting limits applied to schema
// definitions fetched from the registry (schema.Limits defaults).
func WithLimits(l schema.Limits) Option { return func(c *config) { c.limits = l } }

// WithMaxDecompressedSize caps the size of a zlib payload once inflated
// (wire.DefaultMaxDecompressedSize); a record over it is refused.
func WithMaxDecompressedSize(n int) Option { return func(c *config) { c.maxInflate = n } }
