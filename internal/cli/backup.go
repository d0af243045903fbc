package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cartaschema/carta/internal/backup"
	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/server"
)

const (
	exportSynopsis = "export [--store URL | --data-dir DIR] [--output FILE]"
	importSynopsis = "import [--store URL | --data-dir DIR] [--input FILE]"
)

// storeFlags are --store and --data-dir, as `carta serve` takes them, with the same
// environment variables CARTA_STORE and CARTA_DATA_DIR.
type storeFlags struct {
	store, dataDir string
}

func (sf *storeFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&sf.store, "store", "", "the store: a postgres:// (or postgresql://) `URL`, sqlite:PATH, or empty for SQLite in --data-dir (default $CARTA_STORE); pass a password through CARTA_STORE, PGPASSWORD or ~/.pgpass rather than the command line")
	fs.StringVar(&sf.dataDir, "data-dir", "", "`directory` of the SQLite database when --store is empty (default $CARTA_DATA_DIR, else carta-data)")
}

// open opens the store the flags select. A flag on the command line wins over the environment;
// --data-dir on the command line also wins over CARTA_STORE.
func (sf *storeFlags) open(ctx context.Context, env *Env, fs *flag.FlagSet, mustExist bool) (registry.Store, string, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["store"] && set["data-dir"] {
		return nil, "", usageError("give --store or --data-dir, not both")
	}
	cfg := server.StoreConfig{Store: sf.store, DataDir: sf.dataDir, MustExist: mustExist}
	if !set["store"] && !set["data-dir"] {
		cfg.Store = env.getenv("CARTA_STORE")
	}
	if !set["data-dir"] {
		cfg.DataDir = env.getenv("CARTA_DATA_DIR")
	}
	store, desc, err := server.OpenStore(ctx, cfg)
	if err != nil {
		return nil, "", ioError(err)
	}
	return store, desc, nil
}

// runExport is `carta export`: the whole store as JSON lines, read in one transaction.
func runExport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "export", exportSynopsis)
	var sf storeFlags
	sf.add(fs)
	output := fs.String("output", "-", "the `file` to write (- for stdout); it appears only once the export is complete")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("unexpected argument %q: the file to write is --output", pos[0])
	}
	store, desc, err := sf.open(ctx, env, fs, true)
	if err != nil {
		return err
	}
	defer store.Close()

	var n backup.Counts
	if *output == "-" || *output == "" {
		n, err = backup.Export(ctx, store, env.Stdout)
		if err != nil {
			return exportError(err)
		}
	} else {
		n, err = exportFile(ctx, store, *output)
		if err != nil {
			return err
		}
	}
	to := "stdout"
	if *output != "-" && *output != "" {
		to = *output
	}
	fmt.Fprintf(env.Stderr, "carta export: %s from %s to %s\n", n, desc, to)
	return nil
}

// exportError classifies an export failure: text a JSON line cannot carry is the data's
// (exit 1); anything else is the store's or the output's (exit 2).
func exportError(err error) error {
	if errors.Is(err, backup.ErrNotUTF8) {
		return invalid(fmt.Errorf("export failed: %w", err))
	}
	return ioError(fmt.Errorf("export failed: %w", err))
}

// exportFile writes the export to a temporary file next to path (mode 0600, as os.CreateTemp
// makes it) and renames it to path once it is complete and on disk, so that path never holds a
// partial export.
func exportFile(ctx context.Context, store registry.Store, path string) (backup.Counts, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return backup.Counts{}, ioError(fmt.Errorf("cannot write %s: %w", path, err))
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	n, err := backup.Export(ctx, store, f)
	if err != nil {
		return n, exportError(err)
	}
	if err := f.Sync(); err != nil {
		return n, ioError(fmt.Errorf("cannot write %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return n, ioError(fmt.Errorf("cannot write %s: %w", path, err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return n, ioError(fmt.Errorf("cannot write %s: %w", path, err))
	}
	done = true
	return n, nil
}

// runImport is `carta import`: an export read into an empty store, in one transaction.
func runImport(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "import", importSynopsis)
	var sf storeFlags
	sf.add(fs)
	input := fs.String("input", "-", "the export `file` to read (- for stdin)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("unexpected argument %q: the file to read is --input", pos[0])
	}
	var r io.Reader = os.Stdin
	from := "stdin"
	if *input != "-" && *input != "" {
		f, err := os.Open(*input)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return ioError(fmt.Errorf("cannot read %s: %v", *input, pe.Err))
			}
			return ioError(err)
		}
		defer f.Close()
		r, from = f, *input
	}
	store, desc, err := sf.open(ctx, env, fs, false)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := backup.Import(ctx, store, r)
	var le *backup.LineError
	switch {
	case errors.As(err, &le):
		return invalid(fmt.Errorf("%s: %w; nothing was imported", from, err))
	case errors.Is(err, backup.ErrNotEmpty):
		return invalid(fmt.Errorf("%s: %w; nothing was imported", desc, err))
	case err != nil:
		return ioError(fmt.Errorf("import failed, nothing was imported: %w", err))
	}
	fmt.Fprintf(env.Stdout, "imported %s from %s into %s\n", n, from, desc)
	return nil
}
