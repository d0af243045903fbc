package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
)

// The example against a real Carta (in process) and a real kinesalite.
func TestExample(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Dummy credentials, and no AWS configuration of the machine.
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL_KINESIS", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}

	cartaURL := testenv.StartCarta(t)
	endpoints := []string{"--carta-url", cartaURL, "--kinesis-url", testenv.StartKinesalite(t)}
	example := func(args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := run(ctx, append(args, endpoints...), &out)
		return out.String(), err
	}
	checkpoints := filepath.Join(dir, "checkpoints.json")

	// Nothing registered yet: the producer refuses, and says what to do.
	out, err := example("produce", "--count", "3")
	if !errors.Is(err, serde.ErrNotFound) || !strings.Contains(err.Error(), "carta register --registry payments --schema PaymentCaptured") {
		t.Fatalf("produce before registration: %v, want ErrNotFound and the carta register hint", err)
	}
	if out != "created stream payments with 2 shards\n" {
		t.Fatalf("produce before registration printed %q", out)
	}

	// What a producer's CI does: register version 1.
	api := testenv.GlueClient(cartaURL)
	v1, err := os.ReadFile("../payments/payment_v1.avsc")
	if err != nil {
		t.Fatal(err)
	}
	v2, err := os.ReadFile("../payments/payment_v2.avsc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId: &gluetypes.RegistryId{RegistryName: aws.String("payments")}, SchemaName: aws.String("PaymentCaptured"),
		DataFormat: gluetypes.DataFormatAvro, Compatibility: gluetypes.CompatibilityBackward, SchemaDefinition: aws.String(string(v1)),
	}); err != nil {
		t.Fatal(err)
	}

	// Six records with version 1, found by its definition, compressed.
	out, err = example("produce", "--count", "6", "--schema-file", "../payments/payment_v1.avsc", "--zlib")
	if err != nil {
		t.Fatal(err)
	}
	matchLines(t, out, `writing with payments/PaymentCaptured version 1 \(version-id [0-9a-f-]{36}\)`, `put 6 records to stream payments`)

	// Version 2 is registered; a producer on the latest version writes it.
	if _, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
		SchemaId:         &gluetypes.SchemaId{RegistryName: aws.String("payments"), SchemaName: aws.String("PaymentCaptured")},
		SchemaDefinition: aws.String(string(v2)),
	}); err != nil {
		t.Fatal(err)
	}
	out, err = example("produce", "--count", "4", "--start", "7")
	if err != nil {
		t.Fatal(err)
	}
	matchLines(t, out, `writing with payments/PaymentCaptured version 2 \(version-id [0-9a-f-]{36}\)`, `put 4 records to stream payments`)

	// The consumer reads all ten, each with its writer's version.
	out, err = example("consume", "--count", "10", "--poll", "50ms", "--checkpoints", checkpoints)
	if err != nil {
		t.Fatal(err)
	}
	const (
		v1Line = `p-000%s payments/PaymentCaptured version 1: {"amount_cents":%s,"currency":"EUR","payment_id":"p-000%[1]s"}`
		v2Line = `p-00%s payments/PaymentCaptured version 2: {"amount_cents":%s,"currency":"EUR","payment_id":"p-00%[1]s","settlement_currency":%[3]s}`
	)
	want := []string{
		fmt.Sprintf(v1Line, "1", "125"), fmt.Sprintf(v1Line, "2", "250"), fmt.Sprintf(v1Line, "3", "375"),
		fmt.Sprintf(v1Line, "4", "500"), fmt.Sprintf(v1Line, "5", "625"), fmt.Sprintf(v1Line, "6", "750"),
		fmt.Sprintf(v2Line, "07", "875", "null"), fmt.Sprintf(v2Line, "08", "1000", `"USD"`),
		fmt.Sprintf(v2Line, "09", "1125", "null"), fmt.Sprintf(v2Line, "10", "1250", `"USD"`),
	}
	checkConsumed(t, out, want, 10)

	// Two more; a consumer pinned to version 1 resumes from the checkpoints
	// and reads only those, without the new field.
	if _, err := example("produce", "--count", "2", "--start", "11"); err != nil {
		t.Fatal(err)
	}
	out, err = example("consume", "--count", "2", "--poll", "50ms", "--checkpoints", checkpoints, "--reader-schema", "../payments/payment_v1.avsc")
	if err != nil {
		t.Fatal(err)
	}
	checkConsumed(t, out, []string{
		`p-0011 payments/PaymentCaptured version 2: {"amount_cents":1375,"currency":"EUR","payment_id":"p-0011"}`,
		`p-0012 payments/PaymentCaptured version 2: {"amount_cents":1500,"currency":"EUR","payment_id":"p-0012"}`,
	}, 2)

	if err := run(ctx, []string{"publish"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "produce or consume") {
		t.Errorf("an unknown command: %v", err)
	}
}

// checkConsumed compares the record lines of a consume run, in any order
// (shards are read concurrently), and its last line.
func checkConsumed(t *testing.T, out string, want []string, n int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	last := lines[len(lines)-1]
	got := slices.Sorted(slices.Values(lines[:len(lines)-1]))
	if !slices.Equal(got, want) || last != "read "+strconv.Itoa(n)+" records from stream payments" {
		t.Fatalf("consume printed:\n%s\nwant the records:\n%s", out, strings.Join(want, "\n"))
	}
}

func matchLines(t *testing.T, out string, patterns ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(patterns) {
		t.Fatalf("printed:\n%s\nwant %d lines", out, len(patterns))
	}
	for i, p := range patterns {
		if !regexp.MustCompile("^" + p + "$").MatchString(lines[i]) {
			t.Fatalf("line %d: %q does not match %q", i+1, lines[i], p)
		}
	}
}
