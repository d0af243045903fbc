// Package server wires Carta's parts into the `carta serve` process: configuration, the store,
// the registry service, the API dialects, health endpoints and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cartaschema/carta/internal/api/confluent"
	"github.com/cartaschema/carta/internal/api/glue"
	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/store/postgres"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// Config is the configuration of a Carta server.
type Config struct {
	// Addr is the listen address (default 127.0.0.1:8081).
	Addr string
	// Store selects the store: a postgres:// or postgresql:// connection URL for PostgreSQL
	// (internal/store/postgres), "sqlite:PATH" for a SQLite database file at PATH, or "" (the
	// default) for SQLite in DataDir.
	Store string
	// DataDir holds the embedded SQLite database (default ./carta-data) when Store is "".
	DataDir string
	// Account is the AWS account ID used in ARNs (default 123456789012).
	Account string
	// Region is the AWS region used in ARNs when a request carries none (default us-east-1).
	Region string
	// RejectIncompatible answers an incompatible registration with InvalidInputException
	// instead of AWS Glue's 200 with Status FAILURE. (The Confluent API always refuses one.)
	RejectIncompatible bool
	// ConfluentIncompatibleCode is the error_code the Confluent API answers an incompatible
	// registration with: 409 (the default) or 40901.
	ConfluentIncompatibleCode int
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// Limits bound schema definitions before parsing.
	Limits schema.Limits
	// Quotas bound the number of entities.
	Quotas registry.Quotas
	// DefaultPolicy is the compatibility policy of schemas without the policy tag.
	DefaultPolicy schema.Policy
	// ShutdownTimeout bounds the wait for in-flight requests on shutdown (default 10 s).
	ShutdownTimeout time.Duration
}

// Handlers returns the format handlers a server registers.
func Handlers() []schema.Handler {
	return []schema.Handler{avro.Handler{}, jsonschema.Handler{}, protobuf.Handler{}}
}

// Run serves until ctx is done, then shuts down gracefully. ready, when not nil, receives the
// bound address once the server accepts connections.
func Run(ctx context.Context, cfg Config, log *slog.Logger, ready func(addr string)) error {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8081"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "carta-data"
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	store, storeDesc, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	svc, err := registry.NewService(ctx, store, registry.Options{
		Handlers:           Handlers(),
		Limits:             cfg.Limits,
		Quotas:             cfg.Quotas,
		Logger:             log,
		RejectIncompatible: cfg.RejectIncompatible,
		DefaultPolicy:      cfg.DefaultPolicy,
	})
	if err != nil {
		return fmt.Errorf("starting the registry: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := svc.Ping(r.Context()); err != nil {
			log.WarnContext(r.Context(), "readiness check failed", "err", err)
			writeStatus(w, http.StatusServiceUnavailable, "store unavailable")
			return
		}
		writeStatus(w, http.StatusOK, "ready")
	})
	glueAPI := glue.NewHandler(svc, glue.Config{
		Account: cfg.Account, Region: cfg.Region, MaxBodyBytes: cfg.MaxBodyBytes, Logger: log,
	})
	confluentAPI, err := confluent.NewHandler(svc, confluent.Config{
		MaxBodyBytes: cfg.MaxBodyBytes, IncompatibleErrorCode: cfg.ConfluentIncompatibleCode, Logger: log,
	})
	if err != nil {
		return err
	}
	mux.Handle("/", Dialects(glueAPI, confluentAPI))

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("carta is serving", "addr", ln.Addr().String(), "store", storeDesc)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// Dialects routes a request to the API dialect it speaks: a request with an X-Amz-Target
// header (every AWS JSON 1.1 request has one: POST / with X-Amz-Target: AWSGlue.<Op>) to
// glueAPI, every other request to confluentAPI, which serves the Confluent REST paths, its own
// POST / among them.
func Dialects(glueAPI, confluentAPI http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "" {
			glueAPI.ServeHTTP(w, r)
			return
		}
		confluentAPI.ServeHTTP(w, r)
	})
}

// openStore opens the store cfg.Store selects, creating the SQLite database (and its
// directory) when it does not exist and migrating either store to the current schema. It also
// returns a description of the store for the log, without a password.
func openStore(ctx context.Context, cfg Config) (registry.Store, string, error) {
	return OpenStore(ctx, StoreConfig{Store: cfg.Store, DataDir: cfg.DataDir})
}

// StoreConfig selects a store, as `carta serve` does with --store and --data-dir.
type StoreConfig struct {
	// Store is a postgres:// or postgresql:// connection URL, "sqlite:PATH", or "" for SQLite
	// in DataDir (see Config.Store).
	Store string
	// DataDir holds the SQLite database carta.db when Store is "".
	DataDir string
	// MustExist refuses a SQLite database file that does not exist instead of creating it
	// (with its directory): a command that only reads the store, such as carta export, should
	// not leave an empty database behind a mistyped path.
	MustExist bool
}

// OpenStore opens the store sc selects and migrates it to the current schema. It also returns
// a description of the store for messages, without a password. The caller must close the
// store.
func OpenStore(ctx context.Context, sc StoreConfig) (registry.Store, string, error) {
	switch {
	case sc.Store == "":
		dir := sc.DataDir
		if dir == "" {
			dir = "carta-data"
		}
		path := filepath.Join(dir, "carta.db")
		if err := prepareSQLite(path, dir, sc.MustExist); err != nil {
			return nil, "", err
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, "", fmt.Errorf("opening the store in %s: %w", dir, err)
		}
		return db, "sqlite " + path, nil
	case strings.HasPrefix(sc.Store, "sqlite:"):
		path := strings.TrimPrefix(sc.Store, "sqlite:")
		if path == "" {
			return nil, "", errors.New("store sqlite: names no file: want sqlite:PATH")
		}
		if err := prepareSQLite(path, filepath.Dir(path), sc.MustExist); err != nil {
			return nil, "", err
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, "", fmt.Errorf("opening the store %s: %w", path, err)
		}
		return db, "sqlite " + path, nil
	case strings.HasPrefix(sc.Store, "postgres://"), strings.HasPrefix(sc.Store, "postgresql://"):
		// The error names the database but never shows the password.
		db, err := postgres.Open(ctx, sc.Store)
		if err != nil {
			return nil, "", fmt.Errorf("opening the store: %w", err)
		}
		return db, "postgres " + db.String(), nil
	default:
		// Only the scheme: the rest may hold a password.
		scheme, _, ok := strings.Cut(sc.Store, ":")
		if !ok || strings.ContainsAny(scheme, "/@ ") {
			return nil, "", errors.New("unknown store: want a postgres:// or postgresql:// URL, sqlite:PATH, or nothing for SQLite in the data directory")
		}
		return nil, "", fmt.Errorf("unknown store scheme %q: want a postgres:// or postgresql:// URL, sqlite:PATH, or nothing for SQLite in the data directory", scheme)
	}
}

// prepareSQLite creates dir, the directory of the SQLite database file path, or, when
// mustExist is set, checks that the file exists.
func prepareSQLite(path, dir string, mustExist bool) error {
	if mustExist {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no SQLite store %s: %w", path, errors.Unwrap(err))
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("creating the data directory %s: %w", dir, err)
	}
	return nil
}

func writeStatus(w http.ResponseWriter, code int, status string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, "{\"status\":%q}\n", status)
}
