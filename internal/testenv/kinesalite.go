// Package testenv starts the local services Carta's tests run against.
//
// Nothing here is mocked: the helpers start the real programs as
// subprocesses on loopback ports and stop them when the test ends. A missing
// component is a test failure that names it, never a skip: scripts/test.sh
// installs everything these helpers need.
package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// KinesaliteDirEnv names the environment variable that points at a
// directory whose node_modules holds kinesalite. When it is unset the
// repository's scripts/js is used, found by walking up from the working
// directory to go.mod.
const KinesaliteDirEnv = "CARTA_KINESALITE_DIR"

// kinesaliteScript starts kinesalite on 127.0.0.1 and the port given as the
// first argument, in memory, with stream transitions shortened to 50 ms. It
// exits when its standard input closes, so a test binary that dies without
// running its cleanups does not leave kinesalite behind.
const kinesaliteScript = `
const port = Number(process.argv[1]);
const server = require('kinesalite')({createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50});
server.on('error', (err) => { console.error('kinesalite: ' + err.message); process.exit(1); });
server.listen(port, '127.0.0.1', () => console.log('kinesalite listening on 127.0.0.1:' + port));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`

// StartKinesalite starts kinesalite (a local implementation of the Kinesis
// Data Streams API) with node on a free loopback port, waits until it
// accepts connections and returns its endpoint URL (http://127.0.0.1:PORT).
// The process is killed when the test ends.
//
// It fails the test, naming the missing component, when node is not on PATH
// or kinesalite is not installed (see KinesaliteDirEnv).
func StartKinesalite(t testing.TB) (endpoint string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("kinesalite: component missing: node (Node.js) is not on PATH: %v", err)
	}
	dir, err := kinesaliteDir()
	if err != nil {
		t.Fatalf("kinesalite: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "kinesalite", "package.json")); err != nil {
		t.Fatalf("kinesalite: component missing: the npm package kinesalite is not installed in %s/node_modules (run scripts/test.sh, or npm ci in scripts/js, or set %s): %v",
			dir, KinesaliteDirEnv, err)
	}

	// The port is free when picked but may be taken before node binds it;
	// try a few times.
	var lastErr error
	for range 3 {
		endpoint, err := startKinesalite(t, node, dir)
		if err == nil {
			return endpoint
		}
		lastErr = err
	}
	t.Fatalf("kinesalite: %v", lastErr)
	return ""
}

func startKinesalite(t testing.TB, node, dir string) (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	out := &lockedBuffer{}
	cmd := exec.Command(node, "-e", kinesaliteScript, strconv.Itoa(port))
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start node: %v", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		stdin.Close()
		cmd.Process.Kill()
		<-exited
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-exited:
			return "", fmt.Errorf("node exited before kinesalite listened on %s: %v\n%s", addr, waitErr, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("kinesalite did not accept connections on %s within 30s\n%s", addr, out.String())
		}
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			if s := strings.TrimSpace(out.String()); s != "" {
				t.Logf("kinesalite output:\n%s", s)
			}
		}
	})
	return "http://" + addr, nil
}

// NewKinesisClient returns a Kinesis client for endpoint (as returned by
// StartKinesalite): static dummy credentials, region us-east-1.
func NewKinesisClient(endpoint string) *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDCARTATEST", "secret", ""),
	})
}

// CreateStream creates a stream of shards shards through client and waits
// until it is ACTIVE.
func CreateStream(t testing.TB, client *kinesis.Client, name string, shards int32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("CreateStream %s: %v", name, err)
	}
	WaitStreamActive(t, client, name)
}

// WaitStreamActive waits until the stream's status is ACTIVE.
func WaitStreamActive(t testing.TB, client *kinesis.Client, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		out, err := client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeStreamSummary %s: %v", name, err)
		}
		if out.StreamDescriptionSummary.StreamStatus == "ACTIVE" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("stream %s is still %s after 30s", name, out.StreamDescriptionSummary.StreamStatus)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func kinesaliteDir() (string, error) {
	if dir := os.Getenv(KinesaliteDirEnv); dir != "" {
		return dir, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", fmt.Errorf("cannot find scripts/js (set %s): %v", KinesaliteDirEnv, err)
	}
	return filepath.Join(root, "scripts", "js"), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port, nil
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
