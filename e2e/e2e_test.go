// Package e2e drives a real `carta serve` process with the real clients a user
// meets: the AWS CLI v1 (`aws` on PATH), the AWS CLI v2 (/usr/bin/aws) and
// boto3. The clients run as subprocesses against the server's Glue endpoint;
// the stories they tell live in testdata/ as plain shell and Python, so they
// can also be run by hand against any endpoint.
//
// A missing client is a test failure that names the component, never a skip:
// scripts/test.sh installs or checks all of them.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/testenv"
)

// cartaBin is the carta binary TestMain builds from ./cmd/carta.
var cartaBin string

// awsV2Path is where the Debian awscli package installs AWS CLI v2.
const awsV2Path = "/usr/bin/aws"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "carta-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	cartaBin = filepath.Join(dir, "carta")
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	build := exec.Command(goTool(), "build", "-o", cartaBin, "./cmd/carta")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: component missing: the carta binary: go build ./cmd/carta failed: %v\n%s", err, out)
		return 1
	}
	// PostgresMain stops the private PostgreSQL cluster the storage tests start, if any.
	return testenv.PostgresMain(m)
}

// goTool finds the go command that is running this test.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// lockedBuffer collects a subprocess's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is one running `carta serve`.
type server struct {
	Endpoint string // http://127.0.0.1:PORT
	DataDir  string
	opts     serverOptions
	cmd      *exec.Cmd
	out      *lockedBuffer
	done     chan struct{}
	waitErr  error
	stopOnce sync.Once
}

// serverOptions says how startServer passes the address and data directory.
type serverOptions struct {
	dataDir string // reuse this directory (a restart); default: a fresh t.TempDir
	viaEnv  bool   // pass CARTA_ADDR/CARTA_DATA_DIR instead of flags
	store   string // --store: a postgres:// URL, sqlite:PATH, or "" for SQLite in the data directory
}

// startServer starts a fresh server on a free loopback port, waits for
// GET /readyz to answer 200, and registers a cleanup that stops it with
// SIGTERM and requires a clean exit (status 0): graceful shutdown is a feature.
func startServer(t *testing.T) *server {
	t.Helper()
	return startServerWith(t, serverOptions{})
}

func startServerWith(t *testing.T, opts serverOptions) *server {
	t.Helper()
	dataDir := opts.dataDir
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	var lastErr error
	// A free port can be taken between choosing and binding it; try again then.
	opts.dataDir = dataDir
	for attempt := 0; attempt < 3; attempt++ {
		s, err := launch(t, opts, "")
		if err == nil {
			t.Cleanup(func() { s.stop(t) })
			return s
		}
		lastErr = err
	}
	t.Fatalf("component failed: carta serve did not become ready: %v", lastErr)
	return nil
}

// launch starts `carta serve` with opts (whose dataDir is set) on addr, or on a free loopback
// port when addr is "", and waits until it is ready.
func launch(t *testing.T, opts serverOptions, addr string) (*server, error) {
	dataDir, viaEnv := opts.dataDir, opts.viaEnv
	if addr == "" {
		var err error
		if addr, err = freeAddr(); err != nil {
			return nil, err
		}
	}
	s := &server{
		Endpoint: "http://" + addr,
		DataDir:  dataDir,
		opts:     opts,
		out:      &lockedBuffer{},
		done:     make(chan struct{}),
	}
	args := []string{"serve"}
	env := withoutEnv(os.Environ(), "CARTA_")
	if viaEnv {
		env = append(env, "CARTA_ADDR="+addr, "CARTA_DATA_DIR="+dataDir)
	} else {
		args = append(args, "--addr", addr, "--data-dir", dataDir)
	}
	if opts.store != "" {
		args = append(args, "--store", opts.store)
	}
	s.cmd = exec.Command(cartaBin, args...)
	s.cmd.Env = env
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cartaBin, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("carta serve exited before it was ready (%v); output:\n%s", s.waitErr, s.out.String())
		default:
		}
		resp, err := client.Get(s.Endpoint + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("carta serve ready at %s (data dir %s)", s.Endpoint, dataDir)
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	return nil, fmt.Errorf("GET %s/readyz did not answer 200 within 10s; output:\n%s", s.Endpoint, s.out.String())
}

// stop sends SIGTERM and requires exit status 0 within 15 s. Only the first
// call does anything, so a test may stop a server before its cleanup runs.
func (s *server) stop(t *testing.T) {
	t.Helper()
	s.stopOnce.Do(func() { s.terminate(t) })
}

func (s *server) terminate(t *testing.T) {
	t.Helper()
	select {
	case <-s.done:
		t.Errorf("carta serve at %s exited before the test stopped it (%v); output:\n%s", s.Endpoint, s.waitErr, s.out.String())
		return
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM carta serve: %v", err)
	}
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("carta serve did not exit within 15s of SIGTERM; output:\n%s", s.out.String())
		return
	}
	if s.waitErr != nil {
		t.Errorf("carta serve did not shut down cleanly on SIGTERM: %v (want exit status 0); output:\n%s", s.waitErr, s.out.String())
		return
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("carta serve exit status %d after SIGTERM, want 0", code)
	}
	if t.Failed() {
		t.Logf("carta serve output:\n%s", s.out.String())
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// withoutEnv drops every variable whose name starts with one of the prefixes.
func withoutEnv(env []string, prefixes ...string) []string {
	out := env[:0:0]
next:
	for _, kv := range env {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// clientEnv is the environment of every AWS client subprocess: dummy static
// credentials, a fixed region, no pager, and no user configuration that could
// change output formats or endpoints.
func clientEnv(t *testing.T, endpoint string) []string {
	t.Helper()
	noFile := filepath.Join(t.TempDir(), "absent")
	env := withoutEnv(os.Environ(), "AWS_", "CARTA_")
	return append(env,
		"AWS_ACCESS_KEY_ID=AKIDCARTATEST",
		"AWS_SECRET_ACCESS_KEY=secret",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1",
		"AWS_PAGER=",
		"AWS_CONFIG_FILE="+noFile,
		"AWS_SHARED_CREDENTIALS_FILE="+noFile,
		"AWS_EC2_METADATA_DISABLED=true",
		"CARTA_ENDPOINT="+endpoint,
	)
}

// runClient runs a client subprocess to completion and fails the test,
// printing everything it wrote, unless it exits 0.
func runClient(t *testing.T, endpoint string, timeout time.Duration, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = clientEnv(t, endpoint)
	cmd.WaitDelay = 5 * time.Second
	var out lockedBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start).Round(time.Millisecond)
	if ctx.Err() != nil {
		t.Fatalf("%s %s timed out after %v; output:\n%s", name, strings.Join(args, " "), timeout, out.String())
	}
	if err != nil {
		t.Fatalf("%s %s failed after %v: %v; output:\n%s", name, strings.Join(args, " "), elapsed, err, out.String())
	}
	t.Logf("%s %s passed in %v; output:\n%s", name, strings.Join(args, " "), elapsed, out.String())
	return out.String()
}

// requireAWSCLIv1 fails unless `aws` on PATH is AWS CLI 1.x, and returns its path.
func requireAWSCLIv1(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("aws")
	if err != nil {
		t.Fatalf("component missing: AWS CLI v1 ('aws' on PATH): %v; it is preinstalled with pip on the project machines (scripts/test.sh checks it)", err)
	}
	p = unshim(p, "aws")
	requireVersion(t, "AWS CLI v1", p, "aws-cli/1.")
	return p
}

// unshim replaces a pyenv shim by the program it runs: the shim costs about a
// second per call, and the walkthrough makes dozens of calls.
func unshim(path, name string) string {
	if !strings.Contains(filepath.ToSlash(path), "/shims/") {
		return path
	}
	pyenv, err := exec.LookPath("pyenv")
	if err != nil {
		return path
	}
	out, err := exec.Command(pyenv, "which", name).Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" && fileExists(p) {
		return p
	}
	return path
}

// requireAWSCLIv2 fails unless /usr/bin/aws is AWS CLI 2.x.
func requireAWSCLIv2(t *testing.T) string {
	t.Helper()
	if !fileExists(awsV2Path) {
		t.Fatalf("component missing: AWS CLI v2 at %s; install it with `apt-get install awscli` (scripts/test.sh does)", awsV2Path)
	}
	requireVersion(t, "AWS CLI v2", awsV2Path, "aws-cli/2.")
	return awsV2Path
}

func requireVersion(t *testing.T, component, bin, prefix string) {
	t.Helper()
	cmd := exec.Command(bin, "--version")
	cmd.Env = clientEnv(t, "")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("component missing: %s: %s --version failed: %v\n%s", component, bin, err, out)
	}
	if !strings.HasPrefix(strings.TrimSpace(string(out)), prefix) {
		t.Fatalf("component missing: %s: %s --version = %q, want %s*", component, bin, strings.TrimSpace(string(out)), prefix)
	}
}

// requirePythonBoto3 fails unless python3 can import boto3, and returns python3's path.
func requirePythonBoto3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("component missing: python3 on PATH: %v", err)
	}
	out, err := exec.Command(p, "-c", "import boto3, botocore; print(boto3.__version__, botocore.__version__)").CombinedOutput()
	if err != nil {
		t.Fatalf("component missing: boto3 for %s (import boto3 failed: %v)\n%s", p, err, out)
	}
	t.Logf("%s: boto3/botocore %s", p, strings.TrimSpace(string(out)))
	return p
}

// TestCLIWalkthrough tells the README's PaymentCaptured story with the plain
// AWS CLI, once with v1 and once with v2, each against its own fresh server.
func TestCLIWalkthrough(t *testing.T) {
	script, err := filepath.Abs(filepath.Join("testdata", "cli_walkthrough.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		require func(*testing.T) string
	}{
		{"aws-cli-v1", requireAWSCLIv1},
		{"aws-cli-v2", requireAWSCLIv2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin := tc.require(t)
			s := startServer(t)
			out := runClient(t, s.Endpoint, 8*time.Minute, "bash", script, bin, s.Endpoint)
			if !strings.Contains(out, "PASS: cli walkthrough") {
				t.Fatalf("cli_walkthrough.sh exited 0 without its PASS line; output:\n%s", out)
			}
		})
	}
}

// TestBoto3 runs the stdlib-unittest boto3 suite (pagination, every error
// type, timestamps, the Java SerDe call sequence) against a fresh server.
func TestBoto3(t *testing.T) {
	t.Parallel()
	py := requirePythonBoto3(t)
	script, err := filepath.Abs(filepath.Join("testdata", "boto3_test.py"))
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t)
	out := runClient(t, s.Endpoint, 5*time.Minute, py, script)
	if !strings.Contains(out, "\nOK") {
		t.Fatalf("boto3_test.py exited 0 without unittest's OK; output:\n%s", out)
	}
}

// TestRestartKeepsData stops a server with SIGTERM (clean exit required),
// starts a new one on the same data directory configured through
// CARTA_ADDR/CARTA_DATA_DIR, and finds what the first one stored.
func TestRestartKeepsData(t *testing.T) {
	t.Parallel()
	aws := requireAWSCLIv1(t)
	dataDir := t.TempDir()
	v1, err := filepath.Abs(filepath.Join("..", "examples", "payments", "payment_v1.avsc"))
	if err != nil {
		t.Fatal(err)
	}

	first := startServerWith(t, serverOptions{dataDir: dataDir})
	runClient(t, first.Endpoint, time.Minute, aws, "--endpoint-url", first.Endpoint,
		"glue", "create-registry", "--registry-name", "durable")
	runClient(t, first.Endpoint, time.Minute, aws, "--endpoint-url", first.Endpoint,
		"glue", "create-schema", "--registry-id", "RegistryName=durable", "--schema-name", "PaymentCaptured",
		"--data-format", "AVRO", "--compatibility", "BACKWARD",
		"--schema-definition", "file://"+v1)
	id := strings.TrimSpace(runClient(t, first.Endpoint, time.Minute, aws, "--endpoint-url", first.Endpoint,
		"glue", "get-schema-version", "--schema-id", "RegistryName=durable,SchemaName=PaymentCaptured",
		"--schema-version-number", "LatestVersion=true", "--query", "SchemaVersionId", "--output", "text"))
	first.stop(t)
	if t.Failed() {
		t.FailNow()
	}

	second := startServerWith(t, serverOptions{dataDir: dataDir, viaEnv: true})
	got := strings.TrimSpace(runClient(t, second.Endpoint, time.Minute, aws, "--endpoint-url", second.Endpoint,
		"glue", "get-schema-version", "--schema-version-id", id, "--query", "[VersionNumber, Status]", "--output", "text"))
	if want := "1\tAVAILABLE"; got != want {
		t.Errorf("after restart, get-schema-version %s = %q, want %q", id, got, want)
	}
	got = strings.TrimSpace(runClient(t, second.Endpoint, time.Minute, aws, "--endpoint-url", second.Endpoint,
		"glue", "get-schema", "--schema-id", "RegistryName=durable,SchemaName=PaymentCaptured",
		"--query", "[LatestSchemaVersion, NextSchemaVersion, Compatibility]", "--output", "text"))
	if want := "1\t2\tBACKWARD"; got != want {
		t.Errorf("after restart, get-schema = %q, want %q", got, want)
	}
}
