package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// Import reads an export (see the package doc) from r into store, in one transaction, and
// returns what it imported. The store must be empty, except for an empty default registry (the
// one a server creates when it first starts), which the export's registries replace;
// anything else is refused with ErrNotEmpty before a line is read.
//
// Every line is checked before it is written: a line that is not valid JSON, has an unknown
// type, lacks a field or has one it should not, holds an invalid value, refers to a registry,
// schema or content no earlier line defined, or repeats one, and an export without its end
// line or whose counts do not match, fail the import with a *LineError naming the line; so
// does a header of a format version other than 1 to FormatVersion. Nothing is left behind: the transaction rolls back.
// An error reading r or writing the store is returned as it is, prefixed with the line.
func Import(ctx context.Context, store registry.Store, r io.Reader) (Counts, error) {
	var n Counts
	err := store.Update(ctx, func(tx registry.Tx) error {
		im := &importer{tx: tx, schemas: map[[2]string]*registry.Schema{}, contents: map[int64]schema.Format{},
			registries: map[string]bool{}}
		if err := im.makeRoom(ctx); err != nil {
			return err
		}
		if err := im.run(ctx, r); err != nil {
			return err
		}
		n = im.n
		return nil
	})
	if err != nil {
		return Counts{}, err
	}
	return n, nil
}

// maxLineBytes is MaxLineBytes; tests lower it.
var maxLineBytes = MaxLineBytes

type importer struct {
	tx registry.Tx
	n  Counts
	// version is the format version of the file.
	formatVersion int
	// What earlier lines defined: registries by name, schemas by (registry, name), content
	// formats by ID.
	registries map[string]bool
	schemas    map[[2]string]*registry.Schema
	contents   map[int64]schema.Format
}

// makeRoom refuses a store that is not empty and removes an empty default registry.
func (im *importer) makeRoom(ctx context.Context) error {
	tx := im.tx
	regs, err := tx.ListRegistries(ctx, "", 2)
	if err != nil {
		return err
	}
	nRegs, err := tx.CountRegistries(ctx)
	if err != nil {
		return err
	}
	nSchemas, err := tx.CountSchemas(ctx)
	if err != nil {
		return err
	}
	nVersions, err := tx.CountVersions(ctx)
	if err != nil {
		return err
	}
	contents, err := tx.ListContents(ctx, 0, 1)
	if err != nil {
		return err
	}
	audit, err := tx.ListAudit(ctx, 0, 1)
	if err != nil {
		return err
	}
	configs, err := tx.ListConfigs(ctx)
	if err != nil {
		return err
	}
	onlyDefault := len(regs) == 0 || len(regs) == 1 && regs[0].Name == registry.DefaultRegistry
	if !onlyDefault || nSchemas > 0 || nVersions > 0 || len(contents) > 0 || len(audit) > 0 || len(configs) > 0 {
		var has []string
		if nRegs > 0 {
			has = append(has, plural(nRegs, "registry", "registries"))
		}
		if nSchemas > 0 {
			has = append(has, plural(nSchemas, "schema", "schemas"))
		}
		if nVersions > 0 {
			has = append(has, plural(nVersions, "version", "versions"))
		}
		if len(contents) > 0 {
			has = append(has, "content")
		}
		if len(audit) > 0 {
			has = append(has, "audit records")
		}
		if len(configs) > 0 {
			has = append(has, "configs")
		}
		return fmt.Errorf("%w: it holds %s; an import restores into an empty store only (or one with nothing but the empty default registry a server creates when it first starts)",
			ErrNotEmpty, strings.Join(has, ", "))
	}
	if len(regs) == 1 {
		return tx.DeleteRegistry(ctx, registry.DefaultRegistry)
	}
	return nil
}

func (im *importer) run(ctx context.Context, r io.Reader) error {
	sc := bufio.NewScanner(r)
	// The buffer grows to maxLineBytes; its initial size must not exceed it.
	sc.Buffer(make([]byte, 0, min(1<<16, maxLineBytes)), maxLineBytes)
	line := 0
	ended := false
	for sc.Scan() {
		line++
		if err := ctx.Err(); err != nil {
			return err
		}
		if ended {
			return &LineError{line, errors.New("a line after the end line")}
		}
		text := sc.Bytes()
		if line == 1 {
			var err error
			if im.formatVersion, err = readHeader(text); err != nil {
				return &LineError{line, err}
			}
			continue
		}
		var err error
		ended, err = im.apply(ctx, text)
		if err != nil {
			var le *LineError
			if errors.As(err, &le) {
				le.Line = line
				return le
			}
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &LineError{line + 1, fmt.Errorf("longer than %d bytes", maxLineBytes)}
		}
		return fmt.Errorf("reading line %d: %w", line+1, err)
	}
	if line == 0 {
		return &LineError{1, errors.New("the input is empty: not a carta export")}
	}
	if !ended {
		return &LineError{line, errors.New("the export ends without its end line: it is truncated")}
	}
	return nil
}

// invalid is a LineError whose line the caller fills in.
func invalid(format string, args ...any) error {
	return &LineError{Err: fmt.Errorf(format, args...)}
}

// readHeader checks the first line and returns the format version.
func readHeader(text []byte) (int, error) {
	var h struct {
		Type    *string `json:"type"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(text, &h); err != nil || h.Type == nil || *h.Type != HeaderType {
		return 0, fmt.Errorf(`not a carta export: the first line must be {"type":%q,"version":%d}`, HeaderType, FormatVersion)
	}
	if h.Version == nil {
		return 0, errors.New("the header has no version")
	}
	if *h.Version < 1 || *h.Version > FormatVersion {
		return 0, fmt.Errorf("export format version %d is not supported: this carta reads versions 1 to %d", *h.Version, FormatVersion)
	}
	return *h.Version, nil
}

// apply checks one line after the header and writes what it holds. ended reports the end line.
func (im *importer) apply(ctx context.Context, text []byte) (ended bool, err error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		if len(bytes.TrimSpace(text)) == 0 {
			return false, invalid("an empty line")
		}
		return false, invalid("not a JSON object: %v", err)
	}
	var typ string
	if t, ok := raw["type"]; !ok || json.Unmarshal(t, &typ) != nil {
		return false, invalid(`no "type"`)
	}
	switch typ {
	case typeRegistry:
		return false, decodeLine(ctx, im, text, raw, im.registry)
	case typeSchema:
		return false, decodeLine(ctx, im, text, raw, im.schema)
	case typeConfig:
		if im.formatVersion < 2 {
			return false, invalid("a config line in a version %d export", im.formatVersion)
		}
		return false, decodeLine(ctx, im, text, raw, im.config)
	case typeContent:
		return false, decodeLine(ctx, im, text, raw, im.content)
	case typeVersion:
		return false, decodeLine(ctx, im, text, raw, im.version)
	case typeAudit:
		return false, decodeLine(ctx, im, text, raw, im.audit)
	case typeEnd:
		var l endLine
		if err := im.decode(text, raw, &l); err != nil {
			return false, err
		}
		if l.Counts != im.n {
			return true, invalid("the end line counts %v, but the lines before it hold %v", l.Counts, im.n)
		}
		return true, nil
	case HeaderType:
		return false, invalid("a second header")
	default:
		return false, invalid("unknown type %q", typ)
	}
}

// decode reads a line into v, a pointer to a line struct: every field of v that the file's
// format version has must be present and not null, and no other field may be.
// decodeLine decodes one line into its type and writes it with write.
func decodeLine[L any](ctx context.Context, im *importer, text []byte, raw map[string]json.RawMessage, write func(context.Context, L) error) error {
	var l L
	if err := im.decode(text, raw, &l); err != nil {
		return err
	}
	return write(ctx, l)
}

func (im *importer) decode(text []byte, raw map[string]json.RawMessage, v any) error {
	if missing := missingFields(raw, reflect.TypeOf(v).Elem(), im.formatVersion); len(missing) > 0 {
		return invalid("missing %s", strings.Join(missing, ", "))
	}
	if extra := newerFields(raw, reflect.TypeOf(v).Elem(), im.formatVersion); len(extra) > 0 {
		return invalid("%s not in a version %d export", strings.Join(extra, ", "), im.formatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// missingFields lists the JSON fields of struct type t (and of its embedded structs) that
// format version has and raw lacks or holds as null.
func missingFields(raw map[string]json.RawMessage, t reflect.Type, version int) []string {
	var missing []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			missing = append(missing, missingFields(raw, f.Type, version)...)
			continue
		}
		if since(f) > version {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if v, ok := raw[name]; !ok || string(v) == "null" {
			missing = append(missing, fmt.Sprintf("%q", name))
		}
	}
	return missing
}

// newerFields lists the JSON fields of struct type t (and of its embedded structs) that raw
// holds although format version does not have them.
func newerFields(raw map[string]json.RawMessage, t reflect.Type, version int) []string {
	var extra []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			extra = append(extra, newerFields(raw, f.Type, version)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if _, ok := raw[name]; ok && since(f) > version {
			extra = append(extra, fmt.Sprintf("%q", name))
		}
	}
	return extra
}

// since is the format version that added field f (its since tag), 1 when untagged.
func since(f reflect.StructField) int {
	if v, err := strconv.Atoi(f.Tag.Get("since")); err == nil {
		return v
	}
	return 1
}

// validStatus reports whether s is a status of the registry.
func validStatus(s string) bool {
	switch s {
	case registry.StatusAvailable, registry.StatusPending, registry.StatusFailure, registry.StatusDeleting:
		return true
	}
	return false
}

// stored turns the store's refusals into line errors: a duplicate or a missing parent is the
// input's fault. Anything else (a lost connection) is the store's.
func stored(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, registry.ErrExists):
		return invalid("%s is already defined by an earlier line", what)
	case errors.Is(err, registry.ErrNotExist):
		return invalid("%s refers to something no earlier line defines: %v", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (im *importer) registry(ctx context.Context, l registryLine) error {
	what := fmt.Sprintf("registry %q", l.Name)
	if l.Name == "" {
		return invalid("registry with an empty name")
	}
	if !validStatus(l.Status) {
		return invalid("%s: unknown status %q", what, l.Status)
	}
	created, err := parseTime("created", l.Created)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	updated, err := parseTime("updated", l.Updated)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	r := &registry.Registry{Name: l.Name, Description: l.Description, Tags: l.Tags, Status: l.Status,
		CreatedAt: created, UpdatedAt: updated}
	if err := stored(im.tx.CreateRegistry(ctx, r), what); err != nil {
		return err
	}
	im.registries[l.Name] = true
	im.n.Registries++
	return nil
}

func (im *importer) schema(ctx context.Context, l schemaLine) error {
	what := fmt.Sprintf("schema %q in registry %q", l.Name, l.Registry)
	switch {
	case l.Name == "":
		return invalid("schema with an empty name in registry %q", l.Registry)
	case !im.registries[l.Registry]:
		return invalid("%s: no earlier line defines the registry", what)
	case !l.Format.Valid():
		return invalid("%s: unknown format %q", what, l.Format)
	case !l.Compatibility.Valid():
		return invalid("%s: unknown compatibility %q", what, l.Compatibility)
	case !validStatus(l.Status):
		return invalid("%s: unknown status %q", what, l.Status)
	case l.Checkpoint < 0 || l.LatestVersion < 0 || l.Checkpoint > l.LatestVersion:
		return invalid("%s: checkpoint %d and latest_version %d: want 0 <= checkpoint <= latest_version", what, l.Checkpoint, l.LatestVersion)
	case l.NextVersion <= l.LatestVersion:
		return invalid("%s: next_version %d is not above latest_version %d: version numbers would be reused", what, l.NextVersion, l.LatestVersion)
	}
	created, err := parseTime("created", l.Created)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	updated, err := parseTime("updated", l.Updated)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	s := &registry.Schema{Registry: l.Registry, Name: l.Name, Format: l.Format, Compatibility: l.Compatibility,
		Description: l.Description, Tags: l.Tags, Checkpoint: l.Checkpoint, LatestVersion: l.LatestVersion,
		NextVersion: l.NextVersion, Status: l.Status, CreatedAt: created, UpdatedAt: updated}
	if err := stored(im.tx.CreateSchema(ctx, s), what); err != nil {
		return err
	}
	if im.formatVersion < 2 {
		// What the store migration that added configs does: a schema of a version 1 file came
		// through the Glue API, which sets its compatibility at the subject level.
		c := &registry.Config{Registry: l.Registry, Subject: l.Name, Compatibility: l.Compatibility, UpdatedAt: updated}
		if err := stored(im.tx.PutConfig(ctx, c), what+": its config"); err != nil {
			return err
		}
	}
	im.schemas[[2]string{l.Registry, l.Name}] = s
	im.n.Schemas++
	return nil
}

// modes are the Confluent modes a config may hold.
var modes = map[string]bool{"": true, "READWRITE": true, "READONLY": true, "IMPORT": true}

func (im *importer) config(ctx context.Context, l configLine) error {
	what := fmt.Sprintf("config of subject %q in registry %q", l.Subject, l.Registry)
	switch {
	case l.Registry == "" && l.Subject != "":
		return invalid("%s: a subject's config names its registry", what)
	case l.Compatibility != "" && !l.Compatibility.Valid():
		return invalid("%s: unknown compatibility %q", what, l.Compatibility)
	case l.Normalize != "" && l.Normalize != "true" && l.Normalize != "false":
		return invalid(`%s: normalize %q is not "", "true" or "false"`, what, l.Normalize)
	case !l.Policy.Valid():
		return invalid("%s: unknown policy %q", what, l.Policy)
	case !modes[l.Mode]:
		return invalid("%s: unknown mode %q", what, l.Mode)
	}
	updated, err := parseTime("updated", l.Updated)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	c := &registry.Config{Registry: l.Registry, Subject: l.Subject, Compatibility: l.Compatibility, Policy: l.Policy,
		Mode: l.Mode, UpdatedAt: updated}
	if l.Normalize != "" {
		b := l.Normalize == "true"
		c.Normalize = &b
	}
	if _, err := im.tx.GetConfig(ctx, l.Registry, l.Subject); err == nil {
		return invalid("%s is already defined by an earlier line", what)
	} else if !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := stored(im.tx.PutConfig(ctx, c), what); err != nil {
		return err
	}
	im.n.Configs++
	return nil
}

func (im *importer) content(ctx context.Context, l contentLine) error {
	what := fmt.Sprintf("content %d", l.ID)
	switch {
	case l.ID <= 0:
		return invalid("%s: the ID must be positive", what)
	case !l.Format.Valid():
		return invalid("%s: unknown format %q", what, l.Format)
	case l.Fingerprint == "":
		return invalid("%s: empty fingerprint", what)
	}
	c := registry.Content{ID: l.ID, Format: l.Format, Canonical: l.Canonical, Fingerprint: l.Fingerprint}
	if err := stored(im.tx.ImportContent(ctx, c), what+" (or its fingerprint)"); err != nil {
		return err
	}
	im.contents[l.ID] = l.Format
	im.n.Contents++
	return nil
}

func (im *importer) version(ctx context.Context, l versionLine) error {
	what := fmt.Sprintf("version %d (%s) of schema %q in registry %q", l.Number, l.ID, l.Schema, l.Registry)
	sc := im.schemas[[2]string{l.Registry, l.Schema}]
	cf, haveContent := im.contents[l.ContentID]
	switch {
	case l.ID == "":
		return invalid("version %d of schema %q in registry %q has an empty id", l.Number, l.Schema, l.Registry)
	case sc == nil:
		return invalid("%s: no earlier line defines the schema", what)
	case l.Number < 1 || l.Number > sc.LatestVersion:
		return invalid("%s: the number is not between 1 and the schema's latest_version %d", what, sc.LatestVersion)
	case !validStatus(l.Status):
		return invalid("%s: unknown status %q", what, l.Status)
	case l.Format != sc.Format:
		return invalid("%s: format %q, but the schema is %s", what, l.Format, sc.Format)
	case !haveContent:
		return invalid("%s: no earlier line defines content %d", what, l.ContentID)
	case cf != l.Format:
		return invalid("%s: content %d is %s, not %s", what, l.ContentID, cf, l.Format)
	}
	created, err := parseTime("created", l.Created)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	if err := checkContract(l.ContractMetadata); err != nil {
		return invalid("%s: contract_metadata: %v", what, err)
	}
	if err := checkContract(l.ContractRuleSet); err != nil {
		return invalid("%s: contract_rule_set: %v", what, err)
	}
	for _, r := range l.References {
		if r.Name == "" || r.Registry == "" || r.Schema == "" || r.Version < 1 {
			return invalid("%s: a reference needs a name, a registry, a schema and a version number, not %+v", what, r)
		}
	}
	v := &registry.Version{ID: l.ID, Registry: l.Registry, Schema: l.Schema, Number: l.Number, Status: l.Status,
		Format: l.Format, Definition: l.Definition, ContentID: l.ContentID, Reasons: l.Reasons, CreatedAt: created,
		Deleted: l.Deleted, ContractMetadata: l.ContractMetadata, ContractRuleSet: l.ContractRuleSet, References: l.References}
	if err := stored(im.tx.CreateVersion(ctx, v), what+" (its id or number)"); err != nil {
		return err
	}
	for _, m := range l.Metadata {
		mwhat := fmt.Sprintf("%s: metadata %q=%q", what, m.Key, m.Value)
		if m.Key == "" {
			return invalid("%s: metadata with an empty key", what)
		}
		created, err := parseTime("created", m.Created)
		if err != nil {
			return invalid("%s: %v", mwhat, err)
		}
		if err := stored(im.tx.AddMetadata(ctx, l.ID, registry.Metadata{Key: m.Key, Value: m.Value, CreatedAt: created}), mwhat); err != nil {
			return err
		}
		im.n.Metadata++
	}
	im.n.Versions++
	return nil
}

// checkContract checks a contract field: "" or the text of a JSON object.
func checkContract(s string) error {
	if s == "" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &obj); err != nil {
		return errors.New("not the text of a JSON object")
	}
	return nil
}

func (im *importer) audit(ctx context.Context, l auditLine) error {
	what := fmt.Sprintf("audit record %d", l.Seq)
	if l.Seq <= 0 {
		return invalid("%s: the sequence number must be positive", what)
	}
	t, err := parseTime("time", l.Time)
	if err != nil {
		return invalid("%s: %v", what, err)
	}
	e := registry.AuditEntry{Seq: l.Seq, AuditRecord: registry.AuditRecord{Time: t, Actor: l.Actor, Action: l.Action,
		Target: l.Target, Rule: l.Rule, Result: l.Result, Detail: l.Detail}}
	if err := stored(im.tx.ImportAudit(ctx, e), what); err != nil {
		return err
	}
	im.n.Audit++
	return nil
}
