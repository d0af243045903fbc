package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cartaschema/carta/internal/api/glue"
	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/schema"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("carta serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	var logLevel, logFormat string
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8081", "listen `address`")
	fs.StringVar(&cfg.Store, "store", "", "the store: a postgres://user@host:5432/db (or postgresql://) `URL` for PostgreSQL, sqlite:PATH for a SQLite file, or empty for SQLite in --data-dir; pass a password through CARTA_STORE, PGPASSWORD or ~/.pgpass rather than the command line")
	fs.StringVar(&cfg.DataDir, "data-dir", "carta-data", "`directory` of the embedded SQLite database when --store is empty")
	fs.StringVar(&cfg.Account, "account-id", "123456789012", "AWS account `ID` used in ARNs")
	fs.StringVar(&cfg.Region, "region", "us-east-1", "AWS `region` used in ARNs when a request is not signed")
	fs.BoolVar(&cfg.RejectIncompatible, "reject-incompatible", false, "answer an incompatible registration with InvalidInputException instead of Status FAILURE")
	fs.Func("confluent-incompatible-code", "`error_code` of an incompatible registration through the Confluent API: 409 (default) or 40901", func(v string) error {
		switch v {
		case "409":
			cfg.ConfluentIncompatibleCode = 409
		case "40901":
			cfg.ConfluentIncompatibleCode = 40901
		default:
			return fmt.Errorf("want 409 or 40901")
		}
		return nil
	})
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", glue.DefaultMaxBodyBytes, "largest request body in `bytes`")
	fs.IntVar(&cfg.Limits.MaxBytes, "max-schema-bytes", schema.DefaultMaxBytes, "largest schema definition in `bytes` (the Glue API also limits it to 170,000 characters)")
	fs.IntVar(&cfg.Limits.MaxDepth, "max-schema-depth", schema.DefaultMaxDepth, "deepest nesting of a schema definition")
	fs.IntVar(&cfg.Quotas.MaxRegistries, "max-registries", 100, "registry quota")
	fs.IntVar(&cfg.Quotas.MaxSchemas, "max-schemas", 10000, "schema quota")
	fs.IntVar(&cfg.Quotas.MaxVersions, "max-schema-versions", 10000, "schema version quota (all schemas)")
	fs.IntVar(&cfg.Quotas.MaxMetadata, "max-metadata", 10, "metadata key/value pairs per version")
	fs.Func("compatibility-policy", "default compatibility `policy` of JSON schemas: STRICT or LENIENT (a schema's tag carta:compatibility-policy overrides it)", func(v string) error {
		if p := schema.Policy(v); p == "" || !p.Valid() {
			return fmt.Errorf("want STRICT or LENIENT")
		}
		cfg.DefaultPolicy = schema.Policy(v)
		return nil
	})
	fs.StringVar(&logLevel, "log-level", "info", "log `level`: debug, info, warn, error")
	fs.StringVar(&logFormat, "log-format", "text", "log `format`: text or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "carta serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := applyEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintln(stderr, "carta serve:", err)
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		fmt.Fprintf(stderr, "carta serve: invalid log level %q\n", logLevel)
		return 2
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch logFormat {
	case "text":
		h = slog.NewTextHandler(stderr, opts)
	case "json":
		h = slog.NewJSONHandler(stderr, opts)
	default:
		fmt.Fprintf(stderr, "carta serve: invalid log format %q\n", logFormat)
		return 2
	}
	log := slog.New(h)
	if err := server.Run(ctx, cfg, log, nil); err != nil {
		log.Error("carta serve failed", "err", err)
		return 1
	}
	return 0
}

// applyEnv sets every flag not given on the command line from its CARTA_ environment variable.
func applyEnv(fs *flag.FlagSet, lookup func(string) (string, bool)) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var firstErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || firstErr != nil {
			return
		}
		name := envName(f.Name)
		if v, ok := lookup(name); ok {
			if err := f.Value.Set(v); err != nil {
				firstErr = fmt.Errorf("invalid %s=%q: %v", name, v, err)
			}
		}
	})
	return firstErr
}

// envName maps a flag name to its environment variable: data-dir → CARTA_DATA_DIR.
func envName(flagName string) string {
	return "CARTA_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
