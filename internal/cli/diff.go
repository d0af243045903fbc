package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

const diffSynopsis = `diff [--format F] [--output text|json] OLD NEW
       carta diff --registry R --schema S [--output text|json] V1 V2`

// diffResult is the outcome of `carta diff`; its JSON form is the JSON output.
type diffResult struct {
	Old     string        `json:"old"`
	New     string        `json:"new"`
	Format  schema.Format `json:"format"`
	Changes []*change     `json:"changes"`
	// Unattributed lists findings the differ could not place on a listed change.
	Unattributed []schema.Incompatibility `json:"unattributed,omitempty"`
	// Note says why marks are "unknown", when they are.
	Note string `json:"note,omitempty"`
}

// runDiff is `carta diff`: a structural diff of two schemas, each change marked compatible or
// breaking under BACKWARD, FORWARD and FULL. It is informational: it exits 0 whatever the
// marks (carta check is the gate), 2 on errors.
func runDiff(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "diff", diffSynopsis)
	var rf registryFlags
	rf.add(fs)
	formatFlag := fs.String("format", "", "schema `format`: AVRO, JSON or PROTOBUF (default: from the file name)")
	outFlag := fs.String("output", "text", "output `format`: text or json")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	format, err := parseFormat(*formatFlag)
	if err != nil {
		return err
	}
	out, err := parseOutput(*outFlag)
	if err != nil {
		return err
	}
	if out == outGitHub {
		return usageError("carta diff prints text or json; use carta check --output github to annotate")
	}
	if len(pos) != 2 {
		return usageError("want two schemas: OLD NEW files, or V1 V2 version numbers with --registry/--schema")
	}
	var res *diffResult
	if rf.used() {
		if rf.schema == "" {
			return usageError("a diff of registry versions needs --schema")
		}
		res, err = diffVersions(ctx, env, &rf, pos[0], pos[1], format)
	} else {
		res, err = diffFiles(pos[0], pos[1], format)
	}
	if err != nil {
		return err
	}
	printDiff(env.Stdout, out, res)
	return nil
}

func diffFiles(oldPath, newPath string, format schema.Format) (*diffResult, error) {
	if format == "" {
		if format = formatOf(newPath); format == "" {
			format = formatOf(oldPath)
		}
		if format == "" {
			return nil, usageError("cannot tell the format of %s from its name: pass --format AVRO, JSON or PROTOBUF", newPath)
		}
	}
	oldDef, err := readSchemaFile(oldPath)
	if err != nil {
		return nil, err
	}
	newDef, err := readSchemaFile(newPath)
	if err != nil {
		return nil, err
	}
	return diffDefinitions(oldPath, newPath, format, oldDef, newDef)
}

// diffVersions diffs two versions of a schema in a registry (numbers, or "latest").
func diffVersions(ctx context.Context, env *Env, rf *registryFlags, v1, v2 string, format schema.Format) (*diffResult, error) {
	c, err := rf.client(ctx, env)
	if err != nil {
		return nil, err
	}
	reg := rf.registryName()
	rs, err := c.getSchema(ctx, reg, rf.schema)
	if errors.Is(err, errNotFound) {
		return nil, ioError(fmt.Errorf("schema %s/%s is not in the registry at %s", reg, rf.schema, c.where))
	}
	if err != nil {
		return nil, asIOError(err)
	}
	if format != "" && format != rs.Format {
		return nil, usageError("%s is a %s schema, not %s", rs, rs.Format, format)
	}
	defs := make([]string, 2)
	names := make([]string, 2)
	for i, v := range []string{v1, v2} {
		n, err := versionNumber(rs, v)
		if err != nil {
			return nil, err
		}
		def, _, err := c.versionByNumber(ctx, reg, rf.schema, n)
		if errors.Is(err, errNotFound) {
			return nil, ioError(fmt.Errorf("%s has no version %d", rs, n))
		}
		if err != nil {
			return nil, asIOError(err)
		}
		defs[i], names[i] = def, fmt.Sprintf("%s version %d", rs, n)
	}
	return diffDefinitions(names[0], names[1], rs.Format, defs[0], defs[1])
}

// versionNumber reads a version argument: a number, or "latest" (the newest AVAILABLE version).
func versionNumber(rs *remoteSchema, v string) (int64, error) {
	if strings.EqualFold(v, "latest") {
		if vs := rs.eligible(schema.Backward); len(vs) == 1 {
			return vs[0].Number, nil
		}
		return 0, ioError(fmt.Errorf("%s has no available version", rs))
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, usageError("invalid version %q: want a number from 1, or latest", v)
	}
	return n, nil
}

// diffDefinitions lists the changes from oldDef to newDef and marks each with the engine's
// verdicts in both directions (see attribute).
func diffDefinitions(oldName, newName string, format schema.Format, oldDef, newDef string) (*diffResult, error) {
	res := &diffResult{Old: oldName, New: newName, Format: format}
	old, err := parseSchema(format, oldDef)
	if err != nil {
		return nil, invalid(fmt.Errorf("%s: %v", oldName, err))
	}
	new, err := parseSchema(format, newDef)
	if err != nil {
		return nil, invalid(fmt.Errorf("%s: %v", newName, err))
	}
	var changes changeList
	switch format {
	case schema.Protobuf:
		op, ok1 := old.(*protobuf.Schema)
		np, ok2 := new.(*protobuf.Schema)
		if !ok1 || !ok2 {
			return nil, ioError(fmt.Errorf("unexpected Protobuf schema types %T, %T", old, new))
		}
		changes = diffProtobuf(op, np)
	default:
		ot, err := parseTree(oldDef)
		if err != nil {
			return nil, invalid(fmt.Errorf("%s: %v", oldName, err))
		}
		nt, err := parseTree(newDef)
		if err != nil {
			return nil, invalid(fmt.Errorf("%s: %v", newName, err))
		}
		if format == schema.Avro {
			changes = diffAvro(ot, nt)
		} else {
			changes = diffJSONSchema(ot, nt)
		}
	}
	hist := []schema.Versioned{{Schema: old}}
	backward, err := runCheckEngine(format, schema.Backward, new, hist)
	checked := true
	if errors.Is(err, errNoChecker) {
		checked = false
		res.Note = err.Error()
	} else if err != nil {
		return nil, err
	}
	var forward []schema.Incompatibility
	if checked {
		if forward, err = runCheckEngine(format, schema.Forward, new, hist); err != nil {
			return nil, err
		}
	}
	res.Unattributed = attribute(changes, format, backward, forward, checked)
	res.Changes = changes
	if res.Changes == nil {
		res.Changes = []*change{}
	}
	return res, nil
}

func printDiff(w io.Writer, out output, res *diffResult) {
	if out == outJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(res)
		return
	}
	fmt.Fprintf(w, "%s → %s (%s): %s\n", res.Old, res.New, res.Format, plural(len(res.Changes), "change", "changes"))
	for _, c := range res.Changes {
		sign := map[string]string{"added": "+", "removed": "-", "changed": "~"}[c.Kind]
		what := c.Element + " " + c.Kind
		switch c.Kind {
		case "added":
			if c.New != "" {
				what += ": " + c.New
			}
		case "removed":
			if c.Old != "" {
				what += " (was " + c.Old + ")"
			}
		default:
			what += ": " + c.Old + " → " + c.New
		}
		fmt.Fprintf(w, "%s %s  %s\n", sign, c.path(), what)
		fmt.Fprintf(w, "    BACKWARD %s, FORWARD %s, FULL %s\n", c.Backward, c.Forward, c.Full)
		for _, f := range c.Findings {
			fmt.Fprintf(w, "    %s %s: %s\n", f.Direction, f.Rule, f.Message)
		}
	}
	for _, f := range res.Unattributed {
		fmt.Fprintf(w, "! %s  %s %s: %s\n", orRoot(f.Path), f.Direction, f.Rule, f.Message)
	}
	if res.Note != "" {
		fmt.Fprintf(w, "note: %s\n", res.Note)
	}
	fmt.Fprintln(w, summarize(res))
}

// summarize says under which modes the whole change set breaks.
func summarize(res *diffResult) string {
	if res.Note != "" {
		return "compatibility: unknown"
	}
	broken := map[string]bool{}
	for _, c := range res.Changes {
		broken["BACKWARD"] = broken["BACKWARD"] || c.Backward == "breaking"
		broken["FORWARD"] = broken["FORWARD"] || c.Forward == "breaking"
	}
	for _, f := range res.Unattributed {
		broken[string(f.Direction)] = true
	}
	broken["FULL"] = broken["BACKWARD"] || broken["FORWARD"]
	var ok, bad []string
	for _, m := range []string{"BACKWARD", "FORWARD", "FULL"} {
		if broken[m] {
			bad = append(bad, m)
		} else {
			ok = append(ok, m)
		}
	}
	parts := []string{}
	if len(ok) > 0 {
		parts = append(parts, "compatible under "+strings.Join(ok, ", "))
	}
	if len(bad) > 0 {
		parts = append(parts, "breaking under "+strings.Join(bad, ", "))
	}
	return strings.Join(parts, "; ")
}
