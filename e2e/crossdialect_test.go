package e2e

// Cross-dialect: one carta serve, two APIs over one store. Schemas boto3
// registers through the Glue API read the same through the Confluent API
// (subject = schema name in the default context, ":.registry:name"
// otherwise; the Glue FAILURE versions invisible), schemas registered
// through the Confluent API read the same through boto3, and one record
// framed both ways (Glue: the version UUID; Confluent: the integer ID)
// decodes to the same value.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	sconfluent "github.com/cartaschema/carta/serde/confluent"
	sglue "github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/wire"
)

// runCrossDialectPy runs testdata/crossdialect.py MODE with spec on stdin
// and decodes what it prints into out.
func runCrossDialectPy(t *testing.T, py, endpoint, mode string, spec, out any) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "crossdialect.py"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script, mode)
	cmd.Env = clientEnv(t, endpoint)
	cmd.Stdin = strings.NewReader(mustJSON(t, spec))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("crossdialect.py %s: %v\nstderr:\n%s", mode, err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("crossdialect.py %s printed %q: %v", mode, stdout.String(), err)
	}
}

// glueRegistered is what crossdialect.py register prints.
type glueRegistered struct {
	Schemas []struct {
		Registry string `json:"registry"`
		Name     string `json:"name"`
		Versions []struct {
			Number int    `json:"number"`
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"versions"`
	} `json:"schemas"`
}

// glueRead is what crossdialect.py read prints.
type glueRead struct {
	Schemas []struct {
		Registry      string `json:"registry"`
		Name          string `json:"name"`
		Format        string `json:"format"`
		Compatibility string `json:"compatibility"`
		Latest        int    `json:"latest"`
		Next          int    `json:"next"`
		Versions      []struct {
			Number       int    `json:"number"`
			ID           string `json:"id"`
			Status       string `json:"status"`
			Format       string `json:"format"`
			Definition   string `json:"definition"`
			ByDefinition string `json:"by_definition"`
		} `json:"versions"`
	} `json:"schemas"`
}

// crossSchema is one schema of the cross-dialect tests.
type crossSchema struct {
	registry, name string // registry "" is default-registry
	format         serde.Format
	defs           []string // in registration order
}

func (c crossSchema) ref() serde.SchemaRef {
	return serde.SchemaRef{Registry: c.registry, Name: c.name}
}

// subject is c's Confluent subject: the name in the default context, ":.registry:name" otherwise.
func (c crossSchema) subject() string { return sconfluent.Subject(c.ref()) }

// TestCrossDialectGlueToConfluent: boto3 registers through the Glue API
// (an Avro schema with a FAILURE version between two AVAILABLE ones in a
// named registry, a JSON Schema in default-registry, a Protobuf schema);
// the Confluent API serves the same subjects, versions and definitions
// (also under the /contexts/{context} prefix), the FAILURE version nowhere;
// and the same record framed the Glue way and the Confluent way decodes to
// the same value.
func TestCrossDialectGlueToConfluent(t *testing.T) {
	py := requirePythonBoto3(t)
	srv := startServer(t)
	api := srAPI{t, srv.Endpoint}
	v1, v2 := readExample(t, "payment_v1.avsc"), readExample(t, "payment_v2.avsc")
	breaking := readExample(t, "payment_v2_breaking.avsc")
	schemas := []crossSchema{
		{"xd-payments", "PaymentCaptured", serde.Avro, []string{v1, breaking, v2}},
		{"", "xd-order", serde.JSON, []string{paymentJSONSchema}},
		{"xd-payments", "Shipment", serde.Protobuf, []string{paymentProto}},
	}
	var spec struct {
		Schemas []map[string]any `json:"schemas"`
	}
	for _, c := range schemas {
		s := map[string]any{"name": c.name, "format": string(c.format), "compatibility": "BACKWARD", "definitions": c.defs}
		if c.registry != "" {
			s["registry"] = c.registry
		}
		spec.Schemas = append(spec.Schemas, s)
	}
	var got glueRegistered
	runCrossDialectPy(t, py, srv.Endpoint, "register", spec, &got)
	if len(got.Schemas) != len(schemas) {
		t.Fatalf("crossdialect.py register: %+v", got)
	}
	wantStatus := [][]string{{"AVAILABLE", "FAILURE", "AVAILABLE"}, {"AVAILABLE"}, {"AVAILABLE"}}
	for i, s := range got.Schemas {
		for j, v := range s.Versions {
			if v.Number != j+1 || v.Status != wantStatus[i][j] {
				t.Fatalf("boto3 registered %s version %d as number %d %s, want %d %s", s.Name, j, v.Number, v.Status, j+1, wantStatus[i][j])
			}
		}
	}

	latestIDs := make([]uint32, len(schemas))
	for i, c := range schemas {
		subject := c.subject()
		glueVersions := got.Schemas[i].Versions
		var available []int
		for _, v := range glueVersions {
			if v.Status == "AVAILABLE" {
				available = append(available, v.Number)
			}
		}
		var versions []int
		api.get("/subjects/"+pathSubject(subject)+"/versions", &versions)
		if !slices.Equal(versions, available) {
			t.Errorf("GET /subjects/%s/versions = %v, want the AVAILABLE Glue versions %v", subject, versions, available)
		}
		for j, v := range glueVersions {
			path := fmt.Sprintf("/subjects/%s/versions/%d", pathSubject(subject), v.Number)
			if v.Status != "AVAILABLE" {
				// The FAILURE version: invisible by number and by definition.
				if code := api.errorCode(http.MethodGet, path, nil, http.StatusNotFound); code != 40402 {
					t.Errorf("GET %s (a Glue FAILURE version): error_code %d, want 40402", path, code)
				}
				lookup := map[string]any{"schema": c.defs[j]}
				if c.format != serde.Avro {
					lookup["schemaType"] = string(c.format)
				}
				if code := api.errorCode(http.MethodPost, "/subjects/"+pathSubject(subject), lookup, http.StatusNotFound); code != 40403 {
					t.Errorf("POST /subjects/%s with the FAILURE definition: error_code %d, want 40403", subject, code)
				}
				continue
			}
			var s srSchema
			api.get(path, &s)
			if s.Subject != subject || s.Version != v.Number || s.ID == 0 || s.format() != c.format || !sameDefinition(t, c.format, s.Schema, c.defs[j]) {
				t.Errorf("GET %s = %+v, want subject %q version %d, a %s schema %q", path, s, subject, v.Number, c.format, c.defs[j])
			}
			if s.GUID != "" && s.GUID != v.ID {
				t.Errorf("GET %s: guid %s, want the Glue SchemaVersionId %s", path, s.GUID, v.ID)
			}
			var byID srSchema
			api.get(fmt.Sprintf("/schemas/ids/%d", s.ID), &byID)
			if byID.format() != c.format || !sameDefinition(t, c.format, byID.Schema, c.defs[j]) {
				t.Errorf("GET /schemas/ids/%d = %+v, want the %s schema %q", s.ID, byID, c.format, c.defs[j])
			}
			var refs []struct {
				Subject string `json:"subject"`
				Version int    `json:"version"`
			}
			api.get(fmt.Sprintf("/schemas/ids/%d/versions", s.ID), &refs)
			if !slices.ContainsFunc(refs, func(r struct {
				Subject string `json:"subject"`
				Version int    `json:"version"`
			}) bool {
				return r.Subject == subject && r.Version == v.Number
			}) {
				t.Errorf("GET /schemas/ids/%d/versions = %+v, want %s version %d among them", s.ID, refs, subject, v.Number)
			}
		}
		var latest srSchema
		api.get("/subjects/"+pathSubject(subject)+"/versions/latest", &latest)
		last := available[len(available)-1]
		if latest.Version != last || !sameDefinition(t, c.format, latest.Schema, c.defs[len(c.defs)-1]) {
			t.Errorf("GET /subjects/%s/versions/latest = %+v, want version %d, %q", subject, latest, last, c.defs[len(c.defs)-1])
		}
		latestIDs[i] = latest.ID
		if c.registry != "" {
			// The same subject through the /contexts/{context} URL prefix.
			var viaCtx srSchema
			api.get("/contexts/."+c.registry+"/subjects/"+pathSubject(c.name)+"/versions/latest", &viaCtx)
			if viaCtx.ID != latest.ID || viaCtx.Version != latest.Version || viaCtx.Schema != latest.Schema {
				t.Errorf("GET /contexts/.%s/subjects/%s/versions/latest = %+v, want %+v", c.registry, c.name, viaCtx, latest)
			}
		}
	}

	// One record framed both ways decodes to the same value, through either client.
	ctx := context.Background()
	glueReg := sglue.New(testenv.GlueClient(srv.Endpoint))
	confReg := newConfluentRegistry(t, srv.Endpoint)
	glueDes, confDes := newDeserializer(t, glueReg), newDeserializer(t, confReg)
	usd := "USD"
	for i, c := range schemas {
		def := c.defs[len(c.defs)-1]
		glueVersions := got.Schemas[i].Versions
		versionID, err := wire.ParseVersionID(glueVersions[len(glueVersions)-1].ID)
		if err != nil {
			t.Fatal(err)
		}
		gser, err := serde.NewSerializer(glueReg, c.format, serde.WithSchema(c.registry, c.name), serde.WithDefinition(def))
		if err != nil {
			t.Fatal(err)
		}
		cser, err := serde.NewSerializer(confReg, c.format, serde.WithWireFormat(serde.WireConfluent), serde.WithSchema(c.registry, c.name), serde.WithDefinition(def))
		if err != nil {
			t.Fatal(err)
		}
		var values []any
		switch c.format {
		case serde.Avro:
			values = []any{paymentV2{"x-1", 310, "EUR", &usd}, paymentV2{"x-2", 1 << 40, "JPY", nil}}
		case serde.JSON:
			values = []any{paymentV1{"x-3", 5, "EUR"}}
		case serde.Protobuf:
			for _, r := range paymentProtoRecords {
				values = append(values, protoMessage(t, def, r))
			}
		}
		for _, v := range values {
			gb, err := gser.Serialize(ctx, "cross", v)
			if err != nil {
				t.Fatalf("%s: Glue framing: %v", c.subject(), err)
			}
			cb, err := cser.Serialize(ctx, "cross", v)
			if err != nil {
				t.Fatalf("%s: Confluent framing: %v", c.subject(), err)
			}
			gh, gpayload, err := wire.ParseGlue(gb)
			if err != nil || gh.Version != versionID {
				t.Fatalf("%s: the Glue framing names version %s (%v), want %s", c.subject(), gh.Version, err, versionID)
			}
			cid, cpayload, err := wire.ParseConfluent(cb)
			if err != nil || cid != latestIDs[i] {
				t.Fatalf("%s: the Confluent framing names ID %d (%v), want %d", c.subject(), cid, err, latestIDs[i])
			}
			if c.format != serde.Protobuf && !bytes.Equal(gpayload, cpayload) {
				t.Errorf("%s: the payloads differ: Glue %x, Confluent %x", c.subject(), gpayload, cpayload)
			}
			for _, tc := range []struct {
				name string
				des  *serde.Deserializer
				b    []byte
			}{{"Glue framing, serde/glue", glueDes, gb}, {"Confluent framing, serde/confluent", confDes, cb}} {
				switch want := v.(type) {
				case paymentV2:
					var got paymentV2
					if _, err := tc.des.Deserialize(ctx, tc.b, &got); err != nil || got.PaymentID != want.PaymentID || got.AmountCents != want.AmountCents ||
						got.Currency != want.Currency || (got.SettlementCurrency == nil) != (want.SettlementCurrency == nil) ||
						(got.SettlementCurrency != nil && *got.SettlementCurrency != *want.SettlementCurrency) {
						t.Errorf("%s, %s: decoded %+v, %v; want %+v", c.subject(), tc.name, got, err, want)
					}
				case paymentV1:
					var got paymentV1
					if _, err := tc.des.Deserialize(ctx, tc.b, &got); err != nil || got != want {
						t.Errorf("%s, %s: decoded %+v, %v; want %+v", c.subject(), tc.name, got, err, want)
					}
				case *dynamicpb.Message:
					got, _, err := tc.des.DeserializeAny(ctx, tc.b)
					if err != nil {
						t.Errorf("%s, %s: %v", c.subject(), tc.name, err)
						continue
					}
					m := got.(*dynamicpb.Message)
					if m.Descriptor().FullName() != want.Descriptor().FullName() || !jsonEqual(t, protoJSON(t, m), protoJSON(t, want)) {
						t.Errorf("%s, %s: decoded a %s %s, want a %s %s", c.subject(), tc.name, m.Descriptor().FullName(), protoJSON(t, m), want.Descriptor().FullName(), protoJSON(t, want))
					}
				}
			}
		}
	}
}

// TestCrossDialectConfluentToGlue: schemas registered through the Confluent
// API (Avro with two versions in the default context, JSON Schema and
// Protobuf in a named context) read the same through boto3: the registry is
// the context (created by the first registration), the schema the
// subject, the same version numbers and definitions, each version found by
// its definition.
func TestCrossDialectConfluentToGlue(t *testing.T) {
	py := requirePythonBoto3(t)
	srv := startServer(t)
	api := srAPI{t, srv.Endpoint}
	v1, v2 := readExample(t, "payment_v1.avsc"), readExample(t, "payment_v2.avsc")
	schemas := []crossSchema{
		{"", "xd-invoice-value", serde.Avro, []string{v1, v2}},
		{"xd-billing", "Refund", serde.Protobuf, []string{paymentProto}},
		{"xd-billing", "Order", serde.JSON, []string{paymentJSONSchema}},
	}
	ids := make([][]uint32, len(schemas))
	for i, c := range schemas {
		for _, def := range c.defs {
			body := map[string]any{"schema": def}
			if c.format != serde.Avro {
				body["schemaType"] = string(c.format)
			}
			var out struct {
				ID uint32 `json:"id"`
			}
			api.call(http.MethodPost, "/subjects/"+pathSubject(c.subject())+"/versions", body, &out)
			if out.ID == 0 {
				t.Fatalf("POST /subjects/%s/versions answered no id", c.subject())
			}
			ids[i] = append(ids[i], out.ID)
		}
	}

	var spec struct {
		Schemas []map[string]string `json:"schemas"`
	}
	for _, c := range schemas {
		reg := c.registry
		if reg == "" {
			reg = serde.DefaultRegistry
		}
		spec.Schemas = append(spec.Schemas, map[string]string{"registry": reg, "name": c.name})
	}
	var got glueRead
	runCrossDialectPy(t, py, srv.Endpoint, "read", spec, &got)
	if len(got.Schemas) != len(schemas) {
		t.Fatalf("crossdialect.py read: %+v", got)
	}
	for i, c := range schemas {
		g := got.Schemas[i]
		if g.Format != string(c.format) || g.Latest != len(c.defs) || g.Next != len(c.defs)+1 || len(g.Versions) != len(c.defs) {
			t.Errorf("boto3 get_schema %s/%s: format %s, latest %d, next %d, %d versions; want %s, %d, %d, %d",
				g.Registry, g.Name, g.Format, g.Latest, g.Next, len(g.Versions), c.format, len(c.defs), len(c.defs)+1, len(c.defs))
			continue
		}
		for j, v := range g.Versions {
			if v.Number != j+1 || v.Status != "AVAILABLE" || v.Format != string(c.format) || !sameDefinition(t, c.format, v.Definition, c.defs[j]) {
				t.Errorf("boto3 get_schema_version %s/%s %d: number %d %s %s %q; want AVAILABLE %s %q", g.Registry, g.Name, j+1, v.Number, v.Status, v.Format, v.Definition, c.format, c.defs[j])
			}
			if v.ByDefinition != v.ID {
				t.Errorf("boto3 get_schema_by_definition %s/%s version %d = %s, want %s", g.Registry, g.Name, v.Number, v.ByDefinition, v.ID)
			}
			// The same version through the Confluent API: the ID the registration
			// answered, and the Glue version UUID as its GUID when it has one.
			var s srSchema
			api.get(fmt.Sprintf("/subjects/%s/versions/%d", pathSubject(c.subject()), v.Number), &s)
			if s.ID != ids[i][j] {
				t.Errorf("GET /subjects/%s/versions/%d: id %d, want %d (what the registration answered)", c.subject(), v.Number, s.ID, ids[i][j])
			}
			if s.GUID != "" && s.GUID != v.ID {
				t.Errorf("GET /subjects/%s/versions/%d: guid %s, want the Glue SchemaVersionId %s", c.subject(), v.Number, s.GUID, v.ID)
			}
		}
	}
}
