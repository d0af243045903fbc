package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresDSNEnv names the environment variable that points the tests at an existing
// PostgreSQL server instead of a private one: a connection string (postgres://... or
// key=value) of a role that may CREATE DATABASE. The databases the tests create there are
// dropped when each test ends.
const PostgresDSNEnv = "CARTA_TEST_POSTGRES_DSN"

// postgresBinDirs are searched, in order, for initdb and pg_ctl of PostgreSQL 15 before PATH:
// Debian and Ubuntu, the PGDG RPMs, Homebrew.
var postgresBinDirs = []string{
	"/usr/lib/postgresql/15/bin",
	"/usr/pgsql-15/bin",
	"/opt/homebrew/opt/postgresql@15/bin",
	"/usr/local/opt/postgresql@15/bin",
}

// pg is the one PostgreSQL server of the test binary.
var pg struct {
	once sync.Once
	dsn  string // of the maintenance database "postgres"
	err  error
	// private is whether the server is the test binary's own, started by startPostgres.
	private bool
	// stop shuts the private server down and removes its directory; nil otherwise.
	stop func() error
}

// StartPostgres returns the connection string of a PostgreSQL server for tests, as a URL to its
// maintenance database "postgres" with the superuser postgres. The first call in a test binary
// starts a private PostgreSQL 15 cluster in a temporary directory on a free loopback port
// (fsync on, trust authentication, default collation ICU en-US so that only an explicit
// COLLATE "C" orders bytewise); later calls return the same server. When PostgresDSNEnv is set,
// that server is used instead.
//
// The cluster outlives the test that started it: the package's TestMain must end with
// os.Exit(testenv.PostgresMain(m)), which stops it. Should the test binary die first, a
// watchdog process stops the cluster and removes its directory as soon as the binary is gone.
//
// Tests use NewPostgresDatabase for a database of their own. StartPostgres fails the test,
// naming the missing component, when PostgreSQL 15 is not installed.
func StartPostgres(t testing.TB) (dsn string) {
	t.Helper()
	pg.once.Do(func() {
		if dsn := os.Getenv(PostgresDSNEnv); dsn != "" {
			pg.dsn = dsn
			return
		}
		pg.dsn, pg.stop, pg.err = startPostgres()
		if pg.err != nil && !strings.HasPrefix(pg.err.Error(), "component missing:") {
			pg.err = fmt.Errorf("starting PostgreSQL: %w", pg.err)
		}
		pg.private = pg.err == nil
	})
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	return pg.dsn
}

// PostgresMain runs the tests of m and then stops the PostgreSQL cluster StartPostgres started,
// if any, and returns the exit code for os.Exit. A package whose tests call StartPostgres or
// NewPostgresDatabase uses it in TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }
func PostgresMain(m *testing.M) int {
	code := m.Run()
	if pg.stop != nil {
		if err := pg.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testenv: stopping PostgreSQL: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// NewPostgresDatabase creates an empty database on the server of StartPostgres and returns its
// connection string. On a server of PostgresDSNEnv the database is dropped when the test ends;
// a private cluster is removed as a whole at the end of the test binary.
func NewPostgresDatabase(t testing.TB) (dsn string) {
	t.Helper()
	admin := StartPostgres(t)
	name := "carta_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := adminExec(ctx, admin, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("postgres: create database %s: %v", name, err)
	}
	if !pg.private {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := adminExec(ctx, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("postgres: drop database %s: %v", name, err)
			}
		})
	}
	dsn, err := withDatabase(admin, name)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return dsn
}

// adminExec runs one statement on a new connection to dsn.
func adminExec(ctx context.Context, dsn, stmt string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

// withDatabase returns dsn with its database replaced by name.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %v", PostgresDSNEnv, err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	// A key=value string: a later keyword overrides an earlier one.
	return dsn + " dbname=" + name, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// postgresTools finds initdb and pg_ctl: first in postgresBinDirs, then on PATH.
func postgresTools() (initdb, pgctl string, err error) {
	for _, dir := range postgresBinDirs {
		i, p := filepath.Join(dir, "initdb"), filepath.Join(dir, "pg_ctl")
		if isExecutable(i) && isExecutable(p) {
			return i, p, nil
		}
	}
	i, ierr := exec.LookPath("initdb")
	p, perr := exec.LookPath("pg_ctl")
	if ierr == nil && perr == nil {
		return i, p, nil
	}
	return "", "", fmt.Errorf("component missing: PostgreSQL 15 (initdb and pg_ctl are neither in %s nor on PATH); "+
		"run scripts/test.sh, or apt-get install postgresql-15, or set %s to an existing server",
		strings.Join(postgresBinDirs, ", "), PostgresDSNEnv)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// startPostgres initializes and starts a private cluster and returns the DSN of its
// maintenance database and the function that stops it.
func startPostgres() (dsn string, stop func() error, err error) {
	initdb, pgctl, err := postgresTools()
	if err != nil {
		return "", nil, err
	}
	version, err := exec.Command(pgctl, "--version").Output()
	if err != nil {
		return "", nil, fmt.Errorf("%s --version: %v", pgctl, err)
	}
	if !strings.Contains(string(version), "PostgreSQL) 15.") {
		return "", nil, fmt.Errorf("component missing: PostgreSQL 15 (%s is %s); install postgresql-15 or set %s",
			pgctl, strings.TrimSpace(string(version)), PostgresDSNEnv)
	}

	// The server refuses to run as root: as root, the cluster belongs to the postgres user and
	// every PostgreSQL program runs through runuser.
	var asUser []string
	var owner *user.User
	if os.Geteuid() == 0 {
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return "", nil, fmt.Errorf("component missing: runuser (util-linux), needed to run PostgreSQL as the postgres user when testing as root: %v", err)
		}
		if owner, err = user.Lookup("postgres"); err != nil {
			return "", nil, fmt.Errorf("component missing: the postgres system user (created by the postgresql-15 package), needed when testing as root: %v", err)
		}
		asUser = []string{runuser, "-u", "postgres", "--"}
	}
	command := func(args ...string) *exec.Cmd {
		all := append(append([]string{}, asUser...), args...)
		return exec.Command(all[0], all[1:]...)
	}

	base, err := os.MkdirTemp("", "carta-pg-")
	if err != nil {
		return "", nil, err
	}
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(base, uid, gid); err != nil {
			os.RemoveAll(base)
			return "", nil, err
		}
	}
	data := filepath.Join(base, "data")
	logFile := filepath.Join(base, "postgres.log")

	// The watchdog stops the cluster and removes its directory when its standard input closes:
	// when stop closes it, or when the test binary dies without running stop.
	stopCmd := strings.Join(quoteAll(append(append([]string{}, asUser...), pgctl, "-D", data, "-m", "immediate", "-w", "stop")), " ")
	watchdog := exec.Command("sh", "-c", `trap '' INT TERM HUP; cat >/dev/null; `+stopCmd+` >/dev/null 2>&1; rm -rf "$1"`, "sh", base)
	watchdog.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := watchdog.StdinPipe()
	if err != nil {
		os.RemoveAll(base)
		return "", nil, err
	}
	if err := watchdog.Start(); err != nil {
		os.RemoveAll(base)
		return "", nil, fmt.Errorf("start the watchdog: %v", err)
	}
	stop = func() error {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- watchdog.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(60 * time.Second):
			return fmt.Errorf("PostgreSQL in %s did not stop within 60s", base)
		}
	}
	fail := func(err error) (string, func() error, error) {
		stop()
		return "", nil, err
	}

	// ICU en-US makes the default collation linguistic ("a" < "B"), so that a missing
	// COLLATE "C" shows in the ordering tests. --no-sync: the cluster is thrown away.
	initArgs := []string{initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"}
	out, err := command(append(initArgs, "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US")...).CombinedOutput()
	if err != nil {
		// A build without ICU: the C collation, which still runs every test.
		os.RemoveAll(data)
		out2, err2 := command(append(initArgs, "--no-locale")...).CombinedOutput()
		if err2 != nil {
			return fail(fmt.Errorf("initdb: %v\n%s\nwithout ICU: %v\n%s", err, out, err2, out2))
		}
	}

	// The port is free when picked but may be taken before the server binds it; try a few.
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return fail(err)
		}
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s -c fsync=on", port, base)
		out, err := command(pgctl, "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), stop, nil
		}
		log, _ := os.ReadFile(logFile)
		lastErr = fmt.Errorf("pg_ctl start on port %d: %v\n%s\n%s", port, err, out, tail(log, 2000))
		// A failed start may have left a server behind; the next attempt starts afresh.
		command(pgctl, "-D", data, "-m", "immediate", "stop").Run()
	}
	return fail(lastErr)
}

// quoteAll quotes each argument for sh.
func quoteAll(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return q
}

// tail returns the last n bytes of b.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
