package glue_test

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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"

	"github.com/cartaschema/carta/internal/api/glue"
	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// env is one Carta server under test: the registry service over a SQLite store in a temporary
// directory, the Glue handler in an httptest server, and an AWS SDK client pointed at it.
type env struct {
	db      *sqlite.DB
	svc     *registry.Service
	handler http.Handler
	srv     *httptest.Server
	client  *awsglue.Client
}

// options tweak the service of a test environment.
type options struct {
	reject bool
	quotas registry.Quotas
	// logger receives the handler's and the service's logs (default: discarded).
	logger *slog.Logger
}

func handlers() []schema.Handler {
	return []schema.Handler{avro.Handler{}, jsonschema.Handler{}, protobuf.Handler{}}
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newService(t testing.TB, o options) (*sqlite.DB, *registry.Service) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "carta.db"))
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	svc, err := registry.NewService(ctx, db, registry.Options{
		Handlers: handlers(), RejectIncompatible: o.reject, Quotas: o.quotas, Logger: o.logger,
	})
	if err != nil {
		t.Fatalf("starting the service: %v", err)
	}
	return db, svc
}

func newEnvWith(t testing.TB, o options) *env {
	t.Helper()
	if o.logger == nil {
		o.logger = quietLogger()
	}
	db, svc := newService(t, o)
	h := glue.NewHandler(svc, glue.Config{Logger: o.logger})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := awsglue.New(awsglue.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDCARTATEST", "secret", ""),
		RetryMaxAttempts: 1,
		// A fresh connection per request: once, under a fully loaded machine, a reused
		// keep-alive connection was found closed while the SDK read a 200 response. Without
		// retries (set above, so every error surfaces) that made a test flaky.
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
	return &env{db: db, svc: svc, handler: h, srv: srv, client: client}
}

func newEnv(t testing.TB) *env { return newEnvWith(t, options{}) }

var ctx = context.Background()

// wantErr asserts that err is the typed Glue error T and that its message contains every
// fragment.
func wantErr[T error](t *testing.T, err error, fragments ...string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error = %v (%T); want %T", err, err, target)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not a smithy.APIError", err)
	}
	for _, f := range fragments {
		if !strings.Contains(ae.ErrorMessage(), f) {
			t.Errorf("message %q does not contain %q", ae.ErrorMessage(), f)
		}
	}
}

// wantCode asserts an API error of a type without a typed Go error (SerializationException, ...).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error = %v; want %s", err, code)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func regID(name string) *types.RegistryId { return &types.RegistryId{RegistryName: aws.String(name)} }

func schID(reg, name string) *types.SchemaId {
	return &types.SchemaId{RegistryName: aws.String(reg), SchemaName: aws.String(name)}
}

func num(n int64) *types.SchemaVersionNumber {
	return &types.SchemaVersionNumber{VersionNumber: aws.Int64(n)}
}

func latest() *types.SchemaVersionNumber { return &types.SchemaVersionNumber{LatestVersion: true} }

// Avro definitions used across the tests.
const (
	avroV1 = `{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"}]}`
	// avroV2Required adds a required field without a default: not BACKWARD compatible.
	avroV2Required = `{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"settlement_currency","type":"string"}]}`
	// avroV2Optional adds an optional field with a default: BACKWARD compatible.
	avroV2Optional = `{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"settlement_currency","type":["null","string"],"default":null}]}`
)

// createAvroSchema creates schema name in reg (created when needed) with version 1 = avroV1.
func (e *env) createAvroSchema(t testing.TB, reg, name string, mode types.Compatibility) *awsglue.CreateSchemaOutput {
	t.Helper()
	if reg != registry.DefaultRegistry {
		_, err := e.client.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String(reg)})
		var exists *types.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			t.Fatalf("CreateRegistry: %v", err)
		}
	}
	out, err := e.client.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId: regID(reg), SchemaName: aws.String(name), DataFormat: types.DataFormatAvro,
		Compatibility: mode, SchemaDefinition: aws.String(avroV1),
	})
	if err != nil {
		t.Fatalf("CreateSchema: %v", err)
	}
	return out
}

// rawResponse is an answer of the handler to a raw HTTP request.
type rawResponse struct {
	status  int
	header  http.Header
	body    []byte
	errType string
	message string
}

// post sends a raw AWS JSON 1.1 request to the handler, without the SDK.
func (e *env) post(t testing.TB, target string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := rawResponse{status: resp.StatusCode, header: resp.Header, body: body}
	var eb struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}
	if json.Unmarshal(body, &eb) == nil {
		r.errType, r.message = eb.Type, eb.Message
	}
	return r
}

func quotas(registries int) registry.Quotas { return registry.Quotas{MaxRegistries: registries} }
