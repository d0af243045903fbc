package glue_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func TestSchemaLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.client

	created := e.createAvroSchema(t, "payments", "PaymentCaptured", types.CompatibilityBackward)
	if got, want := aws.ToString(created.SchemaArn), "arn:aws:glue:us-east-1:123456789012:schema/payments/PaymentCaptured"; got != want {
		t.Errorf("SchemaArn = %q; want %q", got, want)
	}
	if created.DataFormat != types.DataFormatAvro || created.Compatibility != types.CompatibilityBackward ||
		aws.ToInt64(created.SchemaCheckpoint) != 1 || aws.ToInt64(created.LatestSchemaVersion) != 1 ||
		aws.ToInt64(created.NextSchemaVersion) != 2 || created.SchemaStatus != types.SchemaStatusAvailable ||
		created.SchemaVersionStatus != types.SchemaVersionStatusAvailable || len(aws.ToString(created.SchemaVersionId)) != 36 ||
		aws.ToString(created.RegistryArn) != "arn:aws:glue:us-east-1:123456789012:registry/payments" {
		t.Errorf("CreateSchema = %+v", created)
	}

	_, err := c.CreateSchema(ctx, &awsglue.CreateSchemaInput{RegistryId: regID("payments"), SchemaName: aws.String("PaymentCaptured"), DataFormat: types.DataFormatAvro})
	wantErr[*types.AlreadyExistsException](t, err, "Schema already exists.")
	_, err = c.CreateSchema(ctx, &awsglue.CreateSchemaInput{RegistryId: regID("nope"), SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro})
	wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.")

	got := must[*awsglue.GetSchemaOutput](t)(c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schID("payments", "PaymentCaptured")}))
	if aws.ToString(got.SchemaArn) != aws.ToString(created.SchemaArn) || got.CreatedTime == nil || got.UpdatedTime == nil ||
		aws.ToInt64(got.LatestSchemaVersion) != 1 || got.Compatibility != types.CompatibilityBackward {
		t.Errorf("GetSchema = %+v", got)
	}
	byArn := must[*awsglue.GetSchemaOutput](t)(c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: &types.SchemaId{SchemaArn: created.SchemaArn}}))
	if aws.ToString(byArn.SchemaName) != "PaymentCaptured" {
		t.Errorf("GetSchema by ARN = %+v", byArn)
	}
	_, err = c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schID("payments", "Nope")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.", "SchemaName: Nope")
	_, err = c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: &types.SchemaId{SchemaArn: aws.String("arn:aws:glue:us-east-1:111111111111:schema/payments/PaymentCaptured")}})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")

	upd := must[*awsglue.UpdateSchemaOutput](t)(c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{
		SchemaId: schID("payments", "PaymentCaptured"), Description: aws.String("captured payments"),
	}))
	if aws.ToString(upd.SchemaArn) != aws.ToString(created.SchemaArn) || aws.ToString(upd.RegistryName) != "payments" {
		t.Errorf("UpdateSchema = %+v", upd)
	}
	must[*awsglue.UpdateSchemaOutput](t)(c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{
		SchemaId: schID("payments", "PaymentCaptured"), Compatibility: types.CompatibilityFull, SchemaVersionNumber: latest(),
	}))
	got = must[*awsglue.GetSchemaOutput](t)(c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: schID("payments", "PaymentCaptured")}))
	if got.Compatibility != types.CompatibilityFull || aws.ToString(got.Description) != "captured payments" {
		t.Errorf("GetSchema after UpdateSchema = %+v", got)
	}
	_, err = c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{SchemaId: schID("payments", "PaymentCaptured")})
	wantErr[*types.InvalidInputException](t, err)
	_, err = c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{SchemaId: schID("payments", "PaymentCaptured"), SchemaVersionNumber: num(7)})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{SchemaId: schID("payments", "PaymentCaptured"), Compatibility: "SOMETIMES", SchemaVersionNumber: latest()})
	wantErr[*types.InvalidInputException](t, err, "Compatibility is not valid.")
	_, err = c.UpdateSchema(ctx, &awsglue.UpdateSchemaInput{SchemaId: schID("payments", "Nope"), Description: aws.String("x")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")

	del := must[*awsglue.DeleteSchemaOutput](t)(c.DeleteSchema(ctx, &awsglue.DeleteSchemaInput{SchemaId: schID("payments", "PaymentCaptured")}))
	if del.Status != types.SchemaStatusDeleting || aws.ToString(del.SchemaArn) != aws.ToString(created.SchemaArn) {
		t.Errorf("DeleteSchema = %+v", del)
	}
	_, err = c.DeleteSchema(ctx, &awsglue.DeleteSchemaInput{SchemaId: schID("payments", "PaymentCaptured")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")
	_, err = c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: created.SchemaVersionId})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
}

func TestCreateSchemaDefaults(t *testing.T) {
	e := newEnv(t)
	c := e.client
	// Without RegistryId and Compatibility: default-registry, BACKWARD; without a definition: no version.
	out := must[*awsglue.CreateSchemaOutput](t)(c.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		SchemaName: aws.String("orders"), DataFormat: types.DataFormatJson, Tags: map[string]string{"a": "b"},
	}))
	if aws.ToString(out.RegistryName) != "default-registry" || out.Compatibility != types.CompatibilityBackward ||
		out.SchemaVersionId != nil || out.SchemaVersionStatus != "" || aws.ToInt64(out.LatestSchemaVersion) != 0 ||
		aws.ToInt64(out.NextSchemaVersion) != 1 || out.Tags["a"] != "b" {
		t.Errorf("CreateSchema = %+v", out)
	}
	// SchemaName without RegistryName addresses the default registry.
	got := must[*awsglue.GetSchemaOutput](t)(c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: &types.SchemaId{SchemaName: aws.String("orders")}}))
	if aws.ToString(got.RegistryName) != "default-registry" {
		t.Errorf("GetSchema = %+v", got)
	}
}

func TestSchemaValidation(t *testing.T) {
	e := newEnv(t)
	c := e.client
	cases := []struct {
		name string
		in   *awsglue.CreateSchemaInput
		want string
	}{
		{"bad data format", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: "XML"}, "Data format is not valid."},
		{"bad compatibility", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, Compatibility: "MOSTLY"}, "Compatibility is not valid."},
		{"bad name", &awsglue.CreateSchemaInput{SchemaName: aws.String("bad name!"), DataFormat: types.DataFormatAvro}, "Parameter Name: schemaName"},
		{"long name", &awsglue.CreateSchemaInput{SchemaName: aws.String(strings.Repeat("s", 256)), DataFormat: types.DataFormatAvro}, "too many or too few characters. Parameter Name: schemaName"},
		{"blank definition", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(" \n\t")}, "Parameter Name: schemaDefinition"},
		{"empty definition", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String("")}, "Parameter Name: schemaDefinition"},
		{"long definition", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(`"` + strings.Repeat("x", 170000) + `"`)}, "Parameter Name: schemaDefinition"},
		{"invalid Avro", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(`{"type":"record"}`)}, "Schema definition of AVRO data format is invalid"},
		{"too many tags", &awsglue.CreateSchemaInput{SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro, Tags: manyTags(51)}, "50"},
		{"registry id both", &awsglue.CreateSchemaInput{RegistryId: &types.RegistryId{RegistryName: aws.String("a"), RegistryArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/a")}, SchemaName: aws.String("s"), DataFormat: types.DataFormatAvro}, "both cannot be provided"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateSchema(ctx, tc.in)
			wantErr[*types.InvalidInputException](t, err, tc.want)
		})
	}

	idCases := []struct {
		name string
		id   *types.SchemaId
		want string
	}{
		{"ARN and names", &types.SchemaId{SchemaArn: aws.String("arn:aws:glue:us-east-1:123456789012:schema/r/s"), SchemaName: aws.String("s")}, "both cannot be provided"},
		{"nothing", &types.SchemaId{}, "At least one of (registryName and schemaName) or schemaArn has to be provided."},
		{"registry only", &types.SchemaId{RegistryName: aws.String("r")}, "At least one of"},
		{"registry ARN as schema ARN", &types.SchemaId{SchemaArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/r")}, "does not name a schema"},
		{"malformed ARN", &types.SchemaId{SchemaArn: aws.String("arn:aws:glue")}, "Parameter Name: schemaArn"},
		{"bad registry name", &types.SchemaId{RegistryName: aws.String("r r"), SchemaName: aws.String("s")}, "Parameter Name: registryName"},
	}
	for _, tc := range idCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetSchema(ctx, &awsglue.GetSchemaInput{SchemaId: tc.id})
			wantErr[*types.InvalidInputException](t, err, tc.want)
		})
	}
}

func TestSchemaLimit(t *testing.T) {
	svcOpts := options{}
	svcOpts.quotas.MaxSchemas = 1
	e := newEnvWith(t, svcOpts)
	must[*awsglue.CreateSchemaOutput](t)(e.client.CreateSchema(ctx, &awsglue.CreateSchemaInput{SchemaName: aws.String("a"), DataFormat: types.DataFormatAvro}))
	_, err := e.client.CreateSchema(ctx, &awsglue.CreateSchemaInput{SchemaName: aws.String("b"), DataFormat: types.DataFormatAvro})
	wantErr[*types.ResourceNumberLimitExceededException](t, err, "More schemas cannot be created.")
}

func TestVersionLimit(t *testing.T) {
	o := options{}
	o.quotas.MaxVersions = 1
	e := newEnvWith(t, o)
	e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	_, err := e.client.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r", "s"), SchemaDefinition: aws.String(avroV2Optional)})
	wantErr[*types.ResourceNumberLimitExceededException](t, err, "More schema versions cannot be created.")
}

// A NUL character, which PostgreSQL cannot store, is refused on every store alike.
func TestNULCharactersAreRefused(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, body, param string }{
		{"definition", `{"RegistryId":{"RegistryName":"default-registry"},"SchemaName":"n1","DataFormat":"AVRO","SchemaDefinition":"\"string\u0000\""}`, "schemaDefinition"},
		{"tag key", `{"RegistryId":{"RegistryName":"default-registry"},"SchemaName":"n2","DataFormat":"AVRO","SchemaDefinition":"\"string\"","Tags":{"a\u0000":"v"}}`, "tagKey"},
		{"tag value", `{"RegistryId":{"RegistryName":"default-registry"},"SchemaName":"n3","DataFormat":"AVRO","SchemaDefinition":"\"string\"","Tags":{"a":"v\u0000"}}`, "tagValue"},
	} {
		r := e.post(t, "AWSGlue.CreateSchema", []byte(tc.body))
		if r.status != 400 || r.errType != "InvalidInputException" || !strings.Contains(r.message, "Parameter Name: "+tc.param) {
			t.Errorf("%s: HTTP %d %s %q", tc.name, r.status, r.errType, r.message)
		}
	}
}
