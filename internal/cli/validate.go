package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

const validateSynopsis = `validate --schema F [--format F] [--message M] [--lines] [--assert-formats] [--output O] DATA...`

// problem is one reason a document does not match the schema, placed in its data file.
type problem struct {
	File string `json:"file"`
	// Document is the 1-based number of the document in the file (the line, for JSON lines).
	Document int `json:"document"`
	position
	// Path is a JSON pointer to the offending value inside the document.
	Path    string `json:"path"`
	Message string `json:"message"`
}

// validation is the outcome of `carta validate`; its JSON form is the JSON output.
type validation struct {
	Schema    string    `json:"schema"`
	Format    string    `json:"format"`
	Documents int       `json:"documents"`
	Invalid   int       `json:"invalid"`
	Problems  []problem `json:"problems"`
}

// runValidate is `carta validate`: it checks data against a schema file: JSON documents or
// JSON lines, in the Avro JSON encoding for Avro and the Protobuf JSON mapping for Protobuf. It
// reports every invalid document with the place of its problem (file:line:column and the
// pointer inside the document), and exits 1 when any document is invalid.
func runValidate(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "validate", validateSynopsis)
	schemaFile := fs.String("schema", "", "the schema `file`")
	formatFlag := fs.String("format", "", "schema `format`: AVRO, JSON or PROTOBUF (default: from the file name)")
	message := fs.String("message", "", "Protobuf message `name` the documents are (default: the first message of the file)")
	lines := fs.Bool("lines", false, "read every file as JSON lines, one document per line (default for .jsonl and .ndjson files, and for files that hold several values)")
	assertFormats := fs.Bool("assert-formats", false, `JSON Schema: treat "format" as an assertion ("date-time", "email", ...)`)
	outFlag := fs.String("output", "text", "output `format`: text, json or github")
	data, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	format, err := parseFormat(*formatFlag)
	if err != nil {
		return err
	}
	out, err := parseOutput(*outFlag)
	if err != nil {
		return err
	}
	if *schemaFile == "" || len(data) == 0 {
		return usageError("validate needs --schema and at least one data file (- for stdin); usage: carta %s", validateSynopsis)
	}
	if format == "" {
		if format = formatOf(*schemaFile); format == "" {
			return usageError("cannot tell the format of %s from its name: pass --format AVRO, JSON or PROTOBUF", *schemaFile)
		}
	}
	if *message != "" && format != schema.Protobuf {
		return usageError("--message applies to Protobuf schemas only")
	}
	def, err := readSchemaFile(*schemaFile)
	if err != nil {
		return err
	}
	parsed, err := parseSchema(format, def)
	if err != nil {
		return invalid(fmt.Errorf("%s: %v", *schemaFile, err))
	}
	validate, err := validator(parsed, *message, *assertFormats)
	if err != nil {
		return err
	}
	res := &validation{Schema: *schemaFile, Format: string(format), Problems: []problem{}}
	for _, name := range data {
		text, err := readData(env, name)
		if err != nil {
			return err
		}
		for i, doc := range splitDocuments(name, text, *lines) {
			res.Documents++
			found := validate(doc.text)
			if len(found) == 0 {
				continue
			}
			res.Invalid++
			for _, p := range found {
				p.File, p.Document = name, i+1
				p.Line += doc.line - 1
				res.Problems = append(res.Problems, p)
			}
		}
	}
	printValidation(env.Stdout, out, res)
	if res.Invalid > 0 {
		return failed("%d invalid documents", res.Invalid)
	}
	return nil
}

// validator returns a function that validates one document and places its problems within it
// (line and column relative to the document's first line).
func validator(s schema.Schema, message string, assertFormats bool) (func(doc string) []problem, error) {
	switch s := s.(type) {
	case *avro.Schema:
		return func(doc string) []problem {
			err := s.ValidateJSON([]byte(doc))
			var de *avro.DatumError
			if err == nil {
				return nil
			}
			if !errors.As(err, &de) {
				return []problem{{Message: err.Error(), position: position{Line: 1, Col: 1}}}
			}
			p := problem{Path: de.Path, Message: de.Msg}
			if de.Offset >= 0 {
				p.Line, p.Col = lineCol(doc, de.Offset)
			} else {
				p.position = docPosition(doc, de.Path)
			}
			return []problem{p}
		}, nil
	case *jsonschema.Schema:
		return func(doc string) []problem {
			err := s.Validate([]byte(doc), jsonschema.ValidateOptions{AssertFormats: assertFormats})
			if err == nil {
				return nil
			}
			var ve *jsonschema.ValidationError
			if !errors.As(err, &ve) {
				return []problem{{Message: err.Error(), position: position{Line: 1, Col: 1}}}
			}
			var out []problem
			for _, pr := range ve.Problems {
				msg := pr.Message
				if pr.SchemaPath != "" {
					msg += " (schema " + pr.SchemaPath + ")"
				}
				out = append(out, problem{Path: pr.InstancePath, Message: msg, position: docPosition(doc, pr.InstancePath)})
			}
			return out
		}, nil
	case *protobuf.Schema:
		md, err := s.Message(message)
		if err != nil {
			return nil, usageError("%v", err)
		}
		name := string(md.FullName())
		return func(doc string) []problem {
			err := s.ValidateJSON(name, []byte(doc))
			if err == nil {
				return nil
			}
			var ve *protobuf.ValidationError
			if !errors.As(err, &ve) {
				return []problem{{Message: err.Error(), position: position{Line: 1, Col: 1}}}
			}
			p := problem{Path: ve.Path, Message: ve.Msg, position: position{Line: 1, Col: 1}}
			// protojson places JSON problems in the message: "(line 2:8): ...".
			if m := protoJSONPlace.FindStringSubmatch(ve.Msg); m != nil {
				p.Line, _ = strconv.Atoi(m[1])
				p.Col, _ = strconv.Atoi(m[2])
				p.Message = m[3]
			}
			return []problem{p}
		}, nil
	}
	return nil, ioError(fmt.Errorf("no validator for %T", s))
}

var protoJSONPlace = regexp.MustCompile(`^\(line (\d+):(\d+)\): (.*)$`)

// docPosition places a JSON pointer inside a document: at the offending value, or at the
// deepest value that exists (the object that lacks a member).
func docPosition(doc, ptr string) position {
	tree, err := parseTree(doc)
	if err != nil {
		return position{Line: 1, Col: 1}
	}
	n, _, _ := tree.resolve(ptr)
	line, col := lineCol(doc, n.off)
	return position{Line: line, Col: col}
}

func readData(env *Env, name string) (string, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return "", ioError(fmt.Errorf("cannot read %s: %v", name, pe.Err))
		}
		return "", ioError(err)
	}
	return string(b), nil
}

// document is one document of a data file, with the line it starts on.
type document struct {
	text string
	line int
}

// splitDocuments cuts a data file into documents: one document, or one per non-blank line for
// JSON lines (--lines, a .jsonl or .ndjson file, or a file holding several JSON values).
func splitDocuments(name, text string, lines bool) []document {
	ext := strings.ToLower(filepath.Ext(name))
	if !lines && ext != ".jsonl" && ext != ".ndjson" && !severalValues(text) {
		return []document{{text: text, line: 1}}
	}
	var docs []document
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) != "" {
			docs = append(docs, document{text: strings.TrimSuffix(l, "\r"), line: i + 1})
		}
	}
	return docs
}

// severalValues reports whether text is a sequence of more than one JSON value.
func severalValues(text string) bool {
	dec := json.NewDecoder(strings.NewReader(text))
	n := 0
	for {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return n > 1 && errors.Is(err, io.EOF)
		}
		n++
	}
}

func printValidation(w io.Writer, out output, res *validation) {
	if out == outJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(res)
		return
	}
	for _, p := range res.Problems {
		where := ""
		if p.Path != "" {
			where = p.Path + ": "
		}
		if out == outGitHub {
			fmt.Fprintf(w, "::error %s::%s\n", ghProps(p.File, p.position, "invalid document"), ghData(where+p.Message))
		} else {
			fmt.Fprintf(w, "%s%s: %s%s\n", p.File, at(p.position), where, p.Message)
		}
	}
	if res.Invalid == 0 {
		fmt.Fprintf(w, "%s valid against %s\n", plural(res.Documents, "document", "documents"), res.Schema)
	} else {
		fmt.Fprintf(w, "%d of %s invalid against %s\n", res.Invalid, plural(res.Documents, "document", "documents"), res.Schema)
	}
}
