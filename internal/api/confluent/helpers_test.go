package confluent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/cartaschema/carta/internal/api/confluent"
	"github.com/cartaschema/carta/internal/api/glue"
	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/store/sqlite"
)

// env is one Carta server under test: the registry service over a SQLite store in a temporary
// directory, both dialects on one httptest server (as carta serve mounts them), and a franz-go
// sr client pointed at it.
type env struct {
	db     *sqlite.DB
	svc    *registry.Service
	srv    *httptest.Server
	client *sr.Client
	// handler is the Confluent handler alone, for tests that call it directly.
	handler http.Handler
}

// options tweak a test environment.
type options struct {
	// incompatibleCode is the Confluent error_code of an incompatible registration.
	incompatibleCode int
	// maxBodyBytes bounds request bodies.
	maxBodyBytes int64
	// registry are the service's options (Handlers and Logger are filled in).
	registry registry.Options
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t testing.TB) *env { return newEnvWith(t, options{}) }

func newEnvWith(t testing.TB, o options) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carta.db"))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	o.registry.Handlers = server.Handlers()
	o.registry.Logger = quietLogger()
	svc, err := registry.NewService(ctx, db, o.registry)
	if err != nil {
		t.Fatalf("starting the service: %v", err)
	}
	h, err := confluent.NewHandler(svc, confluent.Config{Logger: quietLogger(), IncompatibleErrorCode: o.incompatibleCode, MaxBodyBytes: o.maxBodyBytes})
	if err != nil {
		t.Fatal(err)
	}
	g := glue.NewHandler(svc, glue.Config{Logger: quietLogger()})
	srv := httptest.NewServer(server.Dialects(g, h))
	t.Cleanup(srv.Close)
	cl, err := sr.NewClient(sr.URLs(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return &env{db: db, svc: svc, srv: srv, client: cl, handler: h}
}

// response is a raw answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v.
func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// errorCode returns the error_code and message of an error body.
func (r response) errorCode(t testing.TB) (int, string) {
	t.Helper()
	var e struct {
		ErrorCode *int    `json:"error_code"`
		Message   *string `json:"message"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.ErrorCode == nil || e.Message == nil {
		t.Fatalf("status %d with a body that is not {error_code, message}: %s", r.status, r.body)
	}
	return *e.ErrorCode, *e.Message
}

// do sends a request with the Confluent content type; body may be nil, a string (sent as it
// is) or a value (sent as JSON).
func (e *env) do(t testing.TB, method, path string, body any) response {
	t.Helper()
	return e.doWith(t, method, path, body, http.Header{"Content-Type": {"application/vnd.schemaregistry.v1+json"}})
}

func (e *env) doWith(t testing.TB, method, path string, body any, header http.Header) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// wantError fails unless the request is answered with the status and error_code.
func (e *env) wantError(t testing.TB, method, path string, body any, status, code int) string {
	t.Helper()
	r := e.do(t, method, path, body)
	if r.status != status {
		t.Errorf("%s %s: status %d (%s), want %d", method, path, r.status, r.body, status)
		return ""
	}
	got, msg := r.errorCode(t)
	if got != code {
		t.Errorf("%s %s: error_code %d (%s), want %d", method, path, got, msg, code)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.schemaregistry.v1+json") {
		t.Errorf("%s %s: error with Content-Type %q", method, path, ct)
	}
	return msg
}

// glue calls a Glue operation through the same server and decodes the answer into out.
func (e *env) glue(t testing.TB, op string, in, out any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(data))
	req.Header.Set("X-Amz-Target", "AWSGlue."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("Glue %s: status %d: %s", op, resp.StatusCode, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("Glue %s: decoding %s: %v", op, body, err)
		}
	}
}

// srCode returns the error_code of an sr client error, or 0.
func srCode(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return 0
}

// wantCode fails unless err is an sr error with the error_code.
func wantCode(t testing.TB, what string, err error, code int) {
	t.Helper()
	if got := srCode(err); got != code {
		t.Errorf("%s: error %v (error_code %d), want error_code %d", what, err, got, code)
	}
}

// must fails the test on an error: must(f())(t) is f's value.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Avro records of one event type, evolving.
const (
	fID       = `{"name":"id","type":"string"}`
	fAmount   = `{"name":"amount","type":"long"}`
	fRequired = `{"name":"currency","type":"string"}`
	fOptional = `{"name":"currency","type":["null","string"],"default":null}`
)

func record(fields ...string) string {
	return `{"type":"record","name":"Payment","namespace":"com.example","fields":[` + strings.Join(fields, ",") + `]}`
}

func avroSchema(def string) sr.Schema { return sr.Schema{Schema: def} }
