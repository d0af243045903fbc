package serde_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json")

// fixedRegistry answers with the one schema of a golden vector, under a
// fixed version ID and integer ID, so the bytes are reproducible.
type fixedRegistry struct{ s serde.Schema }

func (r fixedRegistry) SchemaByVersionID(context.Context, wire.VersionID) (serde.Schema, error) {
	return r.s, nil
}
func (r fixedRegistry) SchemaByID(context.Context, uint32) (serde.Schema, error) { return r.s, nil }
func (r fixedRegistry) SchemaVersion(context.Context, serde.SchemaRef, int) (serde.Schema, error) {
	return r.s, nil
}
func (r fixedRegistry) LookupSchema(context.Context, serde.SchemaRef, serde.Format, string) (serde.Schema, error) {
	return r.s, nil
}
func (r fixedRegistry) RegisterSchema(context.Context, serde.SchemaRef, serde.Format, string, serde.RegisterOptions) (serde.Schema, error) {
	return r.s, nil
}

type golden struct {
	Name  string `json:"name"`
	Hex   string `json:"hex"`
	Value string `json:"value"` // the decoded value, as JSON (Protobuf: protojson-free field dump)
}

// TestGoldenRecords pins the bytes the Serializer writes for each format
// and framing (version ID 0102...10, schema ID 7), and checks that the
// Deserializer reads the checked-in bytes back. Run with -update after a
// deliberate change.
func TestGoldenRecords(t *testing.T) {
	vid := wire.VersionID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	const id = 7
	type vector struct {
		name   string
		format serde.Format
		def    string
		wf     serde.WireFormat
		comp   wire.Compression
		value  any
		target func() any
	}
	pay := paymentV1Go{PaymentID: "p-001", AmountCents: 1250, Currency: "EUR"}
	ts := &timestamppb.Timestamp{Seconds: 1700000000, Nanos: 7}
	vectors := []vector{
		{"avro-glue", serde.Avro, paymentV1, serde.WireGlue, wire.CompressionNone, pay, func() any { return &paymentV1Go{} }},
		{"avro-glue-zlib", serde.Avro, paymentV1, serde.WireGlue, wire.CompressionZlib, pay, func() any { return &paymentV1Go{} }},
		{"avro-confluent", serde.Avro, paymentV1, serde.WireConfluent, wire.CompressionNone, pay, func() any { return &paymentV1Go{} }},
		{"json-glue", serde.JSON, paymentJSON, serde.WireGlue, wire.CompressionNone, pay, func() any { return &paymentV1Go{} }},
		{"json-confluent", serde.JSON, paymentJSON, serde.WireConfluent, wire.CompressionNone, pay, func() any { return &paymentV1Go{} }},
		{"protobuf-glue", serde.Protobuf, timestampProto, serde.WireGlue, wire.CompressionNone, ts, func() any { return &timestamppb.Timestamp{} }},
		{"protobuf-confluent", serde.Protobuf, timestampProto, serde.WireConfluent, wire.CompressionNone, ts, func() any { return &timestamppb.Timestamp{} }},
	}
	path := filepath.Join("testdata", "golden.json")
	var want []golden
	if !*update {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) != len(vectors) {
			t.Fatalf("%s has %d vectors, the test %d: run go test -run TestGoldenRecords -update", path, len(want), len(vectors))
		}
	}
	var got []golden
	for i, v := range vectors {
		reg := fixedRegistry{serde.Schema{Ref: serde.SchemaRef{Name: v.name}, Format: v.format, Definition: v.def, VersionID: vid, ID: id, Version: 1}}
		ser := mustSer(t, reg, v.format, serde.WithSchema("", v.name), serde.WithWireFormat(v.wf), serde.WithCompression(v.comp))
		b := mustSerialize(t, ser, v.value)
		val, _ := json.Marshal(v.value)
		got = append(got, golden{Name: v.name, Hex: hex.EncodeToString(b), Value: string(val)})
		if *update {
			continue
		}
		if want[i].Name != v.name || want[i].Hex != got[i].Hex {
			t.Errorf("%s: wrote %s, golden %s", v.name, got[i].Hex, want[i].Hex)
		}
		rec, err := hex.DecodeString(want[i].Hex)
		if err != nil {
			t.Fatal(err)
		}
		out := v.target()
		if _, err := mustDes(t, reg).Deserialize(ctx, rec, out); err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		if m, ok := out.(proto.Message); ok {
			if !proto.Equal(m, v.value.(proto.Message)) {
				t.Errorf("%s: read %v", v.name, m)
			}
		} else if *(out.(*paymentV1Go)) != pay {
			t.Errorf("%s: read %+v", v.name, out)
		}
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
