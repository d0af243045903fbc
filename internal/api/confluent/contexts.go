package confluent

import (
	"net/http"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/google/uuid"
)

// contexts serves GET /contexts: "." (the default context, the default registry) and
// ".name" for every other registry, sorted.
func (h *handler) contexts(c *call) (any, error) {
	out := []string{"."}
	after := ""
	for {
		rs, next, err := h.svc.ListRegistries(c.ctx, after, 100)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.Name != registry.DefaultRegistry {
				out = append(out, registryContext(r.Name))
			}
		}
		if next == "" {
			return out, nil
		}
		after = next
	}
}

// clusterID is what GET /v1/metadata/id names the registry cluster: every Carta node on one
// store is one cluster.
const clusterID = "carta"

// metadataID serves GET /v1/metadata/id.
func (h *handler) metadataID(c *call) (any, error) {
	return map[string]any{"scope": map[string]any{
		"path":     []string{},
		"clusters": map[string]string{"schema-registry-cluster": clusterID},
	}}, nil
}

// schemas serves GET /schemas: the versions of every subject of the context (of every context
// with subjectPrefix=:*:), with subjectPrefix, deleted, latestOnly, offset and limit.
func (h *handler) schemas(c *call) (any, error) {
	f, err := deletedFilter(c)
	if err != nil {
		return nil, err
	}
	latestOnly, err := boolParam(c, "latestOnly", false)
	if err != nil {
		return nil, err
	}
	offset, err := intParam(c, "offset")
	if err != nil {
		return nil, err
	}
	limit, err := intParam(c, "limit")
	if err != nil {
		return nil, err
	}
	reg, prefix, ok := prefixScope(c, c.r.URL.Query().Get("subjectPrefix"))
	if !ok {
		return []versionResponse{}, nil
	}
	vs, err := h.svc.ListSubjectVersions(c.ctx, registry.SchemasInput{Registry: reg, Prefix: prefix, Filter: f,
		LatestOnly: latestOnly, Offset: offset, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]versionResponse, len(vs))
	for i := range vs {
		if out[i], err = h.versionResponse(c, &vs[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// schemaByGUID serves GET /schemas/guids/{guid}: Carta's GUID of a version is its Glue
// SchemaVersionId.
func (h *handler) schemaByGUID(c *call) (any, error) {
	guid := c.params["guid"]
	if _, err := uuid.Parse(guid); err != nil {
		return nil, guidNotFound(guid)
	}
	v, _, err := h.svc.GetVersion(c.ctx, registry.VersionRef{ID: guid})
	if registry.ErrorCode(err) == registry.CodeNotFound || err == nil && v.Status != registry.StatusAvailable {
		return nil, guidNotFound(guid)
	}
	if err != nil {
		return nil, err
	}
	return h.versionResponse(c, v)
}

func guidNotFound(guid string) error {
	return newError(http.StatusNotFound, codeSchemaNotFound, "Schema %s not found", truncate(guid, 64))
}

// referencedBy serves GET /subjects/{subject}/versions/{version}/referencedby: the IDs of the
// schemas whose references name the version (soft-deleted ones with deleted=true).
func (h *handler) referencedBy(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	sel, err := versionParam(c)
	if err != nil {
		return nil, err
	}
	deleted, err := boolParam(c, "deleted", false)
	if err != nil {
		return nil, err
	}
	ids, err := h.svc.ReferencedBy(c.ctx, sub.ref, sel, deleted)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []int64{}
	}
	return ids, nil
}
