package glue_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

const timeLayout = "2006-01-02T15:04:05.000Z"

func TestRegistryLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.client

	created := must[*awsglue.CreateRegistryOutput](t)(c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{
		RegistryName: aws.String("payments"), Description: aws.String("Payment events"),
		Tags: map[string]string{"team": "billing"},
	}))
	if got, want := aws.ToString(created.RegistryArn), "arn:aws:glue:us-east-1:123456789012:registry/payments"; got != want {
		t.Errorf("RegistryArn = %q; want %q", got, want)
	}
	if aws.ToString(created.Description) != "Payment events" || created.Tags["team"] != "billing" {
		t.Errorf("CreateRegistry = %+v", created)
	}

	_, err := c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")})
	wantErr[*types.AlreadyExistsException](t, err, "Registry already exists. RegistryName: payments")

	got := must[*awsglue.GetRegistryOutput](t)(c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: regID("payments")}))
	if got.Status != types.RegistryStatusAvailable || aws.ToString(got.Description) != "Payment events" {
		t.Errorf("GetRegistry = %+v", got)
	}
	for _, ts := range []*string{got.CreatedTime, got.UpdatedTime} {
		if _, err := time.Parse(timeLayout, aws.ToString(ts)); err != nil {
			t.Errorf("timestamp %q: %v", aws.ToString(ts), err)
		}
	}
	// By ARN, as returned.
	byArn := must[*awsglue.GetRegistryOutput](t)(c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: &types.RegistryId{RegistryArn: created.RegistryArn}}))
	if aws.ToString(byArn.RegistryName) != "payments" {
		t.Errorf("GetRegistry by ARN = %+v", byArn)
	}

	upd := must[*awsglue.UpdateRegistryOutput](t)(c.UpdateRegistry(ctx, &awsglue.UpdateRegistryInput{RegistryId: regID("payments"), Description: aws.String("")}))
	if aws.ToString(upd.RegistryName) != "payments" || aws.ToString(upd.RegistryArn) != aws.ToString(created.RegistryArn) {
		t.Errorf("UpdateRegistry = %+v", upd)
	}
	got = must[*awsglue.GetRegistryOutput](t)(c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: regID("payments")}))
	if got.Description != nil {
		t.Errorf("Description after clearing = %q; want omitted", aws.ToString(got.Description))
	}

	del := must[*awsglue.DeleteRegistryOutput](t)(c.DeleteRegistry(ctx, &awsglue.DeleteRegistryInput{RegistryId: regID("payments")}))
	if del.Status != types.RegistryStatusDeleting || aws.ToString(del.RegistryName) != "payments" {
		t.Errorf("DeleteRegistry = %+v", del)
	}
	_, err = c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: regID("payments")})
	wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.", "payments")
	_, err = c.UpdateRegistry(ctx, &awsglue.UpdateRegistryInput{RegistryId: regID("payments"), Description: aws.String("x")})
	wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.")
	_, err = c.DeleteRegistry(ctx, &awsglue.DeleteRegistryInput{RegistryId: regID("payments")})
	wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.")

	// The default registry always exists.
	must[*awsglue.GetRegistryOutput](t)(c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: regID("default-registry")}))
}

func TestRegistryValidation(t *testing.T) {
	e := newEnv(t)
	c := e.client
	long := strings.Repeat("r", 256)
	cases := []struct {
		name string
		in   *awsglue.CreateRegistryInput
		want string
	}{
		{"bad characters", &awsglue.CreateRegistryInput{RegistryName: aws.String("bad name!")}, "Parameter Name: registryName"},
		{"too long", &awsglue.CreateRegistryInput{RegistryName: aws.String(long)}, "The resource name contains too many or too few characters. Parameter Name: registryName"},
		{"empty", &awsglue.CreateRegistryInput{RegistryName: aws.String("")}, "Parameter Name: registryName"},
		{"description too long", &awsglue.CreateRegistryInput{RegistryName: aws.String("r"), Description: aws.String(strings.Repeat("d", 2049))}, "Parameter Name: description"},
		{"description control character", &awsglue.CreateRegistryInput{RegistryName: aws.String("r"), Description: aws.String("a\x01b")}, "Parameter Name: description"},
		{"too many tags", &awsglue.CreateRegistryInput{RegistryName: aws.String("r"), Tags: manyTags(51)}, "50"},
		{"tag key too long", &awsglue.CreateRegistryInput{RegistryName: aws.String("r"), Tags: map[string]string{strings.Repeat("k", 129): "v"}}, "Parameter Name: tagKey"},
		{"tag value too long", &awsglue.CreateRegistryInput{RegistryName: aws.String("r"), Tags: map[string]string{"k": strings.Repeat("v", 257)}}, "Parameter Name: tagValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateRegistry(ctx, tc.in)
			wantErr[*types.InvalidInputException](t, err, tc.want)
		})
	}
	// The longest name, 50 tags and a 2048-character description are accepted.
	must[*awsglue.CreateRegistryOutput](t)(c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{
		RegistryName: aws.String(strings.Repeat("r", 255)), Description: aws.String(strings.Repeat("é", 2048)), Tags: manyTags(50),
	}))

	idCases := []struct {
		name string
		id   *types.RegistryId
		want string
	}{
		{"both", &types.RegistryId{RegistryName: aws.String("a"), RegistryArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/a")}, "both cannot be provided"},
		{"neither", &types.RegistryId{}, "One of registryName or registryArn has to be provided."},
		{"malformed ARN", &types.RegistryId{RegistryArn: aws.String("arn:aws:s3:::bucket")}, "Parameter Name: registryArn"},
		{"schema ARN", &types.RegistryId{RegistryArn: aws.String("arn:aws:glue:us-east-1:123456789012:schema/a/b")}, "does not name a registry"},
		{"bad name in ARN", &types.RegistryId{RegistryArn: aws.String("arn:aws:glue:us-east-1:123456789012:registry/a b")}, "Parameter Name: registryArn"},
	}
	for _, tc := range idCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: tc.id})
			wantErr[*types.InvalidInputException](t, err, tc.want)
		})
	}
	// The Go SDK checks that RegistryId is present; the server does too (raw HTTP tests).

	// An ARN of another account names nothing Carta has.
	_, err := c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: &types.RegistryId{RegistryArn: aws.String("arn:aws:glue:us-east-1:999999999999:registry/default-registry")}})
	wantErr[*types.EntityNotFoundException](t, err, "Registry is not found.")
	// Another region of the same account is the same registry.
	must[*awsglue.GetRegistryOutput](t)(c.GetRegistry(ctx, &awsglue.GetRegistryInput{RegistryId: &types.RegistryId{RegistryArn: aws.String("arn:aws:glue:eu-west-1:123456789012:registry/default-registry")}}))

	// UpdateRegistry requires Description (the Go SDK checks it too, so send it raw).
	r := e.post(t, "AWSGlue.UpdateRegistry", []byte(`{"RegistryId":{"RegistryName":"default-registry"}}`))
	if r.status != 400 || r.errType != "InvalidInputException" || !strings.Contains(r.message, "description") {
		t.Errorf("UpdateRegistry without Description = %d %s %q", r.status, r.errType, r.message)
	}
}

func TestRegistryLimit(t *testing.T) {
	e := newEnvWith(t, options{quotas: quotas(3)})
	c := e.client
	// default-registry counts.
	for _, name := range []string{"a", "b"} {
		must[*awsglue.CreateRegistryOutput](t)(c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String(name)}))
	}
	_, err := c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("c")})
	wantErr[*types.ResourceNumberLimitExceededException](t, err, "More registries cannot be created.")
}

func TestRegionFromSignature(t *testing.T) {
	e := newEnv(t)
	c := awsglue.New(awsglue.Options{
		Region: "eu-central-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: e.client.Options().Credentials, RetryMaxAttempts: 1,
	})
	out := must[*awsglue.CreateRegistryOutput](t)(c.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("eu")}))
	if got, want := aws.ToString(out.RegistryArn), "arn:aws:glue:eu-central-1:123456789012:registry/eu"; got != want {
		t.Errorf("RegistryArn = %q; want %q", got, want)
	}
	// The audit log names the access key.
	log, err := e.svc.AuditLog(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range log {
		if a.Action == "CreateRegistry" && a.Actor == "AKIDCARTATEST" {
			found = true
		}
	}
	if !found {
		t.Errorf("no CreateRegistry audit entry by AKIDCARTATEST in %+v", log)
	}
}

func manyTags(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m["k"+strings.Repeat("x", i)] = "v"
	}
	return m
}
