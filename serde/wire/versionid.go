package wire

import "strconv"

// A VersionID is a Glue schema version UUID in canonical byte order
// (the order in which its hex digits are written).
type VersionID [16]byte

// ParseVersionID parses the canonical textual form
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits of either case).
// Any other form returns an error wrapping ErrVersionID.
func ParseVersionID(s string) (VersionID, error) {
	var id VersionID
	if err := id.UnmarshalText([]byte(s)); err != nil {
		return VersionID{}, err
	}
	return id, nil
}

// String returns the lower-case canonical form.
func (id VersionID) String() string {
	return string(id.AppendText(make([]byte, 0, 36)))
}

// AppendText appends the lower-case canonical form to dst.
func (id VersionID) AppendText(dst []byte) []byte {
	const digits = "0123456789abcdef"
	for i, c := range id {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, digits[c>>4], digits[c&0xf])
	}
	return dst
}

// MarshalText implements encoding.TextMarshaler.
func (id VersionID) MarshalText() ([]byte, error) {
	return id.AppendText(make([]byte, 0, 36)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; it accepts what
// ParseVersionID accepts.
func (id *VersionID) UnmarshalText(b []byte) error {
	if len(b) != 36 {
		return &versionIDError{s: string(b)}
	}
	var out VersionID
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if b[i] != '-' {
				return &versionIDError{s: string(b)}
			}
			i++
			continue
		}
		hi, ok1 := unhex(b[i])
		lo, ok2 := unhex(b[i+1])
		if !ok1 || !ok2 {
			return &versionIDError{s: string(b)}
		}
		out[j] = hi<<4 | lo
		j++
		i += 2
	}
	*id = out
	return nil
}

type versionIDError struct{ s string }

func (e *versionIDError) Error() string {
	return "wire: invalid version ID " + quote(e.s)
}

func (e *versionIDError) Unwrap() error { return ErrVersionID }

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
