package glue

import (
	"github.com/cartaschema/carta/internal/registry"
)

func (h *handler) createSchema(c *call, in *createSchemaInput) (*schemaOutput, error) {
	reg, err := h.registryName(in.RegistryId, true)
	if err != nil {
		return nil, err
	}
	name, err := requiredName(in.SchemaName, pSchemaName)
	if err != nil {
		return nil, err
	}
	format, err := dataFormat(in.DataFormat)
	if err != nil {
		return nil, err
	}
	mode, err := compatibility(in.Compatibility)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags, pTags); err != nil {
		return nil, err
	}
	if in.SchemaDefinition != nil {
		if err := checkDefinition(*in.SchemaDefinition); err != nil {
			return nil, err
		}
	}
	csi := registry.CreateSchemaInput{
		Registry: reg, Name: name, Format: format, Description: deref(in.Description),
		Tags: in.Tags, Definition: in.SchemaDefinition,
	}
	if mode != nil {
		csi.Compatibility = *mode
	}
	sc, v, err := h.svc.CreateSchema(c.ctx, csi)
	if err != nil {
		return nil, err
	}
	out := h.schemaView(c, sc)
	out.CreatedTime, out.UpdatedTime = "", ""
	out.Tags = nonEmpty(sc.Tags)
	if v != nil {
		out.SchemaVersionId = v.ID
		out.SchemaVersionStatus = v.Status
	}
	return out, nil
}

func (h *handler) schemaView(c *call, sc *registry.Schema) *schemaOutput {
	return &schemaOutput{
		RegistryName: sc.Registry, RegistryArn: h.registryARN(c, sc.Registry),
		SchemaName: sc.Name, SchemaArn: h.schemaARN(c, sc.Registry, sc.Name),
		Description: sc.Description, DataFormat: string(sc.Format), Compatibility: string(sc.Compatibility),
		SchemaCheckpoint: sc.Checkpoint, LatestSchemaVersion: sc.LatestVersion, NextSchemaVersion: sc.NextVersion,
		SchemaStatus: sc.Status, CreatedTime: timestamp(sc.CreatedAt), UpdatedTime: timestamp(sc.UpdatedAt),
	}
}

func (h *handler) getSchema(c *call, in *schemaIDInput) (*schemaOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	sc, err := h.svc.GetSchema(c.ctx, ref)
	if err != nil {
		return nil, err
	}
	return h.schemaView(c, sc), nil
}

func (h *handler) listSchemas(c *call, in *listSchemasInput) (*listSchemasOutput, error) {
	reg, err := h.registryName(in.RegistryId, true)
	if err != nil {
		return nil, err
	}
	limit, err := maxResults(in.MaxResults, maxListResults)
	if err != nil {
		return nil, err
	}
	tok, _, err := decodeToken(in.NextToken, c.op, reg)
	if err != nil {
		return nil, err
	}
	scs, next, err := h.svc.ListSchemas(c.ctx, reg, registry.SchemaCursor{Registry: tok.Registry, Name: tok.Name}, limit)
	if err != nil {
		return nil, err
	}
	out := &listSchemasOutput{Schemas: make([]schemaListItem, 0, len(scs))}
	for _, sc := range scs {
		if sc.Status == registry.StatusDeleting {
			continue
		}
		out.Schemas = append(out.Schemas, schemaListItem{
			RegistryName: sc.Registry, SchemaName: sc.Name, SchemaArn: h.schemaARN(c, sc.Registry, sc.Name),
			Description: sc.Description, SchemaStatus: sc.Status,
			CreatedTime: timestamp(sc.CreatedAt), UpdatedTime: timestamp(sc.UpdatedAt),
		})
	}
	if next != nil {
		out.NextToken = encodeToken(pageToken{Op: c.op, Scope: reg, Registry: next.Registry, Name: next.Name})
	}
	return out, nil
}

func (h *handler) updateSchema(c *call, in *updateSchemaInput) (*schemaNames, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	usi := registry.UpdateSchemaInput{Ref: ref, Description: in.Description}
	if in.SchemaVersionNumber != nil {
		sel, err := selector(in.SchemaVersionNumber)
		if err != nil {
			return nil, err
		}
		usi.Checkpoint = &sel
	}
	if usi.Compatibility, err = compatibility(in.Compatibility); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	sc, err := h.svc.UpdateSchema(c.ctx, usi)
	if err != nil {
		return nil, err
	}
	return &schemaNames{SchemaArn: h.schemaARN(c, sc.Registry, sc.Name), SchemaName: sc.Name, RegistryName: sc.Registry}, nil
}

func (h *handler) deleteSchema(c *call, in *schemaIDInput) (*deleteSchemaOutput, error) {
	ref, err := h.schemaRef(in.SchemaId)
	if err != nil {
		return nil, err
	}
	sc, err := h.svc.DeleteSchema(c.ctx, ref)
	if err != nil {
		return nil, err
	}
	return &deleteSchemaOutput{SchemaArn: h.schemaARN(c, sc.Registry, sc.Name), SchemaName: sc.Name, Status: registry.StatusDeleting}, nil
}
