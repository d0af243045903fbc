package e2e

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	sglue "github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/wire"
)

// TestCrossDialectGUIDsAndContexts: a Glue registry is a Confluent context
// (GET /contexts lists it), and a Glue version UUID is the Confluent GUID of
// the same version: GET /schemas/guids/{uuid} serves every AVAILABLE
// version, whichever dialect registered it, and no FAILURE one, so
// serde/confluent's Deserializer decodes a record with the Glue framing.
func TestCrossDialectGUIDsAndContexts(t *testing.T) {
	py := requirePythonBoto3(t)
	srv := startServer(t)
	api := srAPI{t, srv.Endpoint}
	v1, v2 := readExample(t, "payment_v1.avsc"), readExample(t, "payment_v2.avsc")
	breaking := readExample(t, "payment_v2_breaking.avsc")

	// Through boto3: v1, a FAILURE version, v2.
	var registered glueRegistered
	runCrossDialectPy(t, py, srv.Endpoint, "register", map[string]any{"schemas": []map[string]any{
		{"registry": "xd-payments", "name": "PaymentCaptured", "format": "AVRO", "compatibility": "BACKWARD", "definitions": []string{v1, breaking, v2}},
	}}, &registered)
	// Through the Confluent API: a subject in the default context.
	api.call(http.MethodPost, "/subjects/xd-refund-value/versions", map[string]any{"schema": paymentJSONSchema, "schemaType": "JSON"}, nil)

	var contexts []string
	api.get("/contexts", &contexts)
	if !slices.Contains(contexts, ".") || !slices.Contains(contexts, ".xd-payments") {
		t.Errorf("GET /contexts = %q, want \".\" and \".xd-payments\" among them", contexts)
	}

	var read glueRead
	runCrossDialectPy(t, py, srv.Endpoint, "read", map[string]any{"schemas": []map[string]string{
		{"registry": "xd-payments", "name": "PaymentCaptured"},
		{"registry": serde.DefaultRegistry, "name": "xd-refund-value"},
	}}, &read)
	defs := [][]string{{v1, breaking, v2}, {paymentJSONSchema}}
	formats := []serde.Format{serde.Avro, serde.JSON}
	subjects := []string{":.xd-payments:PaymentCaptured", "xd-refund-value"}
	for i, g := range read.Schemas {
		for j, v := range g.Versions {
			if v.Status != "AVAILABLE" {
				if code := api.errorCode(http.MethodGet, "/schemas/guids/"+v.ID, nil, http.StatusNotFound); code != 40403 {
					t.Errorf("GET /schemas/guids/%s (a FAILURE version): error_code %d, want 40403", v.ID, code)
				}
				continue
			}
			var byGUID, byVersion srSchema
			api.get("/schemas/guids/"+v.ID, &byGUID)
			if byGUID.format() != formats[i] || !sameDefinition(t, formats[i], byGUID.Schema, defs[i][j]) {
				t.Errorf("GET /schemas/guids/%s = %+v, want the %s schema %q", v.ID, byGUID, formats[i], defs[i][j])
			}
			api.get("/subjects/"+pathSubject(subjects[i])+"/versions/"+strconv.Itoa(v.Number), &byVersion)
			if byVersion.GUID != v.ID {
				t.Errorf("GET /subjects/%s/versions/%d: guid %q, want the Glue SchemaVersionId %s", subjects[i], v.Number, byVersion.GUID, v.ID)
			}
		}
	}

	// A record with the Glue framing decodes through serde/confluent.
	ctx := context.Background()
	ser, err := serde.NewSerializer(sglue.New(testenv.GlueClient(srv.Endpoint)), serde.Avro,
		serde.WithSchema("xd-payments", "PaymentCaptured"), serde.WithDefinition(v2))
	if err != nil {
		t.Fatal(err)
	}
	usd := "USD"
	b, err := ser.Serialize(ctx, "cross", paymentV2{"g-1", 12, "EUR", &usd})
	if err != nil {
		t.Fatal(err)
	}
	if h, _, err := wire.ParseGlue(b); err != nil || h.Version.String() != registered.Schemas[0].Versions[2].ID {
		t.Fatalf("the Glue framing names %s (%v), want %s", h.Version, err, registered.Schemas[0].Versions[2].ID)
	}
	var got paymentV2
	if _, err := newDeserializer(t, newConfluentRegistry(t, srv.Endpoint)).Deserialize(ctx, b, &got); err != nil ||
		got.PaymentID != "g-1" || got.SettlementCurrency == nil || *got.SettlementCurrency != "USD" {
		t.Fatalf("serde/confluent decoded the Glue-framed record as %+v, %v", got, err)
	}
}
