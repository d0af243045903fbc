package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

const initSynopsis = `init [--registry R] [--mode M] [--force] [DIR]`

// runInit is `carta init`: it finds the schema files under DIR and writes DIR/carta.yaml
// declaring each one: *.avsc as AVRO, *.proto as PROTOBUF, *.json that look like a JSON Schema
// (a "$schema" member or "type": "object") as JSON. Files that do not parse are left out and
// named on stderr. Hidden directories, node_modules, vendor and testdata are not searched.
func runInit(ctx context.Context, env *Env, args []string) error {
	fset := newFlagSet(env, "init", initSynopsis)
	registryFlag := fset.String("registry", "", "registry `name` to declare for every schema (default: none, i.e. default-registry)")
	modeFlag := fset.String("mode", "BACKWARD", "compatibility `mode` to declare for every schema")
	force := fset.Bool("force", false, "overwrite an existing carta.yaml")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	mode, err := parseMode(*modeFlag)
	if err != nil {
		return err
	}
	dir := "."
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		return usageError("want at most one directory")
	}
	out := filepath.Join(dir, "carta.yaml")
	if _, err := os.Stat(out); err == nil && !*force {
		return usageError("%s exists: pass --force to overwrite it", out)
	}
	cfg := &Config{Schemas: []Entry{}}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		e, why := detect(path)
		if e == nil {
			if why != "" {
				fmt.Fprintf(env.Stderr, "carta init: skipped %s: %s\n", path, why)
			}
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		e.File = filepath.ToSlash(rel)
		e.Registry = *registryFlag
		e.Mode = string(mode)
		cfg.Schemas = append(cfg.Schemas, *e)
		return nil
	})
	if err != nil {
		return ioError(err)
	}
	b, err := marshalConfig(cfg)
	if err != nil {
		return ioError(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return ioError(err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s\n", out, plural(len(cfg.Schemas), "schema", "schemas"))
	for _, e := range cfg.Schemas {
		fmt.Fprintf(env.Stdout, "  %s  %s %s\n", e.File, e.Format, e.Schema)
	}
	return nil
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == "testdata"
}

// detect returns the entry for a schema file, or nil and why it was skipped ("" for a file that
// is not a schema at all).
func detect(path string) (*Entry, string) {
	var format schema.Format
	switch strings.ToLower(filepath.Ext(path)) {
	case ".avsc":
		format = schema.Avro
	case ".proto":
		format = schema.Protobuf
	case ".json":
		format = schema.JSON
	default:
		return nil, ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err.Error()
	}
	def := string(b)
	var tree *node
	if format != schema.Protobuf {
		tree, err = parseTree(def)
		if err != nil {
			if format == schema.JSON {
				return nil, "" // JSON data, not ours to judge
			}
			return nil, "not valid JSON: " + err.Error()
		}
	}
	if format == schema.JSON && (tree.kind != kindObject || (tree.get("$schema") == nil && tree.get("type").text() != "object")) {
		return nil, "" // a JSON file that is not a JSON Schema
	}
	parsed, err := parseSchema(format, def)
	if err != nil {
		var pe *schema.ParseError
		if errors.As(err, &pe) {
			return nil, pe.Error()
		}
		return nil, err.Error()
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	switch format {
	case schema.Avro:
		if n := tree.get("name").text(); n != "" {
			name = n[strings.LastIndexByte(n, '.')+1:]
		}
	case schema.JSON:
		if t := tree.get("title").text(); t != "" {
			name = t
		}
	case schema.Protobuf:
		if p, ok := parsed.(*protobuf.Schema); ok && p.FileDescriptor().Messages().Len() > 0 {
			name = string(p.FileDescriptor().Messages().Get(0).Name())
		}
	}
	return &Entry{Schema: glueName(name), Format: string(format)}, ""
}

var nameChars = regexp.MustCompile(`[^a-zA-Z0-9\-_$#.]+`)

// glueName makes a valid Glue schema name: 1-255 characters of [a-zA-Z0-9-_$#.].
func glueName(s string) string {
	s = nameChars.ReplaceAllString(s, "_")
	if len(s) > 255 {
		s = s[:255]
	}
	if s == "" {
		s = "schema"
	}
	return s
}
