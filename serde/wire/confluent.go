package wire

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// Confluent framing constants.
const (
	// ConfluentMagic is byte 0 of every Confluent record.
	ConfluentMagic = 0x00
	// ConfluentHeaderLen is the magic byte plus the 4-byte schema ID.
	ConfluentHeaderLen = 5
	// MaxMessageIndexes bounds the length of a Protobuf message-index
	// array (the nesting depth of the message in its file). Longer arrays
	// are rejected as ErrMessageIndex.
	MaxMessageIndexes = 256
)

// AppendConfluent appends a Confluent record (magic, big-endian schema ID,
// payload) to dst, as used for Avro and JSON Schema.
func AppendConfluent(dst []byte, id uint32, payload []byte) []byte {
	dst = append(dst, ConfluentMagic)
	dst = binary.BigEndian.AppendUint32(dst, id)
	return append(dst, payload...)
}

// AppendConfluentProtobuf appends a Confluent Protobuf record: magic,
// schema ID, message-index array, payload. indexes is the path to the
// message within its file (top-level index first); nil or [0] is written
// as the single byte 0x00. Negative or out-of-range indexes are a
// *FormatError wrapping ErrMessageIndex, and dst is returned unchanged.
func AppendConfluentProtobuf(dst []byte, id uint32, indexes []int, payload []byte) ([]byte, error) {
	if len(indexes) > MaxMessageIndexes {
		return dst, formatErr(FormatConfluent, ConfluentHeaderLen, ErrMessageIndex,
			"count "+strconv.Itoa(len(indexes))+" over "+strconv.Itoa(MaxMessageIndexes))
	}
	for i, x := range indexes {
		if x < 0 || x > math.MaxInt32 {
			return dst, formatErr(FormatConfluent, ConfluentHeaderLen, ErrMessageIndex,
				"index "+strconv.Itoa(i)+" is "+strconv.Itoa(x))
		}
	}
	dst = append(dst, ConfluentMagic)
	dst = binary.BigEndian.AppendUint32(dst, id)
	if len(indexes) == 0 || (len(indexes) == 1 && indexes[0] == 0) {
		dst = append(dst, 0)
	} else {
		dst = binary.AppendVarint(dst, int64(len(indexes)))
		for _, x := range indexes {
			dst = binary.AppendVarint(dst, int64(x))
		}
	}
	return append(dst, payload...), nil
}

// ParseConfluent splits a Confluent record into schema ID and payload.
// The payload aliases b; for Protobuf records it still starts with the
// message-index array (use ParseConfluentProtobuf). It does not allocate.
func ParseConfluent(b []byte) (id uint32, payload []byte, err error) {
	if len(b) < ConfluentHeaderLen {
		return 0, nil, formatErr(FormatConfluent, len(b), ErrTooShort, "need 5 header bytes")
	}
	if b[0] != ConfluentMagic {
		return 0, nil, formatErr(FormatConfluent, 0, ErrMagic, "got 0x"+hex2(b[0]))
	}
	return binary.BigEndian.Uint32(b[1:5]), b[ConfluentHeaderLen:], nil
}

// ParseConfluentProtobuf splits a Confluent Protobuf record into schema
// ID, message-index array and payload. The single byte 0x00 decodes as
// [0]. The payload aliases b. Counts larger than MaxMessageIndexes or than
// the remaining bytes, negative counts or indexes, and indexes above
// math.MaxInt32 are a *FormatError wrapping ErrMessageIndex; truncated or
// overlong varints wrap ErrVarint.
func ParseConfluentProtobuf(b []byte) (id uint32, indexes []int, payload []byte, err error) {
	return ParseConfluentProtobufAppend(nil, b)
}

// ParseConfluentProtobufAppend is ParseConfluentProtobuf appending the
// message indexes to dst, so that a caller with a small array on its
// stack parses without allocating.
func ParseConfluentProtobufAppend(dst []int, b []byte) (id uint32, indexes []int, payload []byte, err error) {
	id, rest, err := ParseConfluent(b)
	if err != nil {
		return 0, nil, nil, err
	}
	off := ConfluentHeaderLen
	count, n := binary.Varint(rest)
	if n <= 0 {
		return 0, nil, nil, varintErr(off, n)
	}
	rest, off = rest[n:], off+n
	if count == 0 {
		return id, append(dst, 0), rest, nil
	}
	// Each index takes at least one byte, which bounds the allocation by
	// the input size as well as by MaxMessageIndexes.
	if count < 0 || count > MaxMessageIndexes || count > int64(len(rest)) {
		return 0, nil, nil, formatErr(FormatConfluent, off-n, ErrMessageIndex,
			"count "+strconv.FormatInt(count, 10))
	}
	indexes = slices.Grow(dst, int(count))[:len(dst)+int(count)]
	for i := len(dst); i < len(indexes); i++ {
		x, n := binary.Varint(rest)
		if n <= 0 {
			return 0, nil, nil, varintErr(off, n)
		}
		if x < 0 || x > math.MaxInt32 {
			return 0, nil, nil, formatErr(FormatConfluent, off, ErrMessageIndex,
				"index "+strconv.Itoa(i-len(dst))+" is "+strconv.FormatInt(x, 10))
		}
		indexes[i] = int(x)
		rest, off = rest[n:], off+n
	}
	return id, indexes, rest, nil
}

func varintErr(off, n int) error {
	if n == 0 {
		return formatErr(FormatConfluent, off, ErrVarint, "truncated")
	}
	return formatErr(FormatConfluent, off, ErrVarint, "overflows 64 bits")
}
