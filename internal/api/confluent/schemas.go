package confluent

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// root serves GET / and POST /: an empty object, as Confluent answers.
func (h *handler) root(c *call) (any, error) {
	if c.r.Method == "POST" {
		var ignored map[string]json.RawMessage
		if err := h.decode(c, &ignored); err != nil {
			return nil, err
		}
	}
	return struct{}{}, nil
}

// schemaTypes serves GET /schemas/types.
func (h *handler) schemaTypes(c *call) (any, error) {
	out := make([]string, len(schema.Formats))
	for i, f := range schema.Formats {
		out[i] = string(f)
	}
	return out, nil
}

// schemaResponse is a schema by ID.
type schemaResponse struct {
	SchemaType string            `json:"schemaType,omitempty"`
	References []schemaReference `json:"references,omitempty"`
	Metadata   json.RawMessage   `json:"metadata,omitempty"`
	RuleSet    json.RawMessage   `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
}

// versionByID resolves the {id} parameter to the version whose text answers for it: one in the
// subject the subject query parameter names when there is one, else the first by (registry,
// subject, version). Soft-deleted versions resolve, as Confluent resolves them.
func (h *handler) versionByID(c *call) (*registry.Version, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	vs, err := h.svc.VersionsByContent(c.ctx, id, true)
	if err != nil {
		return nil, err
	}
	if want := c.r.URL.Query().Get("subject"); want != "" {
		for i := range vs {
			if h.sameSubject(c, want, &vs[i]) {
				return &vs[i], nil
			}
		}
	}
	return &vs[0], nil
}

// sameSubject reports whether name, as a request in c names subjects, is v's subject.
func (h *handler) sameSubject(c *call, name string, v *registry.Version) bool {
	ref := registry.SchemaRef{Registry: c.registry, Name: name}
	if ctx, rest, ok := cutQualified(name); ok {
		reg, err := contextRegistry(ctx)
		if err != nil {
			return false
		}
		ref = registry.SchemaRef{Registry: reg, Name: rest}
	}
	return ref.Registry == v.Registry && ref.Name == v.Schema
}

// cutQualified splits a qualified subject ":.ctx:name".
func cutQualified(s string) (ctx, name string, ok bool) {
	if !strings.HasPrefix(s, ":") {
		return "", "", false
	}
	return strings.Cut(s[1:], ":")
}

// schemaByID serves GET /schemas/ids/{id}. format=serialized answers a Protobuf schema as a
// base64 FileDescriptorProto; fetchMaxId is accepted, and maxId not reported.
func (h *handler) schemaByID(c *call) (any, error) {
	v, err := h.versionByID(c)
	if err != nil {
		return nil, err
	}
	text, err := h.schemaText(c, v)
	if err != nil {
		return nil, err
	}
	return schemaResponse{SchemaType: typeName(v.Format), References: c.references(v.References), Metadata: rawOrNil(v.ContractMetadata),
		RuleSet: rawOrNil(v.ContractRuleSet), Schema: text}, nil
}

// schemaTextByID serves GET /schemas/ids/{id}/schema: the schema text itself.
func (h *handler) schemaTextByID(c *call) (any, error) {
	v, err := h.versionByID(c)
	if err != nil {
		return nil, err
	}
	return rawText(v.Definition), nil
}

// versionsOfID returns the versions using the {id}, soft-deleted ones with deleted=true,
// limited to the subject the subject parameter names, if any.
func (h *handler) versionsOfID(c *call) ([]registry.Version, error) {
	id, err := idParam(c)
	if err != nil {
		return nil, err
	}
	deleted, err := boolParam(c, "deleted", false)
	if err != nil {
		return nil, err
	}
	vs, err := h.svc.VersionsByContent(c.ctx, id, deleted)
	if err != nil {
		return nil, err
	}
	if want := c.r.URL.Query().Get("subject"); want != "" {
		kept := vs[:0]
		for i := range vs {
			if h.sameSubject(c, want, &vs[i]) {
				kept = append(kept, vs[i])
			}
		}
		vs = kept
	}
	return vs, nil
}

// subjectsByID serves GET /schemas/ids/{id}/subjects.
func (h *handler) subjectsByID(c *call) (any, error) {
	vs, err := h.versionsOfID(c)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, v := range vs {
		out = append(out, c.subjectName(registry.SchemaRef{Registry: v.Registry, Name: v.Schema}))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// subjectVersion is one use of a schema ID.
type subjectVersionPair struct {
	Subject string `json:"subject"`
	Version int64  `json:"version"`
}

// versionsByID serves GET /schemas/ids/{id}/versions.
func (h *handler) versionsByID(c *call) (any, error) {
	vs, err := h.versionsOfID(c)
	if err != nil {
		return nil, err
	}
	out := make([]subjectVersionPair, len(vs))
	for i, v := range vs {
		out[i] = subjectVersionPair{Subject: c.subjectName(registry.SchemaRef{Registry: v.Registry, Name: v.Schema}), Version: v.Number}
	}
	return out, nil
}
