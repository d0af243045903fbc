package server_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/testenv"
)

// TestBothDialects serves the Glue and the Confluent API on one listener, over SQLite and over
// PostgreSQL: a schema made through Glue is a Confluent subject, a Confluent registration with a
// reference, a soft delete and a config change read back, and --confluent-incompatible-code
// sets the error_code of a refusal.
func TestBothDialects(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cfg := server.Config{ConfluentIncompatibleCode: 40901}
			if store == "postgres" {
				cfg.Store = testenv.NewPostgresDatabase(t)
			}
			url, _ := testenv.StartCartaWithConfig(t, cfg)
			api := testenv.GlueClient(url)
			createSchema(t, ctx, api)
			cl, err := sr.NewClient(sr.URLs(url))
			if err != nil {
				t.Fatal(err)
			}
			pay := sr.InContext(ctx, ".payments")
			if vs, err := cl.SubjectVersions(pay, "Payment"); err != nil || !slices.Equal(vs, []int{1}) {
				t.Fatalf("the Glue schema through Confluent: %v, %v", vs, err)
			}
			ss, err := cl.CreateSchema(pay, "Payment", sr.Schema{Schema: record("id", "amount")})
			if err != nil || ss.Version != 2 {
				t.Fatalf("a Confluent registration: %+v, %v", ss, err)
			}
			got, err := api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(ss.GUID)})
			if err != nil || aws.ToString(got.SchemaDefinition) != record("id", "amount") {
				t.Fatalf("the Confluent registration through Glue: %+v, %v", got, err)
			}
			// A reference, then a soft delete and a config change.
			wrapper := `{"type":"record","name":"Wrapper","fields":[{"name":"p","type":"Payment"}]}`
			w, err := cl.CreateSchema(pay, "Wrapper", sr.Schema{Schema: wrapper,
				References: []sr.SchemaReference{{Name: "Payment", Subject: "Payment", Version: 2}}})
			if err != nil {
				t.Fatalf("a registration with a reference: %v", err)
			}
			if err := cl.DeleteSchema(pay, "Payment", 2, sr.SoftDelete); srError(err) != 42206 {
				t.Errorf("soft delete of a referenced version: %v, want 42206", err)
			}
			if err := cl.DeleteSchema(pay, "Wrapper", w.Version, sr.SoftDelete); err != nil {
				t.Fatal(err)
			}
			if vs, err := cl.SubjectVersions(sr.WithParams(pay, sr.DeletedOnly), "Wrapper"); err != nil || !slices.Equal(vs, []int{1}) {
				t.Errorf("deleted versions of Wrapper: %v, %v", vs, err)
			}
			if r := cl.SetCompatibility(pay, sr.SetCompatibility{Level: sr.CompatFull}, "Payment")[0]; r.Err != nil {
				t.Fatal(r.Err)
			}
			if _, err := cl.CreateSchema(pay, "Payment", sr.Schema{Schema: `{"type":"record","name":"Payment","fields":[{"name":"x","type":"string"}]}`}); srError(err) != 40901 {
				t.Errorf("an incompatible registration: %v, want 40901", err)
			}
		})
	}
}

func srError(err error) int {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return 0
}
