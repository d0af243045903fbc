package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }

// record is an Avro record schema with one long field per name.
func record(fields ...string) string {
	var fs []string
	for _, f := range fields {
		fs = append(fs, fmt.Sprintf(`{"name":%q,"type":"long","default":0}`, f))
	}
	return `{"type":"record","name":"Payment","fields":[` + strings.Join(fs, ",") + `]}`
}

var schemaID = &gluetypes.SchemaId{RegistryName: aws.String("payments"), SchemaName: aws.String("Payment")}

// createSchema creates registry payments and schema Payment (compatibility NONE, so that any
// record registers) with version 1.
func createSchema(t *testing.T, ctx context.Context, api *awsglue.Client) {
	t.Helper()
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId:       &gluetypes.RegistryId{RegistryName: aws.String("payments")},
		SchemaName:       aws.String("Payment"),
		DataFormat:       gluetypes.DataFormatAvro,
		Compatibility:    gluetypes.CompatibilityNone,
		SchemaDefinition: aws.String(record("id")),
	}); err != nil {
		t.Fatal(err)
	}
}

// TestGlueOnPostgres registers a schema version through the Glue API on a server whose store is
// PostgreSQL, then restarts the server and finds the version again.
func TestGlueOnPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dsn := testenv.NewPostgresDatabase(t)
	url, stop := testenv.StartCartaWithConfig(t, server.Config{Store: dsn})
	api := testenv.GlueClient(url)
	createSchema(t, ctx, api)
	rv, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
		SchemaId: schemaID, SchemaDefinition: aws.String(record("id", "amount")),
	})
	if err != nil || rv.Status != gluetypes.SchemaVersionStatusAvailable || aws.ToInt64(rv.VersionNumber) != 2 {
		t.Fatalf("RegisterSchemaVersion = %+v, %v; want version 2 AVAILABLE", rv, err)
	}
	stop()

	// Another server on the same database: the data is in PostgreSQL, not in the process.
	api = testenv.GlueClient(testenv.StartCarta(t))
	if _, err := api.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: &gluetypes.RegistryId{RegistryName: aws.String("payments")}}); err == nil {
		t.Fatal("a server on SQLite sees the registry: the first server did not use PostgreSQL")
	}
	url, _ = testenv.StartCartaWithConfig(t, server.Config{Store: dsn})
	api = testenv.GlueClient(url)
	got, err := api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{
		SchemaId: schemaID, SchemaVersionNumber: &gluetypes.SchemaVersionNumber{VersionNumber: aws.Int64(2)},
	})
	if err != nil {
		t.Fatalf("GetSchemaVersion after a restart: %v", err)
	}
	if aws.ToString(got.SchemaVersionId) != aws.ToString(rv.SchemaVersionId) || aws.ToString(got.SchemaDefinition) != record("id", "amount") {
		t.Errorf("after a restart, version 2 is %s %s; want %s %s", aws.ToString(got.SchemaVersionId),
			aws.ToString(got.SchemaDefinition), aws.ToString(rv.SchemaVersionId), record("id", "amount"))
	}
}

// TestTwoServersOnePostgres registers through two servers sharing one database at once, as two
// nodes behind a load balancer would: version numbers stay gap-free and unique, and the same
// definition registered through both at once becomes one version.
func TestTwoServersOnePostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	dsn := testenv.NewPostgresDatabase(t)
	var apis []*awsglue.Client
	for range 2 {
		url, _ := testenv.StartCartaWithConfig(t, server.Config{Store: dsn})
		apis = append(apis, testenv.GlueClient(url))
	}
	createSchema(t, ctx, apis[0])

	const perServer = 8
	var wg sync.WaitGroup
	for s, api := range apis {
		for i := range perServer {
			wg.Go(func() {
				_, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
					SchemaId: schemaID, SchemaDefinition: aws.String(record("id", fmt.Sprintf("f%d_%d", s, i))),
				})
				if err != nil {
					t.Errorf("RegisterSchemaVersion through server %d: %v", s, err)
				}
			})
		}
	}
	wg.Wait()
	out, err := apis[1].ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: schemaID, MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int64
	for _, v := range out.Schemas {
		numbers = append(numbers, aws.ToInt64(v.VersionNumber))
	}
	slices.Sort(numbers)
	want := make([]int64, 1+2*perServer)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("version numbers %v, want 1..%d", numbers, len(want))
	}

	// One definition through both servers at once: one version.
	ids := make([]string, 2*4)
	for i := range ids {
		wg.Go(func() {
			rv, err := apis[i%2].RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
				SchemaId: schemaID, SchemaDefinition: aws.String(record("id", "same")),
			})
			if err != nil {
				t.Errorf("RegisterSchemaVersion of the same definition: %v", err)
				return
			}
			ids[i] = aws.ToString(rv.SchemaVersionId)
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Errorf("concurrent registrations of one definition through two servers returned versions %v", ids)
			break
		}
	}
}

// TestStoreSelection checks the --store values that are not a reachable PostgreSQL: each
// fails Run with an error that says why and never shows a password, or (sqlite:PATH) works.
func TestStoreSelection(t *testing.T) {
	ctx := context.Background()
	run := func(cfg server.Config) error {
		cfg.Addr = "127.0.0.1:0"
		if cfg.DataDir == "" {
			cfg.DataDir = t.TempDir()
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		// A server that does start is stopped at once.
		return server.Run(ctx, cfg, slog.New(slog.DiscardHandler), func(string) { cancel() })
	}
	for _, tc := range []struct {
		store, want string
	}{
		{"mysql://carta:hunter2@db/carta", `unknown store scheme "mysql"`},
		{"hunter2@db", "unknown store"},
		{"sqlite:", "sqlite:PATH"},
		{"postgres://carta:hunter2@127.0.0.1:1/carta?sslmode=disable", "127.0.0.1"},
		{"postgresql://carta:hunter2@[::1", "cannot parse"},
	} {
		err := run(server.Config{Store: tc.store})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("store %q: Run = %v, want an error with %q", tc.store, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("store %q: the error shows the password: %v", tc.store, err)
		}
	}

	path := filepath.Join(t.TempDir(), "sub", "carta.db")
	if err := run(server.Config{Store: "sqlite:" + path}); err != nil {
		t.Errorf("store sqlite:PATH: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("store sqlite:PATH did not create the database: %v", err)
	}
}
