package confluent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// glueCompatibility returns a schema's compatibility as the Glue API reports it.
func (e *env) glueCompatibility(t *testing.T, registryName, name string) string {
	t.Helper()
	var out struct{ Compatibility string }
	e.glue(t, "GetSchema", map[string]any{"SchemaId": map[string]string{"RegistryName": registryName, "SchemaName": name}}, &out)
	return out.Compatibility
}

func TestConfig(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	global := e.client.Compatibility(ctx)[0]
	if global.Err != nil || global.Level != sr.CompatBackward {
		t.Fatalf("the global config = %+v, want BACKWARD", global)
	}

	// kafkajs's register flow: GET /config/{subject} must be 404 for a subject without a
	// subject-level config, then it registers, then it sets the subject's level.
	e.wantError(t, "GET", "/config/orders-value", nil, 404, 40408)
	r := e.do(t, "GET", "/config/orders-value?defaultToGlobal=true", nil)
	var got map[string]any
	r.json(t, &got)
	if r.status != 200 || got["compatibilityLevel"] != "BACKWARD" {
		t.Errorf("GET /config/{s}?defaultToGlobal=true: %d %s", r.status, r.body)
	}
	must(e.client.CreateSchema(ctx, "orders-value", avroSchema(record(fID))))(t)
	e.wantError(t, "GET", "/config/orders-value", nil, 404, 40408)
	set := e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFull}, "orders-value")[0]
	if set.Err != nil || set.Level != sr.CompatFull {
		t.Fatalf("SetCompatibility(orders-value) = %+v", set)
	}
	sub := e.client.Compatibility(ctx, "orders-value")[0]
	if sub.Err != nil || sub.Level != sr.CompatFull {
		t.Errorf("Compatibility(orders-value) = %+v", sub)
	}
	if c := e.glueCompatibility(t, "default-registry", "orders-value"); c != "FULL" {
		t.Errorf("the Glue schema's compatibility = %s, want FULL", c)
	}

	// The global level governs the subjects without their own: a Confluent subject follows it,
	// a Glue schema (whose compatibility is its own) and orders-value do not.
	must(e.client.CreateSchema(ctx, "follower", avroSchema(record(fID))))(t)
	e.glue(t, "CreateSchema", map[string]any{"SchemaName": "glue-made", "DataFormat": "AVRO", "Compatibility": "FORWARD",
		"SchemaDefinition": record(fID)}, nil)
	g := e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatFullTransitive})[0]
	if g.Err != nil || g.Level != sr.CompatFullTransitive {
		t.Fatalf("SetCompatibility(global) = %+v", g)
	}
	for name, want := range map[string]string{"follower": "FULL_ALL", "glue-made": "FORWARD", "orders-value": "FULL"} {
		if c := e.glueCompatibility(t, "default-registry", name); c != want {
			t.Errorf("after the global change, %s has compatibility %s, want %s", name, c, want)
		}
	}
	if c := e.client.Compatibility(ctx, "glue-made")[0]; c.Err != nil || c.Level != sr.CompatForward {
		t.Errorf("a Glue schema's config = %+v, want its own FORWARD", c)
	}

	// Resetting the subject hands it back to the global level.
	reset := e.client.ResetCompatibility(ctx, "orders-value")[0]
	if reset.Err != nil || reset.Level != sr.CompatFull {
		t.Errorf("ResetCompatibility(orders-value) = %+v, want the old FULL", reset)
	}
	e.wantError(t, "GET", "/config/orders-value", nil, 404, 40408)
	e.wantError(t, "DELETE", "/config/orders-value", nil, 404, 40408)
	if c := e.glueCompatibility(t, "default-registry", "orders-value"); c != "FULL_ALL" {
		t.Errorf("after the reset, orders-value has %s, want the global FULL_ALL", c)
	}
	if r := e.client.ResetCompatibility(ctx)[0]; r.Err != nil || r.Level != sr.CompatFullTransitive {
		t.Errorf("ResetCompatibility(global) = %+v", r)
	}
	if c := e.glueCompatibility(t, "default-registry", "follower"); c != "BACKWARD" {
		t.Errorf("after the global reset, follower has %s, want BACKWARD", c)
	}

	// A config set before the subject exists applies at its first registration.
	e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "later")
	must(e.client.CreateSchema(ctx, "later", avroSchema(record(fID))))(t)
	must(e.client.CreateSchema(ctx, "later", avroSchema(record(fRequired))))(t) // NONE: anything goes
	if c := e.glueCompatibility(t, "default-registry", "later"); c != "NONE" {
		t.Errorf("a subject configured before its first registration has %s, want NONE", c)
	}

	// Invalid levels and bodies.
	e.wantError(t, "PUT", "/config", map[string]any{"compatibility": "SIDEWAYS"}, 422, 42203)
	e.wantError(t, "PUT", "/config/x", map[string]any{}, 422, 42203)
	e.wantError(t, "PUT", "/config/x", map[string]any{"cartaCompatibilityPolicy": "LAX"}, 422, 42203)
	e.wantError(t, "PUT", "/config/bad%20name", map[string]any{"compatibility": "NONE"}, 422, 42208)
	e.wantError(t, "PUT", "/config", `{"compatibility":`, 400, 400)
	e.wantError(t, "PUT", "/config", `{"compatibility":7}`, 400, 400)
}

func TestConfigDisabled(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	must(e.client.CreateSchema(ctx, "frozen", avroSchema(record(fID))))(t)
	r := e.do(t, "PUT", "/config/frozen", map[string]string{"compatibility": "DISABLED"})
	if r.status != 200 {
		t.Fatalf("PUT DISABLED: %d %s", r.status, r.body)
	}
	r = e.do(t, "GET", "/config/frozen", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"compatibilityLevel":"DISABLED"`) {
		t.Errorf("GET /config of a DISABLED subject: %d %s", r.status, r.body)
	}
	_, err := e.client.CreateSchema(ctx, "frozen", avroSchema(record(fID, fOptional)))
	wantCode(t, "a registration under DISABLED", err, 42205)
	// The Glue spelling of levels is accepted too.
	r = e.do(t, "PUT", "/config/frozen", map[string]string{"compatibility": "backward_all"})
	if r.status != 200 || !strings.Contains(string(r.body), `"compatibility":"BACKWARD_TRANSITIVE"`) {
		t.Errorf("PUT backward_all: %d %s", r.status, r.body)
	}
}

func TestConfigNormalizeAndPolicy(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := e.do(t, "PUT", "/config", map[string]any{"normalize": true, "cartaCompatibilityPolicy": "lenient"})
	if r.status != 200 {
		t.Fatalf("PUT /config normalize and policy: %d %s", r.status, r.body)
	}
	global := e.client.Compatibility(ctx)[0]
	if !global.Normalize || global.Level != sr.CompatBackward {
		t.Errorf("global config = %+v, want normalize and BACKWARD", global)
	}
	r = e.do(t, "GET", "/config", nil)
	if !strings.Contains(string(r.body), `"cartaCompatibilityPolicy":"LENIENT"`) {
		t.Errorf("GET /config: %s", r.body)
	}
	// With normalize, the registered text is the normalized form.
	spaced := "{ \"type\" : \"record\", \"name\":\"N\", \"fields\" : [ ] }"
	ss := must(e.client.CreateSchema(ctx, "n", avroSchema(spaced)))(t)
	if ss.Schema.Schema == spaced || strings.Contains(ss.Schema.Schema, " ") {
		t.Errorf("a normalized registration stored %q", ss.Schema.Schema)
	}
	// normalize=false on the request wins over the config.
	ss = must(e.client.CreateSchema(sr.WithParams(ctx, sr.RawParams(map[string][]string{"normalize": {"false"}})), "m", avroSchema(spaced)))(t)
	if ss.Schema.Schema != spaced {
		t.Errorf("normalize=false stored %q", ss.Schema.Schema)
	}
	// A subject's policy is its schema's policy tag.
	r = e.do(t, "PUT", "/config/m", map[string]any{"cartaCompatibilityPolicy": "STRICT"})
	if r.status != 200 {
		t.Fatalf("PUT /config/m policy: %d %s", r.status, r.body)
	}
	var tags struct{ Tags map[string]string }
	e.glue(t, "GetTags", map[string]any{"ResourceArn": "arn:aws:glue:us-east-1:123456789012:schema/default-registry/m"}, &tags)
	if tags.Tags["carta:compatibility-policy"] != "STRICT" {
		t.Errorf("the policy tag of m = %v", tags.Tags)
	}
	e.wantError(t, "PUT", "/config/nobody", map[string]any{"cartaCompatibilityPolicy": "STRICT"}, 404, 40401)
}
