package confluent

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// fakeServer answers the few Confluent endpoints the client calls, in
// Confluent's documented shapes. It is a unit-test fake of this package
// only; the client is tested against Carta's Confluent API in the e2e
// tests once that API exists.
type fakeServer struct {
	mu       sync.Mutex
	subjects map[string][]schemaBody
	configs  map[string]string
	requests []string
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.EscapedPath())
	fail := func(status, code int, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error_code": code, "message": msg})
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var in schemaBody
	if r.Body != nil {
		json.NewDecoder(r.Body).Decode(&in)
	}
	switch {
	case len(parts) == 3 && parts[0] == "schemas" && parts[1] == "ids":
		for _, vs := range f.subjects {
			for _, v := range vs {
				if parts[2] == itoa(v.ID) {
					json.NewEncoder(w).Encode(schemaBody{Schema: v.Schema, SchemaType: v.SchemaType})
					return
				}
			}
		}
		fail(404, 40403, "Schema not found")
	case len(parts) == 2 && parts[0] == "subjects" && r.Method == http.MethodPost:
		for _, v := range f.subjects[parts[1]] {
			if v.Schema == in.Schema {
				json.NewEncoder(w).Encode(v)
				return
			}
		}
		if len(f.subjects[parts[1]]) == 0 {
			fail(404, 40401, "Subject not found")
			return
		}
		fail(404, 40403, "Schema not found")
	case len(parts) == 3 && parts[2] == "versions" && r.Method == http.MethodGet:
		if len(f.subjects[parts[1]]) == 0 {
			fail(404, 40401, "Subject not found")
			return
		}
		json.NewEncoder(w).Encode([]int{1})
	case len(parts) == 3 && parts[2] == "versions" && r.Method == http.MethodPost:
		if strings.Contains(in.Schema, "breaking") {
			fail(409, 409, "Schema being registered is incompatible with an earlier schema")
			return
		}
		n := 0
		for _, vs := range f.subjects {
			n += len(vs)
		}
		b := schemaBody{Subject: parts[1], ID: uint32(n + 1), Version: len(f.subjects[parts[1]]) + 1, Schema: in.Schema, SchemaType: in.SchemaType}
		f.subjects[parts[1]] = append(f.subjects[parts[1]], b)
		json.NewEncoder(w).Encode(map[string]any{"id": b.ID})
	case len(parts) == 4 && parts[2] == "versions" && r.Method == http.MethodGet:
		vs := f.subjects[parts[1]]
		if len(vs) == 0 {
			fail(404, 40401, "Subject not found")
			return
		}
		json.NewEncoder(w).Encode(vs[len(vs)-1])
	case len(parts) == 2 && parts[0] == "config" && r.Method == http.MethodPut:
		var c map[string]string
		json.NewDecoder(strings.NewReader(in.Schema)).Decode(&c)
		f.configs[parts[1]] = "set"
		w.Write([]byte(`{"compatibility":"BACKWARD"}`))
	default:
		fail(404, 404, "HTTP 404 Not Found")
	}
}

func itoa(n uint32) string { b, _ := json.Marshal(n); return string(b) }

func TestClientAgainstConfluentShapes(t *testing.T) {
	fake := &fakeServer{subjects: map[string][]schemaBody{}, configs: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	reg, err := New(srv.URL, WithBasicAuth("u", "p"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ref := serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured-value"}
	if got := Subject(ref); got != ":.payments:PaymentCaptured-value" {
		t.Fatalf("Subject = %q", got)
	}
	if _, err := reg.SchemaVersion(ctx, ref, 0); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	def := `{"type":"string"}`
	s, err := reg.RegisterSchema(ctx, ref, serde.Avro, def, serde.RegisterOptions{Compatibility: "BACKWARD_ALL", Metadata: map[string]string{"k": "v"}})
	if err != nil || s.ID != 1 || s.Version != 1 || s.Ref != ref {
		t.Fatalf("RegisterSchema = %+v, %v", s, err)
	}
	if fake.configs[":.payments:PaymentCaptured-value"] != "set" {
		t.Fatalf("the new subject's compatibility was not set; requests: %v", fake.requests)
	}
	byID, err := reg.SchemaByID(ctx, 1)
	if err != nil || byID.Definition != def || byID.Format != serde.Avro || byID.ID != 1 {
		t.Fatalf("SchemaByID = %+v, %v", byID, err)
	}
	if _, err := reg.SchemaByID(ctx, 99); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("unknown ID: err = %v", err)
	}
	_, err = reg.RegisterSchema(ctx, ref, serde.Avro, `"breaking"`, serde.RegisterOptions{})
	var ce *Error
	if !errors.Is(err, serde.ErrIncompatible) || !errors.As(err, &ce) || ce.Code != 409 {
		t.Fatalf("incompatible: err = %v", err)
	}
	// The Serializer and Deserializer work through it with the Confluent framing.
	ser, err := serde.NewSerializer(reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured-value"), serde.WithWireFormat(serde.WireConfluent))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ser.Serialize(ctx, "", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if id, _, err := wire.ParseConfluent(b); err != nil || id != 1 {
		t.Fatalf("framed with id %d, %v", id, err)
	}
	des, _ := serde.NewDeserializer(reg)
	var out string
	if _, err := des.Deserialize(ctx, b, &out); err != nil || out != "hello" {
		t.Fatalf("Deserialize = %q, %v", out, err)
	}
	if _, err := New("ftp://x"); err == nil {
		t.Fatal("a non-HTTP base URL was accepted")
	}
}
