package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

func TestApplyEnvFillsUnsetFlagsOnly(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "")
	dir := fs.String("data-dir", "carta-data", "")
	reject := fs.Bool("reject-incompatible", false, "")
	if err := fs.Parse([]string{"--addr", "127.0.0.1:9999"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CARTA_ADDR": "0.0.0.0:1", "CARTA_DATA_DIR": "/x", "CARTA_REJECT_INCOMPATIBLE": "true"}
	err := applyEnv(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if *addr != "127.0.0.1:9999" {
		t.Errorf("a flag on the command line must win over the environment, got %s", *addr)
	}
	if *dir != "/x" || !*reject {
		t.Errorf("environment not applied: data-dir=%s reject=%v", *dir, *reject)
	}
}

func TestApplyEnvRejectsBadValues(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Int("max-registries", 100, "")
	err := applyEnv(fs, func(k string) (string, bool) { return "many", k == "CARTA_MAX_REGISTRIES" })
	if err == nil || !strings.Contains(err.Error(), "CARTA_MAX_REGISTRIES") {
		t.Fatalf("want an error naming the variable, got %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("stderr = %q", errb.String())
	}
}
