package testenv

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Cleanup(func()) {}

// startFailing runs StartKinesalite and returns its Fatalf message.
func startFailing(t *testing.T) string {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		StartKinesalite(r)
	}()
	<-done
	return r.msg
}

func TestStartKinesaliteFailsNamingMissingKinesalite(t *testing.T) {
	t.Setenv(KinesaliteDirEnv, t.TempDir())
	msg := startFailing(t)
	if !strings.Contains(msg, "component missing") || !strings.Contains(msg, "kinesalite is not installed") {
		t.Fatalf("StartKinesalite without kinesalite: %q, want a failure naming kinesalite", msg)
	}
}

func TestStartKinesaliteFailsNamingMissingNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	msg := startFailing(t)
	if !strings.Contains(msg, "component missing") || !strings.Contains(msg, "node") {
		t.Fatalf("StartKinesalite without node: %q, want a failure naming node", msg)
	}
}

func TestStartKinesalite(t *testing.T) {
	endpoint := StartKinesalite(t)
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Fatalf("endpoint %q is not on loopback", endpoint)
	}
	client := NewKinesisClient(endpoint)
	CreateStream(t, client, "s", 1)
	out, err := client.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatalf("ListStreams: %v", err)
	}
	if len(out.StreamNames) != 1 || out.StreamNames[0] != "s" {
		t.Fatalf("streams %v, want [s]", out.StreamNames)
	}
}
