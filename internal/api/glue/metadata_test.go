package glue_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func kv(k, v string) *types.MetadataKeyValuePair {
	return &types.MetadataKeyValuePair{MetadataKey: aws.String(k), MetadataValue: aws.String(v)}
}

func TestSchemaVersionMetadata(t *testing.T) {
	e := newEnv(t)
	c := e.client
	created := e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	vid := created.SchemaVersionId

	put := must[*awsglue.PutSchemaVersionMetadataOutput](t)(c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
		SchemaVersionId: vid, MetadataKeyValue: kv("x-amz-meta-transport", "payments.captured"),
	}))
	if aws.ToString(put.SchemaVersionId) != aws.ToString(vid) || aws.ToString(put.SchemaArn) != aws.ToString(created.SchemaArn) ||
		aws.ToString(put.SchemaName) != "s" || aws.ToString(put.RegistryName) != "r" || aws.ToInt64(put.VersionNumber) != 1 ||
		!put.LatestVersion || aws.ToString(put.MetadataKey) != "x-amz-meta-transport" || aws.ToString(put.MetadataValue) != "payments.captured" {
		t.Errorf("PutSchemaVersionMetadata = %+v", put)
	}
	// A second value for the same key, addressed by schema and number.
	must[*awsglue.PutSchemaVersionMetadataOutput](t)(c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
		SchemaId: schID("r", "s"), SchemaVersionNumber: num(1), MetadataKeyValue: kv("x-amz-meta-transport", "payments.retries"),
	}))
	must[*awsglue.PutSchemaVersionMetadataOutput](t)(c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
		SchemaId: schID("r", "s"), SchemaVersionNumber: latest(), MetadataKeyValue: kv("owner", "billing@example.com"),
	}))
	// The same pair twice.
	_, err := c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("owner", "billing@example.com")})
	wantErr[*types.AlreadyExistsException](t, err, "owner")

	q := must[*awsglue.QuerySchemaVersionMetadataOutput](t)(c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: vid}))
	if aws.ToString(q.SchemaVersionId) != aws.ToString(vid) || len(q.MetadataInfoMap) != 2 || q.NextToken != nil {
		t.Fatalf("QuerySchemaVersionMetadata = %+v", q)
	}
	transport := q.MetadataInfoMap["x-amz-meta-transport"]
	if aws.ToString(transport.MetadataValue) != "payments.captured" || transport.CreatedTime == nil ||
		len(transport.OtherMetadataValueList) != 1 || aws.ToString(transport.OtherMetadataValueList[0].MetadataValue) != "payments.retries" ||
		transport.OtherMetadataValueList[0].CreatedTime == nil {
		t.Errorf("x-amz-meta-transport = %+v", transport)
	}
	// Filters: a key with a value, and a key alone.
	q = must[*awsglue.QuerySchemaVersionMetadataOutput](t)(c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{
		SchemaId: schID("r", "s"), SchemaVersionNumber: latest(),
		MetadataList: []types.MetadataKeyValuePair{*kv("x-amz-meta-transport", "payments.retries")},
	}))
	if len(q.MetadataInfoMap) != 1 || aws.ToString(q.MetadataInfoMap["x-amz-meta-transport"].MetadataValue) != "payments.retries" {
		t.Errorf("filtered query = %+v", q.MetadataInfoMap)
	}
	q = must[*awsglue.QuerySchemaVersionMetadataOutput](t)(c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{
		SchemaVersionId: vid, MetadataList: []types.MetadataKeyValuePair{{MetadataKey: aws.String("owner")}},
	}))
	if len(q.MetadataInfoMap) != 1 || aws.ToString(q.MetadataInfoMap["owner"].MetadataValue) != "billing@example.com" {
		t.Errorf("key-only query = %+v", q.MetadataInfoMap)
	}

	// Remove one pair; removing it again is EntityNotFound.
	rm := must[*awsglue.RemoveSchemaVersionMetadataOutput](t)(c.RemoveSchemaVersionMetadata(ctx, &awsglue.RemoveSchemaVersionMetadataInput{
		SchemaVersionId: vid, MetadataKeyValue: kv("owner", "billing@example.com"),
	}))
	if aws.ToString(rm.MetadataKey) != "owner" || aws.ToString(rm.SchemaVersionId) != aws.ToString(vid) || aws.ToString(rm.SchemaArn) == "" {
		t.Errorf("RemoveSchemaVersionMetadata = %+v", rm)
	}
	_, err = c.RemoveSchemaVersionMetadata(ctx, &awsglue.RemoveSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("owner", "billing@example.com")})
	wantErr[*types.EntityNotFoundException](t, err, "owner")

	// Unknown versions.
	missing := aws.String("11111111-2222-4333-8444-555555555555")
	_, err = c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: missing, MetadataKeyValue: kv("a", "b")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: missing})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.RemoveSchemaVersionMetadata(ctx, &awsglue.RemoveSchemaVersionMetadataInput{SchemaId: schID("r", "s"), SchemaVersionNumber: num(4), MetadataKeyValue: kv("a", "b")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema version is not found.")
	_, err = c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{SchemaId: schID("r", "nope"), SchemaVersionNumber: num(1), MetadataKeyValue: kv("a", "b")})
	wantErr[*types.EntityNotFoundException](t, err, "Schema is not found.")
}

func TestSchemaVersionMetadataLimitsAndValidation(t *testing.T) {
	e := newEnv(t)
	c := e.client
	created := e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	vid := created.SchemaVersionId
	for i := range 10 {
		must[*awsglue.PutSchemaVersionMetadataOutput](t)(c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
			SchemaVersionId: vid, MetadataKeyValue: kv(fmt.Sprintf("key%02d", i), "v"),
		}))
	}
	_, err := c.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("key10", "v")})
	wantErr[*types.ResourceNumberLimitExceededException](t, err, "Your resource limits for Schema Version Metadata have been exceeded.")

	// Paging over keys with the SDK paginator-free loop (QuerySchemaVersionMetadata has no paginator).
	var keys []string
	var token *string
	pages := 0
	for {
		q := must[*awsglue.QuerySchemaVersionMetadataOutput](t)(c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{
			SchemaVersionId: vid, MaxResults: aws.Int32(3), NextToken: token,
		}))
		pages++
		for k := range q.MetadataInfoMap {
			keys = append(keys, k)
		}
		if q.NextToken == nil {
			break
		}
		token = q.NextToken
	}
	if len(keys) != 10 || pages != 4 {
		t.Errorf("paged query: %d keys in %d pages; want 10 in 4", len(keys), pages)
	}

	invalid := []struct {
		name string
		in   *awsglue.PutSchemaVersionMetadataInput
		want string
	}{
		{"no value", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: &types.MetadataKeyValuePair{MetadataKey: aws.String("k")}}, "metadataValue"},
		{"empty key", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("", "v")}, "metadataKey"},
		{"key too long", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv(strings.Repeat("k", 129), "v")}, "metadataKey"},
		{"value too long", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("k", strings.Repeat("v", 257))}, "metadataValue"},
		{"space in value", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("k", "a b")}, "metadataValue"},
		{"star in key", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, MetadataKeyValue: kv("k*", "v")}, "metadataKey"},
		{"id and number", &awsglue.PutSchemaVersionMetadataInput{SchemaVersionId: vid, SchemaVersionNumber: num(1), MetadataKeyValue: kv("k", "v")}, "No other input parameters"},
		{"no address", &awsglue.PutSchemaVersionMetadataInput{MetadataKeyValue: kv("k", "v")}, "has to be provided"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutSchemaVersionMetadata(ctx, tc.in)
			wantErr[*types.InvalidInputException](t, err, tc.want)
		})
	}
	// The pattern's +-= is a character range: , : ; < are allowed, and the limits are inclusive.
	e2 := newEnv(t)
	created2 := e2.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	for _, pair := range [][2]string{{"a,b:c;d<e=f", "x/y@z.w_v+u-t"}, {strings.Repeat("k", 128), strings.Repeat("v", 256)}} {
		must[*awsglue.PutSchemaVersionMetadataOutput](t)(e2.client.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
			SchemaVersionId: created2.SchemaVersionId, MetadataKeyValue: kv(pair[0], pair[1]),
		}))
	}
	for _, n := range []int32{0, 51} {
		_, err := c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: vid, MaxResults: aws.Int32(n)})
		wantErr[*types.InvalidInputException](t, err, "MaxResults")
	}
	_, err = c.QuerySchemaVersionMetadata(ctx, &awsglue.QuerySchemaVersionMetadataInput{SchemaVersionId: vid, NextToken: aws.String("garbage")})
	wantErr[*types.InvalidInputException](t, err, "Invalid NextToken")
}

func TestTags(t *testing.T) {
	e := newEnv(t)
	c := e.client
	created := e.createAvroSchema(t, "r", "s", types.CompatibilityBackward)
	regArn := aws.String("arn:aws:glue:us-east-1:123456789012:registry/r")

	for _, arn := range []*string{regArn, created.SchemaArn} {
		must[*awsglue.TagResourceOutput](t)(c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: arn, TagsToAdd: map[string]string{"team": "billing", "tier": "1"}}))
		must[*awsglue.TagResourceOutput](t)(c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: arn, TagsToAdd: map[string]string{"tier": "0"}}))
		must[*awsglue.UntagResourceOutput](t)(c.UntagResource(ctx, &awsglue.UntagResourceInput{ResourceArn: arn, TagsToRemove: []string{"team", "absent"}}))
		got := must[*awsglue.GetTagsOutput](t)(c.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: arn}))
		if len(got.Tags) != 1 || got.Tags["tier"] != "0" {
			t.Errorf("GetTags(%s) = %v; want tier=0", aws.ToString(arn), got.Tags)
		}
	}
	// GetSchema never shows tags; tags of the schema and the registry are separate.
	empty := must[*awsglue.GetTagsOutput](t)(c.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/default-registry")}))
	if len(empty.Tags) != 0 {
		t.Errorf("default-registry tags = %v", empty.Tags)
	}

	notFound := []string{
		"arn:aws:glue:us-east-1:123456789012:registry/nope",
		"arn:aws:glue:us-east-1:123456789012:schema/r/nope",
		"arn:aws:glue:us-east-1:999999999999:registry/r",
		"arn:aws:glue:us-east-1:123456789012:database/db",
	}
	for _, arn := range notFound {
		_, err := c.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: aws.String(arn)})
		wantErr[*types.EntityNotFoundException](t, err)
		_, err = c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: aws.String(arn), TagsToAdd: map[string]string{"a": "b"}})
		wantErr[*types.EntityNotFoundException](t, err)
		_, err = c.UntagResource(ctx, &awsglue.UntagResourceInput{ResourceArn: aws.String(arn), TagsToRemove: []string{"a"}})
		wantErr[*types.EntityNotFoundException](t, err)
	}
	_, err := c.GetTags(ctx, &awsglue.GetTagsInput{ResourceArn: aws.String("arn:aws:s3:::bucket")})
	wantErr[*types.InvalidInputException](t, err, "Parameter Name: resourceArn")
	_, err = c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: regArn, TagsToAdd: manyTags(51)})
	wantErr[*types.InvalidInputException](t, err, "50")
	// 50 tags in place, one more is refused by the service's quota.
	must[*awsglue.TagResourceOutput](t)(c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: regArn, TagsToAdd: manyTags(49)}))
	_, err = c.TagResource(ctx, &awsglue.TagResourceInput{ResourceArn: regArn, TagsToAdd: map[string]string{"one-more": "x"}})
	wantErr[*types.InvalidInputException](t, err, "50")
	_, err = c.UntagResource(ctx, &awsglue.UntagResourceInput{ResourceArn: regArn, TagsToRemove: []string{""}})
	wantErr[*types.InvalidInputException](t, err, "Parameter Name: tagKey")
	_, err = c.UntagResource(ctx, &awsglue.UntagResourceInput{ResourceArn: regArn, TagsToRemove: make([]string, 51)})
	wantErr[*types.InvalidInputException](t, err, "tagsToRemove")
}
