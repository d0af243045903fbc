package e2e

// Carta's Confluent REST API with real clients nobody here wrote:
// @confluentinc/schemaregistry (Confluent's JavaScript client and serdes) and
// @kafkajs/confluent-schema-registry, through scripts/js/confluent-clients.mjs,
// against a running carta serve. Records the JS clients frame decode with
// Carta's Deserializer over serde/confluent, records Carta's Serializer frames
// decode in JS, and the IDs the clients see are the ones the server serves.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
	"github.com/cartaschema/carta/serde"
	sconfluent "github.com/cartaschema/carta/serde/confluent"
	"github.com/cartaschema/carta/serde/wire"
)

// paymentJSONSchema is the JSON Schema of paymentV1.
const paymentJSONSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "PaymentCaptured",
  "type": "object",
  "properties": {
    "payment_id": {"type": "string"},
    "amount_cents": {"type": "integer"},
    "currency": {"type": "string", "minLength": 3, "maxLength": 3}
  },
  "required": ["payment_id", "amount_cents", "currency"],
  "additionalProperties": false
}`

// paymentProto has a nested message (index [0, 0]), a second top-level
// message (index [1]) and a well-known-type import, which Confluent's
// serializers do not register as a reference.
const paymentProto = `syntax = "proto3";
package com.example.payments;

import "google/protobuf/timestamp.proto";

message PaymentCaptured {
  string payment_id = 1;
  int64 amount_cents = 2;
  string currency = 3;
  Detail detail = 4;
  google.protobuf.Timestamp captured_at = 5;

  message Detail {
    string note = 1;
  }
}

message Refund {
  string payment_id = 1;
  int64 amount_cents = 2;
}
`

// protoRecord is a Protobuf record as the JS driver takes and prints it:
// the message's full name and its proto3 JSON with the proto field names.
type protoRecord struct {
	Type  string         `json:"type"`
	Value map[string]any `json:"value"`
}

var paymentProtoRecords = []protoRecord{
	{"com.example.payments.PaymentCaptured", map[string]any{
		"payment_id": "p-1", "amount_cents": "1250", "currency": "EUR",
		"detail": map[string]any{"note": "first"}, "captured_at": "2026-01-02T03:04:05Z",
	}},
	{"com.example.payments.Refund", map[string]any{"payment_id": "p-1", "amount_cents": "1099511627776"}},
	{"com.example.payments.PaymentCaptured.Detail", map[string]any{"note": "nested"}},
}

// requireConfluentJS returns scripts/js with the Confluent clients installed,
// or fails naming what is missing.
func requireConfluentJS(t *testing.T) string {
	t.Helper()
	dir := requireNodeScripts(t)
	for _, pkg := range []string{"@confluentinc/schemaregistry", "@kafkajs/confluent-schema-registry", "@bufbuild/protobuf"} {
		if !fileExists(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg), "package.json")) {
			t.Fatalf("component missing: the npm package %s in scripts/js/node_modules; run (cd scripts/js && npm ci), as scripts/test.sh does", pkg)
		}
	}
	return dir
}

// exchange is one request a JS client made and the server's answer.
type exchange struct {
	Method string
	URI    string // escaped path and query
	Status int
	Body   string // the response body, cut at 4 KiB
}

func (e exchange) String() string {
	return fmt.Sprintf("%s %s -> %d %s", e.Method, e.URI, e.Status, e.Body)
}

// recorder is a reverse proxy in front of the server that keeps every
// exchange, so a test can assert what a client asked and what it was told.
type recorder struct {
	URL string
	mu  sync.Mutex
	log []exchange
}

func startRecorder(t *testing.T, target string) *recorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		uri := resp.Request.URL.EscapedPath()
		if resp.Request.URL.RawQuery != "" {
			uri += "?" + resp.Request.URL.RawQuery
		}
		if len(body) > 4096 {
			body = body[:4096]
		}
		r.mu.Lock()
		r.log = append(r.log, exchange{resp.Request.Method, uri, resp.StatusCode, string(body)})
		r.mu.Unlock()
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// take returns the exchanges since the last take.
func (r *recorder) take() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.log
	r.log = nil
	return l
}

// checkExchanges fails on any 5xx, and on any error answer that is not
// Confluent's JSON error shape ({"error_code": int, "message": string}).
func checkExchanges(t *testing.T, log []exchange) {
	t.Helper()
	for _, e := range log {
		if e.Status >= 500 {
			t.Errorf("server error: %s", e)
		}
		if e.Status >= 400 {
			var body struct {
				Code    *int    `json:"error_code"`
				Message *string `json:"message"`
			}
			if err := json.Unmarshal([]byte(e.Body), &body); err != nil || body.Code == nil || body.Message == nil {
				t.Errorf("an error answer not in Confluent's shape {error_code, message}: %s", e)
			}
		}
	}
}

// checkJSLog checks every exchange of the JS clients since the last check,
// including the associations lookups that newer clients make before each
// serialize and deserialize, which must answer a 404 in Confluent's error
// shape.
func checkJSLog(t *testing.T, rec *recorder) {
	t.Helper()
	log := rec.take()
	checkExchanges(t, log)
	associations := 0
	for _, e := range log {
		if strings.HasPrefix(e.URI, "/associations/") {
			associations++
			if e.Status != http.StatusNotFound {
				t.Errorf("the associations lookup: %s, want 404", e)
			}
		}
	}
	if associations == 0 {
		t.Errorf("the JS serdes made no associations lookup; exchanges:\n%v", log)
	}
}

// srAPI is plain HTTP against the Confluent API, for what the tests check
// byte for byte rather than through a client.
type srAPI struct {
	t    *testing.T
	base string
}

func (a srAPI) do(method, path string, in any) (int, []byte) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			a.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json")
	if in != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// get requires a 200 and decodes the answer into out.
func (a srAPI) get(path string, out any) {
	a.t.Helper()
	a.call(http.MethodGet, path, nil, out)
}

func (a srAPI) call(method, path string, in, out any) {
	a.t.Helper()
	status, b := a.do(method, path, in)
	if status != http.StatusOK {
		a.t.Fatalf("%s %s: HTTP %d %s, want 200", method, path, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// errorCode requires an error answer with the given status and returns its error_code.
func (a srAPI) errorCode(method, path string, in any, wantStatus int) int {
	a.t.Helper()
	status, b := a.do(method, path, in)
	var e struct {
		Code    *int    `json:"error_code"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Code == nil || e.Message == nil {
		a.t.Fatalf("%s %s: HTTP %d %s: not Confluent's error shape", method, path, status, b)
	}
	if status != wantStatus {
		a.t.Fatalf("%s %s: HTTP %d %s, want %d", method, path, status, b, wantStatus)
	}
	return *e.Code
}

// srSchema is a schema as the Confluent API answers it.
type srSchema struct {
	Subject    string `json:"subject"`
	ID         uint32 `json:"id"`
	Version    int    `json:"version"`
	SchemaType string `json:"schemaType"`
	Schema     string `json:"schema"`
	GUID       string `json:"guid"`
}

// format is the serde.Format of a schemaType (absent means AVRO).
func (s srSchema) format() serde.Format {
	if s.SchemaType == "" {
		return serde.Avro
	}
	return serde.Format(s.SchemaType)
}

func pathSubject(s string) string { return url.PathEscape(s) }

// sameDefinition reports whether got and want define the same schema:
// equal JSON for Avro and JSON Schema, the same canonical form for Protobuf
// (the API may answer a definition in another layout than it was given).
func sameDefinition(t *testing.T, f serde.Format, got, want string) bool {
	t.Helper()
	if f == serde.Protobuf {
		g, err := protobuf.Parse(got, schema.Limits{})
		if err != nil {
			t.Errorf("the Protobuf definition %q does not parse: %v", got, err)
			return false
		}
		w, err := protobuf.Parse(want, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return g.Canonical() == w.Canonical()
	}
	return jsonEqual(t, []byte(got), []byte(want))
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Errorf("not JSON: %s: %v", a, err)
		return false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Errorf("not JSON: %s: %v", b, err)
		return false
	}
	return reflect.DeepEqual(x, y)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsLine is one JSON line the driver prints.
type jsLine struct {
	Event   string          `json:"event"`
	Subject string          `json:"subject"`
	ID      uint32          `json:"id"`
	Hex     string          `json:"hex"`
	Type    string          `json:"type"`
	Decoded json.RawMessage `json:"decoded"`
}

func (l jsLine) bytes(t *testing.T) []byte {
	t.Helper()
	b, err := hex.DecodeString(l.Hex)
	if err != nil {
		t.Fatalf("hex %q: %v", l.Hex, err)
	}
	return b
}

func parseJSLines(t *testing.T, out string) []jsLine {
	t.Helper()
	var lines []jsLine
	for _, s := range strings.Split(strings.TrimSpace(out), "\n") {
		if s == "" {
			continue
		}
		var l jsLine
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			t.Fatalf("JS output line %q: %v", s, err)
		}
		lines = append(lines, l)
	}
	return lines
}

func records(t *testing.T, lines []jsLine, event string) []jsLine {
	t.Helper()
	var out []jsLine
	for _, l := range lines {
		if l.Event == event {
			out = append(out, l)
		}
	}
	return out
}

// protoMessage builds a dynamic message of def from a protoRecord.
func protoMessage(t *testing.T, def string, rec protoRecord) *dynamicpb.Message {
	t.Helper()
	s, err := protobuf.Parse(def, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.Message(rec.Type)
	if err != nil {
		t.Fatal(err)
	}
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(mustJSON(t, rec.Value)), m); err != nil {
		t.Fatalf("%s %v: %v", rec.Type, rec.Value, err)
	}
	return m
}

// protoJSON is m as proto3 JSON with the proto field names, as the JS driver prints it.
func protoJSON(t *testing.T, m protoreflect.ProtoMessage) []byte {
	t.Helper()
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newConfluentRegistry(t *testing.T, endpoint string) *sconfluent.Registry {
	t.Helper()
	reg, err := sconfluent.New(endpoint, sconfluent.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func newDeserializer(t *testing.T, reg serde.Registry) *serde.Deserializer {
	t.Helper()
	des, err := serde.NewDeserializer(reg)
	if err != nil {
		t.Fatal(err)
	}
	return des
}

// checkServedID requires GET /schemas/ids/{id} to serve def as a schema of
// format f, and GET /subjects/{subject}/versions/latest to name the same ID.
func checkServedID(t *testing.T, api srAPI, id uint32, subject string, f serde.Format, def string) {
	t.Helper()
	var byID srSchema
	api.get(fmt.Sprintf("/schemas/ids/%d", id), &byID)
	if byID.format() != f || !sameDefinition(t, f, byID.Schema, def) {
		t.Errorf("GET /schemas/ids/%d = %s %q, want the %s schema %q", id, byID.format(), byID.Schema, f, def)
	}
	var latest srSchema
	api.get("/subjects/"+pathSubject(subject)+"/versions/latest", &latest)
	if latest.ID != id || latest.Subject != subject {
		t.Errorf("GET /subjects/%s/versions/latest = id %d subject %q, want id %d (the ID in the records)", subject, latest.ID, latest.Subject, id)
	}
}

// TestConfluentJSClientSerdes: @confluentinc/schemaregistry registers,
// serializes (useLatestVersion) and deserializes Avro and JSON Schema
// records against carta serve; Carta's Deserializer decodes them, and the
// JS deserializers decode what Carta's Serializer writes with the Confluent
// framing (Avro: a second version, read by its ID).
func TestConfluentJSClientSerdes(t *testing.T) {
	dir := requireConfluentJS(t)
	srv := startServer(t)
	rec := startRecorder(t, srv.Endpoint)
	api := srAPI{t, srv.Endpoint}
	reg := newConfluentRegistry(t, srv.Endpoint)
	des := newDeserializer(t, reg)
	ctx := context.Background()
	jsEnv := []string{"CARTA_URL=" + rec.URL}
	v1, v2 := readExample(t, "payment_v1.avsc"), readExample(t, "payment_v2.avsc")

	t.Run("Avro", func(t *testing.T) {
		const topic, subject = "payments-avro", "payments-avro-value"
		want := []paymentV1{{"p-1", 1250, "EUR"}, {"p-2", 99, "USD"}, {"p-3", 1 << 40, "GBP"}}
		spec := map[string]any{"format": "AVRO", "topic": topic, "register": v1, "mode": "latest", "records": want}
		lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, spec), "confluent-clients.mjs", "serialize"))
		checkJSLog(t, rec)
		regd := records(t, lines, "registered")
		recs := records(t, lines, "record")
		if len(regd) != 1 || len(recs) != len(want) {
			t.Fatalf("JS output: %+v", lines)
		}
		id := regd[0].ID
		for i, l := range recs {
			b := l.bytes(t)
			hid, _, err := wire.ParseConfluent(b)
			if err != nil || hid != id || l.ID != id {
				t.Fatalf("record %d: header ID %d (%v), JS said %d; registered %d", i, hid, err, l.ID, id)
			}
			var got paymentV1
			if s, err := des.Deserialize(ctx, b, &got); err != nil || got != want[i] || s.ID != id {
				t.Fatalf("record %d: Carta decoded %+v (schema ID %d), %v; want %+v", i, got, s.ID, err, want[i])
			}
			if !jsonEqual(t, l.Decoded, []byte(mustJSON(t, want[i]))) {
				t.Errorf("record %d: the JS AvroDeserializer decoded %s, want %+v", i, l.Decoded, want[i])
			}
		}
		checkServedID(t, api, id, subject, serde.Avro, v1)
		if s, err := reg.LookupSchema(ctx, serde.SchemaRef{Name: subject}, serde.Avro, v1); err != nil || s.ID != id || s.Version != 1 {
			t.Errorf("POST /subjects/%s (lookup) = ID %d version %d, %v; want ID %d version 1", subject, s.ID, s.Version, err, id)
		}

		// Carta writes v2 (a new optional field) with the Confluent framing; JS reads it.
		s2, err := reg.RegisterSchema(ctx, serde.SchemaRef{Name: subject}, serde.Avro, v2, serde.RegisterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s2.ID == id || s2.ID == 0 || s2.Version != 2 {
			t.Fatalf("v2 registered as ID %d version %d; v1 is ID %d", s2.ID, s2.Version, id)
		}
		ser, err := serde.NewSerializer(reg, serde.Avro, serde.WithWireFormat(serde.WireConfluent),
			serde.WithNaming(serde.TopicName("", "-value")), serde.WithDefinition(v2))
		if err != nil {
			t.Fatal(err)
		}
		usd := "USD"
		in := []paymentV2{{"q-1", 5, "EUR", &usd}, {"q-2", 6, "EUR", nil}}
		var stdin strings.Builder
		for _, v := range in {
			b, err := ser.Serialize(ctx, topic, v)
			if err != nil {
				t.Fatal(err)
			}
			if hid, _, err := wire.ParseConfluent(b); err != nil || hid != s2.ID {
				t.Fatalf("Carta framed %x: ID %d (%v), want %d", b, hid, err, s2.ID)
			}
			fmt.Fprintln(&stdin, mustJSON(t, map[string]string{"format": "AVRO", "topic": topic, "hex": hex.EncodeToString(b)}))
		}
		got := parseJSLines(t, runNode(t, dir, jsEnv, stdin.String(), "confluent-clients.mjs", "deserialize"))
		checkJSLog(t, rec)
		if len(got) != len(in) {
			t.Fatalf("JS decoded %d records, want %d", len(got), len(in))
		}
		for i, l := range got {
			wantJSON := []string{mustJSON(t, in[i])}
			if in[i].SettlementCurrency != nil {
				// avsc may wrap a union branch: {"string": "USD"}.
				wantJSON = append(wantJSON, strings.Replace(wantJSON[0], `"USD"}`, `{"string":"USD"}}`, 1))
			}
			if l.ID != s2.ID || !slices.ContainsFunc(wantJSON, func(w string) bool { return jsonEqual(t, l.Decoded, []byte(w)) }) {
				t.Errorf("record %d: JS decoded %s with ID %d, want %s with ID %d", i, l.Decoded, l.ID, wantJSON[0], s2.ID)
			}
		}
	})

	t.Run("JSONSchema", func(t *testing.T) {
		const topic, subject = "payments-json", "payments-json-value"
		want := []paymentV1{{"j-1", 10, "EUR"}, {"j-2", 1 << 40, "CHF"}}
		spec := map[string]any{"format": "JSON", "topic": topic, "register": paymentJSONSchema, "mode": "latest", "records": want}
		lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, spec), "confluent-clients.mjs", "serialize"))
		checkJSLog(t, rec)
		regd, recs := records(t, lines, "registered"), records(t, lines, "record")
		if len(regd) != 1 || len(recs) != len(want) {
			t.Fatalf("JS output: %+v", lines)
		}
		id := regd[0].ID
		for i, l := range recs {
			b := l.bytes(t)
			hid, payload, err := wire.ParseConfluent(b)
			if err != nil || hid != id {
				t.Fatalf("record %d: header ID %d (%v), registered %d", i, hid, err, id)
			}
			if !jsonEqual(t, payload, []byte(mustJSON(t, want[i]))) {
				t.Errorf("record %d: the payload is %s, want the JSON of %+v", i, payload, want[i])
			}
			var got paymentV1
			if s, err := des.Deserialize(ctx, b, &got); err != nil || got != want[i] || s.ID != id || s.Format != serde.JSON {
				t.Fatalf("record %d: Carta decoded %+v (schema %d %s), %v; want %+v", i, got, s.ID, s.Format, err, want[i])
			}
			if !jsonEqual(t, l.Decoded, []byte(mustJSON(t, want[i]))) {
				t.Errorf("record %d: the JS JsonDeserializer decoded %s, want %+v", i, l.Decoded, want[i])
			}
		}
		checkServedID(t, api, id, subject, serde.JSON, paymentJSONSchema)

		// Carta writes; JS reads (and validates).
		ser, err := serde.NewSerializer(reg, serde.JSON, serde.WithWireFormat(serde.WireConfluent),
			serde.WithSchema("", subject), serde.WithDefinition(paymentJSONSchema))
		if err != nil {
			t.Fatal(err)
		}
		in := paymentV1{"k-1", 77, "SEK"}
		b, err := ser.Serialize(ctx, topic, in)
		if err != nil {
			t.Fatal(err)
		}
		got := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, map[string]string{"format": "JSON", "topic": topic, "hex": hex.EncodeToString(b)})+"\n", "confluent-clients.mjs", "deserialize"))
		checkJSLog(t, rec)
		if len(got) != 1 || got[0].ID != id || !jsonEqual(t, got[0].Decoded, []byte(mustJSON(t, in))) {
			t.Errorf("JS decoded %+v, want %+v with ID %d", got, in, id)
		}
	})

}

// TestKafkaJSConfluentSchemaRegistry: @kafkajs/confluent-schema-registry's
// register() flow (GET /config/{subject}: 404 the first time, POST the
// version, PUT /config/{subject}; the second time GET /config answers the
// compatibility the first set), getLatestSchemaId, encode and decode, for
// Avro and JSON Schema; Carta decodes what it encodes and the reverse.
//
// Its Protobuf support is left out: encode() writes no message-index array,
// so its records are not in the Confluent framing.
func TestKafkaJSConfluentSchemaRegistry(t *testing.T) {
	dir := requireConfluentJS(t)
	srv := startServer(t)
	rec := startRecorder(t, srv.Endpoint)
	api := srAPI{t, srv.Endpoint}
	reg := newConfluentRegistry(t, srv.Endpoint)
	des := newDeserializer(t, reg)
	ctx := context.Background()
	jsEnv := []string{"CARTA_URL=" + rec.URL}

	for _, tc := range []struct {
		name, subject, typ string
		format             serde.Format
		def                string
	}{
		{"Avro", "kafkajs-avro-value", "AVRO", serde.Avro, readExample(t, "payment_v1.avsc")},
		{"JSONSchema", "kafkajs-json-value", "JSON", serde.JSON, paymentJSONSchema},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := []paymentV1{{"k-1", 1, "EUR"}, {"k-2", 1 << 40, "NOK"}}
			spec := map[string]any{"subject": tc.subject, "type": tc.typ, "schema": tc.def, "records": want}
			lines := parseJSLines(t, runNode(t, dir, jsEnv, mustJSON(t, spec), "confluent-clients.mjs", "kafkajs"))
			log := rec.take()
			checkExchanges(t, log)

			regd, latest, again := records(t, lines, "register"), records(t, lines, "latest"), records(t, lines, "register-again")
			recs := records(t, lines, "record")
			if len(regd) != 1 || len(latest) != 1 || len(again) != 1 || len(recs) != len(want) {
				t.Fatalf("JS output: %+v", lines)
			}
			id := regd[0].ID
			if latest[0].ID != id || again[0].ID != id {
				t.Errorf("register() = %d, getLatestSchemaId() = %d, register() again = %d; want one ID", id, latest[0].ID, again[0].ID)
			}

			// The register flow, request by request.
			config := "/config/" + tc.subject
			var flow []string
			for _, e := range log {
				if e.URI == config || strings.HasPrefix(e.URI, "/subjects/"+tc.subject+"/versions") && e.Method == http.MethodPost {
					flow = append(flow, fmt.Sprintf("%s %s %d", e.Method, e.URI, e.Status))
				}
			}
			wantFlow := []string{
				"GET " + config + " 404",
				"POST /subjects/" + tc.subject + "/versions 200",
				"PUT " + config + " 200",
				"GET " + config + " 200",
				"POST /subjects/" + tc.subject + "/versions 200",
			}
			if !slices.Equal(flow, wantFlow) {
				t.Errorf("kafkajs register() flow:\n  %s\nwant:\n  %s\nall exchanges:\n%v", strings.Join(flow, "\n  "), strings.Join(wantFlow, "\n  "), log)
			}
			var cfg struct {
				CompatibilityLevel string `json:"compatibilityLevel"`
			}
			api.get(config, &cfg)
			if cfg.CompatibilityLevel != "BACKWARD" {
				t.Errorf("GET %s = %+v, want compatibilityLevel BACKWARD (what register() set)", config, cfg)
			}

			for i, l := range recs {
				b := l.bytes(t)
				hid, _, err := wire.ParseConfluent(b)
				if err != nil || hid != id {
					t.Fatalf("record %d: header ID %d (%v), want %d", i, hid, err, id)
				}
				var got paymentV1
				if s, err := des.Deserialize(ctx, b, &got); err != nil || got != want[i] || s.ID != id || s.Format != tc.format {
					t.Fatalf("record %d: Carta decoded %+v (schema %d %s), %v; want %+v", i, got, s.ID, s.Format, err, want[i])
				}
				if !jsonEqual(t, l.Decoded, []byte(mustJSON(t, want[i]))) {
					t.Errorf("record %d: kafkajs decoded %s, want %+v", i, l.Decoded, want[i])
				}
			}
			checkServedID(t, api, id, tc.subject, tc.format, tc.def)

			// Carta writes; kafkajs decodes.
			ser, err := serde.NewSerializer(reg, tc.format, serde.WithWireFormat(serde.WireConfluent),
				serde.WithSchema("", tc.subject), serde.WithDefinition(tc.def))
			if err != nil {
				t.Fatal(err)
			}
			in := paymentV1{"c-1", 4242, "DKK"}
			b, err := ser.Serialize(ctx, "kafkajs", in)
			if err != nil {
				t.Fatal(err)
			}
			out := runNode(t, dir, jsEnv, hex.EncodeToString(b)+"\n", "confluent-clients.mjs", "kafkajs-decode")
			checkExchanges(t, rec.take())
			if !jsonEqual(t, []byte(strings.TrimSpace(out)), []byte(mustJSON(t, in))) {
				t.Errorf("kafkajs decoded %s, want %+v", out, in)
			}
		})
	}
}
