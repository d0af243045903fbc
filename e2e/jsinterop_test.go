package e2e

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	sglue "github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/wire"
)

type paymentV1 struct {
	PaymentID   string `avro:"payment_id" json:"payment_id"`
	AmountCents int64  `avro:"amount_cents" json:"amount_cents"`
	Currency    string `avro:"currency" json:"currency"`
}

type paymentV2 struct {
	PaymentID          string  `avro:"payment_id" json:"payment_id"`
	AmountCents        int64   `avro:"amount_cents" json:"amount_cents"`
	Currency           string  `avro:"currency" json:"currency"`
	SettlementCurrency *string `avro:"settlement_currency" json:"settlement_currency"`
}

// requireNodeScripts returns the directory of the JS tooling with its
// node_modules installed (scripts/test.sh installs it), or fails naming
// what is missing.
func requireNodeScripts(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("component missing: node (Node.js); scripts/test.sh installs it")
	}
	dir, err := filepath.Abs("../scripts/js")
	if err != nil {
		t.Fatal(err)
	}
	if !fileExists(filepath.Join(dir, "node_modules", "@meinestadt.de", "glue-schema-registry", "package.json")) {
		t.Fatalf("component missing: the npm package @meinestadt.de/glue-schema-registry in scripts/js/node_modules; run (cd scripts/js && npm ci), as scripts/test.sh does")
	}
	return dir
}

// runNode runs a script of scripts/js with env and stdin, and returns its
// stdout, failing the test with its stderr when it fails.
func runNode(t *testing.T, dir string, env []string, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = append(withoutEnv(os.Environ(), "AWS_"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// The JavaScript Glue SerDe (@meinestadt.de/glue-schema-registry, code
// nobody here wrote) against a running carta serve: records it writes
// decode with Carta's Deserializer and with carta decode, and records
// Carta's Serializer writes decode with it.
func TestGlueSerDeInteropWithJavaScript(t *testing.T) {
	dir := requireNodeScripts(t)
	srv := startServer(t)
	ctx := context.Background()
	api := testenv.GlueClient(srv.Endpoint)
	v1 := readExample(t, "payment_v1.avsc")
	v2 := readExample(t, "payment_v2.avsc")
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId: &types.RegistryId{RegistryName: aws.String("payments")}, SchemaName: aws.String("PaymentCaptured"),
		DataFormat: types.DataFormatAvro, Compatibility: types.CompatibilityBackward, SchemaDefinition: aws.String(v1),
	}); err != nil {
		t.Fatal(err)
	}
	jsEnv := []string{"CARTA_URL=" + srv.Endpoint, "REGISTRY=payments", "SCHEMA=PaymentCaptured"}
	reg := sglue.New(api)
	des, err := serde.NewDeserializer(reg)
	if err != nil {
		t.Fatal(err)
	}

	// JavaScript writes; Carta reads.
	want := []paymentV1{{"p-1", 1250, "EUR"}, {"p-2", 99, "USD"}, {"p-3", 1 << 40, "GBP"}}
	records, _ := json.Marshal(want)
	out := runNode(t, dir, append(jsEnv, "SCHEMA_FILE="+examplePath(t, "payment_v1.avsc"), "RECORDS="+string(records)), "", "glue-serde.mjs", "produce")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(want) {
		t.Fatalf("the JS producer wrote %d records, want %d:\n%s", len(lines), len(want), out)
	}
	v1ID, err := reg.LookupSchema(ctx, serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}, serde.Avro, v1)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range lines {
		var rec struct {
			ID       string `json:"id"`
			Hex      string `json:"hex"`
			Compress bool   `json:"compress"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("JS output line %q: %v", line, err)
		}
		b, err := hex.DecodeString(rec.Hex)
		if err != nil {
			t.Fatal(err)
		}
		h, _, err := wire.ParseGlue(b)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if h.Version != v1ID.VersionID || rec.ID != v1ID.VersionID.String() {
			t.Fatalf("record %d names version %s (JS said %s), want %s", i, h.Version, rec.ID, v1ID.VersionID)
		}
		wantComp := wire.CompressionNone
		if rec.Compress {
			wantComp = wire.CompressionZlib
		}
		if h.Compression != wantComp {
			t.Fatalf("record %d: compression %s, want %s", i, h.Compression, wantComp)
		}
		var got paymentV1
		if _, err := des.Deserialize(ctx, b, &got); err != nil || got != want[i] {
			t.Fatalf("record %d: Carta decoded %+v, %v; want %+v", i, got, err, want[i])
		}
		// And carta decode prints the same record.
		cmd := exec.Command(cartaBin, "decode", "--input", "hex", "--endpoint-url", srv.Endpoint)
		cmd.Env = clientEnv(t, srv.Endpoint)
		cmd.Stdin = strings.NewReader(rec.Hex)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("carta decode: %v\n%s", err, stderr.String())
		}
		var printed paymentV1
		if err := json.Unmarshal(stdout.Bytes(), &printed); err != nil || printed != want[i] {
			t.Fatalf("carta decode printed %s (%v), want %+v", stdout.String(), err, want[i])
		}
		if !strings.Contains(stderr.String(), "schema payments/PaymentCaptured version 1 format AVRO") {
			t.Fatalf("carta decode stderr: %s", stderr.String())
		}
	}

	// Carta writes v2 (zlib and not); JavaScript reads with v1 and with v2 as the reader.
	if _, err := reg.RegisterSchema(ctx, serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}, serde.Avro, v2, serde.RegisterOptions{}); err != nil {
		t.Fatal(err)
	}
	usd := "USD"
	in := []paymentV2{{"q-1", 5, "EUR", &usd}, {"q-2", 6, "EUR", nil}}
	var hexes []string
	for i, comp := range []wire.Compression{wire.CompressionZlib, wire.CompressionNone} {
		ser, err := serde.NewSerializer(reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(v2), serde.WithCompression(comp))
		if err != nil {
			t.Fatal(err)
		}
		b, err := ser.Serialize(ctx, "payments-stream", in[i])
		if err != nil {
			t.Fatal(err)
		}
		hexes = append(hexes, hex.EncodeToString(b))
	}
	stdin := strings.Join(hexes, "\n") + "\n"
	outV1 := runNode(t, dir, append(jsEnv, "SCHEMA_FILE="+examplePath(t, "payment_v1.avsc")), stdin, "glue-serde.mjs", "consume")
	gotV1 := strings.Split(strings.TrimSpace(outV1), "\n")
	if len(gotV1) != 2 {
		t.Fatalf("JS consumer (v1 reader) printed %q", outV1)
	}
	for i, line := range gotV1 {
		var got paymentV1
		if err := json.Unmarshal([]byte(line), &got); err != nil || got != (paymentV1{in[i].PaymentID, in[i].AmountCents, in[i].Currency}) {
			t.Fatalf("JS decoded %s with the v1 reader, want %+v (%v)", line, in[i], err)
		}
		if strings.Contains(line, "settlement_currency") {
			t.Fatalf("the v1 reader kept the v2 field: %s", line)
		}
	}
	outV2 := runNode(t, dir, append(jsEnv, "SCHEMA_FILE="+examplePath(t, "payment_v2.avsc")), stdin, "glue-serde.mjs", "consume")
	if !strings.Contains(outV2, `"settlement_currency":"USD"`) && !strings.Contains(outV2, `"settlement_currency":{"string":"USD"}`) {
		t.Fatalf("JS consumer (v2 reader) lost the new field: %s", outV2)
	}
}

func examplePath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "examples", "payments", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(examplePath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
