// Package confluent is a serde.Registry over the Confluent Schema
// Registry REST API: for Confluent Schema Registry, the registries that
// speak its API, and Carta, which serves it beside the Glue API on the same
// listener (docs/confluent-api.md).
//
// Subjects map to schema references as Carta maps them: a subject is
// SchemaRef.Name, and a registry other than the default is the Confluent
// context of that name (":.payments:PaymentCaptured").
package confluent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// Registry implements serde.Registry over the Confluent REST API.
type Registry struct {
	base   string
	client *http.Client
	header http.Header
}

// Option configures a Registry.
type Option func(*Registry)

// WithHTTPClient sets the HTTP client (http.DefaultClient by default).
func WithHTTPClient(c *http.Client) Option { return func(r *Registry) { r.client = c } }

// WithBasicAuth sends HTTP basic credentials with every request.
func WithBasicAuth(user, password string) Option {
	return func(r *Registry) {
		req := &http.Request{Header: http.Header{}}
		req.SetBasicAuth(user, password)
		r.header.Set("Authorization", req.Header.Get("Authorization"))
	}
}

// WithHeader sends a header with every request (a bearer token, say).
func WithHeader(key, value string) Option { return func(r *Registry) { r.header.Set(key, value) } }

// New returns a Registry for the server at baseURL
// (http://127.0.0.1:8081, say).
func New(baseURL string, opts ...Option) (*Registry, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("confluent: invalid base URL %q", baseURL)
	}
	r := &Registry{base: strings.TrimRight(baseURL, "/"), client: http.DefaultClient, header: http.Header{}}
	for _, o := range opts {
		o(r)
	}
	return r, nil
}

var _ serde.Registry = (*Registry)(nil)

// Error is an error answer of the registry, in Confluent's shape.
type Error struct {
	Status  int    // HTTP status
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("confluent: HTTP %d, error_code %d: %s", e.Status, e.Code, e.Message)
}

// Unwrap maps Confluent's error codes to the serde sentinels:
// 40401..40403 (subject, version, schema not found) to ErrNotFound, 409 and
// 40901 to ErrIncompatible.
func (e *Error) Unwrap() error {
	switch {
	case e.Code == 40401 || e.Code == 40402 || e.Code == 40403 || e.Status == http.StatusNotFound:
		return serde.ErrNotFound
	case e.Code == 409 || e.Code == 40901 || e.Status == http.StatusConflict:
		return serde.ErrIncompatible
	}
	return nil
}

// Subject returns the subject of ref: its name, qualified with its
// context when the registry is not the default one.
func Subject(ref serde.SchemaRef) string {
	if ref.Registry == "" || ref.Registry == serde.DefaultRegistry {
		return ref.Name
	}
	return ":." + ref.Registry + ":" + ref.Name
}

// refOf is the inverse of Subject.
func refOf(subject string) serde.SchemaRef {
	if rest, ok := strings.CutPrefix(subject, ":."); ok {
		if ctx, name, ok := strings.Cut(rest, ":"); ok {
			return serde.SchemaRef{Registry: ctx, Name: name}
		}
	}
	return serde.SchemaRef{Registry: serde.DefaultRegistry, Name: subject}
}

// schemaBody is the shape of a registered schema in Confluent's API.
type schemaBody struct {
	Subject    string `json:"subject,omitempty"`
	ID         uint32 `json:"id,omitempty"`
	Version    int    `json:"version,omitempty"`
	SchemaType string `json:"schemaType,omitempty"`
	Schema     string `json:"schema"`
	GUID       string `json:"guid,omitempty"`
}

func (b schemaBody) toSchema() serde.Schema {
	f := serde.Format(b.SchemaType)
	switch b.SchemaType {
	case "", "AVRO":
		f = serde.Avro
	}
	s := serde.Schema{Format: f, Definition: b.Schema, ID: b.ID, Version: b.Version}
	if b.Subject != "" {
		s.Ref = refOf(b.Subject)
	}
	if b.GUID != "" {
		if id, err := wire.ParseVersionID(b.GUID); err == nil {
			s.VersionID = id
		}
	}
	return s
}

func schemaType(f serde.Format) string {
	if f == serde.Avro {
		return "" // AVRO is the default in Confluent's API; its own clients omit it
	}
	return string(f)
}

// SchemaByID implements serde.Registry with GET /schemas/ids/{id}.
func (r *Registry) SchemaByID(ctx context.Context, id uint32) (serde.Schema, error) {
	var b schemaBody
	if err := r.do(ctx, http.MethodGet, "/schemas/ids/"+strconv.FormatUint(uint64(id), 10), nil, &b); err != nil {
		return serde.Schema{}, err
	}
	s := b.toSchema()
	s.ID = id
	if s.Ref.Name == "" {
		// GET /schemas/ids/{id} names no subject: the first subject-version that uses the ID
		// does (best effort: a registry without the endpoint leaves the name empty).
		var uses []struct {
			Subject string `json:"subject"`
			Version int    `json:"version"`
		}
		if r.do(ctx, http.MethodGet, "/schemas/ids/"+strconv.FormatUint(uint64(id), 10)+"/versions", nil, &uses) == nil && len(uses) > 0 {
			s.Ref, s.Version = refOf(uses[0].Subject), uses[0].Version
		}
	}
	return s, nil
}

// SchemaByVersionID implements serde.Registry with GET
// /schemas/guids/{guid}, passing the Glue version ID as the GUID: Carta
// answers it with that version; a registry without such a schema answers
// 404 (serde.ErrNotFound).
func (r *Registry) SchemaByVersionID(ctx context.Context, id wire.VersionID) (serde.Schema, error) {
	var b schemaBody
	if err := r.do(ctx, http.MethodGet, "/schemas/guids/"+id.String(), nil, &b); err != nil {
		return serde.Schema{}, err
	}
	s := b.toSchema()
	s.VersionID = id
	return s, nil
}

// SchemaVersion implements serde.Registry with GET
// /subjects/{subject}/versions/{version|latest}.
func (r *Registry) SchemaVersion(ctx context.Context, ref serde.SchemaRef, version int) (serde.Schema, error) {
	v := "latest"
	if version > 0 {
		v = strconv.Itoa(version)
	}
	var b schemaBody
	if err := r.do(ctx, http.MethodGet, "/subjects/"+url.PathEscape(Subject(ref))+"/versions/"+v, nil, &b); err != nil {
		return serde.Schema{}, err
	}
	return b.toSchema(), nil
}

// LookupSchema implements serde.Registry with POST /subjects/{subject}.
func (r *Registry) LookupSchema(ctx context.Context, ref serde.SchemaRef, format serde.Format, definition string) (serde.Schema, error) {
	var b schemaBody
	in := schemaBody{Schema: definition, SchemaType: schemaType(format)}
	if err := r.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(Subject(ref)), in, &b); err != nil {
		return serde.Schema{}, err
	}
	s := b.toSchema()
	if s.Ref.Name == "" {
		s.Ref = ref
	}
	return s, nil
}

// RegisterSchema implements serde.Registry: when the subject has no
// version yet and opts.Compatibility is set, PUT /config/{subject} first;
// then POST /subjects/{subject}/versions (with opts.Metadata as the
// schema's metadata properties), then a lookup for the version number.
func (r *Registry) RegisterSchema(ctx context.Context, ref serde.SchemaRef, format serde.Format, definition string, opts serde.RegisterOptions) (serde.Schema, error) {
	subject := url.PathEscape(Subject(ref))
	if opts.Compatibility != "" {
		var versions []int
		err := r.do(ctx, http.MethodGet, "/subjects/"+subject+"/versions", nil, &versions)
		if errors.Is(err, serde.ErrNotFound) {
			cfg := map[string]string{"compatibility": confluentLevel(opts.Compatibility)}
			if err := r.do(ctx, http.MethodPut, "/config/"+subject, cfg, nil); err != nil {
				return serde.Schema{}, err
			}
		} else if err != nil {
			return serde.Schema{}, err
		}
	}
	in := struct {
		schemaBody
		Metadata *metadata `json:"metadata,omitempty"`
	}{schemaBody: schemaBody{Schema: definition, SchemaType: schemaType(format)}}
	if len(opts.Metadata) > 0 {
		in.Metadata = &metadata{Properties: opts.Metadata}
	}
	var out struct {
		ID uint32 `json:"id"`
	}
	if err := r.do(ctx, http.MethodPost, "/subjects/"+subject+"/versions", in, &out); err != nil {
		return serde.Schema{}, err
	}
	s, err := r.LookupSchema(ctx, ref, format, definition)
	if err != nil {
		return serde.Schema{ID: out.ID, Ref: ref, Format: format, Definition: definition}, nil
	}
	if s.ID == 0 {
		s.ID = out.ID
	}
	return s, nil
}

type metadata struct {
	Properties map[string]string `json:"properties"`
}

// confluentLevel spells a Glue compatibility mode as Confluent does.
func confluentLevel(mode string) string {
	if base, ok := strings.CutSuffix(mode, "_ALL"); ok {
		return base + "_TRANSITIVE"
	}
	if mode == "DISABLED" {
		return "NONE"
	}
	return mode
}

// maxResponse bounds the responses the client reads.
const maxResponse = 8 << 20

func (r *Registry) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, body)
	if err != nil {
		return err
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json, application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("confluent: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("confluent: %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
			if len(e.Message) > 200 {
				e.Message = e.Message[:200]
			}
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("confluent: %s %s: the response is not the expected JSON: %w", method, path, err)
	}
	return nil
}
