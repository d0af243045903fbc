package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cartaschema/carta/internal/backup"
	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/internal/server"
	"github.com/cartaschema/carta/internal/store/postgres"
	"github.com/cartaschema/carta/internal/store/sqlite"
	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/schema"
)

func TestMain(m *testing.M) { os.Exit(testenv.PostgresMain(m)) }

func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "carta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), testenv.NewPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newService(t *testing.T, store registry.Store) *registry.Service {
	t.Helper()
	svc, err := registry.NewService(context.Background(), store, registry.Options{Handlers: server.Handlers()})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func avro(fields ...string) string {
	return `{"type":"record","name":"PaymentCaptured","namespace":"com.example","fields":[` + strings.Join(fields, ",") + `]}`
}

const (
	fID       = `{"name":"payment_id","type":"string"}`
	fAmount   = `{"name":"amount_cents","type":"long"}`
	fRequired = `{"name":"settlement_currency","type":"string"}`
	fOptional = `{"name":"settlement_currency","type":["null","string"],"default":null}`
)

// populate fills store through the Service, as a server would: several registries with and
// without tags, schemas of the three formats, AVAILABLE and FAILURE versions, metadata, a
// content shared by two schemas, a deleted version, a deleted schema (whose content stays, used
// by nothing), a moved checkpoint and the audit log all of it writes. Text with quotes,
// backslashes, HTML characters, non-ASCII and line separators covers JSON escaping.
func populate(t *testing.T, store registry.Store) *registry.Service {
	t.Helper()
	ctx := registry.WithActor(context.Background(), "AKIDBACKUP")
	svc := newService(t, store)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.CreateRegistry(ctx, registry.CreateRegistryInput{Name: "payments", Description: `Payments "team" <billing> & \ ü ✓ ` + "\u2028",
		Tags: map[string]string{"team": "billing", "cost-center": "42", "ünï": "<&>"}})
	must(err)
	_, err = svc.CreateRegistry(ctx, registry.CreateRegistryInput{Name: "orders"})
	must(err)

	pay := registry.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}
	def := avro(fID, fAmount)
	_, v1, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: pay.Registry, Name: pay.Name, Format: schema.Avro,
		Compatibility: schema.Backward, Description: "captured payments", Tags: map[string]string{"owner": "billing"}, Definition: &def})
	must(err)
	res, err := svc.RegisterVersion(ctx, pay, avro(fID, fAmount, fRequired))
	must(err)
	if res.Version.Status != registry.StatusFailure || len(res.Version.Reasons) == 0 {
		t.Fatalf("breaking version = %+v, want FAILURE with reasons", res.Version)
	}
	res, err = svc.RegisterVersion(ctx, pay, avro(fID, fAmount, fOptional))
	must(err)
	v3 := res.Version
	res, err = svc.RegisterVersion(ctx, pay, avro(fID, fAmount, fOptional, `{"name":"note","type":["null","string"],"default":null}`))
	must(err)
	_, err = svc.DeleteVersions(ctx, pay, "4")
	must(err)
	for _, kv := range [][3]string{{v1.ID, "owner", "billing"}, {v1.ID, "owner", "payments"}, {v3.ID, "ticket", "PAY-1 \"quoted\"\n"}} {
		_, _, err := svc.PutMetadata(ctx, registry.VersionRef{ID: kv[0]}, kv[1], kv[2])
		must(err)
	}
	mode := schema.Full
	_, err = svc.UpdateSchema(ctx, registry.UpdateSchemaInput{Ref: pay, Checkpoint: &registry.VersionSelector{Number: 3}, Compatibility: &mode})
	must(err)
	must(svc.TagResource(ctx, registry.ResourceRef{Registry: "payments"}, map[string]string{"tier": "1"}))

	// The same Avro definition under another schema shares its content ID.
	same := avro(fID, fAmount)
	_, _, err = svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: "payments", Name: "PaymentCapturedCopy", Format: schema.Avro, Definition: &same})
	must(err)

	order := `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}`
	_, _, err = svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: "orders", Name: "Order", Format: schema.JSON,
		Compatibility: schema.Backward, Tags: map[string]string{registry.PolicyTag: "LENIENT"}, Definition: &order})
	must(err)
	_, err = svc.RegisterVersion(ctx, registry.SchemaRef{Registry: "orders", Name: "Order"},
		`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"id":{"type":"string"},"total":{"type":"number"}},"additionalProperties":false}`)
	must(err)

	ship := "syntax = \"proto3\";\npackage shop;\nmessage Shipment { string id = 1; }\n"
	_, _, err = svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: "orders", Name: "Shipment", Format: schema.Protobuf,
		Compatibility: schema.BackwardAll, Definition: &ship})
	must(err)
	_, err = svc.RegisterVersion(ctx, registry.SchemaRef{Registry: "orders", Name: "Shipment"},
		"syntax = \"proto3\";\npackage shop;\nmessage Shipment { string id = 1; string carrier = 2; }\n")
	must(err)

	// A schema in the default registry, deleted: its content stays, used by nothing.
	tmp := avro(fID, `{"name":"temporary","type":"int"}`)
	_, _, err = svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "Temporary", Format: schema.Avro, Definition: &tmp})
	must(err)
	_, err = svc.DeleteSchema(ctx, registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "Temporary"})
	must(err)
	// A schema without versions.
	_, _, err = svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "Empty", Format: schema.Protobuf})
	must(err)

	// The Confluent dialect: a subject in a context made by its first registration, with data
	// contracts, a soft-deleted version, and configs at every level.
	sub := registry.SchemaRef{Registry: "billing", Name: "invoices-value"}
	_, err = svc.Register(ctx, registry.RegisterInput{Ref: sub, Format: schema.Avro, Definition: avro(fID),
		ContractMetadata: `{"properties":{"owner":"billing \"team\""}}`, ContractRuleSet: `{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]}`})
	must(err)
	_, err = svc.Register(ctx, registry.RegisterInput{Ref: sub, Format: schema.Avro, Definition: avro(fID, fOptional)})
	must(err)
	_, err = svc.DeleteSubjectVersion(ctx, sub, registry.VersionSelector{Number: 1}, false)
	must(err)
	full, yes, lenient, readOnly := schema.FullAll, true, schema.Lenient, registry.ModeReadOnly
	_, err = svc.UpdateConfig(ctx, "", "", registry.ConfigUpdate{Compatibility: &full, Normalize: &yes, Policy: &lenient})
	must(err)
	_, err = svc.UpdateConfig(ctx, "billing", "", registry.ConfigUpdate{Mode: &readOnly})
	must(err)
	_, err = svc.UpdateConfig(ctx, "billing", "not-yet-registered", registry.ConfigUpdate{Compatibility: &full})
	must(err)
	return svc
}

func export(t *testing.T, store registry.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := backup.Export(context.Background(), store, &b); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return b.Bytes()
}

func importInto(t *testing.T, store registry.Store, data []byte) backup.Counts {
	t.Helper()
	n, err := backup.Import(context.Background(), store, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return n
}

// wantSame fails with the first differing line unless the two exports are byte for byte equal.
func wantSame(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s: line %d differs:\n got %s\nwant %s", what, i+1, gl, wl)
		}
	}
	t.Fatalf("%s: the exports differ", what)
}

// exported lists the versions and the highest content ID and audit sequence number of an
// export, by reading the store it came from.
type exported struct {
	versions      []registry.Version
	maxContentID  int64
	maxAuditSeq   int64
	orphanContent bool
}

func inventory(t *testing.T, store registry.Store) exported {
	t.Helper()
	ctx := context.Background()
	var e exported
	err := store.View(ctx, func(tx registry.Tx) error {
		schemas, err := tx.ListSchemas(ctx, "", "", "", 0)
		if err != nil {
			return err
		}
		used := map[int64]bool{}
		for _, sc := range schemas {
			vs, err := tx.ListVersions(ctx, sc.Registry, sc.Name, 0, 0, "")
			if err != nil {
				return err
			}
			for _, v := range vs {
				used[v.ContentID] = true
			}
			e.versions = append(e.versions, vs...)
		}
		cs, err := tx.ListContents(ctx, 0, 0)
		if err != nil {
			return err
		}
		for _, c := range cs {
			e.maxContentID = max(e.maxContentID, c.ID)
			e.orphanContent = e.orphanContent || !used[c.ID]
		}
		au, err := tx.ListAudit(ctx, 0, 0)
		if err != nil {
			return err
		}
		for _, a := range au {
			e.maxAuditSeq = max(e.maxAuditSeq, a.Seq)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// wantServes checks that a Service on the restored store serves every version of the source
// under its UUID, with its number, status, definition, content ID, reasons and metadata, and
// that what the restored registry writes next gets a content ID and an audit sequence number
// above everything imported.
func wantServes(t *testing.T, restored registry.Store, src exported) {
	t.Helper()
	ctx := context.Background()
	svc := newService(t, restored)
	if len(src.versions) < 8 {
		t.Fatalf("only %d versions: the fixture is too small", len(src.versions))
	}
	var statuses = map[string]bool{}
	for _, want := range src.versions {
		got, sc, err := svc.GetVersion(ctx, registry.VersionRef{ID: want.ID})
		if err != nil {
			t.Errorf("GetVersion(%s) on the restored store: %v", want.ID, err)
			continue
		}
		statuses[got.Status] = true
		if fmt.Sprint(*got) != fmt.Sprint(want) || sc.Name != want.Schema {
			t.Errorf("restored version %s:\n got %+v\nwant %+v", want.ID, *got, want)
		}
	}
	if !statuses[registry.StatusAvailable] || !statuses[registry.StatusFailure] {
		t.Errorf("statuses %v: the fixture should have AVAILABLE and FAILURE versions", statuses)
	}
	if !src.orphanContent {
		t.Error("no content without a version: the fixture should have one (a deleted schema)")
	}
	// New writes go above every imported ID.
	def := avro(fID, `{"name":"after_restore","type":["null","string"],"default":null}`)
	_, v, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: "payments", Name: "AfterRestore", Format: schema.Avro, Definition: &def})
	if err != nil {
		t.Fatal(err)
	}
	if v.ContentID <= src.maxContentID {
		t.Errorf("content registered after the restore got ID %d, want > %d", v.ContentID, src.maxContentID)
	}
	log, err := svc.AuditLog(ctx, src.maxAuditSeq, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].Action != "CreateSchema" {
		t.Errorf("audit after the restore = %+v, want the CreateSchema record with a seq above %d", log, src.maxAuditSeq)
	}
}

// TestSQLiteToPostgresAndBack moves a registry populated through the Service from SQLite to
// PostgreSQL and back to SQLite: every export is byte for byte the first, and a service on each
// restored store serves the same versions and numbers new content above the imported.
func TestSQLiteToPostgresAndBack(t *testing.T) {
	src := openSQLite(t)
	populate(t, src)
	first := export(t, src)
	inv := inventory(t, src)

	pg := openPostgres(t)
	n := importInto(t, pg, first)
	if n.Registries != 4 || n.Schemas != 6 || n.Configs != 8 || n.Versions != len(inv.versions) || n.Metadata != 3 || n.Audit == 0 {
		t.Errorf("Import counts %v", n)
	}
	wantSame(t, "export of PostgreSQL after the import", export(t, pg), first)

	back := openSQLite(t)
	importInto(t, back, export(t, pg))
	wantSame(t, "export of SQLite after the round trip", export(t, back), first)

	wantServes(t, pg, inv)
	wantServes(t, back, inv)
}

// TestPostgresWithGapsToSQLite moves a PostgreSQL registry whose content IDs and audit sequence
// numbers have gaps (rolled-back transactions) to SQLite: the IDs are kept, gaps and all.
func TestPostgresWithGapsToSQLite(t *testing.T) {
	ctx := context.Background()
	src := openPostgres(t)
	svc := populate(t, src)
	// A rolled-back write draws a content ID and an audit number that are never used.
	errBoom := errors.New("boom")
	err := src.Update(ctx, func(tx registry.Tx) error {
		if _, err := tx.EnsureContent(ctx, registry.Content{Format: schema.Avro, Canonical: "gap", Fingerprint: "gap"}); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, registry.AuditRecord{Action: "gap"}); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatal(err)
	}
	late := avro(fID, `{"name":"late","type":["null","long"],"default":null}`)
	if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Registry: "orders", Name: "Late", Format: schema.Avro, Definition: &late}); err != nil {
		t.Fatal(err)
	}
	first := export(t, src)
	inv := inventory(t, src)
	gaps := 0
	var prev int64
	for _, line := range strings.Split(string(first), "\n") {
		if strings.HasPrefix(line, `{"type":"content","id":`) {
			var id int64
			fmt.Sscanf(strings.TrimPrefix(line, `{"type":"content","id":`), "%d", &id)
			if id != prev+1 {
				gaps++
			}
			prev = id
		}
	}
	if gaps == 0 {
		t.Fatalf("no gap in the content IDs of the PostgreSQL export:\n%s", first)
	}

	dst := openSQLite(t)
	importInto(t, dst, first)
	wantSame(t, "export of SQLite after the import", export(t, dst), first)
	wantServes(t, dst, inv)
}

// TestImportIntoServedStore imports into a store a server has started on (it holds the empty
// default registry), which the export's default registry replaces.
func TestImportIntoServedStore(t *testing.T) {
	src := openSQLite(t)
	populate(t, src)
	first := export(t, src)
	dst := openSQLite(t)
	newService(t, dst) // creates the default registry
	importInto(t, dst, first)
	wantSame(t, "export after importing into a served store", export(t, dst), first)
}

// TestImportRefusesNonEmptyStore leaves a store with anything in it as it was.
func TestImportRefusesNonEmptyStore(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	populate(t, src)
	data := export(t, src)

	for name, fill := range map[string]func(svc *registry.Service) error{
		"registry": func(svc *registry.Service) error {
			_, err := svc.CreateRegistry(ctx, registry.CreateRegistryInput{Name: "r"})
			return err
		},
		"schema in the default registry": func(svc *registry.Service) error {
			_, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: "s", Format: schema.Avro})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			dst := openSQLite(t)
			if err := fill(newService(t, dst)); err != nil {
				t.Fatal(err)
			}
			before := export(t, dst)
			_, err := backup.Import(ctx, dst, bytes.NewReader(data))
			if !errors.Is(err, backup.ErrNotEmpty) {
				t.Fatalf("Import into a store with a %s = %v, want ErrNotEmpty", name, err)
			}
			wantSame(t, "the refused store", export(t, dst), before)
		})
	}
	// A store with nothing but audit records (or content) is not empty either.
	dst := openSQLite(t)
	err := dst.Update(ctx, func(tx registry.Tx) error {
		return tx.AppendAudit(ctx, registry.AuditRecord{Action: "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Import(ctx, dst, bytes.NewReader(data)); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("Import into a store with an audit record = %v, want ErrNotEmpty", err)
	}
}

// TestImportInvalid feeds broken exports: each fails naming its line and leaves the store
// empty, also when the broken line comes after many good ones.
func TestImportInvalid(t *testing.T) {
	src := openSQLite(t)
	populate(t, src)
	good := strings.Split(strings.TrimSuffix(string(export(t, src)), "\n"), "\n")
	last := len(good)
	// find returns the number (1-based) of the first line with the prefix.
	find := func(prefix string) int {
		for i, l := range good {
			if strings.HasPrefix(l, prefix) {
				return i + 1
			}
		}
		t.Fatalf("no line starts with %s", prefix)
		return 0
	}
	// with returns the export with line n (1-based) replaced by repl ("" removes it).
	with := func(n int, repl string) string {
		lines := append([]string(nil), good...)
		if repl == "" {
			lines = append(lines[:n-1], lines[n:]...)
		} else {
			lines[n-1] = repl
		}
		return strings.Join(lines, "\n") + "\n"
	}
	// findWith returns the number of the first line with the prefix that contains part.
	findWith := func(prefix, part string) int {
		for i, l := range good {
			if strings.HasPrefix(l, prefix) && strings.Contains(l, part) {
				return i + 1
			}
		}
		t.Fatalf("no line starts with %s and holds %s", prefix, part)
		return 0
	}
	firstVersion := findWith(`{"type":"version"`, `"schema":"Order"`)
	firstSchema := find(`{"type":"schema","registry":"default-registry"`) // default-registry/Empty
	firstConfig := find(`{"type":"config"`)
	contracted := findWith(`{"type":"version"`, `"schema":"invoices-value","number":1`)
	payments := find(`{"type":"schema","registry":"payments","name":"PaymentCaptured",`)
	firstContent := find(`{"type":"content"`)
	firstAudit := find(`{"type":"audit"`)
	replace := func(n int, old, new string) string {
		if !strings.Contains(good[n-1], old) {
			t.Fatalf("line %d has no %s: %s", n, old, good[n-1])
		}
		return with(n, strings.Replace(good[n-1], old, new, 1))
	}
	cases := []struct {
		name, input string
		line        int
		msg         string
	}{
		{"empty", "", 1, "empty"},
		{"not JSON", "hello\n", 1, "not a carta export"},
		{"no header", with(1, ""), 1, "not a carta export"},
		{"header version 3", with(1, `{"type":"carta-export","version":3}`), 1, "export format version 3 is not supported: this carta reads versions 1 to 2"},
		{"truncated", strings.Join(good[:last-1], "\n") + "\n", last - 1, "without its end line: it is truncated"},
		{"cut mid-line", strings.Join(good[:firstAudit], "\n")[:len(strings.Join(good[:firstAudit], "\n"))-5], firstAudit, "not a JSON object"},
		{"line after the end", with(last, good[last-1]+"\n"+good[1]), last + 1, "after the end line"},
		{"wrong counts", with(last, strings.Replace(good[last-1], `"audit":`, `"audit":1`, 1)), last, "the end line counts"},
		{"unknown type", with(2, `{"type":"subject","name":"x"}`), 2, `unknown type "subject"`},
		{"no type", with(2, `{"name":"x"}`), 2, `no "type"`},
		{"empty line", with(2, " "), 2, "an empty line"},
		{"missing field", replace(payments, `"compatibility":"FULL",`, ""), payments, `missing "compatibility"`},
		{"null field", replace(payments, `"compatibility":"FULL"`, `"compatibility":null`), payments, `missing "compatibility"`},
		{"unknown field", replace(payments, `"compatibility":"FULL"`, `"compatibility":"FULL","extra":1`), payments, `unknown field "extra"`},
		{"wrong type", replace(payments, `"checkpoint":3`, `"checkpoint":"3"`), payments, "checkpoint"},
		{"unknown format", replace(payments, `"format":"AVRO"`, `"format":"XML"`), payments, `unknown format "XML"`},
		{"unknown mode", replace(payments, `"compatibility":"FULL"`, `"compatibility":"SOME"`), payments, `unknown compatibility "SOME"`},
		{"bad time", replace(payments, `"created":"`, `"created":"yesterday`), payments, "not an RFC 3339 time"},
		{"sub-millisecond time", replace(payments, `Z","updated"`, `001Z","updated"`), payments, "finer than a millisecond"},
		{"next below latest", replace(payments, `"next_version":5`, `"next_version":4`), payments, "version numbers would be reused"},
		{"content ID 0", replace(firstContent, `"id":1,`, `"id":0,`), firstContent, "the ID must be positive"},
		{"duplicate content", with(firstContent+1, good[firstContent-1]), firstContent + 1, "already defined by an earlier line"},
		{"version of no schema", replace(firstVersion, `"schema":"Order"`, `"schema":"Nope"`), firstVersion, "no earlier line defines the schema"},
		{"version of no content", replace(firstVersion, `"content_id":`, `"content_id":99`), firstVersion, "no earlier line defines content"},
		{"bad status", replace(firstVersion, `"status":"AVAILABLE"`, `"status":"OK"`), firstVersion, `unknown status "OK"`},
		{"duplicate audit seq", with(firstAudit+1, good[firstAudit-1]), firstAudit + 1, "already defined by an earlier line"},
		{"schema of no registry", replace(firstSchema, `"registry":"default-registry"`, `"registry":"nope"`), firstSchema, "no earlier line defines the registry"},
		{"config with a bad mode", replace(firstConfig, `"mode":"`, `"mode":"X`), firstConfig, "unknown mode"},
		{"config with a bad compatibility", replace(firstConfig, `"compatibility":"FULL_ALL"`, `"compatibility":"SIDEWAYS"`), firstConfig, "unknown compatibility"},
		{"config with a bad normalize", replace(firstConfig, `"normalize":"true"`, `"normalize":"yes"`), firstConfig, "normalize"},
		{"duplicate config", with(firstConfig+1, good[firstConfig-1]), firstConfig + 1, "already defined by an earlier line"},
		{"bad contract", replace(contracted, `"contract_metadata":"{`, `"contract_metadata":"[`), contracted, "contract_metadata"},
		{"config in version 1", with(1, `{"type":"carta-export","version":1}`), firstConfig, "a config line in a version 1 export"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := openSQLite(t)
			_, err := backup.Import(context.Background(), dst, strings.NewReader(tc.input))
			var le *backup.LineError
			if !errors.As(err, &le) {
				t.Fatalf("Import = %v, want a *LineError", err)
			}
			if le.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Import = %v (line %d), want line %d with %q", err, le.Line, tc.line, tc.msg)
			}
			if inv := inventory(t, dst); len(inv.versions) != 0 || inv.maxContentID != 0 || inv.maxAuditSeq != 0 {
				t.Errorf("a failed import left rows behind: %+v", inv)
			}
			var regs int
			dst.View(context.Background(), func(tx registry.Tx) error {
				var err error
				regs, err = tx.CountRegistries(context.Background())
				return err
			})
			if regs != 0 {
				t.Errorf("a failed import left %d registries behind", regs)
			}
		})
	}
}

// TestLineTooLong refuses a line above the limit, naming it.
func TestLineTooLong(t *testing.T) {
	defer backup.SetMaxLineBytes(1 << 10)()
	input := `{"type":"carta-export","version":1}` + "\n" + `{"type":"registry","name":"` + strings.Repeat("x", 2<<10) + `"}` + "\n"
	_, err := backup.Import(context.Background(), openSQLite(t), strings.NewReader(input))
	var le *backup.LineError
	if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), "longer than 1024 bytes") {
		t.Errorf("Import of a long line = %v, want line 2 longer than 1024 bytes", err)
	}
}

// TestExportRefusesInvalidUTF8 fails rather than write text JSON would alter.
func TestExportRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	err := db.Update(ctx, func(tx registry.Tx) error {
		return tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Description: "bad \xff byte", Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = backup.Export(ctx, db, &bytes.Buffer{})
	if !errors.Is(err, backup.ErrNotUTF8) || !strings.Contains(err.Error(), `registry r`) {
		t.Errorf("Export = %v, want ErrNotUTF8 naming registry r", err)
	}
}

// TestExportIsOneSnapshot exports while a writer registers versions with new content: every
// export imports cleanly (each version's content is in it, the counts match), which it would not
// if the lists read different states of the store.
func TestExportIsOneSnapshot(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	svc := newService(t, src)
	def := avro(fID)
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: "Busy"}
	if _, _, err := svc.CreateSchema(ctx, registry.CreateSchemaInput{Name: ref.Name, Format: schema.Avro, Compatibility: schema.None, Definition: &def}); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := svc.RegisterVersion(ctx, ref, avro(fID, fmt.Sprintf(`{"name":"f%d","type":"int"}`, i))); err != nil {
				t.Error(err)
				return
			}
		}
	})
	var first, last backup.Counts
	for i := range 10 {
		data := export(t, src)
		n := importInto(t, openSQLite(t), data)
		// Each registration writes one content, one version and one audit record together.
		if n.Contents != n.Versions || n.Audit != n.Versions {
			t.Errorf("export %d holds %v: not one state of the store", i, n)
		}
		if i == 0 {
			first = n
		}
		last = n
	}
	close(stop)
	wg.Wait()
	if last.Versions <= first.Versions {
		t.Errorf("no registration between the first export (%v) and the last (%v): the test proves nothing", first, last)
	}
}

// TestNULIntoPostgres: PostgreSQL text cannot hold U+0000, which SQLite can; the import fails
// naming the line, and leaves the database empty.
func TestNULIntoPostgres(t *testing.T) {
	ctx := context.Background()
	src := openSQLite(t)
	err := src.Update(ctx, func(tx registry.Tx) error {
		return tx.CreateRegistry(ctx, &registry.Registry{Name: "r", Description: "nul \x00 here", Status: registry.StatusAvailable})
	})
	if err != nil {
		t.Fatal(err)
	}
	data := export(t, src)
	pg := openPostgres(t)
	_, err = backup.Import(ctx, pg, bytes.NewReader(data))
	if err == nil || !strings.HasPrefix(err.Error(), "line 2: ") {
		t.Fatalf("Import of a NUL into PostgreSQL = %v, want an error at line 2", err)
	}
	if inv := inventory(t, pg); len(inv.versions) != 0 {
		t.Errorf("a failed import left rows behind: %+v", inv)
	}
	importInto(t, openSQLite(t), data) // SQLite takes it
}

// TestImportVersion1 reads an export of format version 1 (before configs, soft deletes and
// data contracts): each schema gets its compatibility as a subject-level config, as the store
// migration that added configs gives it.
func TestImportVersion1(t *testing.T) {
	src := openSQLite(t)
	populate(t, src)
	var v1 []string
	schemas := 0
	for _, line := range strings.Split(strings.TrimSuffix(string(export(t, src)), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		switch m["type"] {
		case "carta-export":
			m["version"] = 1
		case "config":
			continue
		case "schema":
			schemas++
		case "version":
			delete(m, "deleted")
			delete(m, "contract_metadata")
			delete(m, "contract_rule_set")
			delete(m, "references")
		case "end":
			delete(m, "configs")
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		v1 = append(v1, string(b))
	}
	dst := openSQLite(t)
	n := importInto(t, dst, []byte(strings.Join(v1, "\n")+"\n"))
	if n.Configs != 0 || n.Schemas != schemas {
		t.Errorf("Import of version 1 counts %v", n)
	}
	ctx := context.Background()
	err := dst.View(ctx, func(tx registry.Tx) error {
		cs, err := tx.ListConfigs(ctx)
		if err != nil {
			return err
		}
		if len(cs) != schemas {
			t.Errorf("%d configs after a version 1 import, want one per schema (%d)", len(cs), schemas)
		}
		for _, c := range cs {
			sc, err := tx.GetSchema(ctx, c.Registry, c.Subject)
			if err != nil {
				return err
			}
			if c.Compatibility != sc.Compatibility || c.Mode != "" || c.Normalize != nil {
				t.Errorf("config %+v of schema %s/%s with compatibility %s", c, sc.Registry, sc.Name, sc.Compatibility)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A version 2 field in a version 1 file is refused.
	bad := strings.Replace(strings.Join(v1, "\n")+"\n", `"type":"version"`, `"deleted":false,"type":"version"`, 1)
	_, err = backup.Import(ctx, openSQLite(t), strings.NewReader(bad))
	if err == nil || !strings.Contains(err.Error(), `"deleted" not in a version 1 export`) {
		t.Errorf("a version 2 field in a version 1 file: %v", err)
	}
}
