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
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/kafka"
)

// The example against a real Carta (in process) and franz-go's in-process
// Kafka cluster, kfake.
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
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_GLUE", "AWS_SESSION_TOKEN", "KAFKA_BROKERS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}

	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	cartaURL := testenv.StartCarta(t)
	example := func(args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := run(ctx, append(args, "--carta-url", cartaURL, "--brokers", brokers), &out)
		return out.String(), err
	}

	// Nothing registered yet: the producer refuses, and says what to do.
	out, err := example("produce", "--count", "3")
	if !errors.Is(err, serde.ErrNotFound) || !strings.Contains(err.Error(), "carta register --registry payments --schema PaymentCaptured") {
		t.Fatalf("produce before registration: %v, want ErrNotFound and the carta register hint", err)
	}
	if out != "created topic payments with 3 partitions\n" {
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
	matchLines(t, out, `writing with payments/PaymentCaptured version 1 \(version-id [0-9a-f-]{36}\)`, `sent 6 records to topic payments`)

	// Version 2 is registered; a producer on the latest version writes it,
	// with the schema version in a record header.
	if _, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
		SchemaId:         &gluetypes.SchemaId{RegistryName: aws.String("payments"), SchemaName: aws.String("PaymentCaptured")},
		SchemaDefinition: aws.String(string(v2)),
	}); err != nil {
		t.Fatal(err)
	}
	out, err = example("produce", "--count", "4", "--start", "7", "--schema-id-in-header")
	if err != nil {
		t.Fatal(err)
	}
	matchLines(t, out, `writing with payments/PaymentCaptured version 2 \(version-id [0-9a-f-]{36}\)`, `sent 4 records to topic payments`)
	checkRaw(t, brokers)

	// The consumer reads all ten, each with its writer's version.
	out, err = example("consume", "--count", "10")
	if err != nil {
		t.Fatal(err)
	}
	const (
		v1Line = `p-000%s payments/PaymentCaptured version 1: {"amount_cents":%s,"currency":"EUR","payment_id":"p-000%[1]s"}`
		v2Line = `p-00%s payments/PaymentCaptured version 2: {"amount_cents":%s,"currency":"EUR","payment_id":"p-00%[1]s","settlement_currency":%[3]s}`
	)
	checkConsumed(t, out, []string{
		fmt.Sprintf(v1Line, "1", "125"), fmt.Sprintf(v1Line, "2", "250"), fmt.Sprintf(v1Line, "3", "375"),
		fmt.Sprintf(v1Line, "4", "500"), fmt.Sprintf(v1Line, "5", "625"), fmt.Sprintf(v1Line, "6", "750"),
		fmt.Sprintf(v2Line, "07", "875", "null"), fmt.Sprintf(v2Line, "08", "1000", `"USD"`),
		fmt.Sprintf(v2Line, "09", "1125", "null"), fmt.Sprintf(v2Line, "10", "1250", `"USD"`),
	}, 10)

	// Two more; a consumer of the same group, pinned to version 1, resumes
	// from the committed offsets and reads only those, without the new
	// field.
	if _, err := example("produce", "--count", "2", "--start", "11"); err != nil {
		t.Fatal(err)
	}
	out, err = example("consume", "--count", "2", "--reader-schema", "../payments/payment_v1.avsc")
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

// checkRaw reads the ten records with a plain franz-go client and checks
// where their framing is: version 1 in the value, zlib-compressed; version 2
// in the __value_schema_id header.
func checkRaw(t *testing.T, brokers string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(brokers, ",")...), kgo.ConsumeTopics("payments"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := 0
	for seen < 10 {
		fetches := cl.PollFetches(t.Context())
		if err := fetches.Err(); err != nil {
			t.Fatal(err)
		}
		for _, r := range fetches.Records() {
			seen++
			n, _ := strconv.Atoi(strings.TrimPrefix(string(r.Key), "p-"))
			var hdr []byte
			for _, h := range r.Headers {
				if h.Key == kafka.ValueSchemaIDHeader {
					hdr = h.Value
				}
			}
			switch {
			case n <= 6 && (hdr != nil || len(r.Value) < 18 || r.Value[0] != 0x03 || r.Value[1] != 0x05):
				t.Errorf("%s: header %x, value % x: want the Glue zlib framing in the value", r.Key, hdr, r.Value)
			case n > 6 && (len(hdr) != 18 || hdr[0] != 0x03 || hdr[1] != 0x00 || r.Value[0] == 0x03):
				t.Errorf("%s: header %x, value % x: want the Glue header in %s", r.Key, hdr, r.Value, kafka.ValueSchemaIDHeader)
			}
		}
	}
}

// checkConsumed compares the record lines of a consume run, in any order
// (partitions are fetched concurrently), and its last line.
func checkConsumed(t *testing.T, out string, want []string, n int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	last := lines[len(lines)-1]
	got := slices.Sorted(slices.Values(lines[:len(lines)-1]))
	if !slices.Equal(got, want) || last != "read "+strconv.Itoa(n)+" records from topic payments" {
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
