package backup

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// pageSize is how many rows Export reads per list call.
const pageSize = 500

// Export writes every registry, schema, content row, version with its metadata and audit record
// of store to w as JSON lines (see the package doc), reading them in one read transaction, and
// returns what it wrote. It fails with ErrNotUTF8, before writing the line, on text that is not
// valid UTF-8, which JSON could not carry byte for byte. After a failure, w holds a partial
// export without its end line, which Import refuses.
func Export(ctx context.Context, store registry.Store, w io.Writer) (Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	e := &exporter{w: bw}
	err := store.View(ctx, func(tx registry.Tx) error { return e.run(ctx, tx) })
	if err != nil {
		return e.n, err
	}
	if err := bw.Flush(); err != nil {
		return e.n, err
	}
	return e.n, nil
}

type exporter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	n   Counts
}

// line writes v as one JSON line, after checking that every string in strs is valid UTF-8.
func (e *exporter) line(what string, v any, strs ...string) error {
	for _, s := range strs {
		if !utf8.ValidString(s) {
			return fmt.Errorf("%s: %q: %w", what, s, ErrNotUTF8)
		}
	}
	e.buf.Reset()
	enc := json.NewEncoder(&e.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode ends the line with \n
		return fmt.Errorf("%s: %w", what, err)
	}
	_, err := e.w.Write(e.buf.Bytes())
	return err
}

func (e *exporter) run(ctx context.Context, tx registry.Tx) error {
	if err := e.line("header", header{Type: HeaderType, Version: FormatVersion}); err != nil {
		return err
	}
	if err := e.registries(ctx, tx); err != nil {
		return err
	}
	if err := e.forEachSchema(ctx, tx, e.schema); err != nil {
		return err
	}
	if err := e.configs(ctx, tx); err != nil {
		return err
	}
	if err := e.contents(ctx, tx); err != nil {
		return err
	}
	if err := e.forEachSchema(ctx, tx, func(sc registry.Schema) error { return e.versions(ctx, tx, sc) }); err != nil {
		return err
	}
	if err := e.audit(ctx, tx); err != nil {
		return err
	}
	return e.line("end line", endLine{Type: typeEnd, Counts: e.n})
}

func (e *exporter) registries(ctx context.Context, tx registry.Tx) error {
	after := ""
	for {
		rs, err := tx.ListRegistries(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, r := range rs {
			l := registryLine{Type: typeRegistry, Name: r.Name, Description: r.Description, Tags: tags(r.Tags),
				Status: r.Status, Created: formatTime(r.CreatedAt), Updated: formatTime(r.UpdatedAt)}
			if err := e.line("registry "+r.Name, l, append(tagStrings(r.Tags), r.Name, r.Description, r.Status)...); err != nil {
				return err
			}
			e.n.Registries++
		}
		if len(rs) < pageSize {
			return nil
		}
		after = rs[len(rs)-1].Name
	}
}

// forEachSchema calls fn for every schema, in (registry, name) order.
func (e *exporter) forEachSchema(ctx context.Context, tx registry.Tx, fn func(registry.Schema) error) error {
	var afterReg, afterName string
	for {
		ss, err := tx.ListSchemas(ctx, "", afterReg, afterName, pageSize)
		if err != nil {
			return err
		}
		for _, sc := range ss {
			if err := fn(sc); err != nil {
				return err
			}
		}
		if len(ss) < pageSize {
			return nil
		}
		afterReg, afterName = ss[len(ss)-1].Registry, ss[len(ss)-1].Name
	}
}

func (e *exporter) schema(sc registry.Schema) error {
	l := schemaLine{Type: typeSchema, Registry: sc.Registry, Name: sc.Name, Format: sc.Format,
		Compatibility: sc.Compatibility, Description: sc.Description, Tags: tags(sc.Tags),
		Checkpoint: sc.Checkpoint, LatestVersion: sc.LatestVersion, NextVersion: sc.NextVersion,
		Status: sc.Status, Created: formatTime(sc.CreatedAt), Updated: formatTime(sc.UpdatedAt)}
	what := fmt.Sprintf("schema %s/%s", sc.Registry, sc.Name)
	if err := e.line(what, l, append(tagStrings(sc.Tags), sc.Registry, sc.Name, string(sc.Format),
		string(sc.Compatibility), sc.Description, sc.Status)...); err != nil {
		return err
	}
	e.n.Schemas++
	return nil
}

func (e *exporter) configs(ctx context.Context, tx registry.Tx) error {
	cs, err := tx.ListConfigs(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		l := configLine{Type: typeConfig, Registry: c.Registry, Subject: c.Subject, Compatibility: c.Compatibility,
			Policy: c.Policy, Mode: c.Mode, Updated: formatTime(c.UpdatedAt)}
		if c.Normalize != nil {
			l.Normalize = fmt.Sprint(*c.Normalize)
		}
		what := fmt.Sprintf("config of subject %q in registry %q", c.Subject, c.Registry)
		if err := e.line(what, l, c.Registry, c.Subject, string(c.Compatibility), string(c.Policy), c.Mode); err != nil {
			return err
		}
		e.n.Configs++
	}
	return nil
}

func (e *exporter) contents(ctx context.Context, tx registry.Tx) error {
	var after int64
	for {
		cs, err := tx.ListContents(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, c := range cs {
			l := contentLine{Type: typeContent, ID: c.ID, Format: c.Format, Fingerprint: c.Fingerprint, Canonical: c.Canonical}
			if err := e.line(fmt.Sprintf("content %d", c.ID), l, string(c.Format), c.Fingerprint, c.Canonical); err != nil {
				return err
			}
			e.n.Contents++
		}
		if len(cs) < pageSize {
			return nil
		}
		after = cs[len(cs)-1].ID
	}
}

func (e *exporter) versions(ctx context.Context, tx registry.Tx, sc registry.Schema) error {
	var after int64
	for {
		vs, err := tx.ListVersions(ctx, sc.Registry, sc.Name, after, pageSize, "")
		if err != nil {
			return err
		}
		for _, v := range vs {
			md, err := tx.ListMetadata(ctx, v.ID)
			if err != nil {
				return err
			}
			l := versionLine{Type: typeVersion, ID: v.ID, Registry: v.Registry, Schema: v.Schema, Number: v.Number,
				Status: v.Status, Format: v.Format, ContentID: v.ContentID, Created: formatTime(v.CreatedAt),
				Reasons: v.Reasons, Metadata: make([]metadataLine, len(md)), Deleted: v.Deleted,
				ContractMetadata: v.ContractMetadata, ContractRuleSet: v.ContractRuleSet, References: v.References,
				Definition: v.Definition}
			if l.Reasons == nil {
				l.Reasons = []schema.Incompatibility{}
			}
			if l.References == nil {
				l.References = []registry.SchemaReference{}
			}
			strs := []string{v.ID, v.Registry, v.Schema, v.Status, string(v.Format), v.Definition,
				v.ContractMetadata, v.ContractRuleSet}
			for i, m := range md {
				l.Metadata[i] = metadataLine{Key: m.Key, Value: m.Value, Created: formatTime(m.CreatedAt)}
				strs = append(strs, m.Key, m.Value)
			}
			for _, r := range v.Reasons {
				strs = append(strs, r.Rule, r.Path, string(r.Direction), r.Message)
			}
			for _, r := range v.References {
				strs = append(strs, r.Name, r.Registry, r.Schema)
			}
			what := fmt.Sprintf("version %d (%s) of schema %s/%s", v.Number, v.ID, v.Registry, v.Schema)
			if err := e.line(what, l, strs...); err != nil {
				return err
			}
			e.n.Versions++
			e.n.Metadata += len(md)
		}
		if len(vs) < pageSize {
			return nil
		}
		after = vs[len(vs)-1].Number
	}
}

func (e *exporter) audit(ctx context.Context, tx registry.Tx) error {
	var after int64
	for {
		as, err := tx.ListAudit(ctx, after, pageSize)
		if err != nil {
			return err
		}
		for _, a := range as {
			l := auditLine{Type: typeAudit, Seq: a.Seq, Time: formatTime(a.Time), Actor: a.Actor, Action: a.Action,
				Target: a.Target, Rule: a.Rule, Result: a.Result, Detail: a.Detail}
			if err := e.line(fmt.Sprintf("audit record %d", a.Seq), l,
				a.Actor, a.Action, a.Target, a.Rule, a.Result, a.Detail); err != nil {
				return err
			}
			e.n.Audit++
		}
		if len(as) < pageSize {
			return nil
		}
		after = as[len(as)-1].Seq
	}
}

// tags is the export form of a tag map: never null.
func tags(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}

// tagStrings returns the keys and values of t.
func tagStrings(t map[string]string) []string {
	var out []string
	for k, v := range t {
		out = append(out, k, v)
	}
	return out
}
