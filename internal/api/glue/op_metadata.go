package glue

import (
	"context"
	"strconv"

	"github.com/cartaschema/carta/internal/registry"
)

func (h *handler) putSchemaVersionMetadata(c *call, in *metadataInput) (*metadataOutput, error) {
	return h.changeMetadata(c, in, h.svc.PutMetadata)
}

func (h *handler) removeSchemaVersionMetadata(c *call, in *metadataInput) (*metadataOutput, error) {
	return h.changeMetadata(c, in, h.svc.RemoveMetadata)
}

// changeMetadata validates a Put/RemoveSchemaVersionMetadata request, applies change and
// renders the shared response.
func (h *handler) changeMetadata(c *call, in *metadataInput, change func(ctx context.Context, ref registry.VersionRef, key, value string) (*registry.Version, *registry.Schema, error)) (*metadataOutput, error) {
	ref, err := h.versionRef(in.SchemaId, in.SchemaVersionId, in.SchemaVersionNumber)
	if err != nil {
		return nil, err
	}
	kv, err := metadataPair(in.MetadataKeyValue, pMetadataKeyValue, true)
	if err != nil {
		return nil, err
	}
	v, sc, err := change(c.ctx, ref, kv.Key, kv.Value)
	if err != nil {
		return nil, err
	}
	return &metadataOutput{
		SchemaArn: h.schemaARN(c, v.Registry, v.Schema), SchemaName: v.Schema, RegistryName: v.Registry,
		// The version is the latest when it was addressed as such (the newest AVAILABLE
		// version) or when it holds the highest number of the schema.
		LatestVersion: ref.Selector.Latest || (sc != nil && v.Number == sc.LatestVersion), VersionNumber: v.Number, SchemaVersionId: v.ID,
		MetadataKey: kv.Key, MetadataValue: kv.Value,
	}, nil
}

func (h *handler) querySchemaVersionMetadata(c *call, in *queryMetadataInput) (*queryMetadataOutput, error) {
	ref, err := h.versionRef(in.SchemaId, in.SchemaVersionId, in.SchemaVersionNumber)
	if err != nil {
		return nil, err
	}
	filter := make([]registry.Metadata, 0, len(in.MetadataList))
	for i := range in.MetadataList {
		m, err := metadataPair(&in.MetadataList[i], pMetadataKeyValue, false)
		if err != nil {
			return nil, err
		}
		filter = append(filter, m)
	}
	limit, err := maxResults(in.MaxResults, maxQueryResults)
	if err != nil {
		return nil, err
	}
	scope := versionScope(ref)
	tok, _, err := decodeToken(in.NextToken, c.op, scope)
	if err != nil {
		return nil, err
	}
	v, byKey, next, err := h.svc.QueryMetadata(c.ctx, registry.MetadataQuery{Ref: ref, Filter: filter, AfterKey: tok.Name, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := &queryMetadataOutput{MetadataInfoMap: make(map[string]metadataInfo, len(byKey)), SchemaVersionId: v.ID}
	for key, values := range byKey {
		if len(values) == 0 {
			continue
		}
		// The oldest value is the key's MetadataValue; the others follow, oldest first.
		info := metadataInfo{MetadataValue: values[0].Value, CreatedTime: timestamp(values[0].CreatedAt)}
		for _, m := range values[1:] {
			info.OtherMetadataValueList = append(info.OtherMetadataValueList, otherMetadataValue{MetadataValue: m.Value, CreatedTime: timestamp(m.CreatedAt)})
		}
		out.MetadataInfoMap[key] = info
	}
	if next != "" {
		out.NextToken = encodeToken(pageToken{Op: c.op, Scope: scope, Name: next})
	}
	return out, nil
}

// versionScope names the version a metadata query addresses, binding its page tokens to it.
func versionScope(ref registry.VersionRef) string {
	if ref.ID != "" {
		return ref.ID
	}
	if ref.Selector.Latest {
		return ref.Schema.Registry + "/" + ref.Schema.Name + "@latest"
	}
	return ref.Schema.Registry + "/" + ref.Schema.Name + "@" + strconv.FormatInt(ref.Selector.Number, 10)
}
