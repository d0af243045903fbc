package confluent

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// The media types the dialect accepts and answers with.
const (
	mediaV1      = "application/vnd.schemaregistry.v1+json"
	mediaGeneric = "application/vnd.schemaregistry+json"
	mediaJSON    = "application/json"
)

// checkContentType refuses a request body of a type that is not JSON (415). No Content-Type,
// or one of the three JSON types, is accepted.
func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == mediaV1 || mt == mediaGeneric || mt == mediaJSON) {
		return nil
	}
	return newError(http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
		"HTTP 415 Unsupported Media Type: send %s, %s or %s, not %q.", mediaV1, mediaGeneric, mediaJSON, truncate(ct, 128))
}

// responseType picks the media type of an answer from the Accept header: the first of the
// three JSON types the client names, else the versioned one (Confluent's default).
func responseType(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaV1, mediaGeneric, mediaJSON:
			return mt
		}
	}
	return mediaV1
}

// readBody reads the request body, refusing one above the limit with 42209.
func (h *handler) readBody(c *call) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, h.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, unprocessable(codeSchemaTooLarge, "The request body is larger than the limit of %d bytes.", h.cfg.MaxBodyBytes)
		}
		return nil, newError(http.StatusBadRequest, codeBadRequest, "Reading the request body failed: %v", err)
	}
	return body, nil
}

// decode reads a JSON object body into v. An empty body is {}. Malformed JSON, a member of the
// wrong type and anything after the object are 400s; unknown members are ignored.
func (h *handler) decode(c *call, v any) error {
	body, err := h.readBody(c)
	if err != nil {
		return err
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if body[0] != '{' {
		return newError(http.StatusBadRequest, codeBadRequest, "The request body must be a JSON object.")
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
			return newError(http.StatusBadRequest, codeBadRequest, "Field %s cannot be read from a JSON %s.", truncate(field, 256), typeErr.Value)
		case errors.As(err, &syntaxErr):
			return newError(http.StatusBadRequest, codeBadRequest, "Malformed JSON at offset %d: %v.", syntaxErr.Offset, syntaxErr)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return newError(http.StatusBadRequest, codeBadRequest, "Malformed JSON: unexpected end of the request body.")
		default:
			return newError(http.StatusBadRequest, codeBadRequest, "Malformed JSON: %s", truncate(err.Error(), 512))
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return newError(http.StatusBadRequest, codeBadRequest, "Malformed JSON: unexpected data after the request object.")
	}
	return nil
}

// boolParam reads a boolean query parameter: absent is def; "true" and "false" in any case.
func boolParam(c *call, name string, def bool) (bool, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, newError(http.StatusBadRequest, codeBadRequest, "Query parameter %s must be true or false, not %q.", name, truncate(v, 64))
	}
	return b, nil
}

// intParam reads a non-negative integer query parameter; absent is 0.
func intParam(c *call, name string) (int, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -1 {
		return 0, newError(http.StatusBadRequest, codeBadRequest, "Query parameter %s must be a non-negative integer, not %q.", name, truncate(v, 64))
	}
	return max(n, 0), nil
}

// optionalBoolParam reads a boolean query parameter that overrides a setting when present.
func optionalBoolParam(c *call, name string) (*bool, error) {
	if !c.r.URL.Query().Has(name) || c.r.URL.Query().Get(name) == "" {
		return nil, nil
	}
	b, err := boolParam(c, name, false)
	return &b, err
}

// deletedFilter reads the deleted and deletedOnly query parameters.
func deletedFilter(c *call) (registry.DeletedFilter, error) {
	deleted, err := boolParam(c, "deleted", false)
	if err != nil {
		return 0, err
	}
	only, err := boolParam(c, "deletedOnly", false)
	if err != nil {
		return 0, err
	}
	switch {
	case only:
		return registry.DeletedOnly, nil
	case deleted:
		return registry.WithDeleted, nil
	}
	return registry.LiveOnly, nil
}

// maxVersion is the largest version number Confluent accepts (a Java int).
const maxVersion = 1<<31 - 1

// versionParam reads the {version} parameter: "latest" or -1, or a number from 1 to 2^31-1;
// anything else is 42202.
func versionParam(c *call) (registry.VersionSelector, error) {
	v := c.params["version"]
	if v == "latest" || v == "-1" {
		return registry.VersionSelector{Latest: true}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > maxVersion {
		return registry.VersionSelector{}, unprocessable(codeInvalidVersion,
			`The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`, truncate(v, 64))
	}
	return registry.VersionSelector{Number: n}, nil
}

// idParam reads the {id} parameter, a schema ID; an ID that is not a positive integer names
// no schema (40403).
func idParam(c *call) (int64, error) {
	v := c.params["id"]
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, newError(http.StatusNotFound, codeSchemaNotFound, "Schema %s not found", truncate(v, 64))
	}
	return n, nil
}

// schemaType maps a schemaType to a format: absent is AVRO.
func schemaType(t string) (schema.Format, error) {
	switch strings.ToUpper(t) {
	case "", "AVRO":
		return schema.Avro, nil
	case "JSON":
		return schema.JSON, nil
	case "PROTOBUF":
		return schema.Protobuf, nil
	}
	return "", unprocessable(codeInvalidSchema, "Invalid schema type %q: use AVRO, JSON or PROTOBUF.", truncate(t, 64))
}

// typeName is the schemaType of a format as answers carry it: omitted for AVRO, as Confluent
// omits it.
func typeName(f schema.Format) string {
	if f == schema.Avro {
		return ""
	}
	return string(f)
}

// checkName validates a subject or context name: 1-255 characters of [a-zA-Z0-9-_$#.], what a
// Glue schema or registry name may hold (42208).
func checkName(name, what string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > registry.MaxNameLen {
		return unprocessable(codeInvalidSubject, "Invalid %s %q: a %s name has 1 to %d characters, as it is also an AWS Glue name.", what, truncate(name, 256), what, registry.MaxNameLen)
	}
	if !registry.ValidNameChars(name) {
		return unprocessable(codeInvalidSubject, "Invalid %s %q: a %s name may hold only the characters a-z, A-Z, 0-9, '-', '_', '$', '#' and '.', as it is also an AWS Glue name.", what, truncate(name, 256), what)
	}
	return nil
}
