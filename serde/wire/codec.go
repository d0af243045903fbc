package wire

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"slices"
	"strconv"
	"sync"
)

// DefaultMaxDecompressedSize is the cap on decompressed payloads used by a
// Codec whose MaxDecompressedSize is zero.
const DefaultMaxDecompressedSize = 64 << 20

// A Codec compresses and decompresses Glue payloads with pooled zlib
// writers and readers. The zero Codec is ready to use and safe for
// concurrent use; a Codec must not be copied after first use.
type Codec struct {
	// MaxDecompressedSize caps the size of one decompressed payload, in
	// bytes. Zero means DefaultMaxDecompressedSize. Output that would
	// exceed it is a *FormatError wrapping ErrTooLarge, reported before
	// more than the cap is buffered. Set it before first use.
	MaxDecompressedSize int

	writers sync.Pool // *zwriter
	readers sync.Pool // *zreader
}

type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

type zwriter struct {
	out appendWriter
	zw  *zlib.Writer
}

type zreader struct {
	in bytes.Reader
	zr io.ReadCloser // also a zlib.Resetter
}

func (c *Codec) limit() int {
	if c.MaxDecompressedSize > 0 {
		return c.MaxDecompressedSize
	}
	return DefaultMaxDecompressedSize
}

// AppendGlue appends a Glue record (header, then payload stored as comp
// says) to dst and returns the extended slice. zlib output is an RFC 1950
// stream at the default level, as java.util.zip.Deflater writes.
func (c *Codec) AppendGlue(dst []byte, id VersionID, comp Compression, payload []byte) ([]byte, error) {
	dst, err := AppendGlueHeader(dst, id, comp)
	if err != nil {
		return dst, err
	}
	if comp == CompressionNone {
		return append(dst, payload...), nil
	}
	return c.Compress(dst, payload), nil
}

// Compress appends the zlib (RFC 1950, default level) compression of src
// to dst.
func (c *Codec) Compress(dst, src []byte) []byte {
	w, _ := c.writers.Get().(*zwriter)
	if w == nil {
		w = new(zwriter)
		w.zw = zlib.NewWriter(&w.out)
	}
	w.out.b = dst
	w.zw.Reset(&w.out)
	// Writes to an appendWriter cannot fail.
	w.zw.Write(src)
	w.zw.Close()
	dst = w.out.b
	w.out.b = nil
	c.writers.Put(w)
	return dst
}

// Decompress appends the inflation of the zlib stream compressed to dst.
// It fails with a *FormatError wrapping ErrTooLarge once the output would
// exceed the Codec's cap, and with one wrapping ErrCorrupt for a malformed
// stream, a bad Adler-32 checksum or a truncated stream. Bytes after the
// end of the zlib stream are ignored, as the Java deserializer does. On
// error the returned slice is dst, unextended.
func (c *Codec) Decompress(dst, compressed []byte) ([]byte, error) {
	r, _ := c.readers.Get().(*zreader)
	if r == nil {
		r = new(zreader)
	}
	r.in.Reset(compressed)
	var err error
	if r.zr == nil {
		r.zr, err = zlib.NewReader(&r.in)
	} else {
		err = r.zr.(zlib.Resetter).Reset(&r.in, nil)
	}
	if err != nil {
		r.in.Reset(nil)
		if r.zr != nil {
			c.readers.Put(r)
		}
		return dst, corrupt(err)
	}
	out, err := c.inflate(dst, r.zr)
	r.in.Reset(nil)
	c.readers.Put(r)
	if err != nil {
		return dst, err
	}
	return out, nil
}

func (c *Codec) inflate(dst []byte, zr io.Reader) ([]byte, error) {
	start := len(dst)
	limit := c.limit()
	for {
		n := len(dst) - start
		if n == limit {
			// Full: the stream must end here.
			var one [1]byte
			m, err := zr.Read(one[:])
			if m > 0 {
				return dst, formatErr(FormatGlue, 0, ErrTooLarge, "limit "+strconv.Itoa(limit)+" bytes")
			}
			if err == io.EOF {
				return dst, nil
			}
			if err != nil {
				return dst, corrupt(err)
			}
			continue
		}
		if len(dst) == cap(dst) {
			// Grow geometrically, never past the cap.
			dst = slices.Grow(dst, min(max(n, 4096), limit-n))
		}
		window := dst[len(dst):cap(dst)]
		if len(window) > limit-n {
			window = window[:limit-n]
		}
		m, err := zr.Read(window)
		dst = dst[:len(dst)+m]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, corrupt(err)
		}
	}
}

func corrupt(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return formatErr(FormatGlue, 0, ErrCorrupt, err.Error())
}

// DecodeGlue parses a Glue record and appends its decompressed payload to
// dst. For an uncompressed record the payload is appended as is.
func (c *Codec) DecodeGlue(dst, record []byte) (GlueHeader, []byte, error) {
	h, payload, err := ParseGlue(record)
	if err != nil {
		return h, dst, err
	}
	if h.Compression == CompressionNone {
		return h, append(dst, payload...), nil
	}
	out, err := c.Decompress(dst, payload)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.Offset += GlueHeaderLen
		}
		return h, dst, err
	}
	return h, out, nil
}
