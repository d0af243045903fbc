package wire

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

func FuzzParseGlue(f *testing.F) {
	var c Codec
	none, _ := c.AppendGlue(nil, testID, CompressionNone, testPayload)
	z, _ := c.AppendGlue(nil, testID, CompressionZlib, testPayload)
	f.Add(none)
	f.Add(z)
	f.Add([]byte{3, 5})
	f.Add([]byte{})
	dec := Codec{MaxDecompressedSize: 1 << 20}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, payload, err := ParseGlue(b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		// Re-framing the parsed parts reproduces the input exactly.
		re, err := AppendGlueHeader(nil, h.Version, h.Compression)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(append(re, payload...), b) {
			t.Fatal("re-framed record differs")
		}
		out, err := dec.Decompress(nil, payload)
		if h.Compression == CompressionZlib && err == nil {
			// parse(append(x)) == x for the decompressed payload.
			rec, err := c.AppendGlue(nil, h.Version, CompressionZlib, out)
			if err != nil {
				t.Fatal(err)
			}
			h2, out2, err := dec.DecodeGlue(nil, rec)
			if err != nil || h2 != h || !bytes.Equal(out, out2) {
				t.Fatalf("zlib round trip: %v", err)
			}
		}
	})
}

func FuzzParseConfluentProtobuf(f *testing.F) {
	pb0, _ := AppendConfluentProtobuf(nil, 42, nil, testPayload)
	pb, _ := AppendConfluentProtobuf(nil, 42, []int{3, 1, 200}, testPayload)
	f.Add(pb0)
	f.Add(pb)
	f.Add([]byte{0, 0, 0, 0, 1, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, idx, payload, err := ParseConfluentProtobuf(b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if len(idx) == 0 || len(idx) > MaxMessageIndexes || len(idx) > len(b) {
			t.Fatalf("%d indexes from %d bytes", len(idx), len(b))
		}
		rec, err := AppendConfluentProtobuf(nil, id, idx, payload)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		id2, idx2, payload2, err := ParseConfluentProtobuf(rec)
		if err != nil || id2 != id || !slices.Equal(idx, idx2) || !bytes.Equal(payload, payload2) {
			t.Fatalf("round trip: %v", err)
		}
		// Avro/JSON framing of the same bytes round-trips too.
		id3, p3, err := ParseConfluent(AppendConfluent(nil, id, payload))
		if err != nil || id3 != id || !bytes.Equal(p3, payload) {
			t.Fatalf("plain round trip: %v", err)
		}
	})
}

func FuzzDecompress(f *testing.F) {
	f.Add(zlibBytes(testPayload))
	f.Add(zlibBytes(nil))
	f.Add(zlibBytes(make([]byte, 5000)))
	f.Add([]byte{0x78, 0x9c})
	const limit = 4096
	c := Codec{MaxDecompressedSize: limit}
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := c.Decompress([]byte("pre"), b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			if string(out) != "pre" {
				t.Fatal("dst changed on error")
			}
			return
		}
		if len(out)-3 > limit || cap(out) > 2*limit+64 {
			t.Fatalf("output len %d cap %d over limit", len(out), cap(out))
		}
		// Compressing the output and decompressing again gives it back.
		again, err := c.Decompress(nil, c.Compress(nil, out[3:]))
		if err != nil || !bytes.Equal(again, out[3:]) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
