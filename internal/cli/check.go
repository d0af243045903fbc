package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cartaschema/carta/schema"
)

const checkSynopsis = `check [--format F] [--mode M] [--output O] OLD NEW
       carta check --registry R --schema S --file F [--mode M] [--output O]
       carta check --against REF [--config carta.yaml] [--output O]`

// runCheck is `carta check`: a compatibility check that registers nothing, of two files, of a
// file against a registry's versions, or of every schema in carta.yaml against a git ref.
func runCheck(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "check", checkSynopsis)
	var rf registryFlags
	rf.add(fs)
	formatFlag := fs.String("format", "", "schema `format`: AVRO, JSON or PROTOBUF (default: from the file name, or the registry's)")
	modeFlag := fs.String("mode", "", "compatibility `mode` (default: BACKWARD for files, the schema's own mode for a registry, the declared one with --against)")
	outFlag := fs.String("output", "text", "output `format`: text, json or github (workflow annotations)")
	file := fs.String("file", "", "the new schema `file` (with --registry/--schema)")
	against := fs.String("against", "", "git `ref` to check every schema of carta.yaml against (origin/main, a tag, a commit)")
	configPath := fs.String("config", "carta.yaml", "the `file` declaring the schemas (with --against, or --file without --schema)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	format, err := parseFormat(*formatFlag)
	if err != nil {
		return err
	}
	mode, err := parseMode(*modeFlag)
	if err != nil {
		return err
	}
	out, err := parseOutput(*outFlag)
	if err != nil {
		return err
	}
	var reports []*report
	switch {
	case *against != "":
		if len(pos) > 0 || rf.used() || *file != "" {
			return usageError("--against checks the schemas of %s: give no files, --registry or --schema", *configPath)
		}
		reports, err = checkAgainstRef(ctx, *configPath, *against, format, mode)
		if err != nil {
			return err
		}
		printReports(env.Stdout, out, false, reports)
	case rf.used() || *file != "":
		if *file == "" {
			return usageError("a check against a registry needs --file (and --schema, unless the file is declared in %s)", *configPath)
		}
		if rf.schema == "" {
			// Registry and schema as declared in carta.yaml; its mode is not used here: the
			// registry's own mode is what a registration meets.
			var declaredMode schema.Mode
			if err := declared(*configPath, *file, &rf, &format, &declaredMode); err != nil {
				return err
			}
		}
		if len(pos) > 0 {
			return usageError("unexpected argument %q: the new schema is --file", pos[0])
		}
		r, err := checkRegistry(ctx, env, &rf, *file, format, mode)
		if err != nil {
			return err
		}
		reports = []*report{r}
		printReports(env.Stdout, out, true, reports)
	default:
		if len(pos) != 2 {
			return usageError("want two schema files, OLD and NEW (or --registry/--schema/--file, or --against); usage: carta %s", strings.SplitN(checkSynopsis, "\n", 2)[0])
		}
		r, err := checkFiles(pos[0], pos[1], format, mode)
		if err != nil {
			return err
		}
		reports = []*report{r}
		printReports(env.Stdout, out, true, reports)
	}
	return verdict(reports)
}

// verdict is exit 1 when any report is not a pass.
func verdict(reports []*report) error {
	bad := 0
	for _, r := range reports {
		if !r.ok() {
			bad++
		}
	}
	if bad > 0 {
		return failed("%s failed the check", plural(bad, "schema", "schemas"))
	}
	return nil
}

// checkFiles checks NEW against OLD offline.
func checkFiles(oldPath, newPath string, format schema.Format, mode schema.Mode) (*report, error) {
	if format == "" {
		format = formatOf(newPath)
		if format == "" {
			format = formatOf(oldPath)
		}
		if format == "" {
			return nil, usageError("cannot tell the format of %s from its name: pass --format AVRO, JSON or PROTOBUF", newPath)
		}
	}
	if mode == "" {
		mode = schema.Backward
	}
	oldDef, err := readSchemaFile(oldPath)
	if err != nil {
		return nil, err
	}
	newDef, err := readSchemaFile(newPath)
	if err != nil {
		return nil, err
	}
	return checkDefinitions(newPath, oldPath, format, mode, oldDef, newDef)
}

// checkDefinitions checks newDef against oldDef under mode and reports with places in newDef.
// An invalid old definition is an error about the old file; an invalid new one is a verdict.
func checkDefinitions(newName, oldName string, format schema.Format, mode schema.Mode, oldDef, newDef string) (*report, error) {
	r := &report{File: newName, Against: oldName, Format: format, Mode: mode}
	loc := newLocator(format, newDef, map[int64]string{0: oldDef})
	candidate, err := parseSchema(format, newDef)
	if err != nil {
		r.invalid(loc, format, err)
		return r, nil
	}
	old, err := parseSchema(format, oldDef)
	if err != nil {
		var pe *schema.ParseError
		if errors.As(err, &pe) {
			return nil, invalid(fmt.Errorf("%s: the old schema is invalid: %v", oldName, err))
		}
		return nil, err
	}
	if !mode.NeedsCheck() {
		r.Status = statusUnchecked
		return r, nil
	}
	found, err := runCheckEngine(format, mode, candidate, []schema.Versioned{{Schema: old}})
	if err != nil {
		return nil, err
	}
	r.locate(loc, found)
	return r, nil
}

// invalid records an invalid new definition in r.
func (r *report) invalid(loc *locator, format schema.Format, err error) {
	r.Status = statusInvalid
	r.Error = err.Error()
	if _, ok := err.(*schema.ParseError); !ok {
		r.Error = fmt.Sprintf("invalid %s schema: %v", format, err)
	}
	r.ErrorAt = loc.parseError(err)
	r.Incompatibilities = []finding{}
}

// checkRegistry checks a file against the versions of a schema in a registry, under the
// schema's mode or mode, exactly as a registration would be checked.
func checkRegistry(ctx context.Context, env *Env, rf *registryFlags, file string, format schema.Format, mode schema.Mode) (*report, error) {
	def, err := readSchemaFile(file)
	if err != nil {
		return nil, err
	}
	c, err := rf.client(ctx, env)
	if err != nil {
		return nil, err
	}
	rs, err := c.getSchema(ctx, rf.registryName(), rf.schema)
	if errors.Is(err, errNotFound) {
		return nil, ioError(fmt.Errorf("schema %s/%s is not in the registry at %s", rf.registryName(), rf.schema, c.where))
	}
	if err != nil {
		return nil, asIOError(err)
	}
	if format != "" && format != rs.Format {
		return nil, usageError("%s is a %s schema, not %s", rs, rs.Format, format)
	}
	if mode == "" {
		mode = rs.Mode
	}
	return checkAgainstRegistry(ctx, c, rs, file, def, mode)
}

// checkAgainstRegistry checks def under mode against the versions of rs that mode selects.
func checkAgainstRegistry(ctx context.Context, c *glueClient, rs *remoteSchema, file, def string, mode schema.Mode) (*report, error) {
	versions := rs.eligible(mode)
	r := &report{File: file, Against: describeVersions(rs, versions), Format: rs.Format, Mode: mode}
	hist, defs, err := c.history(ctx, rs, versions)
	if err != nil {
		return nil, asIOError(err)
	}
	loc := newLocator(rs.Format, def, defs)
	candidate, err := parseSchema(rs.Format, def)
	if err != nil {
		r.invalid(loc, rs.Format, err)
		return r, nil
	}
	switch {
	case mode == schema.Disabled:
		r.Status = statusInvalid
		r.Error = fmt.Sprintf("%s has compatibility DISABLED: it takes no new versions", rs)
		r.Incompatibilities = []finding{}
		return r, nil
	case !mode.NeedsCheck():
		r.Status = statusUnchecked
		return r, nil
	}
	found, err := runCheckEngine(rs.Format, mode, candidate, hist)
	if err != nil {
		return nil, err
	}
	r.locate(loc, found)
	return r, nil
}

func describeVersions(rs *remoteSchema, vs []remoteVersion) string {
	switch len(vs) {
	case 0:
		return rs.String() + " (no available version)"
	case 1:
		return fmt.Sprintf("%s version %d", rs, vs[0].Number)
	}
	nums := make([]string, len(vs))
	for i, v := range vs {
		nums[i] = fmt.Sprint(v.Number)
	}
	return fmt.Sprintf("%s versions %s", rs, strings.Join(nums, ", "))
}

// asIOError turns a registry's error answer met while reading into an exit-2 error: reading a
// schema that exists should not be refused.
func asIOError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return ioError(err)
	}
	return err
}
