// Package glue is a serde.Registry over the AWS Glue Schema Registry API,
// through the AWS SDK for Go v2. It works against AWS Glue itself and
// against Carta (point the SDK's BaseEndpoint at Carta's listener).
//
//	cfg, _ := config.LoadDefaultConfig(ctx)
//	reg := glue.New(awsglue.NewFromConfig(cfg, func(o *awsglue.Options) {
//		o.BaseEndpoint = aws.String("http://127.0.0.1:8081") // Carta; omit for AWS
//	}))
//	ser, _ := serde.NewSerializer(reg, serde.Avro, serde.WithSchema("payments", "PaymentCaptured"))
//
// Glue has no integer schema IDs, so SchemaByID returns
// serde.ErrUnsupported: records in the Confluent framing need the
// Confluent client (serde/confluent).
package glue

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/wire"
)

// API is the part of the AWS SDK's Glue client the Registry calls;
// *glue.Client implements it.
type API interface {
	GetSchemaVersion(ctx context.Context, in *awsglue.GetSchemaVersionInput, opts ...func(*awsglue.Options)) (*awsglue.GetSchemaVersionOutput, error)
	GetSchemaByDefinition(ctx context.Context, in *awsglue.GetSchemaByDefinitionInput, opts ...func(*awsglue.Options)) (*awsglue.GetSchemaByDefinitionOutput, error)
	RegisterSchemaVersion(ctx context.Context, in *awsglue.RegisterSchemaVersionInput, opts ...func(*awsglue.Options)) (*awsglue.RegisterSchemaVersionOutput, error)
	CreateSchema(ctx context.Context, in *awsglue.CreateSchemaInput, opts ...func(*awsglue.Options)) (*awsglue.CreateSchemaOutput, error)
	PutSchemaVersionMetadata(ctx context.Context, in *awsglue.PutSchemaVersionMetadataInput, opts ...func(*awsglue.Options)) (*awsglue.PutSchemaVersionMetadataOutput, error)
}

// Registry implements serde.Registry over the Glue API.
type Registry struct {
	api API
}

// New returns a Registry that calls api.
func New(api API) *Registry { return &Registry{api: api} }

var _ serde.Registry = (*Registry)(nil)

// SchemaByVersionID implements serde.Registry with GetSchemaVersion.
func (r *Registry) SchemaByVersionID(ctx context.Context, id wire.VersionID) (serde.Schema, error) {
	out, err := r.api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(id.String())})
	if err != nil {
		return serde.Schema{}, mapErr(err)
	}
	return fromVersion(out)
}

// SchemaByID returns serde.ErrUnsupported: Glue has no integer IDs.
func (r *Registry) SchemaByID(context.Context, uint32) (serde.Schema, error) {
	return serde.Schema{}, fmt.Errorf("glue: integer schema IDs (the Confluent framing): %w", serde.ErrUnsupported)
}

// SchemaVersion implements serde.Registry with GetSchemaVersion.
func (r *Registry) SchemaVersion(ctx context.Context, ref serde.SchemaRef, version int) (serde.Schema, error) {
	num := &types.SchemaVersionNumber{LatestVersion: true}
	if version > 0 {
		num = &types.SchemaVersionNumber{VersionNumber: aws.Int64(int64(version))}
	}
	out, err := r.api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaId: schemaID(ref), SchemaVersionNumber: num})
	if err != nil {
		return serde.Schema{}, mapErr(err)
	}
	if out.Status != types.SchemaVersionStatusAvailable {
		return serde.Schema{}, fmt.Errorf("glue: %s version %d is %s, not AVAILABLE: %w", ref, aws.ToInt64(out.VersionNumber), out.Status, serde.ErrNotFound)
	}
	return fromVersion(out)
}

// LookupSchema implements serde.Registry with GetSchemaByDefinition. A
// definition that the registry refused as incompatible (Status FAILURE)
// is an error wrapping serde.ErrIncompatible.
func (r *Registry) LookupSchema(ctx context.Context, ref serde.SchemaRef, format serde.Format, definition string) (serde.Schema, error) {
	out, err := r.api.GetSchemaByDefinition(ctx, &awsglue.GetSchemaByDefinitionInput{SchemaId: schemaID(ref), SchemaDefinition: aws.String(definition)})
	if err != nil {
		return serde.Schema{}, mapErr(err)
	}
	id, err := wire.ParseVersionID(aws.ToString(out.SchemaVersionId))
	if err != nil {
		return serde.Schema{}, fmt.Errorf("glue: GetSchemaByDefinition returned version ID %q: %w", aws.ToString(out.SchemaVersionId), err)
	}
	if err := statusErr(ref, out.Status); err != nil {
		return serde.Schema{}, err
	}
	// GetSchemaByDefinition returns no version number: one more call
	// fetches it (once per cache fill in the Serializer).
	v, err := r.api.GetSchemaVersion(ctx, &awsglue.GetSchemaVersionInput{SchemaVersionId: aws.String(id.String())})
	if err != nil {
		return serde.Schema{}, mapErr(err)
	}
	s, err := fromVersion(v)
	if err != nil {
		return serde.Schema{}, err
	}
	if s.Ref.Name == "" {
		s.Ref = refOf(ref, aws.ToString(out.SchemaArn))
	}
	if s.Format == "" {
		s.Format = format
	}
	return s, nil
}

// RegisterSchema implements serde.Registry with RegisterSchemaVersion,
// or CreateSchema when the schema does not exist, then
// PutSchemaVersionMetadata for each metadata entry.
func (r *Registry) RegisterSchema(ctx context.Context, ref serde.SchemaRef, format serde.Format, definition string, opts serde.RegisterOptions) (serde.Schema, error) {
	var (
		idText  string
		version int64
		status  types.SchemaVersionStatus
	)
	out, err := r.api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{SchemaId: schemaID(ref), SchemaDefinition: aws.String(definition)})
	switch {
	case err == nil:
		idText, version, status = aws.ToString(out.SchemaVersionId), aws.ToInt64(out.VersionNumber), out.Status
	case isNotFound(err) && strings.Contains(errMessage(err), "Schema is not found"):
		mode := types.Compatibility(opts.Compatibility)
		if mode == "" {
			mode = types.CompatibilityBackward
		}
		in := &awsglue.CreateSchemaInput{
			RegistryId:       &types.RegistryId{RegistryName: aws.String(registryName(ref))},
			SchemaName:       aws.String(ref.Name),
			DataFormat:       types.DataFormat(format),
			Compatibility:    mode,
			SchemaDefinition: aws.String(definition),
		}
		if opts.Description != "" {
			in.Description = aws.String(opts.Description)
		}
		cs, cerr := r.api.CreateSchema(ctx, in)
		if cerr != nil {
			var exists *types.AlreadyExistsException
			if errors.As(cerr, &exists) { // another producer created it first
				return r.RegisterSchema(ctx, ref, format, definition, opts)
			}
			return serde.Schema{}, mapErr(cerr)
		}
		idText, version, status = aws.ToString(cs.SchemaVersionId), 1, cs.SchemaVersionStatus
	default:
		return serde.Schema{}, mapErr(err)
	}
	id, err := wire.ParseVersionID(idText)
	if err != nil {
		return serde.Schema{}, fmt.Errorf("glue: the registry returned version ID %q: %w", idText, err)
	}
	if err := statusErr(ref, status); err != nil {
		return serde.Schema{}, err
	}
	for k, v := range opts.Metadata {
		_, err := r.api.PutSchemaVersionMetadata(ctx, &awsglue.PutSchemaVersionMetadataInput{
			SchemaVersionId:  aws.String(idText),
			MetadataKeyValue: &types.MetadataKeyValuePair{MetadataKey: aws.String(k), MetadataValue: aws.String(v)},
		})
		var exists *types.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return serde.Schema{}, mapErr(err)
		}
	}
	return serde.Schema{Ref: ref, Format: format, Definition: definition, VersionID: id, Version: int(version)}, nil
}

func statusErr(ref serde.SchemaRef, st types.SchemaVersionStatus) error {
	switch st {
	case types.SchemaVersionStatusAvailable, "":
		return nil
	case types.SchemaVersionStatusFailure:
		return fmt.Errorf("glue: %s: the registry refused this definition (status FAILURE): %w", ref, serde.ErrIncompatible)
	default:
		return fmt.Errorf("glue: %s: the version is %s, not AVAILABLE yet", ref, st)
	}
}

func fromVersion(out *awsglue.GetSchemaVersionOutput) (serde.Schema, error) {
	id, err := wire.ParseVersionID(aws.ToString(out.SchemaVersionId))
	if err != nil {
		return serde.Schema{}, fmt.Errorf("glue: the registry returned version ID %q: %w", aws.ToString(out.SchemaVersionId), err)
	}
	return serde.Schema{
		Ref:        refOf(serde.SchemaRef{}, aws.ToString(out.SchemaArn)),
		Format:     serde.Format(out.DataFormat),
		Definition: aws.ToString(out.SchemaDefinition),
		VersionID:  id,
		Version:    int(aws.ToInt64(out.VersionNumber)),
	}, nil
}

// refOf reads the registry and schema names from a schema ARN
// (arn:aws:glue:region:account:schema/registry/schema), else keeps ref.
func refOf(ref serde.SchemaRef, arn string) serde.SchemaRef {
	if i := strings.Index(arn, ":schema/"); i >= 0 {
		if reg, name, ok := strings.Cut(arn[i+len(":schema/"):], "/"); ok {
			return serde.SchemaRef{Registry: reg, Name: name}
		}
	}
	return ref
}

func registryName(ref serde.SchemaRef) string {
	if ref.Registry == "" {
		return serde.DefaultRegistry
	}
	return ref.Registry
}

func schemaID(ref serde.SchemaRef) *types.SchemaId {
	return &types.SchemaId{RegistryName: aws.String(registryName(ref)), SchemaName: aws.String(ref.Name)}
}

func isNotFound(err error) bool {
	var nf *types.EntityNotFoundException
	return errors.As(err, &nf)
}

func errMessage(err error) string {
	var nf *types.EntityNotFoundException
	if errors.As(err, &nf) {
		return nf.ErrorMessage()
	}
	return err.Error()
}

// mapErr wraps EntityNotFoundException in serde.ErrNotFound and keeps
// the SDK error in the chain.
func mapErr(err error) error {
	if isNotFound(err) {
		return &notFound{msg: errMessage(err), err: err}
	}
	return fmt.Errorf("glue: %w", err)
}

// notFound reads as the registry's own message and unwraps to both
// serde.ErrNotFound and the SDK's EntityNotFoundException.
type notFound struct {
	msg string
	err error
}

func (e *notFound) Error() string   { return "glue: " + e.msg }
func (e *notFound) Unwrap() []error { return []error{serde.ErrNotFound, e.err} }
