package registry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/avro"
	"github.com/cartaschema/carta/schema/jsonschema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// historyDefinition is version n of a 20-field schema of the format: every version adds one
// optional field (to a closed content model, for JSON Schema).
func historyDefinition(f schema.Format, n int) string {
	switch f {
	case schema.JSON:
		props := make([]string, 0, 20+n)
		for i := 0; i < 20; i++ {
			props = append(props, fmt.Sprintf(`"base%d":{"type":"integer"}`, i))
		}
		for i := 1; i < n; i++ {
			props = append(props, fmt.Sprintf(`"added%d":{"type":"string"}`, i))
		}
		return `{"type":"object","additionalProperties":false,"properties":{` + strings.Join(props, ",") + `}}`
	case schema.Protobuf:
		var b strings.Builder
		b.WriteString("syntax = \"proto3\";\npackage bench;\nmessage Event {\n")
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&b, "  int64 base%d = %d;\n", i, i+1)
		}
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "  string added%d = %d;\n", i, 100+i)
		}
		b.WriteString("}\n")
		return b.String()
	}
	return historyRecord(n)
}

// historyRecord is version n of a 20-field record: every version adds one optional field.
func historyRecord(n int) string {
	fields := make([]string, 0, 20+n)
	for i := 0; i < 20; i++ {
		fields = append(fields, fmt.Sprintf(`{"name":"base%d","type":"long"}`, i))
	}
	for i := 1; i < n; i++ {
		fields = append(fields, fmt.Sprintf(`{"name":"added%d","type":["null","string"],"default":null}`, i))
	}
	return `{"type":"record","name":"Event","namespace":"bench","fields":[` + strings.Join(fields, ",") + `]}`
}

// BenchmarkCheckTransitive measures a BACKWARD_ALL check (CheckVersion, no write) against
// histories of 1, 10 and 100 versions. Parsed versions are cached by content ID, so the cost
// per version stays flat: ns/version should not grow with the history. x-engine is the ratio
// to schema.Check over the same, already parsed history (the floor: no store, no parsing).
func BenchmarkCheckTransitive(b *testing.B) {
	for _, format := range schema.Formats {
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("%s/history=%d", format, n), func(b *testing.B) { benchmarkCheckTransitive(b, format, n) })
		}
	}
}

func benchmarkCheckTransitive(b *testing.B, format schema.Format, n int) {
	ctx := context.Background()
	svc := newService(b, registry.Options{})
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "e"}
	first := historyDefinition(format, 1)
	if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "e", Format: format, Compatibility: schema.None, Definition: &first}); err != nil {
		b.Fatal(err)
	}
	h := handlerOf(format)
	history := []schema.Versioned{{Version: 1, Schema: mustParse(b, h, first)}}
	for v := 2; v <= n; v++ {
		def := historyDefinition(format, v)
		if _, err := svc.RegisterVersion(ctx, ref, def); err != nil {
			b.Fatal(err)
		}
		history = append(history, schema.Versioned{Version: int64(v), Schema: mustParse(b, h, def)})
	}
	all := schema.BackwardAll
	if _, err := svc.UpdateSchema(ctx, registry.UpdateSchemaInput{Ref: ref, Compatibility: &all, Checkpoint: &registry.VersionSelector{Number: 1}}); err != nil {
		b.Fatal(err)
	}
	candidate := historyDefinition(format, n+1)
	parsed := mustParse(b, h, candidate)

	start := time.Now()
	const engineRounds = 20
	for i := 0; i < engineRounds; i++ {
		if r, err := schema.Check(h, all, parsed, history, schema.CheckOptions{Policy: schema.Strict}); err != nil || len(r) != 0 {
			b.Fatalf("engine: %v %v", r, err)
		}
	}
	engine := float64(time.Since(start).Nanoseconds()) / engineRounds

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := svc.CheckVersion(ctx, ref, candidate)
		if err != nil || len(res.Reasons) != 0 {
			b.Fatalf("check: %+v %v", res, err)
		}
	}
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(per/float64(n), "ns/version")
	b.ReportMetric(per/engine, "x-engine")
}

func mustParse(tb testing.TB, h schema.Handler, def string) schema.Schema {
	tb.Helper()
	p, err := h.Parse(def, schema.Limits{})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func handlerOf(f schema.Format) schema.Handler {
	switch f {
	case schema.JSON:
		return jsonschema.Handler{}
	case schema.Protobuf:
		return protobuf.Handler{}
	}
	return avro.Handler{}
}
