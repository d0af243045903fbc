package wire_test

import (
	"errors"
	"fmt"

	"github.com/cartaschema/carta/serde/wire"
)

func ExampleCodec_AppendGlue() {
	id, _ := wire.ParseVersionID("b7b4a7f0-9c96-4e4a-a2f3-3b7a8c1d2e4f")
	var c wire.Codec // the zero Codec works; share one per process
	rec, err := c.AppendGlue(nil, id, wire.CompressionNone, []byte("hi"))
	if err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", rec)
	// Output: 03 00 b7 b4 a7 f0 9c 96 4e 4a a2 f3 3b 7a 8c 1d 2e 4f 68 69
}

func ExampleCodec_DecodeGlue() {
	id, _ := wire.ParseVersionID("b7b4a7f0-9c96-4e4a-a2f3-3b7a8c1d2e4f")
	c := wire.Codec{MaxDecompressedSize: 1 << 20}
	rec, _ := c.AppendGlue(nil, id, wire.CompressionZlib, []byte(`{"amount":12}`))
	h, payload, err := c.DecodeGlue(nil, rec)
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Version, h.Compression, string(payload))
	// Output: b7b4a7f0-9c96-4e4a-a2f3-3b7a8c1d2e4f zlib {"amount":12}
}

func ExampleAppendConfluentProtobuf() {
	rec, _ := wire.AppendConfluentProtobuf(nil, 42, []int{1, 2}, []byte{0x08, 0x01})
	fmt.Printf("% x\n", rec)
	id, indexes, payload, _ := wire.ParseConfluentProtobuf(rec)
	fmt.Println(id, indexes, payload)
	// Output:
	// 00 00 00 00 2a 04 02 04 08 01
	// 42 [1 2] [8 1]
}

func ExampleDetect() {
	var c wire.Codec
	for _, rec := range [][]byte{
		wire.AppendConfluent(nil, 7, []byte("avro")),
		{0x03, 0x09},
		{0x7b},
	} {
		f, err := wire.Detect(rec)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		switch f {
		case wire.FormatConfluent:
			id, payload, _ := wire.ParseConfluent(rec)
			fmt.Println(f, id, string(payload))
		case wire.FormatGlue:
			_, _, err := c.DecodeGlue(nil, rec)
			var fe *wire.FormatError
			if errors.As(err, &fe) && errors.Is(err, wire.ErrTooShort) {
				fmt.Println(f, "record too short, offset", fe.Offset)
			}
		}
	}
	// Output:
	// confluent 7 avro
	// glue record too short, offset 2
	// error: wire: unknown: unknown wire format at offset 0: first byte 0x7b
}
