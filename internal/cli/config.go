package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cartaschema/carta/schema"
)

// Config is the content of carta.yaml: the schema files of a repository and where each one is
// registered.
//
//	schemas:
//	  - file: schemas/payment_captured.avsc   # relative to carta.yaml
//	    registry: payments                     # default: default-registry
//	    schema: PaymentCaptured                # default: the file name without extension
//	    format: AVRO                           # default: from the extension
//	    mode: BACKWARD                         # default: BACKWARD
type Config struct {
	Schemas []Entry `yaml:"schemas"`
}

// Entry declares one schema file.
type Entry struct {
	File     string `yaml:"file"`
	Registry string `yaml:"registry,omitempty"`
	Schema   string `yaml:"schema,omitempty"`
	Format   string `yaml:"format,omitempty"`
	Mode     string `yaml:"mode,omitempty"`
}

// format returns the declared or implied format.
func (e *Entry) format() schema.Format {
	if e.Format != "" {
		return schema.Format(strings.ToUpper(e.Format))
	}
	return formatOf(e.File)
}

// schemaName returns the declared schema name, else the file name without its extension.
func (e *Entry) schemaName() string {
	if e.Schema != "" {
		return e.Schema
	}
	base := path.Base(e.File)
	return strings.TrimSuffix(base, path.Ext(base))
}

// registryName returns the declared registry, else default-registry.
func (e *Entry) registryName() string {
	if e.Registry != "" {
		return e.Registry
	}
	return "default-registry"
}

// mode returns the declared mode, BACKWARD by default.
func (e *Entry) mode() schema.Mode {
	if e.Mode != "" {
		return schema.Mode(strings.ToUpper(e.Mode))
	}
	return schema.Backward
}

var unknownKey = regexp.MustCompile(`field (\S+) not found in type cli\.\w+`)

// parseConfig reads carta.yaml. Unknown keys are errors: a misspelt "mode" must not silently
// become BACKWARD.
func parseConfig(name string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msgs := make([]string, len(te.Errors))
			for i, m := range te.Errors {
				msgs[i] = unknownKey.ReplaceAllString(m, `unknown key "$1" (want file, registry, schema, format, mode)`)
				msgs[i] = strings.ReplaceAll(msgs[i], "into cli.Config", "into the top level (want schemas: a list)")
			}
			return nil, fmt.Errorf("%s: %s", name, strings.Join(msgs, "; "))
		}
		return nil, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	seen := map[string]bool{}
	for i := range c.Schemas {
		e := &c.Schemas[i]
		where := fmt.Sprintf("%s: schemas[%d]", name, i)
		if e.File == "" {
			return nil, fmt.Errorf("%s: no file", where)
		}
		e.File = path.Clean(strings.ReplaceAll(e.File, "\\", "/"))
		if path.IsAbs(e.File) {
			return nil, fmt.Errorf("%s: file %s must be relative to carta.yaml", where, e.File)
		}
		if seen[e.File] {
			return nil, fmt.Errorf("%s: %s is declared twice", where, e.File)
		}
		seen[e.File] = true
		if f := e.format(); !f.Valid() {
			if e.Format == "" {
				return nil, fmt.Errorf("%s: cannot tell the format of %s from its name: add format: AVRO, JSON or PROTOBUF", where, e.File)
			}
			return nil, fmt.Errorf("%s: unknown format %q: want AVRO, JSON or PROTOBUF", where, e.Format)
		}
		if m := e.mode(); !m.Valid() {
			return nil, fmt.Errorf("%s: unknown mode %q", where, e.Mode)
		}
	}
	return &c, nil
}

// readConfig reads and checks a carta.yaml file; every problem is exit 2.
func readConfig(file string) (*Config, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ioError(fmt.Errorf("no %s here: write one with carta init, or pass --config", file))
	}
	if err != nil {
		return nil, ioError(err)
	}
	c, err := parseConfig(file, b)
	if err != nil {
		return nil, ioError(err)
	}
	return c, nil
}

// marshalConfig renders c as carta.yaml, with a header that says what the file is.
func marshalConfig(c *Config) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(configHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

const configHeader = `# carta.yaml: the schema files of this repository and where each is registered.
# "carta check --against origin/main" checks each file against its content at that git ref
# under its mode; "carta register" takes registry and schema from the command line.
# file: relative to this file; format: AVRO | JSON | PROTOBUF; mode: BACKWARD (default),
# BACKWARD_ALL, FORWARD, FORWARD_ALL, FULL, FULL_ALL, NONE or DISABLED.
`

// declared finds file in the carta.yaml at configPath and fills the registry and schema of rf
// (and format and mode, where still empty) from its entry. A command given --file without
// --schema uses it, so a CI step needs only the file's path.
func declared(configPath, file string, rf *registryFlags, format *schema.Format, mode *schema.Mode) error {
	cfg, err := readConfig(configPath)
	if err != nil {
		return usageError("--file %s without --schema needs the schema declared in %s: %v", file, configPath, err)
	}
	want, err := filepath.Abs(file)
	if err != nil {
		return ioError(err)
	}
	dir := filepath.Dir(configPath)
	for _, e := range cfg.Schemas {
		got, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(e.File)))
		if err != nil || got != want {
			continue
		}
		if rf.registry == "" {
			rf.registry = e.registryName()
		}
		rf.schema = e.schemaName()
		if *format == "" {
			*format = e.format()
		}
		if *mode == "" {
			*mode = e.mode()
		}
		return nil
	}
	return usageError("%s is not declared in %s: pass --schema (and --registry), or declare it", file, configPath)
}
