// Package glue serves the AWS Glue Schema Registry API (the AWS JSON 1.1 protocol) over the
// registry service, so that the AWS CLI, boto3, the AWS SDKs and the Glue SerDe libraries work
// against Carta with an endpoint override.
//
// The package decodes and validates requests exactly as the Glue model constrains them (the
// SDKs check almost nothing on the client side), calls one registry use case per operation, and
// renders the result in the Glue dialect. It is the only place that knows the HTTP statuses and
// exception types of the Glue dialect; see errorType.
//
// Requests may carry an AWS Signature Version 4 Authorization header. The signature is NOT
// verified: the header only supplies the region used in ARNs (from the credential scope) and
// the actor recorded in the audit log (the access key ID). Put Carta behind an authenticating
// proxy, or on a trusted network, when callers must be authenticated.
package glue

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
)

// Config configures the Glue API handler. Zero fields take the defaults documented on each.
type Config struct {
	// Account is the AWS account ID that ARNs carry (default "123456789012"). ARNs naming
	// another account are answered with EntityNotFoundException.
	Account string
	// Region is used in ARNs when a request is not signed (default "us-east-1"); signed
	// requests use the region of their credential scope.
	Region string
	// Partition is the ARN partition (default "aws").
	Partition string
	// MaxBodyBytes bounds the request body (default DefaultMaxBodyBytes). Larger bodies are
	// refused with InvalidInputException before they are decoded.
	MaxBodyBytes int64
	// Logger receives internal errors and recovered panics with their request IDs; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultAccount   = "123456789012"
	DefaultRegion    = "us-east-1"
	DefaultPartition = "aws"
	// DefaultMaxBodyBytes fits a definition of the maximum 170,000 characters even when every
	// character is JSON-escaped as a surrogate pair (12 bytes), plus the other members.
	DefaultMaxBodyBytes = 2<<20 + 64<<10
)

func (c Config) withDefaults() Config {
	if c.Account == "" {
		c.Account = DefaultAccount
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Partition == "" {
		c.Partition = DefaultPartition
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// handler serves the Glue dialect over one registry service.
type handler struct {
	svc *registry.Service
	cfg Config
	log *slog.Logger
}

// NewHandler returns an http.Handler serving the AWS Glue Schema Registry operations of svc:
// POST / with the header X-Amz-Target: AWSGlue.<Operation> and an AWS JSON 1.1 body. Every
// response carries an x-amzn-RequestId header; errors carry X-Amzn-ErrorType and a
// {"__type","Message"} body. Client errors are 400; only faults of the server are 500.
func NewHandler(svc *registry.Service, cfg Config) http.Handler {
	cfg = cfg.withDefaults()
	return &handler{svc: svc, cfg: cfg, log: cfg.Logger}
}

// call is one request being served: what every operation needs besides its input.
type call struct {
	ctx       context.Context
	requestID string
	// region is the region of ARNs in this request's answers.
	region string
	op     string
	// status and errType are what the request was answered with, for the request log.
	status  int
	errType string
}

// credentialScope matches the Credential element of a SigV4 Authorization header:
// Credential=<access key>/<yyyymmdd>/<region>/<service>/aws4_request.
// maxAccessKeyLen is the longest access key ID recorded as an actor.
const maxAccessKeyLen = 128

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/[0-9]{8}/([a-z0-9-]{1,32})/[^/,\s]+/aws4_request`)

// caller extracts the access key ID and region from a SigV4 Authorization header. The
// signature is not verified (see the package documentation). ok is false when the header is
// absent or has no credential scope.
func caller(authorization string) (accessKey, region string, ok bool) {
	if !strings.HasPrefix(authorization, "AWS4-") {
		return "", "", false
	}
	m := credentialScope.FindStringSubmatch(authorization)
	if m == nil {
		return "", "", false
	}
	// Access key IDs are 16-128 characters; a longer one is not an access key, and the audit
	// log should not store whatever a caller puts there.
	if len(m[1]) > maxAccessKeyLen {
		m[1] = m[1][:maxAccessKeyLen]
	}
	return m[1], m[2], true
}
