package wire

// Format identifies a record framing.
type Format int

const (
	// FormatUnknown is the zero Format.
	FormatUnknown Format = iota
	// FormatGlue is the AWS Glue Schema Registry framing (first byte 0x03).
	FormatGlue
	// FormatConfluent is the Confluent framing (first byte 0x00).
	FormatConfluent
)

// String returns "glue", "confluent" or "unknown".
func (f Format) String() string {
	switch f {
	case FormatGlue:
		return "glue"
	case FormatConfluent:
		return "confluent"
	}
	return "unknown"
}

// Detect reports the framing of b from its first byte. It checks nothing
// beyond that byte; parse the record to validate it. An empty b or an
// unrecognised first byte is a *FormatError.
func Detect(b []byte) (Format, error) {
	if len(b) == 0 {
		return FormatUnknown, formatErr(FormatUnknown, 0, ErrTooShort, "empty record")
	}
	switch b[0] {
	case GlueHeaderVersion:
		return FormatGlue, nil
	case ConfluentMagic:
		return FormatConfluent, nil
	}
	return FormatUnknown, formatErr(FormatUnknown, 0, ErrUnknownFormat, "first byte 0x"+hex2(b[0]))
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
