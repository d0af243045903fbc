package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// TestMain lets the scripts run the carta binary: testscript re-executes this test binary as
// "carta", which calls run exactly as main does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"carta": func() {
			os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs testdata/script/*.txtar. Each script gets a closed port at $DOWN_URL, the
// payments example files under $WORK/examples, an environment with AWS credentials and a region
// but no AWS endpoint variables, and the command start-carta.
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples/payments")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Condition:           checkerCondition,
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"start-carta": startCarta},
		Setup: func(env *testscript.Env) error {
			env.Setenv("DOWN_URL", "http://"+closedPort(t))
			env.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
			env.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			env.Setenv("AWS_REGION", "us-east-1")
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			env.Setenv("AWS_CONFIG_FILE", filepath.Join(env.WorkDir, ".aws-config"))
			env.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(env.WorkDir, ".aws-credentials"))
			// A CA bundle, for scripts that check AWS_CA_BUNDLE is honoured.
			ca := filepath.Join(env.WorkDir, ".ca.pem")
			if err := writeTestCA(ca); err != nil {
				return err
			}
			env.Setenv("CA_PEM", ca)
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_AUTHOR_NAME", "Carta Test")
			env.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "Carta Test")
			env.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
			return copyDir(examples, filepath.Join(env.WorkDir, "examples"))
		},
	})
}

// checkerCondition answers [json-check] and [protobuf-check]: whether the format's compatibility
// checker is in this build, so that scripts expect "cannot check" only while it is not.
func checkerCondition(cond string) (bool, error) {
	var h schema.Handler
	var a, b string
	switch cond {
	case "json-check":
		h, a, b = jsonschema.Handler{}, `{"type":"object"}`, `{"type":"object"}`
	case "protobuf-check":
		h, a, b = protobuf.Handler{}, `syntax = "proto3"; message A {}`, `syntax = "proto3"; message A {}`
	default:
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	x, err := h.Parse(a, schema.Limits{})
	if err != nil {
		return false, err
	}
	y, err := h.Parse(b, schema.Limits{})
	if err != nil {
		return false, err
	}
	_, err = h.CanRead(x, y)
	return !errors.Is(err, schema.ErrCheckUnsupported), nil
}

// startCarta is the script command `start-carta [--reject-incompatible] [--data-dir DIR]`: it
// runs `carta serve` in the test process (SQLite in DIR, by default .carta-data in the script's
// work directory) on a free port, sets $CARTA_URL, and stops the server when the script ends.
func startCarta(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! start-carta")
	}
	cfg := server.Config{Addr: "127.0.0.1:0", DataDir: ts.MkAbs(".carta-data")}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--reject-incompatible":
			cfg.RejectIncompatible = true
		case a == "--data-dir" && i+1 < len(args):
			i++
			cfg.DataDir = ts.MkAbs(args[i])
		default:
			ts.Fatalf("start-carta: unknown argument %q", a)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.Run(ctx, cfg, slog.New(slog.DiscardHandler), func(a string) { addr <- a })
	}()
	select {
	case a := <-addr:
		ts.Setenv("CARTA_URL", "http://"+a)
	case err := <-done:
		cancel()
		ts.Fatalf("carta serve: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		ts.Fatalf("carta serve did not start in 10s")
	}
	ts.Defer(func() {
		cancel()
		<-done
	})
}

// writeTestCA writes a self-signed certificate in PEM to path.
func writeTestCA(path string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "carta test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func copyDir(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
