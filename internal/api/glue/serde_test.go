package glue_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"
)

// TestJavaSerDeSequence replays the calls of the AWS Glue Schema Registry Java serializer with
// auto-registration, then those of its deserializer, and checks every answer it depends on.
func TestJavaSerDeSequence(t *testing.T) {
	e := newEnv(t)
	c := e.client
	const registryName, schemaName = "default-registry", "payments.captured"
	id := schID(registryName, schemaName)

	// 1. GetSchemaByDefinition: the serializer branches on the message prefix.
	_, err := c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: id, SchemaDefinition: aws.String(avroV1)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.ErrorMessage(), "Schema is not found.") {
		t.Fatalf("GetSchemaByDefinition on a new schema = %v; want a message starting with %q", err, "Schema is not found.")
	}
	wantErr[*types.EntityNotFoundException](t, err)

	// 2. "Schema is not found." → CreateSchema with the SerDe's settings.
	created := must[*awsglue.CreateSchemaOutput](t)(c.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId: regID(registryName), SchemaName: aws.String(schemaName), DataFormat: types.DataFormatAvro,
		Compatibility: types.CompatibilityBackward, Description: aws.String("created by the SerDe"),
		Tags: map[string]string{}, SchemaDefinition: aws.String(avroV1),
	}))
	if created.SchemaVersionStatus != types.SchemaVersionStatusAvailable {
		t.Fatalf("CreateSchema = %+v", created)
	}
	// A racing producer falls back to RegisterSchemaVersion on AlreadyExists.
	_, err = c.CreateSchema(ctx, &awsglue.CreateSchemaInput{RegistryId: regID(registryName), SchemaName: aws.String(schemaName), DataFormat: types.DataFormatAvro, SchemaDefinition: aws.String(avroV1)})
	wantErr[*types.AlreadyExistsException](t, err)
	reg := must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: id, SchemaDefinition: aws.String(avroV1)}))
	if reg.Status != types.SchemaVersionStatusAvailable || aws.ToString(reg.SchemaVersionId) != aws.ToString(created.SchemaVersionId) {
		t.Fatalf("RegisterSchemaVersion of the same definition = %+v", reg)
	}

	// 3. PutSchemaVersionMetadata with the transport.
	must[*awsglue.PutSchemaVersionMetadataOutput](t)(c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
		SchemaVersionId: reg.SchemaVersionId, MetadataKeyValue: kv("x-amz-meta-transport", "payments"),
	}))

	// A new definition of a known schema: "Schema version is not found." → RegisterSchemaVersion.
	_, err = c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: id, SchemaDefinition: aws.String(avroV2Optional)})
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.ErrorMessage(), "Schema version is not found.") {
		t.Fatalf("GetSchemaByDefinition of a new definition = %v; want %q", err, "Schema version is not found.")
	}

	// The next producer finds the version by definition.
	found := must[*awsglue.GetSchemaByDefinitionOutput](t)(c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: id, SchemaDefinition: aws.String(avroV1)}))
	if found.Status != types.SchemaVersionStatusAvailable || aws.ToString(found.SchemaVersionId) != aws.ToString(created.SchemaVersionId) {
		t.Fatalf("GetSchemaByDefinition = %+v", found)
	}

	// The deserializer: GetSchemaVersion by ID, using SchemaDefinition, DataFormat and SchemaArn.
	v := must[*awsglue.GetSchemaVersionOutput](t)(c.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: found.SchemaVersionId}))
	if aws.ToString(v.SchemaDefinition) != avroV1 || v.DataFormat != types.DataFormatAvro {
		t.Fatalf("GetSchemaVersion = %+v", v)
	}
	parsed, err := awsarn.Parse(aws.ToString(v.SchemaArn))
	if err != nil {
		t.Fatalf("SchemaArn %q: %v", aws.ToString(v.SchemaArn), err)
	}
	if parsed.Service != "glue" || parsed.AccountID != "123456789012" || parsed.Region != "us-east-1" ||
		parsed.Resource[strings.LastIndex(parsed.Resource, "/")+1:] != schemaName {
		t.Errorf("SchemaArn = %+v", parsed)
	}
	// querySchemaTags: GetSchemaByDefinition then GetTags(SchemaArn).
	must[*awsglue.GetTagsOutput](t)(c.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: found.SchemaArn}))

	// A schema in a registry that does not exist yet is "Schema is not found." too.
	_, err = c.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schID("not-yet", "s"), SchemaDefinition: aws.String(avroV1)})
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.ErrorMessage(), "Schema is not found.") {
		t.Errorf("GetSchemaByDefinition in a missing registry = %v", err)
	}
}
