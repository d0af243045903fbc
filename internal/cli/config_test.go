package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
)

func TestParseConfigDefaults(t *testing.T) {
	c, err := parseConfig("carta.yaml", []byte(`
schemas:
  - file: ./schemas/payment.avsc
  - file: events/refund.json
    registry: payments
    schema: RefundIssued
    format: json
    mode: full_all
`))
	if err != nil {
		t.Fatal(err)
	}
	e := c.Schemas[0]
	if e.File != "schemas/payment.avsc" || e.format() != schema.Avro || e.mode() != schema.Backward ||
		e.registryName() != "default-registry" || e.schemaName() != "payment" {
		t.Errorf("defaults: %+v format=%s mode=%s registry=%s schema=%s", e, e.format(), e.mode(), e.registryName(), e.schemaName())
	}
	e = c.Schemas[1]
	if e.format() != schema.JSON || e.mode() != schema.FullAll || e.schemaName() != "RefundIssued" {
		t.Errorf("declared: %+v", e)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"schemas:\n  - registry: x\n", "schemas[0]: no file"},
		{"schemas:\n  - file: a.txt\n", "cannot tell the format of a.txt"},
		{"schemas:\n  - file: a.avsc\n    format: XML\n", `unknown format "XML"`},
		{"schemas:\n  - file: a.avsc\n    mode: SIDEWAYS\n", `unknown mode "SIDEWAYS"`},
		{"schemas:\n  - file: a.avsc\n  - file: ./a.avsc\n", "a.avsc is declared twice"},
		{"schemas:\n  - file: /abs/a.avsc\n", "must be relative"},
		{"schemas:\n  - file: a.avsc\n    mdoe: FULL\n", `line 3: unknown key "mdoe"`},
		{"schema:\n  - file: a.avsc\n", `unknown key "schema"`},
		{"schemas: [", "carta.yaml: "},
	} {
		_, err := parseConfig("carta.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseConfig(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestMarshalConfigRoundTrips(t *testing.T) {
	in := &Config{Schemas: []Entry{{File: "a.avsc", Registry: "r", Schema: "A", Format: "AVRO", Mode: "FULL"}}}
	b, err := marshalConfig(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := parseConfig("carta.yaml", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if len(out.Schemas) != 1 || out.Schemas[0] != in.Schemas[0] {
		t.Errorf("round trip: %+v\n%s", out, b)
	}
}

func TestGitHubEscaping(t *testing.T) {
	if got := ghData("50% of\r\nit"); got != "50%25 of%0D%0Ait" {
		t.Errorf("ghData = %q", got)
	}
	if got := ghProp("a:b,c%"); got != "a%3Ab%2Cc%25" {
		t.Errorf("ghProp = %q", got)
	}
}

func TestCheckUnsupportedIsExit2(t *testing.T) {
	err := errCheckUnsupported(schema.JSON)
	if !errors.Is(err, errNoChecker) || exitCode(err) != ExitError {
		t.Fatalf("errCheckUnsupported: Is=%v exit=%d", errors.Is(err, errNoChecker), exitCode(err))
	}
	if want := "cannot check JSON schemas yet: Carta's JSON compatibility checker is not available in this build, so no verdict was given"; err.Error() != want {
		t.Errorf("message %q", err.Error())
	}
}
