package confluent_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

const (
	address1 = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}`
	address2 = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"city","type":["null","string"],"default":null}]}`
	address3 = `{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}`
	person   = `{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"name","type":"string"},{"name":"home","type":"com.acme.Address"}]}`
)

func addressRef(version int) []sr.SchemaReference {
	return []sr.SchemaReference{{Name: "com.acme.Address", Subject: "address-value", Version: version}}
}

func TestAvroReferences(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "address-value")
	must(e.client.CreateSchema(ctx, "address-value", avroSchema(address1)))(t)

	// Without its reference the definition does not parse.
	_, err := e.client.CreateSchema(ctx, "person-value", avroSchema(person))
	wantCode(t, "a definition without its reference", err, 42201)
	p1 := must(e.client.CreateSchema(ctx, "person-value", sr.Schema{Schema: person, References: addressRef(1)}))(t)
	if !slices.Equal(p1.References, addressRef(1)) {
		t.Errorf("the registered version's references = %+v", p1.References)
	}
	byID := must(e.client.SchemaByID(ctx, p1.ID))(t)
	if byID.Schema != person || !slices.Equal(byID.References, addressRef(1)) {
		t.Errorf("SchemaByID of a schema with references = %+v", byID)
	}
	found := must(e.client.LookupSchema(ctx, "person-value", sr.Schema{Schema: person, References: addressRef(1)}))(t)
	if found.Version != 1 || found.ID != p1.ID {
		t.Errorf("LookupSchema with references = %+v", found)
	}
	refs := must(e.client.SchemaReferences(ctx, "address-value", 1))(t)
	if len(refs) != 1 || refs[0].Subject != "person-value" {
		t.Errorf("SchemaReferences(address-value, 1) = %+v", refs)
	}

	// A referenced version cannot be deleted, neither the subject.
	err = e.client.DeleteSchema(ctx, "address-value", 1, sr.SoftDelete)
	wantCode(t, "soft delete of a referenced version", err, 42206)
	_, err = e.client.DeleteSubject(ctx, "address-value", sr.SoftDelete)
	wantCode(t, "soft delete of a referenced subject", err, 42206)
	r := e.doWith(t, "POST", "/", map[string]any{"SchemaId": map[string]string{"SchemaName": "address-value"}},
		http.Header{"X-Amz-Target": {"AWSGlue.DeleteSchema"}, "Content-Type": {"application/x-amz-json-1.1"}})
	if r.status != 400 || jsonField(t, r.body, "__type") != "InvalidInputException" {
		t.Errorf("Glue DeleteSchema of a referenced schema: %d %s", r.status, r.body)
	}

	// The compatibility check sees through the reference: a new version of the referenced type
	// with a required field, used by a new Person, breaks BACKWARD.
	must(e.client.CreateSchema(ctx, "address-value", avroSchema(address2)))(t)
	p2 := must(e.client.CreateSchema(ctx, "person-value", sr.Schema{Schema: person, References: addressRef(2)}))(t)
	if p2.Version != 2 || p2.ID == p1.ID {
		t.Errorf("the same text with another reference version = %+v, want a new version and ID", p2)
	}
	must(e.client.CreateSchema(ctx, "address-value", avroSchema(address3)))(t)
	res := must(e.client.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), "person-value", -1, sr.Schema{Schema: person, References: addressRef(3)}))(t)
	if res.Is || len(res.Messages) == 0 || !strings.Contains(res.Messages[0], "READER_FIELD_MISSING_DEFAULT_VALUE") {
		t.Errorf("the check against a changed reference = %+v", res)
	}
	_, err = e.client.CreateSchema(ctx, "person-value", sr.Schema{Schema: person, References: addressRef(3)})
	wantCode(t, "a registration with an incompatible reference", err, 409)
	// -1 is the latest version of the referenced subject, stored with its number.
	res = must(e.client.CheckCompatibility(ctx, "person-value", -1, sr.Schema{Schema: person, References: addressRef(-1)}))(t)
	if res.Is {
		t.Errorf("the latest address (version 3) is compatible: %+v", res)
	}

	// References that cannot be resolved.
	for name, refs := range map[string][]sr.SchemaReference{
		"a missing subject":  {{Name: "com.acme.Address", Subject: "nobody", Version: 1}},
		"a missing version":  {{Name: "com.acme.Address", Subject: "address-value", Version: 9}},
		"no name":            {{Name: "", Subject: "address-value", Version: 1}},
		"version 0":          {{Name: "com.acme.Address", Subject: "address-value", Version: 0}},
		"an invalid subject": {{Name: "com.acme.Address", Subject: "bad name", Version: 1}},
	} {
		_, err := e.client.CreateSchema(ctx, "person-value", sr.Schema{Schema: person, References: refs})
		wantCode(t, name, err, 42201)
	}
	// A reference of another format.
	must(e.client.CreateSchema(ctx, "json-thing", sr.Schema{Schema: `{"type":"object"}`, Type: sr.TypeJSON}))(t)
	_, err = e.client.CreateSchema(ctx, "person-value", sr.Schema{Schema: person, References: []sr.SchemaReference{{Name: "x", Subject: "json-thing", Version: 1}}})
	wantCode(t, "a reference of another format", err, 42201)

	// Once nothing refers to it any more, the referenced version can go.
	must(e.client.DeleteSubject(ctx, "person-value", sr.SoftDelete))(t)
	err = e.client.DeleteSchema(ctx, "address-value", 1, sr.HardDelete)
	wantCode(t, "hard delete of a version a soft-deleted version refers to", err, 40407)
	if err := e.client.DeleteSchema(ctx, "address-value", 1, sr.SoftDelete); err != nil {
		t.Errorf("soft delete of a version only soft-deleted versions refer to: %v", err)
	}
	err = e.client.DeleteSchema(ctx, "address-value", 1, sr.HardDelete)
	wantCode(t, "hard delete of a version a soft-deleted version still refers to", err, 42206)
	must(e.client.DeleteSubject(ctx, "person-value", sr.HardDelete))(t)
	if err := e.client.DeleteSchema(ctx, "address-value", 1, sr.HardDelete); err != nil {
		t.Errorf("hard delete once nothing refers to it: %v", err)
	}
}

func TestJSONSchemaReferences(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "address")
	must(e.client.CreateSchema(ctx, "address", sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object","properties":{"street":{"type":"string"}},"additionalProperties":false}`}))(t)
	must(e.client.CreateSchema(ctx, "address", sr.Schema{Type: sr.TypeJSON, Schema: `{"type":"object","properties":{"street":{"type":"integer"}},"additionalProperties":false}`}))(t)
	order := `{"type":"object","properties":{"ship_to":{"$ref":"address.json"}},"additionalProperties":false}`
	ref := func(v int) []sr.SchemaReference {
		return []sr.SchemaReference{{Name: "address.json", Subject: "address", Version: v}}
	}
	_, err := e.client.CreateSchema(ctx, "order", sr.Schema{Type: sr.TypeJSON, Schema: order})
	wantCode(t, "a $ref to a document without its reference", err, 42201)
	o1 := must(e.client.CreateSchema(ctx, "order", sr.Schema{Type: sr.TypeJSON, Schema: order, References: ref(1)}))(t)
	if o1.Version != 1 {
		t.Fatalf("order = %+v", o1)
	}
	_, err = e.client.CreateSchema(ctx, "order", sr.Schema{Type: sr.TypeJSON, Schema: order, References: ref(2)})
	wantCode(t, "a referenced property type changed", err, 409)
}

func TestProtobufReferences(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.client.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "money")
	money1 := "syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n"
	money2 := "syntax = \"proto3\";\npackage common;\nmessage Money { string units = 1; }\n"
	must(e.client.CreateSchema(ctx, "money", sr.Schema{Type: sr.TypeProtobuf, Schema: money1}))(t)
	must(e.client.CreateSchema(ctx, "money", sr.Schema{Type: sr.TypeProtobuf, Schema: money2}))(t)
	order := "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\nmessage Order { common.Money total = 1; }\n"
	ref := func(v int) []sr.SchemaReference {
		return []sr.SchemaReference{{Name: "common/money.proto", Subject: "money", Version: v}}
	}
	o1 := must(e.client.CreateSchema(ctx, "order-value", sr.Schema{Type: sr.TypeProtobuf, Schema: order, References: ref(1)}))(t)
	got := must(e.client.SchemaByVersion(ctx, "order-value", 1))(t)
	if got.Schema.Schema != order || !slices.Equal(got.References, ref(1)) || got.ID != o1.ID {
		t.Errorf("the Protobuf version with an import = %+v", got)
	}
	_, err := e.client.CreateSchema(ctx, "order-value", sr.Schema{Type: sr.TypeProtobuf, Schema: order, References: ref(2)})
	wantCode(t, "an imported field type changed", err, 409)
}

// TestReferenceCycle: a store whose references form a cycle (only a corrupted store or a
// hand-made import can hold one) is refused, not followed forever.
func TestReferenceCycle(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	must(e.client.CreateSchema(ctx, "a", avroSchema(`{"type":"record","name":"A","fields":[]}`)))(t)
	must(e.client.CreateSchema(ctx, "b", avroSchema(`{"type":"record","name":"B","fields":[]}`)))(t)
	// Version 2 of a refers to version 2 of b, and version 2 of b to version 2 of a.
	err := e.db.Update(ctx, func(tx registry.Tx) error {
		for _, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
			v1, err := tx.GetVersionByNumber(ctx, registry.DefaultRegistry, p[0], 1)
			if err != nil {
				return err
			}
			v2 := *v1
			v2.ID, v2.Number = fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", len(p[0])+strings.Index("ab", p[0])), 2
			v2.References = []registry.SchemaReference{{Name: strings.ToUpper(p[1]), Registry: registry.DefaultRegistry, Schema: p[1], Version: 2}}
			if err := tx.CreateVersion(ctx, &v2); err != nil {
				return err
			}
			sc, err := tx.GetSchema(ctx, registry.DefaultRegistry, p[0])
			if err != nil {
				return err
			}
			sc.LatestVersion, sc.NextVersion = 2, 3
			if err := tx.UpdateSchema(ctx, sc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.CreateSchema(ctx, "c", sr.Schema{Schema: `{"type":"record","name":"C","fields":[{"name":"a","type":"A"}]}`,
		References: []sr.SchemaReference{{Name: "A", Subject: "a", Version: 2}}})
	wantCode(t, "a reference into a cycle", err, 42201)
	if err != nil && !strings.Contains(err.Error(), "cycle") {
		t.Errorf("the refusal does not name the cycle: %v", err)
	}
}

// TestProtobufDescriptors registers Protobuf schemas the way Confluent's JavaScript serializer
// does, as base64 FileDescriptorProtos with their imports as references, and reads them back
// with format=serialized, as its deserializer does.
func TestProtobufDescriptors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	descriptor := func(def string, refs ...schema.Reference) string {
		t.Helper()
		s, err := protobuf.Handler{}.ParseWithReferences(def, refs, schema.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.(*protobuf.Schema).Descriptor()
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	money := "syntax = \"proto3\";\npackage common;\nmessage Money { int64 units = 1; }\n"
	ms, err := protobuf.Parse(money, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	order := "syntax = \"proto3\";\npackage shop;\nimport \"money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n" +
		"message Order { common.Money total = 1; google.protobuf.Timestamp at = 2; }\n"
	m := must(e.client.CreateSchema(ctx, "money.proto", sr.Schema{Type: sr.TypeProtobuf, Schema: descriptor(money)}))(t)
	refs := []sr.SchemaReference{{Name: "money.proto", Subject: "money.proto", Version: m.Version}}
	o := must(e.client.CreateSchema(ctx, "orders-value", sr.Schema{Type: sr.TypeProtobuf,
		Schema: descriptor(order, schema.Reference{Name: "money.proto", Definition: money, Schema: ms}), References: refs}))(t)
	// The text stored is .proto text, which the Glue API and text clients read.
	if !strings.Contains(o.Schema.Schema, "message Order") || !strings.Contains(o.Schema.Schema, `import "money.proto"`) {
		t.Errorf("the stored text of a descriptor registration = %q", o.Schema.Schema)
	}
	// The same descriptor again is the same version; so is the text.
	again := must(e.client.RegisterSchema(ctx, "orders-value", sr.Schema{Type: sr.TypeProtobuf,
		Schema: descriptor(order, schema.Reference{Name: "money.proto", Definition: money, Schema: ms}), References: refs}, -1, -1))(t)
	if again != o.ID {
		t.Errorf("the descriptor registered again got ID %d, want %d", again, o.ID)
	}
	if id := must(e.client.RegisterSchema(ctx, "orders-value", sr.Schema{Type: sr.TypeProtobuf, Schema: order, References: refs}, -1, -1))(t); id != o.ID {
		t.Errorf("the text of the descriptor got ID %d, want %d", id, o.ID)
	}

	serialized := sr.WithParams(ctx, sr.Format("serialized"))
	for _, got := range []string{
		must(e.client.SchemaByVersion(serialized, "orders-value", -1))(t).Schema.Schema,
		must(e.client.SchemaByID(serialized, o.ID))(t).Schema,
	} {
		b, err := base64.StdEncoding.DecodeString(got)
		if err != nil {
			t.Fatalf("format=serialized answered %q: %v", got, err)
		}
		text, err := protobuf.DefinitionFromDescriptor(b)
		if err != nil || !strings.Contains(text, "message Order") || !strings.Contains(text, `import "money.proto"`) {
			t.Errorf("the serialized descriptor reads as %q, %v", text, err)
		}
	}
	// Other formats ignore format=serialized.
	must(e.client.CreateSchema(ctx, "a", avroSchema(record(fID))))(t)
	if got := must(e.client.SchemaByVersion(serialized, "a", 1))(t); got.Schema.Schema != record(fID) {
		t.Errorf("an Avro schema with format=serialized = %q", got.Schema.Schema)
	}
	_, err = e.client.CreateSchema(ctx, "bad", sr.Schema{Type: sr.TypeProtobuf, Schema: base64.StdEncoding.EncodeToString([]byte("junk"))})
	wantCode(t, "base64 that is no descriptor", err, 42201)
}
