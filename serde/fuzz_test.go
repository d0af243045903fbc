package serde_test

import (
	"testing"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/serdetest"
	"github.com/cartaschema/carta/serde/wire"
)

// FuzzDeserialize feeds arbitrary records to a Deserializer whose registry
// knows an Avro, a JSON Schema and a Protobuf schema (IDs 1, 2 and 3, so
// both framings reach every decoder): no input may panic, and a zlib
// payload is inflated no further than the cap.
func FuzzDeserialize(f *testing.F) {
	reg := serdetest.New()
	avroS := reg.Register(serde.SchemaRef{Name: "a"}, serde.Avro, paymentV2)
	jsonS := reg.Register(serde.SchemaRef{Name: "j"}, serde.JSON, paymentJSON)
	protoS := reg.Register(serde.SchemaRef{Name: "p"}, serde.Protobuf, paymentProto)
	des, err := serde.NewDeserializer(reg, serde.WithMaxDecompressedSize(1<<16), serde.WithValidation(true))
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: a valid record of each schema in each framing.
	// Protobuf records are seeded by hand below.
	for _, s := range []serde.Schema{avroS, jsonS} {
		for _, wf := range []serde.WireFormat{serde.WireGlue, serde.WireConfluent} {
			for _, comp := range []wire.Compression{wire.CompressionNone, wire.CompressionZlib} {
				if wf == serde.WireConfluent && comp == wire.CompressionZlib {
					continue
				}
				ser := mustSer(f, reg, s.Format, serde.WithSchema("", s.Ref.Name), serde.WithWireFormat(wf), serde.WithCompression(comp))
				var v any = paymentV2Go{PaymentID: "p", Currency: "EUR"}
				if s.Format == serde.JSON {
					v = paymentV1Go{PaymentID: "p", AmountCents: 1, Currency: "EUR"}
				}
				f.Add(mustSerialize(f, ser, v))
			}
		}
	}
	// Protobuf: Glue message index 2 (payments.Refund), and Confluent IDs with index arrays.
	glue, _ := wire.AppendGlueHeader(nil, protoS.VersionID, wire.CompressionNone)
	f.Add(append(glue, 2, 0x0a, 0x01, 'x'))
	f.Add([]byte{0, 0, 0, 0, 3, 4, 2, 0, 0x0a, 0x01, 'x'})
	f.Add([]byte{0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		var out map[string]any
		des.Deserialize(ctx, b, &out)
		v, _, err := des.DeserializeAny(ctx, b)
		if err == nil && v == nil && len(b) > 0 {
			// A null JSON record is the only value that decodes to nil.
			if s, _ := des.Schema(ctx, b); s.Format != serde.JSON && s.Format != serde.Avro {
				t.Fatalf("% x decoded to nil without an error", b)
			}
		}
	})
}
