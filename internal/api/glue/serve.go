package glue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/google/uuid"
)

// targetPrefix is the X-Amz-Target prefix of every Glue operation.
const targetPrefix = "AWSGlue."

// contentType is the media type of AWS JSON 1.1 requests and responses.
const contentType = "application/x-amz-json-1.1"

// operation decodes a request body, validates it, runs the use case and returns the response
// shape to encode.
type operation func(h *handler, c *call, body []byte) (any, error)

// op adapts a typed operation: it decodes the body into a fresh I and calls fn with it.
func op[I any, O any](fn func(h *handler, c *call, in *I) (*O, error)) operation {
	return func(h *handler, c *call, body []byte) (any, error) {
		in := new(I)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return fn(h, c, in)
	}
}

// operations is the dispatch table, by the operation name of X-Amz-Target.
var operations = map[string]operation{
	"CreateRegistry":              op((*handler).createRegistry),
	"GetRegistry":                 op((*handler).getRegistry),
	"ListRegistries":              op((*handler).listRegistries),
	"UpdateRegistry":              op((*handler).updateRegistry),
	"DeleteRegistry":              op((*handler).deleteRegistry),
	"CreateSchema":                op((*handler).createSchema),
	"GetSchema":                   op((*handler).getSchema),
	"ListSchemas":                 op((*handler).listSchemas),
	"UpdateSchema":                op((*handler).updateSchema),
	"DeleteSchema":                op((*handler).deleteSchema),
	"RegisterSchemaVersion":       op((*handler).registerSchemaVersion),
	"GetSchemaVersion":            op((*handler).getSchemaVersion),
	"ListSchemaVersions":          op((*handler).listSchemaVersions),
	"GetSchemaByDefinition":       op((*handler).getSchemaByDefinition),
	"GetSchemaVersionsDiff":       op((*handler).getSchemaVersionsDiff),
	"CheckSchemaVersionValidity":  op((*handler).checkSchemaVersionValidity),
	"DeleteSchemaVersions":        op((*handler).deleteSchemaVersions),
	"PutSchemaVersionMetadata":    op((*handler).putSchemaVersionMetadata),
	"QuerySchemaVersionMetadata":  op((*handler).querySchemaVersionMetadata),
	"RemoveSchemaVersionMetadata": op((*handler).removeSchemaVersionMetadata),
	"TagResource":                 op((*handler).tagResource),
	"UntagResource":               op((*handler).untagResource),
	"GetTags":                     op((*handler).getTags),
}

// Operations returns the names of the Glue operations the handler serves (the part of
// X-Amz-Target after "AWSGlue."), sorted.
func Operations() []string {
	return slices.Sorted(maps.Keys(operations))
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{ctx: r.Context(), requestID: uuid.NewString(), region: h.cfg.Region}
	w.Header().Set("X-Amzn-RequestId", c.requestID)
	start := time.Now()
	defer func() {
		h.log.DebugContext(c.ctx, "glue request", "request_id", c.requestID, "operation", c.op,
			"status", c.status, "error", c.errType, "duration", time.Since(start))
	}()
	defer func() {
		// The last resort: a bug must cost one request an InternalServiceException, not the
		// process. http.ErrAbortHandler keeps its meaning for net/http.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.ErrorContext(c.ctx, "glue: panic", "request_id", c.requestID, "operation", c.op, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			h.writeError(w, c, fmt.Errorf("panic: %v", p))
		}
	}()
	out, err := h.serve(w, r, c)
	if err != nil {
		h.writeError(w, c, err)
		return
	}
	h.writeJSON(w, c, http.StatusOK, out)
}

// serve checks the protocol envelope, then runs the operation named by X-Amz-Target.
func (h *handler) serve(w http.ResponseWriter, r *http.Request, c *call) (any, error) {
	if r.URL.Path != "/" {
		if r.Method != http.MethodPost {
			return nil, &protocolError{typ: excUnknownOperation, status: http.StatusNotFound,
				message: fmt.Sprintf("No resource at %s %s: the Glue API is served at POST /.", r.Method, r.URL.Path)}
		}
		return nil, unknownOperation("The Glue API is served at POST /, not POST %s.", r.URL.Path)
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, &protocolError{typ: excUnknownOperation, status: http.StatusMethodNotAllowed,
			message: fmt.Sprintf("Method %s is not allowed: the Glue API is served at POST /.", r.Method)}
	}
	target := r.Header.Get("X-Amz-Target")
	if target == "" {
		return nil, unknownOperation("Missing the X-Amz-Target header (AWSGlue.<Operation>).")
	}
	name, ok := strings.CutPrefix(target, targetPrefix)
	fn := operations[name]
	if !ok || fn == nil {
		return nil, unknownOperation("Operation %q is not supported: Carta serves the Glue Schema Registry operations only.", truncate(target, 128))
	}
	c.op = name
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != contentType && mt != "application/json") {
			return nil, serializationError("Unsupported Content-Type %q: send %s.", truncate(ct, 128), contentType)
		}
	}
	if key, region, ok := caller(r.Header.Get("Authorization")); ok {
		c.region = region
		c.ctx = registry.WithActor(c.ctx, key)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, invalid("The request body is larger than the limit of %d bytes.", h.cfg.MaxBodyBytes)
		}
		return nil, serializationError("Reading the request body failed: %v", err)
	}
	return fn(h, c, body)
}

// decode unmarshals an AWS JSON 1.1 body into v. An empty body is {}. Malformed JSON, a member
// of the wrong type and anything after the object are SerializationExceptions; unknown members
// are ignored, as AWS ignores them.
func decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return serializationError("The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var syntaxErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			field := typeErr.Field
			if field == "" {
				field = "(root)"
			}
			return serializationError("Member %s cannot be read from a JSON %s: %s expected.", truncate(field, 256), typeErr.Value, jsonKind(typeErr.Type.Kind().String()))
		case errors.As(err, &syntaxErr):
			return serializationError("Malformed JSON at offset %d: %v.", syntaxErr.Offset, syntaxErr)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return serializationError("Malformed JSON: unexpected end of the request body.")
		default:
			return serializationError("Malformed JSON: %v.", err)
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return serializationError("Malformed JSON: unexpected data after the request object.")
	}
	return nil
}

// jsonKind names a Go kind the way the AWS JSON protocol names the expected value.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "a list"
	case "ptr":
		return "a value of another type"
	}
	return "another type"
}

// writeJSON writes a JSON answer with the AWS JSON 1.1 content type.
func (h *handler) writeJSON(w http.ResponseWriter, c *call, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a bug can make a response unencodable; answer with a fault we can encode.
		h.log.ErrorContext(c.ctx, "glue: encoding the response", "request_id", c.requestID, "operation", c.op, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"__type":%q,"Message":%q}`+"\n", excInternal, internalErrorMessage)
		w.Header().Set("X-Amzn-ErrorType", excInternal)
	}
	w.Header().Set("Content-Type", contentType)
	c.status = status
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// truncate shortens s to at most n bytes for echoing untrusted input in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "..."
}
