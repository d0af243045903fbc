package wire

import (
	"errors"
	"strconv"
)

// Sentinel errors wrapped by *FormatError. Test for them with errors.Is.
var (
	// ErrTooShort means the input ends before the header or a field is complete.
	ErrTooShort = errors.New("input too short")
	// ErrHeaderVersion means a Glue record's first byte is not 0x03.
	ErrHeaderVersion = errors.New("unsupported header version")
	// ErrMagic means a Confluent record's first byte is not 0x00.
	ErrMagic = errors.New("bad magic byte")
	// ErrUnknownFormat means the first byte matches neither framing.
	ErrUnknownFormat = errors.New("unknown wire format")
	// ErrCompression means the compression byte is neither 0x00 nor 0x05,
	// or a compression value is not supported by the called function.
	ErrCompression = errors.New("unknown compression")
	// ErrVarint means a varint is truncated or overflows 64 bits.
	ErrVarint = errors.New("malformed varint")
	// ErrMessageIndex means a Protobuf message-index array is invalid:
	// a negative or out-of-range count or index.
	ErrMessageIndex = errors.New("invalid message index")
	// ErrTooLarge means decompressed output would exceed the Codec's cap.
	ErrTooLarge = errors.New("decompressed size exceeds limit")
	// ErrCorrupt means a zlib stream is malformed or fails its checksum.
	ErrCorrupt = errors.New("corrupt zlib stream")
	// ErrVersionID means a string is not a canonical UUID.
	ErrVersionID = errors.New("invalid version ID")
)

// A FormatError describes malformed input: which framing was being read,
// the byte offset where the problem was found, and why.
type FormatError struct {
	Format Format // framing being read
	Offset int    // offset into the input where the problem was found
	Reason string // human-readable detail
	Err    error  // one of the sentinel errors above
}

// Error implements error.
func (e *FormatError) Error() string {
	s := "wire: " + e.Format.String() + ": " + e.Err.Error() + " at offset " + strconv.Itoa(e.Offset)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns the sentinel error, for errors.Is.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(f Format, off int, err error, reason string) error {
	return &FormatError{Format: f, Offset: off, Reason: reason, Err: err}
}
