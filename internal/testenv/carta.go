// Package testenv starts the real components tests run against: a Carta
// server in the test process, (kinesalite.go) Kinesis and (postgres.go)
// PostgreSQL.
package testenv

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"

	"github.com/cartaschema/carta/internal/server"
)

// StartCarta runs a Carta server in the test process, with its SQLite
// database in a temporary directory, on a free loopback port. It returns
// the base URL and stops the server when the test ends.
func StartCarta(t testing.TB) string {
	t.Helper()
	url, _ := StartCartaStoppable(t)
	return url
}

// StartCartaStoppable is StartCarta that also returns stop, which shuts the
// server down and waits until it no longer listens, for tests of clients
// during a registry outage. Calling stop more than once is harmless; the
// server is stopped when the test ends in any case.
func StartCartaStoppable(t testing.TB) (url string, stop func()) {
	t.Helper()
	return StartCartaWithConfig(t, server.Config{})
}

// StartCartaWithConfig is StartCartaStoppable with a configuration of the
// caller's, e.g. a PostgreSQL store (Store: NewPostgresDatabase(t)); its
// Addr is replaced by a free loopback port. Without a Store or a DataDir the
// SQLite database goes to a temporary directory, never to the server's
// default ./carta-data in the package under test.
func StartCartaWithConfig(t testing.TB, cfg server.Config) (url string, stop func()) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.Store == "" && cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, cfg, slog.New(slog.DiscardHandler), func(a string) { addr <- a })
	}()
	select {
	case a := <-addr:
		var once sync.Once
		stop = func() {
			once.Do(func() {
				cancel()
				<-done
			})
		}
		t.Cleanup(stop)
		return "http://" + a, stop
	case err := <-done:
		cancel()
		t.Fatalf("carta serve: %v", err)
	case <-time.After(15 * time.Second):
		cancel()
		t.Fatal("carta serve did not start in 15s")
	}
	return "", func() {}
}

// GlueClient returns an AWS SDK Glue client for endpoint with dummy
// static credentials in us-east-1. Every request uses a fresh connection:
// under full load a kept-alive one has been seen to fail while its response
// was read ("use of closed network connection"), and in the crash tests one
// can belong to a node the test has killed.
func GlueClient(endpoint string) *awsglue.Client {
	return awsglue.New(awsglue.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second},
	})
}
