package glue_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

func TestPagination(t *testing.T) {
	e := newEnv(t)
	c := e.client
	// 29 registries besides default-registry (30 in all), 30 schemas in "r00", 4 in the default
	// registry, 31 versions of one schema.
	for i := range 29 {
		must[*awsglue.CreateRegistryOutput](t)(c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String(fmt.Sprintf("r%02d", i))}))
	}
	for i := range 30 {
		must[*awsglue.CreateSchemaOutput](t)(c.CreateSchema(ctx, &awsglue.CreateSchemaInput{
			RegistryId: regID("r00"), SchemaName: aws.String(fmt.Sprintf("s%02d", i)), DataFormat: types.DataFormatAvro,
		}))
	}
	for i := range 4 {
		must[*awsglue.CreateSchemaOutput](t)(c.CreateSchema(ctx, &awsglue.CreateSchemaInput{SchemaName: aws.String(fmt.Sprintf("d%d", i)), DataFormat: types.DataFormatAvro}))
	}
	e.createAvroSchema(t, "r01", "versions", types.CompatibilityNone)
	for i := range 30 {
		def := fmt.Sprintf(`{"type":"record","name":"V","fields":[{"name":"f%d","type":"int"}]}`, i)
		must[*awsglue.RegisterSchemaVersionOutput](t)(c.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schID("r01", "versions"), SchemaDefinition: aws.String(def)}))
	}

	t.Run("ListRegistries", func(t *testing.T) {
		for _, tc := range []struct {
			max       *int32
			wantPages int
		}{{nil, 2}, {aws.Int32(1), 30}, {aws.Int32(7), 5}, {aws.Int32(100), 1}} {
			p := awsglue.NewListRegistriesPaginator(c, &awsglue.ListRegistriesInput{MaxResults: tc.max})
			var names []string
			pages := 0
			for p.HasMorePages() {
				page := must[*awsglue.ListRegistriesOutput](t)(p.NextPage(ctx))
				pages++
				for _, r := range page.Registries {
					names = append(names, aws.ToString(r.RegistryName))
					if r.Status != types.RegistryStatusAvailable || r.CreatedTime == nil || aws.ToString(r.RegistryArn) == "" {
						t.Errorf("list item = %+v", r)
					}
				}
			}
			if len(names) != 30 || pages != tc.wantPages || !sort.StringsAreSorted(names) || names[29] != "r28" {
				t.Errorf("MaxResults %v: %d registries in %d pages (want 30 in %d): %v", aws.ToInt32(tc.max), len(names), pages, tc.wantPages, names)
			}
		}
	})

	t.Run("ListSchemas", func(t *testing.T) {
		count := func(in *awsglue.ListSchemasInput) (int, int) {
			p := awsglue.NewListSchemasPaginator(c, in)
			n, pages := 0, 0
			for p.HasMorePages() {
				page := must[*awsglue.ListSchemasOutput](t)(p.NextPage(ctx))
				pages++
				n += len(page.Schemas)
			}
			return n, pages
		}
		if n, pages := count(&awsglue.ListSchemasInput{RegistryId: regID("r00")}); n != 30 || pages != 2 {
			t.Errorf("ListSchemas(r00): %d in %d pages; want 30 in 2", n, pages)
		}
		if n, pages := count(&awsglue.ListSchemasInput{RegistryId: regID("r00"), MaxResults: aws.Int32(4)}); n != 30 || pages != 8 {
			t.Errorf("ListSchemas(r00, 4): %d in %d pages; want 30 in 8", n, pages)
		}
		// Without RegistryId: every registry.
		if n, _ := count(&awsglue.ListSchemasInput{MaxResults: aws.Int32(10)}); n != 35 {
			t.Errorf("ListSchemas(all): %d; want 35", n)
		}
		page := must[*awsglue.ListSchemasOutput](t)(c.ListSchemas(ctx, &awsglue.ListSchemasInput{RegistryId: regID("default-registry")}))
		if len(page.Schemas) != 4 || aws.ToString(page.Schemas[0].SchemaArn) != "arn:aws:glue:us-east-1:123456789012:schema/default-registry/d0" {
			t.Errorf("ListSchemas(default-registry) = %+v", page.Schemas)
		}
		_, err := c.ListSchemas(ctx, &awsglue.ListSchemasInput{RegistryId: regID("nope")})
		wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.")
		// A token is bound to its registry.
		first := must[*awsglue.ListSchemasOutput](t)(c.ListSchemas(ctx, &awsglue.ListSchemasInput{RegistryId: regID("r00"), MaxResults: aws.Int32(2)}))
		_, err = c.ListSchemas(ctx, &awsglue.ListSchemasInput{RegistryId: regID("r01"), NextToken: first.NextToken})
		wantErr[*types.InvalidInputException](t, err, "Invalid NextToken")
	})

	t.Run("ListSchemaVersions", func(t *testing.T) {
		p := awsglue.NewListSchemaVersionsPaginator(c, &awsglue.ListSchemaVersionsInput{SchemaId: schID("r01", "versions"), MaxResults: aws.Int32(10)})
		var numbers []int64
		for p.HasMorePages() {
			page := must[*awsglue.ListSchemaVersionsOutput](t)(p.NextPage(ctx))
			for _, v := range page.Schemas {
				numbers = append(numbers, aws.ToInt64(v.VersionNumber))
			}
		}
		if len(numbers) != 31 || numbers[0] != 1 || numbers[30] != 31 {
			t.Errorf("versions = %v", numbers)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		for _, n := range []int32{0, 101, -1} {
			_, err := c.ListRegistries(ctx, &awsglue.ListRegistriesInput{MaxResults: aws.Int32(n)})
			wantErr[*types.InvalidInputException](t, err, "MaxResults")
			_, err = c.ListSchemas(ctx, &awsglue.ListSchemasInput{MaxResults: aws.Int32(n)})
			wantErr[*types.InvalidInputException](t, err, "MaxResults")
			_, err = c.ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: schID("r01", "versions"), MaxResults: aws.Int32(n)})
			wantErr[*types.InvalidInputException](t, err, "MaxResults")
		}
		// Garbage, and a token of another operation.
		regPage := must[*awsglue.ListRegistriesOutput](t)(c.ListRegistries(ctx, &awsglue.ListRegistriesInput{MaxResults: aws.Int32(1)}))
		for _, tok := range []*string{aws.String("garbage"), aws.String(""), aws.String("AQ"), regPage.NextToken} {
			_, err := c.ListSchemaVersions(ctx, &awsglue.ListSchemaVersionsInput{SchemaId: schID("r01", "versions"), NextToken: tok})
			wantErr[*types.InvalidInputException](t, err, "Invalid NextToken")
		}
		// A tampered token fails its checksum.
		tampered := []byte(aws.ToString(regPage.NextToken))
		tampered[3] ^= 1
		_, err := c.ListRegistries(ctx, &awsglue.ListRegistriesInput{NextToken: aws.String(string(tampered))})
		wantErr[*types.InvalidInputException](t, err, "Invalid NextToken")
	})
}
