package glue_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
)

// serve runs one request through the handler without a network.
func serve(b *testing.B, h http.Handler, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", target, rec.Code, rec.Body.Bytes())
	}
	return rec
}

// BenchmarkGetSchemaVersion measures the consumer's lookup (GetSchemaVersion by ID) through the
// HTTP handler, beside the service call it wraps, and reports the handler's overhead as a ratio.
func BenchmarkGetSchemaVersion(b *testing.B) {
	e := newEnv(b)
	created := e.createAvroSchema(b, "r", "s", "BACKWARD")
	id := *created.SchemaVersionId
	body, _ := json.Marshal(map[string]string{"SchemaVersionId": id})

	b.Run("service", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := e.svc.GetVersion(ctx, registry.VersionRef{ID: id}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The handler, with a service call interleaved in each iteration (timed apart), so that the
	// ratio compares the two under the same conditions (the store dominates both).
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		var service, handler time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, _, err := e.svc.GetVersion(ctx, registry.VersionRef{ID: id}); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			serve(b, e.handler, "AWSGlue.GetSchemaVersion", body)
			t2 := time.Now()
			service += t1.Sub(t0)
			handler += t2.Sub(t1)
		}
		b.ReportMetric(float64(handler.Nanoseconds())/float64(b.N), "handler-ns/op")
		b.ReportMetric(float64(service.Nanoseconds())/float64(b.N), "service-ns/op")
		b.ReportMetric(float64(handler)/float64(service), "handler/service")
	})
}

// BenchmarkRegisterSchemaVersion measures RegisterSchemaVersion through the handler under
// BACKWARD: a new compatible version per iteration (an optional field with a unique name), and
// the duplicate path (the latest definition again).
func BenchmarkRegisterSchemaVersion(b *testing.B) {
	newDef := func(i int) []byte {
		def := fmt.Sprintf(`{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[{"name":"id","type":"string"},{"name":"amount","type":"long"},{"name":"f%d","type":["null","string"],"default":null}]}`, i)
		body, _ := json.Marshal(map[string]any{"SchemaId": map[string]string{"RegistryName": "r", "SchemaName": "s"}, "SchemaDefinition": def})
		return body
	}
	b.Run("new-version", func(b *testing.B) {
		e := newEnvWith(b, options{quotas: registry.Quotas{MaxVersions: 1 << 30}})
		e.createAvroSchema(b, "r", "s", "BACKWARD")
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			rec := serve(b, e.handler, "AWSGlue.RegisterSchemaVersion", newDef(i))
			if !bytes.Contains(rec.Body.Bytes(), []byte(`"AVAILABLE"`)) {
				b.Fatalf("registration %d: %s", i, rec.Body.Bytes())
			}
		}
	})
	b.Run("duplicate", func(b *testing.B) {
		e := newEnv(b)
		e.createAvroSchema(b, "r", "s", "BACKWARD")
		body := newDef(1)
		serve(b, e.handler, "AWSGlue.RegisterSchemaVersion", body)
		b.ReportAllocs()
		for b.Loop() {
			serve(b, e.handler, "AWSGlue.RegisterSchemaVersion", body)
		}
	})
}
