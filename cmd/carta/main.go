// Command carta is Carta's single binary: the schema registry server and its command-line tools.
//
//	carta serve [flags]     run the registry (AWS Glue Schema Registry API)
//	carta check ...         check a schema's compatibility, registering nothing
//	carta register ...      check a schema locally, then register it
//	carta diff ...          list what changed between two schemas, and what breaks
//	carta validate ...      validate JSON documents against a schema
//	carta init [DIR]        write a carta.yaml declaring the schema files found
//	carta encode ...        frame one JSON record on stdin with a registered schema version
//	carta decode ...        decode one framed record (Glue or Confluent) on stdin to JSON
//	carta export ...        write the whole registry store as JSON lines (a backup)
//	carta import ...        read an export into an empty store (a restore, or a move between stores)
//	carta version           print the version
//
// Every flag of `carta serve` can also be set with an environment variable: --addr is
// CARTA_ADDR, --data-dir is CARTA_DATA_DIR, and so on (upper case, dashes as underscores, with
// the CARTA_ prefix). A flag on the command line wins over the environment. --store (CARTA_STORE)
// selects PostgreSQL with a postgres:// URL, so that several servers share one registry; by
// default the registry is a SQLite file in --data-dir.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cartaschema/carta/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr)
	case "check", "register", "diff", "validate", "init", "encode", "decode", "export", "import":
		return cli.Run(ctx, args[0], args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "carta", version)
		return 0
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "carta: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Carta is a schema registry that speaks the AWS Glue Schema Registry API.

Usage:
  carta serve [flags]   run the registry server (carta serve -h lists the flags)
  carta check           check compatibility: two files, a file against a registry, or
                        every schema of carta.yaml against a git ref (--against)
  carta register        check a schema file locally, then register it
  carta diff            list what changed between two schemas and what each change breaks
  carta validate        validate JSON documents or JSON lines against a schema file
  carta init [DIR]      write a carta.yaml declaring the schema files found
  carta encode          frame one JSON record from stdin as a producer would (Glue or
                        Confluent wire format)
  carta decode          decode one framed record from stdin and print it as JSON
  carta export          write the whole store (--store or --data-dir) as JSON lines: a backup
  carta import          read an export into an empty store: a restore, or a move from SQLite
                        to PostgreSQL (see docs/operations.md)
  carta version         print the version

Exit status: 0 compatible or accepted, 1 incompatible, invalid or refused, 2 usage, I/O or
network error. "carta COMMAND -h" lists a command's flags. See docs/ci.md.
`)
}
