package glue

import (
	"errors"

	"github.com/cartaschema/carta/internal/registry"
)

func (h *handler) registerSchemaVersion(c *call, in *schemaDefinitionInput) (*registerSchemaVersionOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	def, err := requiredDefinition(in.SchemaDefinition)
	if err != nil {
		return nil, err
	}
	res, err := h.svc.RegisterVersion(c.ctx, ref, def)
	if err != nil {
		return nil, err
	}
	v := res.Version
	out := &registerSchemaVersionOutput{SchemaVersionId: v.ID, VersionNumber: v.Number, Status: v.Status}
	if v.Status == registry.StatusFailure {
		out.carta = failure(v)
	}
	return out, nil
}

// failure renders Carta's explanation of a FAILURE version.
func failure(v *registry.Version) carta {
	return carta{CartaIncompatibilities: incompatibilities(v.Reasons), CartaMessage: registry.IncompatibleMessage(v)}
}

func (h *handler) getSchemaVersion(c *call, in *versionAddress) (*getSchemaVersionOutput, error) {
	ref, err := h.versionRef(in.SchemaId, in.SchemaVersionId, in.SchemaVersionNumber)
	if err != nil {
		return nil, err
	}
	v, _, err := h.svc.GetVersion(c.ctx, ref)
	if err != nil {
		return nil, err
	}
	out := &getSchemaVersionOutput{
		SchemaVersionId: v.ID, SchemaDefinition: v.Definition, DataFormat: string(v.Format),
		SchemaArn: h.schemaARN(c, v.Registry, v.Schema), VersionNumber: v.Number, Status: v.Status,
		CreatedTime: timestamp(v.CreatedAt),
	}
	if v.Status == registry.StatusFailure {
		out.carta = failure(v)
	}
	return out, nil
}

func (h *handler) listSchemaVersions(c *call, in *listSchemaVersionsInput) (*listSchemaVersionsOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	limit, err := maxResults(in.MaxResults, maxListResults)
	if err != nil {
		return nil, err
	}
	tok, _, err := decodeToken(in.NextToken, c.op, ref.Registry+"/"+ref.Name)
	if err != nil {
		return nil, err
	}
	vs, next, err := h.svc.ListVersions(c.ctx, ref, tok.Number, limit)
	if err != nil {
		return nil, err
	}
	arn := h.schemaARN(c, ref.Registry, ref.Name)
	out := &listSchemaVersionsOutput{Schemas: make([]schemaVersionListItem, 0, len(vs))}
	for _, v := range vs {
		if v.Status == registry.StatusDeleting {
			continue
		}
		out.Schemas = append(out.Schemas, schemaVersionListItem{
			SchemaArn: arn, SchemaVersionId: v.ID, VersionNumber: v.Number, Status: v.Status, CreatedTime: timestamp(v.CreatedAt),
		})
	}
	if next != 0 {
		out.NextToken = encodeToken(pageToken{Op: c.op, Scope: ref.Registry + "/" + ref.Name, Number: next})
	}
	return out, nil
}

func (h *handler) getSchemaByDefinition(c *call, in *schemaDefinitionInput) (*getSchemaByDefinitionOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	def, err := requiredDefinition(in.SchemaDefinition)
	if err != nil {
		return nil, err
	}
	v, _, err := h.svc.GetVersionByDefinition(c.ctx, ref, def)
	if err != nil {
		return nil, err
	}
	return &getSchemaByDefinitionOutput{
		SchemaVersionId: v.ID, SchemaArn: h.schemaARN(c, v.Registry, v.Schema), DataFormat: string(v.Format),
		Status: v.Status, CreatedTime: timestamp(v.CreatedAt),
	}, nil
}

func (h *handler) getSchemaVersionsDiff(c *call, in *getSchemaVersionsDiffInput) (*getSchemaVersionsDiffOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	first, err := requiredSelector(in.FirstSchemaVersionNumber, pFirstVersion)
	if err != nil {
		return nil, err
	}
	second, err := requiredSelector(in.SecondSchemaVersionNumber, pSecondVersion)
	if err != nil {
		return nil, err
	}
	if in.SchemaDiffType == nil {
		return nil, missing(pSchemaDiffType)
	}
	if *in.SchemaDiffType != "SYNTAX_DIFF" {
		return nil, invalid("Schema diff type is not valid: only SYNTAX_DIFF is supported. Parameter Name: %s", pSchemaDiffType)
	}
	diff, err := h.svc.DiffVersions(c.ctx, ref, first, second)
	if err != nil {
		return nil, err
	}
	return &getSchemaVersionsDiffOutput{Diff: diff}, nil
}

func (h *handler) checkSchemaVersionValidity(c *call, in *checkSchemaVersionValidityInput) (*checkSchemaVersionValidityOutput, error) {
	format, err := dataFormat(in.DataFormat)
	if err != nil {
		return nil, err
	}
	def, err := requiredDefinition(in.SchemaDefinition)
	if err != nil {
		return nil, err
	}
	err = h.svc.CheckValidity(format, def)
	var re *registry.Error
	switch {
	case err == nil:
		return &checkSchemaVersionValidityOutput{Valid: true}, nil
	case errors.As(err, &re) && re.Code == registry.CodeInvalid:
		// An invalid definition is the answer, not an error.
		return &checkSchemaVersionValidityOutput{Valid: false, Error: truncateChars(re.Message, maxValidityError)}, nil
	}
	return nil, err
}

func (h *handler) deleteSchemaVersions(c *call, in *deleteSchemaVersionsInput) (*deleteSchemaVersionsOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	if in.Versions == nil {
		return nil, missing(pVersions)
	}
	if err := checkLength(*in.Versions, 1, maxVersionsLen, pVersions); err != nil {
		return nil, err
	}
	if !versionsPattern.MatchString(*in.Versions) {
		return nil, invalid("Versions must be a version number N or a range N-M. Parameter Name: %s", pVersions)
	}
	failed, err := h.svc.DeleteVersions(c.ctx, ref, *in.Versions)
	if err != nil {
		return nil, err
	}
	out := &deleteSchemaVersionsOutput{}
	for _, f := range failed {
		typ, _ := errorType(&registry.Error{Code: f.Code, Message: f.Message})
		out.SchemaVersionErrors = append(out.SchemaVersionErrors, schemaVersionErrorItem{
			VersionNumber: f.Number, ErrorDetails: errorDetails{ErrorCode: typ, ErrorMessage: f.Message},
		})
	}
	return out, nil
}

// truncateChars shortens s to at most n characters.
func truncateChars(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
