package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }

// runCmd runs a carta command and returns its exit status, stdout and stderr.
func runCmd(t *testing.T, name string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), name, args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestMoveSQLiteToPostgres is the migration an operator runs: register through the Glue API on
// a server with SQLite, export its data directory while it runs, import into PostgreSQL, and
// start a server there. The new server answers GetSchemaVersion for every SchemaVersionId
// exactly as the old one does, and the PostgreSQL export is the SQLite export byte for byte.
func TestMoveSQLiteToPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	oldURL, _ := testenv.StartCartaWithConfig(t, server.Config{DataDir: dir})
	old := testenv.GlueClient(oldURL)
	if _, err := old.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments"),
		Tags: map[string]string{"team": "billing"}}); err != nil {
		t.Fatal(err)
	}
	schemaID := &gluetypes.SchemaId{RegistryName: aws.String("payments"), SchemaName: aws.String("PaymentCaptured")}
	record := func(fields ...string) string {
		return `{"type":"record","name":"PaymentCaptured","fields":[` + strings.Join(fields, ",") + `]}`
	}
	id, amount := `{"name":"id","type":"string"}`, `{"name":"amount","type":"long"}`
	cs, err := old.CreateSchema(ctx, &awsglue.CreateSchemaInput{RegistryId: &gluetypes.RegistryId{RegistryName: aws.String("payments")},
		SchemaName: aws.String("PaymentCaptured"), DataFormat: gluetypes.DataFormatAvro, Compatibility: gluetypes.CompatibilityBackward,
		SchemaDefinition: aws.String(record(id))})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{aws.ToString(cs.SchemaVersionId)}
	for _, def := range []string{record(id, amount), record(id, `{"name":"amount","type":["null","long"],"default":null}`)} {
		rv, err := old.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schemaID, SchemaDefinition: aws.String(def)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(rv.SchemaVersionId))
	}
	if _, err := old.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: aws.String(ids[2]),
		MetadataKeyValue: &gluetypes.MetadataKeyValuePair{MetadataKey: aws.String("owner"), MetadataValue: aws.String("billing")}}); err != nil {
		t.Fatal(err)
	}

	backup := filepath.Join(t.TempDir(), "backup.jsonl")
	if code, _, stderr := runCmd(t, "export", "--data-dir", dir, "--output", backup); code != ExitOK {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	dsn := testenv.NewPostgresDatabase(t)
	code, stdout, stderr := runCmd(t, "import", "--store", dsn, "--input", backup)
	if code != ExitOK || !importedRE.MatchString(stdout) {
		t.Fatalf("import: exit %d: %s%s", code, stdout, stderr)
	}
	code, again, stderr := runCmd(t, "export", "--store", dsn)
	want, _ := os.ReadFile(backup)
	if code != ExitOK || again != string(want) {
		t.Fatalf("export of PostgreSQL: exit %d, %s; equal to the SQLite export: %v", code, stderr, again == string(want))
	}
	// A second import into the now full database is refused.
	if code, _, stderr := runCmd(t, "import", "--store", dsn, "--input", backup); code != ExitFailed || !strings.Contains(stderr, "not empty") {
		t.Errorf("second import: exit %d: %s", code, stderr)
	}

	newURL, _ := testenv.StartCartaWithConfig(t, server.Config{Store: dsn})
	moved := testenv.GlueClient(newURL)
	for _, id := range ids {
		in := &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(id)}
		a, err := old.GetSchemaVersion(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := moved.GetSchemaVersion(ctx, in)
		if err != nil {
			t.Fatalf("GetSchemaVersion(%s) on PostgreSQL: %v", id, err)
		}
		if aws.ToInt64(a.VersionNumber) != aws.ToInt64(b.VersionNumber) || a.Status != b.Status ||
			aws.ToString(a.SchemaDefinition) != aws.ToString(b.SchemaDefinition) || aws.ToString(a.CreatedTime) != aws.ToString(b.CreatedTime) ||
			aws.ToString(a.SchemaArn) != aws.ToString(b.SchemaArn) {
			t.Errorf("version %s: SQLite server %+v, PostgreSQL server %+v", id, a, b)
		}
	}
	md, err := moved.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: aws.String(ids[2])})
	if err != nil || md.MetadataInfoMap["owner"].MetadataValue == nil || *md.MetadataInfoMap["owner"].MetadataValue != "billing" {
		t.Errorf("metadata on PostgreSQL = %+v, %v", md, err)
	}
	tags, err := moved.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/payments")})
	if err != nil || tags.Tags["team"] != "billing" {
		t.Errorf("registry tags on PostgreSQL = %+v, %v", tags, err)
	}
}

// importedRE matches the import summary of the fixture; the number of configs depends on how
// many subject-level settings the registrations made.
var importedRE = regexp.MustCompile(`^imported 2 registries, 1 schema, \d+ configs?, 3 contents, 3 versions, 1 metadata pair, `)
