// Package wire frames and unframes schema-registry records.
//
// Two framings are supported:
//
//   - Glue (AWS Glue Schema Registry SerDe): byte 0 is the header version
//     0x03, byte 1 the compression (0x00 none, 0x05 zlib over the whole
//     payload), bytes 2–17 the schema version UUID in canonical byte order,
//     then the payload.
//   - Confluent: byte 0 is the magic 0x00, bytes 1–4 the big-endian schema
//     ID; Protobuf records then carry a message-index array of zig-zag
//     varints (the common [0] is the single byte 0x00); then the payload.
//
// Encoders are append-style: the caller owns the destination buffer.
// Parsers never copy: a returned payload aliases the input. Every malformed
// input is reported as a *FormatError that wraps one of the sentinel errors
// (ErrTooShort, ErrHeaderVersion, ...), so callers can use errors.Is and
// errors.As.
//
// zlib work goes through a Codec, which pools compressors and
// decompressors (a fresh zlib writer costs about 1 MB) and caps the size of
// decompressed output. The zero Codec is ready to use.
package wire
