package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"

	"github.com/cartaschema/carta/schema"
)

// registryFlags are the flags of every command that talks to a registry.
type registryFlags struct {
	registry, schema string
	endpoint, region string
}

func (f *registryFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.registry, "registry", "", "registry `name` (default-registry when only --schema is given)")
	fs.StringVar(&f.schema, "schema", "", "schema `name`")
	fs.StringVar(&f.endpoint, "endpoint-url", "", "registry endpoint `URL` (default: $AWS_ENDPOINT_URL_GLUE, $AWS_ENDPOINT_URL, else AWS Glue)")
	fs.StringVar(&f.region, "region", "", "AWS `region` (default: the AWS configuration chain; us-east-1 with an endpoint override)")
}

func (f *registryFlags) used() bool { return f.registry != "" || f.schema != "" }

func (f *registryFlags) registryName() string {
	if f.registry == "" {
		return "default-registry"
	}
	return f.registry
}

// glueClient is an AWS Glue Schema Registry client for the CLI: the AWS SDK for Go, configured
// by the standard chain, failing fast when the registry cannot be reached, and able to read
// Carta's extension members that the SDK's decoder drops.
type glueClient struct {
	api *glue.Client
	// where names the registry in error messages: its URL, or "AWS Glue in <region>".
	where string
}

// The retry policy: a CI step should fail in seconds, not minutes, when the registry is down.
const (
	maxAttempts = 2
	maxBackoff  = 300 * time.Millisecond
	httpTimeout = 30 * time.Second
)

func (f *registryFlags) client(ctx context.Context, env *Env) (*glueClient, error) {
	endpoint := f.endpoint
	if endpoint == "" {
		endpoint = env.getenv("AWS_ENDPOINT_URL_GLUE")
	}
	if endpoint == "" {
		endpoint = env.getenv("AWS_ENDPOINT_URL")
	}
	if endpoint != "" {
		if u, err := url.Parse(endpoint); err != nil || u.Scheme == "" || u.Host == "" {
			return nil, usageError("invalid endpoint URL %q: want e.g. http://127.0.0.1:8081", endpoint)
		}
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.MaxBackoff = maxBackoff
			})
		}),
		// A BuildableClient, so that the chain can install AWS_CA_BUNDLE into it; it is wrapped
		// for capture once loaded.
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(httpTimeout)),
	}
	if f.region != "" {
		opts = append(opts, config.WithRegion(f.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, ioError(fmt.Errorf("loading the AWS configuration: %v", err))
	}
	cfg.HTTPClient = capturingClient{cfg.HTTPClient}
	if cfg.Region == "" {
		if endpoint == "" {
			return nil, usageError("no AWS region: set AWS_REGION or pass --region")
		}
		// Carta takes any region; the SDK needs one to sign.
		cfg.Region = "us-east-1"
	}
	if endpoint != "" {
		// Carta verifies no signatures, so a CI job without AWS credentials can still talk to
		// it: fall back to unsigned requests (recorded as "anonymous" in Carta's audit log).
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		_, err := cfg.Credentials.Retrieve(cctx)
		cancel()
		if err != nil {
			cfg.Credentials = aws.AnonymousCredentials{}
		}
	}
	c := &glueClient{where: "AWS Glue in " + cfg.Region}
	c.api = glue.NewFromConfig(cfg, func(o *glue.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			c.where = endpoint
		}
	})
	return c, nil
}

// remoteSchema is a schema as the registry describes it, with its versions.
type remoteSchema struct {
	Registry, Name string
	Format         schema.Format
	Mode           schema.Mode
	Checkpoint     int64
	Versions       []remoteVersion // by number
}

type remoteVersion struct {
	Number int64
	ID     string
	Status types.SchemaVersionStatus
}

func (rs *remoteSchema) String() string { return rs.Registry + "/" + rs.Name }

func schemaID(registry, name string) *types.SchemaId {
	return &types.SchemaId{RegistryName: aws.String(registry), SchemaName: aws.String(name)}
}

// errNotFound marks an EntityNotFoundException.
var errNotFound = errors.New("not found")

// getSchema reads a schema and the list of its versions.
func (c *glueClient) getSchema(ctx context.Context, registry, name string) (*remoteSchema, error) {
	out, err := c.api.GetSchema(ctx, &glue.GetSchemaInput{SchemaId: schemaID(registry, name)})
	if err != nil {
		return nil, c.wrap(err)
	}
	rs := &remoteSchema{
		Registry:   registry,
		Name:       name,
		Format:     schema.Format(out.DataFormat),
		Mode:       schema.Mode(out.Compatibility),
		Checkpoint: aws.ToInt64(out.SchemaCheckpoint),
	}
	pages := glue.NewListSchemaVersionsPaginator(c.api, &glue.ListSchemaVersionsInput{SchemaId: schemaID(registry, name), MaxResults: aws.Int32(100)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, c.wrap(err)
		}
		for _, v := range page.Schemas {
			rs.Versions = append(rs.Versions, remoteVersion{Number: aws.ToInt64(v.VersionNumber), ID: aws.ToString(v.SchemaVersionId), Status: v.Status})
		}
	}
	sort.Slice(rs.Versions, func(i, j int) bool { return rs.Versions[i].Number < rs.Versions[j].Number })
	return rs, nil
}

// eligible returns the versions a registration is checked against under mode, oldest first:
// the latest AVAILABLE one, or for the _ALL modes every AVAILABLE one from the checkpoint on.
func (rs *remoteSchema) eligible(mode schema.Mode) []remoteVersion {
	if !mode.NeedsCheck() {
		return nil
	}
	var out []remoteVersion
	for _, v := range rs.Versions {
		if v.Status == types.SchemaVersionStatusAvailable && (!mode.Transitive() || v.Number >= rs.Checkpoint) {
			out = append(out, v)
		}
	}
	if !mode.Transitive() && len(out) > 1 {
		out = out[len(out)-1:]
	}
	return out
}

// history fetches and parses the definitions of versions, oldest first. It also returns the
// definitions by number, for locating findings.
func (c *glueClient) history(ctx context.Context, rs *remoteSchema, versions []remoteVersion) ([]schema.Versioned, map[int64]string, error) {
	var hist []schema.Versioned
	defs := map[int64]string{}
	for _, v := range versions {
		def, err := c.definition(ctx, &glue.GetSchemaVersionInput{SchemaVersionId: aws.String(v.ID)})
		if err != nil {
			return nil, nil, err
		}
		parsed, err := parseSchema(rs.Format, def)
		if err != nil {
			return nil, nil, ioError(fmt.Errorf("version %d of %s does not parse here: %v", v.Number, rs, err))
		}
		hist = append(hist, schema.Versioned{Version: v.Number, Schema: parsed})
		defs[v.Number] = def
	}
	return hist, defs, nil
}

func (c *glueClient) definition(ctx context.Context, in *glue.GetSchemaVersionInput) (string, error) {
	out, err := c.api.GetSchemaVersion(ctx, in)
	if err != nil {
		return "", c.wrap(err)
	}
	return aws.ToString(out.SchemaDefinition), nil
}

// versionByNumber returns the definition of one version of a schema.
func (c *glueClient) versionByNumber(ctx context.Context, registry, name string, n int64) (string, schema.Format, error) {
	out, err := c.api.GetSchemaVersion(ctx, &glue.GetSchemaVersionInput{
		SchemaId:            schemaID(registry, name),
		SchemaVersionNumber: &types.SchemaVersionNumber{VersionNumber: aws.Int64(n)},
	})
	if err != nil {
		return "", "", c.wrap(err)
	}
	return aws.ToString(out.SchemaDefinition), schema.Format(out.DataFormat), nil
}

// apiError is an error answer of the registry.
type apiError struct {
	Code, Message string
	// Incompatibilities are Carta's reasons for a refused registration (reject mode).
	Incompatibilities []schema.Incompatibility
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// wrap turns an SDK error into what the CLI reports: an *apiError for an answer of the
// registry (a refusal is exit 1, the caller decides), and a one-line exit-2 error for anything
// that kept the request from being answered.
func (c *glueClient) wrap(err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		e := &apiError{Code: ae.ErrorCode(), Message: ae.ErrorMessage()}
		if e.Code == "EntityNotFoundException" {
			return fmt.Errorf("%w: %w", errNotFound, e)
		}
		return e
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &oe):
		return ioError(fmt.Errorf("cannot reach the registry at %s: %v", c.where, oe.Err))
	case errors.As(err, &ne):
		return ioError(fmt.Errorf("cannot reach the registry at %s: %v", c.where, ne))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ioError(fmt.Errorf("no answer from the registry at %s: %v", c.where, err))
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "failed to refresh cached credentials") {
		return ioError(fmt.Errorf("no AWS credentials for %s: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE", c.where))
	}
	return ioError(fmt.Errorf("calling the registry at %s: %v", c.where, err))
}

// capturingClient keeps the raw body of the answers to requests whose context asks for it
// (withCapture), because Carta's explanation of a FAILURE version lives in members the SDK's
// decoder does not know.
type capturingClient struct{ next aws.HTTPClient }

type captureKey struct{}

// captured holds the raw body of the last answer to a request made with its context.
type captured struct{ body []byte }

func withCapture(ctx context.Context) (context.Context, *captured) {
	c := &captured{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// maxCapture bounds the body kept: a Glue answer is far smaller.
const maxCapture = 8 << 20

func (c capturingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.next.Do(req)
	if err != nil {
		return resp, err
	}
	cap, ok := req.Context().Value(captureKey{}).(*captured)
	if !ok {
		return resp, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxCapture))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	cap.body = b
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// cartaMembers are Carta's extension members: CartaIncompatibilities and CartaMessage on a
// FAILURE version, Incompatibilities on a refusal in reject mode.
type cartaMembers struct {
	CartaIncompatibilities []wireIncompatibility
	CartaMessage           string
	Incompatibilities      []wireIncompatibility
}

type wireIncompatibility struct {
	Rule, Path, Direction string
	Version               int64
	Message               string
}

// reasons returns the incompatibilities a captured body carries, or nil (AWS Glue sends none).
func (c *captured) reasons() []schema.Incompatibility {
	if c == nil || len(c.body) == 0 {
		return nil
	}
	var m cartaMembers
	if json.Unmarshal(c.body, &m) != nil {
		return nil
	}
	list := m.CartaIncompatibilities
	if len(list) == 0 {
		list = m.Incompatibilities
	}
	var out []schema.Incompatibility
	for _, w := range list {
		out = append(out, schema.Incompatibility{Rule: w.Rule, Path: w.Path, Direction: schema.Direction(w.Direction), Version: w.Version, Message: w.Message})
	}
	return out
}
