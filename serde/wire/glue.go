package wire

// Glue framing constants.
const (
	// GlueHeaderVersion is byte 0 of every Glue record.
	GlueHeaderVersion = 0x03
	// GlueHeaderLen is the length of the Glue header: version byte,
	// compression byte and 16-byte schema version UUID.
	GlueHeaderLen = 18
)

// Compression is the Glue compression byte.
type Compression byte

const (
	// CompressionNone stores the payload as is.
	CompressionNone Compression = 0x00
	// CompressionZlib stores the whole payload as one zlib (RFC 1950) stream.
	CompressionZlib Compression = 0x05
)

// String returns "none", "zlib" or the byte in hex.
func (c Compression) String() string {
	switch c {
	case CompressionNone:
		return "none"
	case CompressionZlib:
		return "zlib"
	}
	return "0x" + hex2(byte(c))
}

// GlueHeader is the decoded Glue header.
type GlueHeader struct {
	Version     VersionID   // schema version UUID
	Compression Compression // how the payload is stored
}

// ParseGlue splits a Glue record into its header and payload. The payload
// aliases b and is still compressed when the header says so; use
// Codec.DecodeGlue or Codec.Decompress to inflate it. ParseGlue does not
// allocate on success.
func ParseGlue(b []byte) (GlueHeader, []byte, error) {
	if len(b) < GlueHeaderLen {
		return GlueHeader{}, nil, formatErr(FormatGlue, len(b), ErrTooShort, "need 18 header bytes")
	}
	if b[0] != GlueHeaderVersion {
		return GlueHeader{}, nil, formatErr(FormatGlue, 0, ErrHeaderVersion, "got 0x"+hex2(b[0]))
	}
	c := Compression(b[1])
	if c != CompressionNone && c != CompressionZlib {
		return GlueHeader{}, nil, formatErr(FormatGlue, 1, ErrCompression, "got 0x"+hex2(b[1]))
	}
	h := GlueHeader{Compression: c, Version: VersionID(b[2:GlueHeaderLen])}
	return h, b[GlueHeaderLen:], nil
}

// AppendGlueHeader appends an 18-byte Glue header to dst. The caller
// appends a payload already stored as c says. Unknown compression values
// are a *FormatError wrapping ErrCompression.
func AppendGlueHeader(dst []byte, id VersionID, c Compression) ([]byte, error) {
	if c != CompressionNone && c != CompressionZlib {
		return dst, formatErr(FormatGlue, 1, ErrCompression, "cannot encode "+c.String())
	}
	dst = append(dst, GlueHeaderVersion, byte(c))
	return append(dst, id[:]...), nil
}
