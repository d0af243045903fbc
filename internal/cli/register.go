package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/schema"
)

// statusNotRegistered: the local check found the definition invalid (or the schema DISABLED),
// so it was not sent.
const statusNotRegistered = "NOT_REGISTERED"

const registerSynopsis = `register [--registry R --schema S] --file F [--format F] [--compatibility M] [--create] [--metadata k=v ...] [--output O]`

// registration is the outcome of `carta register`; its JSON form is the JSON output.
type registration struct {
	Registry        string `json:"registry"`
	Schema          string `json:"schema"`
	Version         int64  `json:"version,omitempty"`
	SchemaVersionID string `json:"schema_version_id,omitempty"`
	// Status is the version's status (AVAILABLE, FAILURE, PENDING), REFUSED when the
	// registry answered with an error, or NOT_REGISTERED when the definition is invalid or the
	// schema takes no versions (DISABLED), so nothing was sent.
	Status string `json:"status"`
	// Created is true when the schema was created with this version.
	Created bool `json:"created,omitempty"`
	// Message is the registry's refusal, or its summary of a FAILURE.
	Message string `json:"message,omitempty"`
	// Check holds the reasons: the registry's own when it gives them (Carta), else the local check's.
	Check *report `json:"check,omitempty"`
}

// runRegister is `carta register`: a local check with the server's engine, so the reasons are
// printed even against AWS Glue, then RegisterSchemaVersion, whose verdict decides the exit
// status.
func runRegister(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "register", registerSynopsis)
	var rf registryFlags
	rf.add(fs)
	file := fs.String("file", "", "the schema `file` to register")
	formatFlag := fs.String("format", "", "schema `format` AVRO, JSON or PROTOBUF (default: the schema's; from the file name with --create)")
	compatFlag := fs.String("compatibility", "", "compatibility `mode` of a schema made by --create (default BACKWARD)")
	create := fs.Bool("create", false, "create the registry and the schema when they do not exist")
	var metadata multiFlag
	fs.Var(&metadata, "metadata", "`key=value` metadata for the registered version (repeatable)")
	outFlag := fs.String("output", "text", "output `format`: text, json or github")
	configPath := fs.String("config", "carta.yaml", "the `file` that declares --file's registry and schema when --schema is not given")
	wait := fs.Duration("wait", 60*time.Second, "how long to wait for a PENDING version (AWS Glue checks asynchronously)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("unexpected argument %q: the schema file is --file", pos[0])
	}
	if *file == "" {
		return usageError("register needs --file (and --schema, unless the file is declared in %s); usage: carta %s", *configPath, registerSynopsis)
	}
	format, err := parseFormat(*formatFlag)
	if err != nil {
		return err
	}
	compat, err := parseMode(*compatFlag)
	if err != nil {
		return err
	}
	compatFrom := "--compatibility"
	if rf.schema == "" {
		// Registry, schema, format and mode (for --create) as declared in carta.yaml.
		if err := declared(*configPath, *file, &rf, &format, &compat); err != nil {
			return err
		}
		if *compatFlag == "" {
			compatFrom = "the mode in " + *configPath
		}
	}
	out, err := parseOutput(*outFlag)
	if err != nil {
		return err
	}
	pairs, err := parseMetadata(metadata)
	if err != nil {
		return err
	}
	def, err := readSchemaFile(*file)
	if err != nil {
		return err
	}
	c, err := rf.client(ctx, env)
	if err != nil {
		return err
	}
	reg := &registration{Registry: rf.registryName(), Schema: rf.schema}
	rs, err := c.getSchema(ctx, reg.Registry, reg.Schema)
	switch {
	case errors.Is(err, errNotFound) && *create:
		err = createSchema(ctx, c, reg, *file, def, format, compat)
		if err != nil {
			return err
		}
	case errors.Is(err, errNotFound):
		return ioError(fmt.Errorf("schema %s/%s is not in the registry at %s: pass --create to create it", reg.Registry, reg.Schema, c.where))
	case err != nil:
		return asIOError(err)
	default:
		if format != "" && format != rs.Format {
			return usageError("%s is a %s schema, not %s", rs, rs.Format, format)
		}
		if compat != "" && compat != rs.Mode {
			fmt.Fprintf(env.Stderr, "carta register: note: %s has compatibility %s; %s (%s) applies only to a schema made by --create\n", rs, rs.Mode, compatFrom, compat)
		}
		if err := registerVersion(ctx, env, c, rs, reg, *file, def, *wait); err != nil {
			return err
		}
	}
	if reg.Status == string(types.SchemaVersionStatusAvailable) {
		if err := putMetadata(ctx, c, reg, pairs); err != nil {
			printRegistration(env.Stdout, out, *file, reg)
			return err
		}
	}
	printRegistration(env.Stdout, out, *file, reg)
	if reg.Status != string(types.SchemaVersionStatusAvailable) {
		return failed("%s/%s: %s", reg.Registry, reg.Schema, reg.Status)
	}
	return nil
}

// registerVersion checks def locally against rs, then registers it and fills reg.
func registerVersion(ctx context.Context, env *Env, c *glueClient, rs *remoteSchema, reg *registration, file, def string, wait time.Duration) error {
	local, err := checkAgainstRegistry(ctx, c, rs, file, def, rs.Mode)
	switch {
	case errors.Is(err, errNoChecker):
		// The registry may well be able to (AWS Glue checks every format): let it decide.
		fmt.Fprintf(env.Stderr, "carta register: note: %s; the registry's verdict decides\n", err)
		local = nil
	case err != nil:
		return err
	case local.Status == statusInvalid:
		reg.Status = statusNotRegistered
		reg.Message = local.Error
		reg.Check = local
		return nil
	}
	cctx, capture := withCapture(ctx)
	res, err := c.api.RegisterSchemaVersion(cctx, &glue.RegisterSchemaVersionInput{
		SchemaId:         schemaID(rs.Registry, rs.Name),
		SchemaDefinition: aws.String(def),
	})
	if err != nil {
		return refusal(c, reg, local, capture, rs, file, def, err)
	}
	reg.Version = aws.ToInt64(res.VersionNumber)
	reg.SchemaVersionID = aws.ToString(res.SchemaVersionId)
	reg.Status = string(res.Status)
	if res.Status == types.SchemaVersionStatusPending {
		capture, err = c.waitForVersion(ctx, reg, wait)
		if err != nil {
			return err
		}
	}
	switch types.SchemaVersionStatus(reg.Status) {
	case types.SchemaVersionStatusFailure:
		reg.Check = explain(local, capture.reasons(), rs, file, def)
		var m cartaMembers
		if json.Unmarshal(capture.body, &m) == nil {
			reg.Message = m.CartaMessage
		}
	case types.SchemaVersionStatusAvailable:
		if local != nil && local.Status == statusIncompatible {
			fmt.Fprintf(env.Stderr, "carta register: note: the registry accepted version %d although the local check found %s under %s\n",
				reg.Version, plural(len(local.Incompatibilities), "incompatibility", "incompatibilities"), local.Mode)
		}
	}
	return nil
}

// explain returns the reasons of a FAILURE or a refusal: the registry's own when it gives them
// (Carta does, AWS Glue does not), else the local check's.
func explain(local *report, server []schema.Incompatibility, rs *remoteSchema, file, def string) *report {
	if len(server) == 0 {
		return local
	}
	r := &report{File: file, Against: rs.String(), Format: rs.Format, Mode: rs.Mode}
	loc := newLocator(rs.Format, def, nil)
	if local != nil {
		r.Against, r.Mode = local.Against, local.Mode
		if local.loc != nil {
			loc = local.loc
		}
	}
	r.locate(loc, server)
	return r
}

// refusal handles an error answer to RegisterSchemaVersion: a refusal by the registry (invalid
// definition, DISABLED, reject mode) is exit 1 with its reasons; anything else is exit 2.
func refusal(c *glueClient, reg *registration, local *report, capture *captured, rs *remoteSchema, file, def string, err error) error {
	err = c.wrap(err)
	var ae *apiError
	if !errors.As(err, &ae) || ae.Code != "InvalidInputException" {
		return asIOError(err)
	}
	reg.Status = "REFUSED"
	reg.Message = ae.Message
	if r := explain(local, capture.reasons(), rs, file, def); r != nil && r.Status == statusIncompatible {
		reg.Check = r
	}
	return nil
}

// waitForVersion polls a PENDING version until the registry decides, as AWS Glue checks
// compatibility asynchronously.
func (c *glueClient) waitForVersion(ctx context.Context, reg *registration, wait time.Duration) (*captured, error) {
	deadline := time.Now().Add(wait)
	for {
		cctx, capture := withCapture(ctx)
		out, err := c.api.GetSchemaVersion(cctx, &glue.GetSchemaVersionInput{SchemaVersionId: aws.String(reg.SchemaVersionID)})
		if err != nil {
			return nil, asIOError(c.wrap(err))
		}
		reg.Status = string(out.Status)
		if out.Status != types.SchemaVersionStatusPending {
			return capture, nil
		}
		if time.Now().After(deadline) {
			return nil, ioError(fmt.Errorf("version %d of %s/%s is still PENDING after %s", reg.Version, reg.Registry, reg.Schema, wait))
		}
		select {
		case <-ctx.Done():
			return nil, ioError(ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// createSchema creates the registry (when missing) and the schema with def as version 1.
func createSchema(ctx context.Context, c *glueClient, reg *registration, file, def string, format schema.Format, mode schema.Mode) error {
	if format == "" {
		format = formatOf(file)
		if format == "" {
			return usageError("cannot tell the format of %s from its name: pass --format AVRO, JSON or PROTOBUF", file)
		}
	}
	if mode == "" {
		mode = schema.Backward
	}
	if _, err := parseSchema(format, def); err != nil {
		reg.Status = statusNotRegistered
		reg.Message = err.Error()
		loc := newLocator(format, def, nil)
		reg.Check = &report{File: file, Format: format, Mode: mode}
		reg.Check.invalid(loc, format, err)
		return nil
	}
	if reg.Registry != "default-registry" {
		_, err := c.api.CreateRegistry(ctx, &glue.CreateRegistryInput{RegistryName: aws.String(reg.Registry)})
		var ae *apiError
		if err := c.wrap(err); err != nil && !(errors.As(err, &ae) && ae.Code == "AlreadyExistsException") {
			return asIOError(err)
		}
	}
	out, err := c.api.CreateSchema(ctx, &glue.CreateSchemaInput{
		RegistryId:       &types.RegistryId{RegistryName: aws.String(reg.Registry)},
		SchemaName:       aws.String(reg.Schema),
		DataFormat:       types.DataFormat(format),
		Compatibility:    types.Compatibility(mode),
		SchemaDefinition: aws.String(def),
	})
	if err != nil {
		err = c.wrap(err)
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "InvalidInputException" {
			reg.Status, reg.Message = "REFUSED", ae.Message
			return nil
		}
		return asIOError(err)
	}
	reg.Created = true
	reg.Version = 1
	reg.SchemaVersionID = aws.ToString(out.SchemaVersionId)
	reg.Status = string(out.SchemaVersionStatus)
	if reg.Status == "" {
		reg.Status = string(types.SchemaVersionStatusAvailable)
	}
	return nil
}

type metadataPair struct{ key, value string }

func parseMetadata(list []string) ([]metadataPair, error) {
	var out []metadataPair
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || v == "" {
			return nil, usageError("invalid --metadata %q: want key=value", kv)
		}
		out = append(out, metadataPair{k, v})
	}
	return out, nil
}

// putMetadata attaches each pair to the registered version. A pair the version already has (a
// re-registration of an identical definition) is fine.
func putMetadata(ctx context.Context, c *glueClient, reg *registration, pairs []metadataPair) error {
	for _, p := range pairs {
		_, err := c.api.PutSchemaVersionMetadata(ctx, &glue.PutSchemaVersionMetadataInput{
			SchemaVersionId:  aws.String(reg.SchemaVersionID),
			MetadataKeyValue: &types.MetadataKeyValuePair{MetadataKey: aws.String(p.key), MetadataValue: aws.String(p.value)},
		})
		if err == nil {
			continue
		}
		err = c.wrap(err)
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "AlreadyExistsException" {
			continue
		}
		return ioError(fmt.Errorf("version %d is registered, but its metadata %s=%s was not set: %v", reg.Version, p.key, p.value, err))
	}
	return nil
}

// printRegistration writes the outcome in the chosen output.
func printRegistration(w io.Writer, out output, file string, reg *registration) {
	if out == outJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(reg)
		return
	}
	name := reg.Registry + "/" + reg.Schema
	if out == outGitHub && reg.Check != nil {
		printGitHub(w, reg.Check)
	}
	switch {
	case reg.Status == statusNotRegistered:
		fmt.Fprintf(w, "%s: not registered: %s\n", name, oneLine(reg.Message))
	case reg.Status == "REFUSED":
		fmt.Fprintf(w, "%s: refused by the registry: %s\n", name, oneLine(reg.Message))
		if out == outGitHub && (reg.Check == nil || reg.Check.Status != statusInvalid) {
			fmt.Fprintf(w, "::error %s::%s\n", ghProps(file, position{}, "registration refused"), ghData(oneLine(reg.Message)))
		}
	case reg.Created:
		fmt.Fprintf(w, "%s: created with version %d (SchemaVersionId %s), %s\n", name, reg.Version, reg.SchemaVersionID, reg.Status)
	default:
		fmt.Fprintf(w, "%s: version %d (SchemaVersionId %s), %s\n", name, reg.Version, reg.SchemaVersionID, reg.Status)
	}
	if reg.Status == string(types.SchemaVersionStatusFailure) {
		if reg.Check == nil || len(reg.Check.Incompatibilities) == 0 {
			fmt.Fprintln(w, "the registry gave no reasons, and the local check found none: the registry's versions or mode may have changed since they were read")
			if out == outGitHub {
				fmt.Fprintf(w, "::error %s::%s\n", ghProps(file, position{}, "registration FAILURE"), ghData(name+": version "+fmt.Sprint(reg.Version)+" has status FAILURE"))
			}
			return
		}
	}
	if reg.Check != nil && reg.Check.Status == statusIncompatible && reg.Status != string(types.SchemaVersionStatusAvailable) {
		fmt.Fprintf(w, "not compatible under %s with %s: %s\n", reg.Check.Mode, reg.Check.Against, plural(len(reg.Check.Incompatibilities), "incompatibility", "incompatibilities"))
		for _, f := range reg.Check.Incompatibilities {
			fmt.Fprintf(w, "%s%s: %s\n", file, at(f.position), describe(f.Incompatibility))
		}
	}
	if reg.Check != nil && reg.Check.Status == statusInvalid && reg.Check.ErrorAt.Line > 0 {
		fmt.Fprintf(w, "%s%s: %s\n", file, at(reg.Check.ErrorAt), reg.Check.Error)
	}
}
