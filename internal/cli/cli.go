// Package cli implements Carta's command-line tools for producers' CI: carta check, register,
// diff, validate and init; and for operators: carta export and import (internal/backup). Every command checks compatibility with the same engine the server
// runs (schema.Check with the server's format handlers), so a verdict in CI is the verdict the
// registry gives.
//
// Exit status is decided in one place, exitCode: 0 = compatible or accepted, 1 = incompatible,
// invalid or refused, 2 = a usage, I/O or network error. A command prints its results on
// stdout and an error as one line on stderr, never a stack trace.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/schema"
)

// Exit statuses.
const (
	ExitOK     = 0 // compatible, accepted, nothing to report
	ExitFailed = 1 // incompatible, invalid schema, refused by the registry
	ExitError  = 2 // usage, I/O or network error
)

// Command is one subcommand of the carta binary.
type Command struct {
	// Name is the word after "carta".
	Name string
	// Usage is the one-line synopsis shown by "carta help".
	Usage string
	// Run executes the command. Its error decides the exit status (see exitCode).
	Run func(ctx context.Context, env *Env, args []string) error
}

// Commands lists the CLI's subcommands in the order "carta help" shows them.
func Commands() []Command {
	return []Command{
		{"check", "check [flags] OLD NEW | --registry R --schema S --file F | --against REF", runCheck},
		{"register", "register --registry R --schema S --file F [flags]", runRegister},
		{"diff", "diff [flags] OLD NEW | --registry R --schema S V1 V2", runDiff},
		{"validate", "validate --schema F [flags] DATA...", runValidate},
		{"init", "init [--registry R] [--mode M] [--force] [DIR]", runInit},
		{"encode", encodeSynopsis, runEncode},
		{"decode", decodeSynopsis, runDecode},
		{"export", exportSynopsis, runExport},
		{"import", importSynopsis, runImport},
	}
}

// Lookup returns the command named name.
func Lookup(name string) (Command, bool) {
	for _, c := range Commands() {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Env is what a command sees of its process.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
}

func (e *Env) getenv(k string) string {
	if e.Getenv == nil {
		return os.Getenv(k)
	}
	return e.Getenv(k)
}

// Run runs the command named name with args and returns the process exit status.
func Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must still end in one line and exit 2, not a stack trace in a CI log.
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "carta %s: internal error: %v (please report it)\n", name, p)
			code = ExitError
		}
	}()
	cmd, ok := Lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "carta: unknown command %q\n", name)
		return ExitError
	}
	env := &Env{Stdout: stdout, Stderr: stderr}
	err := cmd.Run(ctx, env, args)
	code = exitCode(err)
	var f *failure
	if err != nil && !errors.Is(err, flag.ErrHelp) && !(errors.As(err, &f) && f.printed) {
		fmt.Fprintf(stderr, "carta %s: %s\n", name, oneLine(err.Error()))
	}
	return code
}

// failure is an error with an exit status. printed marks a failure whose details the command
// has already written (an incompatibility report), so Run adds nothing.
type failure struct {
	code    int
	err     error
	printed bool
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// usageError is a mistake on the command line (exit 2).
func usageError(format string, args ...any) error {
	return &failure{code: ExitError, err: fmt.Errorf(format, args...)}
}

// ioError is a file, git or network problem (exit 2).
func ioError(err error) error { return &failure{code: ExitError, err: err} }

// failed is a verdict: incompatible, invalid or refused (exit 1). The report is already printed.
func failed(format string, args ...any) error {
	return &failure{code: ExitFailed, err: fmt.Errorf(format, args...), printed: true}
}

// invalid is an invalid schema or input (exit 1) not yet printed.
func invalid(err error) error { return &failure{code: ExitFailed, err: err} }

// exitCode maps a command's error to its exit status: the one place that does.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	var f *failure
	if errors.As(err, &f) {
		return f.code
	}
	return ExitError
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newFlagSet returns a flag set that reports its errors through the command's error, so that
// the usage text goes to stderr once and the exit status is 2.
func newFlagSet(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("carta "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: carta %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments (carta check a.avsc
// b.avsc --mode FULL), as CI scripts tend to write them.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &failure{code: ExitError, err: err, printed: true}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// handlers returns the server's format handlers by format: the CLI never has its own.
func handlers() map[schema.Format]schema.Handler {
	hs := map[schema.Format]schema.Handler{}
	for _, h := range server.Handlers() {
		hs[h.Format()] = h
	}
	return hs
}

// parseFormat reads a --format value; "" stays "".
func parseFormat(v string) (schema.Format, error) {
	if v == "" {
		return "", nil
	}
	f := schema.Format(strings.ToUpper(v))
	if !f.Valid() {
		return "", usageError("unknown format %q: want AVRO, JSON or PROTOBUF", v)
	}
	return f, nil
}

// parseMode reads a --mode or --compatibility value; "" stays "".
func parseMode(v string) (schema.Mode, error) {
	if v == "" {
		return "", nil
	}
	m := schema.Mode(strings.ToUpper(v))
	if !m.Valid() {
		names := make([]string, len(schema.Modes))
		for i, x := range schema.Modes {
			names[i] = string(x)
		}
		return "", usageError("unknown compatibility mode %q: want one of %s", v, strings.Join(names, ", "))
	}
	return m, nil
}

// formatOf guesses a schema file's format from its name: .avsc is Avro, .proto Protobuf,
// .json JSON Schema.
func formatOf(path string) schema.Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".avsc", ".avro":
		return schema.Avro
	case ".proto":
		return schema.Protobuf
	case ".json":
		return schema.JSON
	}
	return ""
}

// readSchemaFile reads a schema file; a missing or unreadable file is an I/O error (exit 2).
func readSchemaFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return "", ioError(fmt.Errorf("cannot read %s: %v", path, pe.Err))
		}
		return "", ioError(err)
	}
	if len(b) > schema.DefaultMaxBytes {
		return "", ioError(fmt.Errorf("cannot read %s: %d bytes is larger than a schema may be (%d)", path, len(b), schema.DefaultMaxBytes))
	}
	return string(b), nil
}

// parseSchema parses a definition with the format's handler. An invalid definition is a verdict
// (exit 1), not an I/O error.
func parseSchema(format schema.Format, def string) (schema.Schema, error) {
	h, ok := handlers()[format]
	if !ok {
		return nil, usageError("unknown format %q", format)
	}
	return h.Parse(def, schema.Limits{})
}

// runCheckEngine runs the engine, turning a format without a compatibility checker into a clear
// error (exit 2): the CLI never reports "compatible" for a check it could not make.
func runCheckEngine(format schema.Format, mode schema.Mode, candidate schema.Schema, history []schema.Versioned) ([]schema.Incompatibility, error) {
	found, err := schema.Check(handlers()[format], mode, candidate, history, schema.CheckOptions{})
	if errors.Is(err, schema.ErrCheckUnsupported) {
		return nil, errCheckUnsupported(format)
	}
	if err != nil {
		return nil, ioError(err)
	}
	return found, nil
}

// errNoChecker marks a check that could not run because the format has no checker.
var errNoChecker = errors.New("no compatibility checker")

func errCheckUnsupported(format schema.Format) error {
	return &failure{code: ExitError, err: fmt.Errorf("cannot check %s schemas yet: Carta's %s compatibility checker is not available in this build, so no verdict was given%w", format, format, noChecker{})}
}

// noChecker lets errors.Is find errNoChecker in a message that does not show it.
type noChecker struct{}

func (noChecker) Error() string        { return "" }
func (noChecker) Is(target error) bool { return target == errNoChecker }
