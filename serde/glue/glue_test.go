package glue_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/wire"
)

const v1 = `{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[{"name":"payment_id","type":"string"},{"name":"amount_cents","type":"long"}]}`
const v2 = `{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[{"name":"payment_id","type":"string"},{"name":"amount_cents","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`
const breaking = `{"type":"record","name":"PaymentCaptured","namespace":"com.example.payments","fields":[{"name":"payment_id","type":"string"},{"name":"amount_cents","type":"long"},{"name":"required","type":"int"}]}`

type payment struct {
	PaymentID   string `avro:"payment_id"`
	AmountCents int64  `avro:"amount_cents"`
}

// Against a real Carta server through the AWS SDK for Go v2.
func TestRegistryAgainstCarta(t *testing.T) {
	ctx := context.Background()
	api := testenv.GlueClient(testenv.StartCarta(t))
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")}); err != nil {
		t.Fatal(err)
	}
	reg := glue.New(api)
	ref := serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}

	if _, err := reg.SchemaVersion(ctx, ref, 0); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("missing schema: err = %v, want ErrNotFound", err)
	}
	if _, err := reg.SchemaByID(ctx, 1); !errors.Is(err, serde.ErrUnsupported) {
		t.Fatalf("SchemaByID: err = %v, want ErrUnsupported", err)
	}

	// A producer with auto-registration creates the schema and records the transport.
	ser, err := serde.NewSerializer(reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(v1),
		serde.WithAutoRegistration(serde.RegisterOptions{Compatibility: "BACKWARD"}), serde.WithCompression(wire.CompressionZlib))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ser.Serialize(ctx, "payments-stream", payment{PaymentID: "p-1", AmountCents: 100})
	if err != nil {
		t.Fatal(err)
	}
	s1, err := reg.SchemaVersion(ctx, ref, 0)
	if err != nil || s1.Version != 1 || s1.Format != serde.Avro || s1.Ref != ref {
		t.Fatalf("latest = %+v, %v", s1, err)
	}
	md, err := api.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: aws.String(s1.VersionID.String())})
	if err != nil || md.MetadataInfoMap[serde.TransportMetadataKey].MetadataValue == nil || *md.MetadataInfoMap[serde.TransportMetadataKey].MetadataValue != "payments-stream" {
		t.Fatalf("metadata = %+v, %v", md, err)
	}

	// Lookup by definition and by version ID.
	got, err := reg.LookupSchema(ctx, ref, serde.Avro, v1)
	if err != nil || got.VersionID != s1.VersionID || got.Version != 1 || got.Ref != ref {
		t.Fatalf("LookupSchema = %+v, %v", got, err)
	}
	byID, err := reg.SchemaByVersionID(ctx, s1.VersionID)
	if err != nil || byID.Ref != ref || byID.Definition == "" || byID.Version != 1 {
		t.Fatalf("SchemaByVersionID = %+v, %v", byID, err)
	}
	if _, err := reg.LookupSchema(ctx, ref, serde.Avro, v2); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("unknown definition: err = %v", err)
	}

	// Registering: a compatible version, then a breaking one.
	s2, err := reg.RegisterSchema(ctx, ref, serde.Avro, v2, serde.RegisterOptions{})
	if err != nil || s2.Version != 2 {
		t.Fatalf("RegisterSchema v2 = %+v, %v", s2, err)
	}
	if _, err := reg.RegisterSchema(ctx, ref, serde.Avro, breaking, serde.RegisterOptions{}); !errors.Is(err, serde.ErrIncompatible) {
		t.Fatalf("breaking: err = %v, want ErrIncompatible", err)
	}
	// The FAILURE version is not the latest a producer writes with.
	latest, err := reg.SchemaVersion(ctx, ref, 0)
	if err != nil || latest.VersionID != s2.VersionID {
		t.Fatalf("latest after a FAILURE = %+v, %v", latest, err)
	}
	if _, err := reg.SchemaVersion(ctx, ref, 3); err == nil {
		t.Fatal("the FAILURE version 3 was handed out")
	}

	// The record decodes through the same client.
	des, err := serde.NewDeserializer(reg)
	if err != nil {
		t.Fatal(err)
	}
	var out payment
	if s, err := des.Deserialize(ctx, rec, &out); err != nil || out.PaymentID != "p-1" || s.VersionID != s1.VersionID {
		t.Fatalf("Deserialize = %+v %+v, %v", out, s, err)
	}
	if _, err := reg.SchemaByVersionID(ctx, wire.VersionID{1}); !errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("unknown version: err = %v", err)
	}
	var nf *types.EntityNotFoundException
	if _, err := reg.SchemaByVersionID(ctx, wire.VersionID{1}); !errors.As(err, &nf) {
		t.Fatalf("the SDK error is not kept in the chain: %v", err)
	}
}
