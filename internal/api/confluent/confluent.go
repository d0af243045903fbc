// Package confluent serves the Confluent Schema Registry REST API over the registry service, so
// that Kafka-ecosystem clients (the Confluent serializers, franz-go's sr, kafkajs, UIs) work
// against Carta unchanged, over the same store the Glue dialect serves.
//
// The mapping: a subject is a Glue schema, a context is a Glue registry (the default context is
// the registry default-registry, context ".payments" the registry payments), a schema ID is a
// content ID (identical content under two subjects shares one ID), and a version number is the
// Glue version number. Glue FAILURE versions never appear: a subject's version list may skip a
// number where one sits. docs/confluent-api.md lists every endpoint and how it differs from
// Confluent's.
//
// The package decodes and validates requests, calls one registry use case per request, and
// renders the result. It is the only place that knows the HTTP statuses and error_codes of
// the Confluent dialect; see errorFor. Every failure, unknown routes and methods included, is
// a JSON body {"error_code": N, "message": "..."}; only faults of the server are 5xx.
//
// Requests are not authenticated: put Carta behind an authenticating proxy, or on a trusted
// network, when callers must be.
package confluent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/google/uuid"
)

// Config configures the Confluent API handler. Zero fields take the defaults documented on
// each.
type Config struct {
	// MaxBodyBytes bounds the request body (default DefaultMaxBodyBytes). A larger body is
	// refused with 42209 before it is decoded.
	MaxBodyBytes int64
	// IncompatibleErrorCode is the error_code of an incompatible registration: 409 (the
	// default, what Confluent Schema Registry answers) or 40901, which some clients expect.
	// The HTTP status is 409 either way.
	IncompatibleErrorCode int
	// Logger receives internal errors and recovered panics with their request IDs; nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultMaxBodyBytes fits a definition of the registry's largest size (680,000 bytes) even
// when JSON escaping makes every byte six, plus references, metadata and a rule set.
const DefaultMaxBodyBytes = 6*680000 + 256<<10

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.IncompatibleErrorCode == 0 {
		c.IncompatibleErrorCode = 409
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// handler serves the Confluent dialect over one registry service.
type handler struct {
	svc *registry.Service
	cfg Config
	log *slog.Logger
}

// NewHandler returns an http.Handler serving the Confluent Schema Registry REST API of svc.
// It fails when cfg.IncompatibleErrorCode is neither 0, 409 nor 40901.
func NewHandler(svc *registry.Service, cfg Config) (http.Handler, error) {
	if c := cfg.IncompatibleErrorCode; c != 0 && c != 409 && c != 40901 {
		return nil, fmt.Errorf("the error_code of an incompatible schema must be 409 or 40901, not %d", c)
	}
	cfg = cfg.withDefaults()
	return &handler{svc: svc, cfg: cfg, log: cfg.Logger}, nil
}

// call is one request being served.
type call struct {
	ctx       context.Context
	r         *http.Request
	w         http.ResponseWriter
	requestID string
	// registry is the registry of the context the URL names (/contexts/{context}/...), or
	// the default registry.
	registry string
	// params are the path parameters of the matched route, unescaped.
	params map[string]string
	// route is the pattern of the matched route, for the request log.
	route string
	// status and errorCode are what the request was answered with, for the request log.
	status, errorCode int
}

// rawText is a response body sent as it is: the text of a schema.
type rawText string

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{ctx: r.Context(), r: r, w: w, requestID: uuid.NewString(), registry: registry.DefaultRegistry}
	w.Header().Set("X-Request-Id", c.requestID)
	start := time.Now()
	defer func() {
		h.log.DebugContext(c.ctx, "confluent request", "request_id", c.requestID, "method", r.Method, "route", c.route,
			"status", c.status, "error_code", c.errorCode, "duration", time.Since(start))
	}()
	defer func() {
		// A bug must cost one request a 500, not the process. http.ErrAbortHandler keeps its
		// meaning for net/http.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.ErrorContext(c.ctx, "confluent: panic", "request_id", c.requestID, "route", c.route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			h.writeError(c, fmt.Errorf("panic: %v", p))
		}
	}()
	out, err := h.serve(c)
	if err != nil {
		h.writeError(c, err)
		return
	}
	h.write(c, http.StatusOK, out)
}

// write answers with v: JSON, or the text itself for rawText.
func (h *handler) write(c *call, status int, v any) {
	var body []byte
	if t, ok := v.(rawText); ok {
		body = []byte(t)
	} else {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			// Only a bug can make a response unencodable; answer with a fault we can encode.
			h.log.ErrorContext(c.ctx, "confluent: encoding the response", "request_id", c.requestID, "route", c.route, "err", err)
			status = http.StatusInternalServerError
			buf.Reset()
			fmt.Fprintf(&buf, `{"error_code":%d,"message":%q}`+"\n", codeStoreError, internalErrorMessage)
		}
		body = buf.Bytes()
	}
	c.w.Header().Set("Content-Type", responseType(c.r.Header.Get("Accept")))
	c.status = status
	c.w.WriteHeader(status)
	_, _ = c.w.Write(body)
}
