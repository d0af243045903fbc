package kafka_test

import (
	"context"
	"fmt"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/kafka"
	"github.com/cartaschema/carta/serde/serdetest"
)

// A producer frames a PaymentCaptured record with the Confluent framing and
// the schema ID in a record header; a consumer decodes it. In a real
// program the record goes through kgo.Client.Produce and comes back from
// PollFetches, and the registry is serde/glue or serde/confluent.
func Example() {
	ctx := context.Background()
	reg := serdetest.New()
	reg.Register(serde.SchemaRef{Name: "payments-value"}, serde.Avro, `{"type":"record","name":"PaymentCaptured","fields":[
		{"name":"payment_id","type":"string"},{"name":"amount_cents","type":"long"}]}`)

	type payment struct {
		PaymentID   string `avro:"payment_id"`
		AmountCents int64  `avro:"amount_cents"`
	}
	ser, err := serde.NewSerializer(reg, serde.Avro,
		serde.WithNaming(serde.TopicName("", "-value")), serde.WithWireFormat(serde.WireConfluent))
	if err != nil {
		panic(err)
	}
	r, err := kafka.Encode(ctx, ser, "payments", []byte("p-1"), payment{"p-1", 1250}, kafka.SchemaIDInHeader())
	if err != nil {
		panic(err)
	}
	fmt.Printf("header %s = % x\n", r.Headers[0].Key, r.Headers[0].Value)
	fmt.Printf("value = % x\n", r.Value)

	des, err := serde.NewDeserializer(reg)
	if err != nil {
		panic(err)
	}
	var p payment
	s, err := kafka.Decode(ctx, des, r, &p)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v written with %s id %d\n", p, s.Ref.Name, s.ID)
	// Output:
	// header __value_schema_id = 00 00 00 00 01
	// value = 06 70 2d 31 c4 13
	// {PaymentID:p-1 AmountCents:1250} written with payments-value id 1
}
