package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	hamba "github.com/hamba/avro/v2"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/confluent"
	sglue "github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/wire"
)

const (
	encodeSynopsis = "encode --registry R --schema S [--version N | --version-id UUID] [--wire glue|confluent] [--compression none|zlib] [--output raw|hex|base64] < record.json"
	decodeSynopsis = "decode [--input raw|hex|base64] [--reader-schema FILE] [--verbose] < record"
	// maxRecord bounds what encode and decode read from stdin.
	maxRecord = 16 << 20
)

// codecFlags are the registry flags of encode and decode.
type codecFlags struct {
	registryFlags
	confluentURL string
}

func (f *codecFlags) add(fs *flag.FlagSet) {
	f.registryFlags.add(fs)
	fs.StringVar(&f.confluentURL, "confluent-url", "", "talk to the registry through the Confluent REST API at `URL` instead of the Glue API (needed for the Confluent framing: the Glue API has no integer IDs)")
}

// serdeRegistry returns the SerDe registry client the flags name.
func (f *codecFlags) serdeRegistry(ctx context.Context, env *Env) (serde.Registry, string, error) {
	if f.confluentURL != "" {
		reg, err := confluent.New(f.confluentURL)
		if err != nil {
			return nil, "", usageError("%v", err)
		}
		return reg, f.confluentURL, nil
	}
	c, err := f.client(ctx, env)
	if err != nil {
		return nil, "", err
	}
	return sglue.New(c.api), c.where, nil
}

func readStdin(what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(os.Stdin, maxRecord+1))
	if err != nil {
		return nil, ioError(fmt.Errorf("reading %s from stdin: %v", what, err))
	}
	if len(b) > maxRecord {
		return nil, ioError(fmt.Errorf("the %s on stdin is larger than %d bytes", what, maxRecord))
	}
	return b, nil
}

// registryErr turns a registry error into a verdict (not found, refused)
// or an I/O error (unreachable).
func registryErr(where string, err error) error {
	if errors.Is(err, serde.ErrNotFound) || errors.Is(err, serde.ErrUnsupported) {
		return invalid(err)
	}
	return ioError(fmt.Errorf("%s: %v", where, err))
}

func runEncode(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "encode", encodeSynopsis)
	var f codecFlags
	f.add(fs)
	version := fs.Int("version", 0, "version `number` to write with (default: the latest)")
	versionID := fs.String("version-id", "", "schema version `UUID` to write with, instead of --registry/--schema")
	wireFlag := fs.String("wire", "glue", "record framing: glue or confluent")
	compFlag := fs.String("compression", "none", "Glue payload compression: none or zlib")
	outFlag := fs.String("output", "raw", "how to write the record: raw, hex or base64")
	message := fs.String("message", "", "Protobuf message `name` of the record (default: the first message of the file)")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError("encode reads the record from stdin and takes no arguments; usage: carta %s", encodeSynopsis)
	}
	if *versionID == "" && f.schema == "" {
		return usageError("encode needs --schema (and --registry) or --version-id; usage: carta %s", encodeSynopsis)
	}
	if *versionID != "" && (f.used() || *version != 0) {
		return usageError("--version-id names one version: drop --registry, --schema and --version")
	}
	if *version < 0 {
		return usageError("--version must be a positive number")
	}
	var comp wire.Compression
	switch *compFlag {
	case "none":
	case "zlib":
		comp = wire.CompressionZlib
	default:
		return usageError("--compression is none or zlib, not %q", *compFlag)
	}
	if *wireFlag != "glue" && *wireFlag != "confluent" {
		return usageError("--wire is glue or confluent, not %q", *wireFlag)
	}
	if *wireFlag == "confluent" && comp != wire.CompressionNone {
		return usageError("the Confluent framing has no compression")
	}
	if *outFlag != "raw" && *outFlag != "hex" && *outFlag != "base64" {
		return usageError("--output is raw, hex or base64, not %q", *outFlag)
	}
	var id wire.VersionID
	if *versionID != "" {
		var err error
		if id, err = wire.ParseVersionID(*versionID); err != nil {
			return usageError("--version-id: %v", err)
		}
	}
	doc, err := readStdin("record")
	if err != nil {
		return err
	}
	reg, where, err := f.serdeRegistry(ctx, env)
	if err != nil {
		return err
	}
	var s serde.Schema
	if *versionID != "" {
		s, err = reg.SchemaByVersionID(ctx, id)
	} else {
		s, err = reg.SchemaVersion(ctx, serde.SchemaRef{Registry: f.registryName(), Name: f.schema}, *version)
	}
	if err != nil {
		return registryErr(where, err)
	}
	if *message != "" && s.Format != serde.Protobuf {
		return usageError("--message applies to Protobuf schemas only; %s is %s", s.Ref, s.Format)
	}
	payload, indexes, err := encodePayload(s, doc, *message, *wireFlag == "glue")
	if err != nil {
		return invalid(err)
	}
	var rec []byte
	if *wireFlag == "glue" {
		if s.VersionID == (wire.VersionID{}) {
			return invalid(fmt.Errorf("the registry reported no version ID for %s", s.Ref))
		}
		var c wire.Codec
		if rec, err = c.AppendGlue(nil, s.VersionID, comp, payload); err != nil {
			return invalid(err)
		}
	} else {
		if s.ID == 0 {
			return invalid(fmt.Errorf("the registry reported no integer schema ID for %s: the Glue API has none, pass --confluent-url", s.Ref))
		}
		if s.Format == serde.Protobuf {
			if rec, err = wire.AppendConfluentProtobuf(nil, s.ID, indexes, payload); err != nil {
				return invalid(err)
			}
		} else {
			rec = wire.AppendConfluent(nil, s.ID, payload)
		}
	}
	return writeRecord(env.Stdout, rec, *outFlag)
}

func writeRecord(w io.Writer, rec []byte, how string) error {
	var err error
	switch how {
	case "hex":
		_, err = fmt.Fprintln(w, hex.EncodeToString(rec))
	case "base64":
		_, err = fmt.Fprintln(w, base64.StdEncoding.EncodeToString(rec))
	default:
		_, err = w.Write(rec)
	}
	if err != nil {
		return ioError(err)
	}
	return nil
}

// encodePayload encodes one JSON record with s. For Protobuf it returns
// the Glue payload (message index varint, then the message) when glue is
// set, and otherwise the message with its Confluent index path.
func encodePayload(s serde.Schema, doc []byte, message string, glue bool) ([]byte, []int, error) {
	switch s.Format {
	case serde.Avro:
		p, err := parseAvro(s.Definition)
		if err != nil {
			return nil, nil, err
		}
		b, err := p.EncodeJSON(bytes.TrimSpace(doc))
		if err != nil {
			return nil, nil, fmt.Errorf("the record does not match %s in the Avro JSON encoding: %v", s.Ref, err)
		}
		return b, nil, nil
	case serde.JSON:
		p, err := jsonschema.Parse(s.Definition, schema.Limits{})
		if err != nil {
			return nil, nil, fmt.Errorf("schema %s: %v", s.Ref, err)
		}
		doc = bytes.TrimSpace(doc)
		if err := p.Validate(doc, jsonschema.ValidateOptions{}); err != nil {
			return nil, nil, fmt.Errorf("the record does not match %s: %v", s.Ref, err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, doc); err != nil {
			return nil, nil, err
		}
		return buf.Bytes(), nil, nil
	case serde.Protobuf:
		p, err := protobuf.Parse(s.Definition, schema.Limits{})
		if err != nil {
			return nil, nil, fmt.Errorf("schema %s: %v", s.Ref, err)
		}
		// Without --message, the file's first message, as Confluent's clients choose.
		md := p.FileDescriptor().Messages().Get(0)
		if message != "" {
			if md, err = p.Message(message); err != nil {
				return nil, nil, err
			}
		}
		m := dynamicpb.NewMessage(md)
		if err := (protojson.UnmarshalOptions{}).Unmarshal(doc, m); err != nil {
			return nil, nil, fmt.Errorf("the record is not a %s in Protobuf's JSON mapping: %v", md.FullName(), err)
		}
		body, err := proto.Marshal(m)
		if err != nil {
			return nil, nil, err
		}
		if glue {
			i, _ := p.MessageIndex(md.FullName())
			return append(binary.AppendUvarint(nil, uint64(i)), body...), nil, nil
		}
		return body, protobuf.ConfluentIndexes(md), nil
	}
	return nil, nil, fmt.Errorf("schema %s has the unknown format %q", s.Ref, s.Format)
}

func parseAvro(def string) (*avro.Schema, error) {
	p, err := avro.Handler{}.Parse(def, schema.Limits{})
	if err != nil {
		return nil, err
	}
	return p.(*avro.Schema), nil
}

func runDecode(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "decode", decodeSynopsis)
	var f codecFlags
	f.add(fs)
	inFlag := fs.String("input", "raw", "how the record on stdin is written: raw, hex or base64")
	readerFile := fs.String("reader-schema", "", "Avro: decode into this reader schema `file` (schema resolution), as a consumer on that schema would")
	verbose := fs.Bool("verbose", false, "also print the header, the compression and the writer schema definition on stderr")
	if rest, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError("decode reads the record from stdin and takes no arguments; usage: carta %s", decodeSynopsis)
	}
	if f.used() {
		return usageError("decode finds the schema from the record's header: drop --registry and --schema")
	}
	raw, err := readStdin("record")
	if err != nil {
		return err
	}
	var rec []byte
	switch *inFlag {
	case "raw":
		rec = raw
	case "hex":
		rec, err = hex.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	case "base64":
		rec, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	default:
		return usageError("--input is raw, hex or base64, not %q", *inFlag)
	}
	if err != nil {
		return invalid(fmt.Errorf("the input is not %s: %v", *inFlag, err))
	}
	var reader string
	if *readerFile != "" {
		if reader, err = readSchemaFile(*readerFile); err != nil {
			return err
		}
	}
	wf, err := wire.Detect(rec)
	if err != nil {
		return invalid(fmt.Errorf("not a schema-registry record (a Glue header starts with 0x03, a Confluent one with 0x00): %v", err))
	}
	if wf == wire.FormatConfluent && f.confluentURL == "" {
		return invalid(errors.New("the record has the Confluent framing, whose integer schema IDs the Glue API cannot resolve: pass --confluent-url"))
	}
	reg, where, err := f.serdeRegistry(ctx, env)
	if err != nil {
		return err
	}
	var (
		s       serde.Schema
		payload []byte
		indexes []int
		info    string
	)
	if wf == wire.FormatGlue {
		var c wire.Codec
		h, p, err := c.DecodeGlue(nil, rec)
		if err != nil {
			return invalid(err)
		}
		if s, err = reg.SchemaByVersionID(ctx, h.Version); err != nil {
			return registryErr(where, err)
		}
		payload = p
		info = fmt.Sprintf("glue version-id %s compression %s", h.Version, h.Compression)
	} else {
		id, p, err := wire.ParseConfluent(rec)
		if err != nil {
			return invalid(err)
		}
		if s, err = reg.SchemaByID(ctx, id); err != nil {
			return registryErr(where, err)
		}
		if s.Format == serde.Protobuf {
			if _, indexes, p, err = wire.ParseConfluentProtobuf(rec); err != nil {
				return invalid(err)
			}
		}
		payload = p
		info = fmt.Sprintf("confluent schema-id %d", id)
	}
	out, detail, err := decodePayload(s, payload, indexes, wf == wire.FormatGlue, reader)
	if err != nil {
		return invalid(err)
	}
	fmt.Fprintf(env.Stderr, "%s schema %s version %d format %s%s\n", info, s.Ref, s.Version, s.Format, detail)
	if *verbose {
		fmt.Fprintf(env.Stderr, "header %x\nwriter schema:\n%s\n", rec[:len(rec)-len(payloadOf(rec, wf))], s.Definition)
	}
	if _, err := fmt.Fprintf(env.Stdout, "%s\n", out); err != nil {
		return ioError(err)
	}
	return nil
}

// payloadOf returns the bytes after the fixed header, for --verbose.
func payloadOf(rec []byte, wf wire.Format) []byte {
	if wf == wire.FormatGlue {
		return rec[wire.GlueHeaderLen:]
	}
	return rec[5:]
}

// decodePayload prints one record as JSON: the Avro JSON encoding, the
// JSON record itself, or Protobuf's JSON mapping.
func decodePayload(s serde.Schema, payload []byte, indexes []int, glue bool, reader string) ([]byte, string, error) {
	if reader != "" && s.Format != serde.Avro {
		return nil, "", fmt.Errorf("--reader-schema applies to Avro records; this one is %s", s.Format)
	}
	switch s.Format {
	case serde.Avro:
		if reader == "" {
			p, err := parseAvro(s.Definition)
			if err != nil {
				return nil, "", err
			}
			out, err := p.DecodeJSON(payload)
			if err != nil {
				return nil, "", fmt.Errorf("the payload is not a datum of %s: %v", s.Ref, err)
			}
			return out, "", nil
		}
		return resolveAvro(s, payload, reader)
	case serde.JSON:
		if !json.Valid(payload) {
			return nil, "", errors.New("the payload is not JSON")
		}
		var buf bytes.Buffer
		json.Compact(&buf, payload)
		return buf.Bytes(), "", nil
	case serde.Protobuf:
		p, err := protobuf.Parse(s.Definition, schema.Limits{})
		if err != nil {
			return nil, "", err
		}
		var md protoreflect.MessageDescriptor
		if glue {
			i, n := binary.Uvarint(payload)
			var ok bool
			if md, ok = p.MessageAt(i); n <= 0 || !ok {
				return nil, "", errors.New("the payload does not start with a valid message index")
			}
			payload = payload[n:]
		} else if md, err = p.MessageByConfluentIndexes(indexes); err != nil {
			return nil, "", fmt.Errorf("%s: %v", s.Ref, err)
		}
		m := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(payload, m); err != nil {
			return nil, "", fmt.Errorf("the payload is not a %s: %v", md.FullName(), err)
		}
		out, err := protojson.Marshal(m)
		if err != nil {
			return nil, "", err
		}
		return out, " message " + string(md.FullName()), nil
	}
	return nil, "", fmt.Errorf("unknown format %q", s.Format)
}

// resolveAvro reads a datum written with s into the reader schema (Avro
// schema resolution, through hamba/avro) and prints it in the Avro JSON
// encoding of the reader schema.
func resolveAvro(s serde.Schema, payload []byte, reader string) ([]byte, string, error) {
	ours, err := parseAvro(reader)
	if err != nil {
		return nil, "", fmt.Errorf("--reader-schema: %v", err)
	}
	w, err := hamba.ParseWithCache(s.Definition, "", &hamba.SchemaCache{})
	if err != nil {
		return nil, "", err
	}
	r, err := hamba.ParseWithCache(reader, "", &hamba.SchemaCache{})
	if err != nil {
		return nil, "", fmt.Errorf("--reader-schema: %v", err)
	}
	res, err := hamba.NewSchemaCompatibility().Resolve(r, w)
	if err != nil {
		return nil, "", fmt.Errorf("the reader schema cannot read %s version %d: %v", s.Ref, s.Version, err)
	}
	api := hamba.Config{}.Freeze()
	var v any
	if err := api.Unmarshal(res, payload, &v); err != nil {
		return nil, "", fmt.Errorf("the payload is not a datum of %s: %v", s.Ref, err)
	}
	bin, err := api.Marshal(r, v)
	if err != nil {
		return nil, "", err
	}
	out, err := ours.DecodeJSON(bin)
	if err != nil {
		return nil, "", err
	}
	return out, " (read with the reader schema)", nil
}
