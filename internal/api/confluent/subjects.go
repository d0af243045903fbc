package confluent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/protobuf"
)

// schemaReference is a reference to another subject's version.
type schemaReference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int64  `json:"version"`
}

// schemaRequest is the body of a registration, a lookup and a compatibility check.
type schemaRequest struct {
	Schema     *string           `json:"schema"`
	SchemaType string            `json:"schemaType"`
	References []schemaReference `json:"references"`
	Metadata   json.RawMessage   `json:"metadata"`
	RuleSet    json.RawMessage   `json:"ruleSet"`
	// ID and Version are kept by a registration in IMPORT mode.
	ID      *int64 `json:"id"`
	Version *int64 `json:"version"`
}

// candidate is a validated schemaRequest.
type candidate struct {
	format     schema.Format
	definition string
	// metadata and ruleSet are compact JSON objects, or "".
	metadata, ruleSet string
	// refs are the references, their subjects resolved (a Version of 0 is the latest).
	refs []registry.SchemaReference
}

// readSchema decodes and validates the body of a registration, lookup or check of a schema
// of the subject sub; an unqualified reference subject is in sub's context.
func (h *handler) readSchema(c *call, sub subject) (*schemaRequest, *candidate, error) {
	var in schemaRequest
	if err := h.decode(c, &in); err != nil {
		return nil, nil, err
	}
	if in.Schema == nil || strings.TrimSpace(*in.Schema) == "" {
		return nil, nil, unprocessable(codeInvalidSchema, "Empty schema: the request has no schema.")
	}
	if max := h.svc.Limits().MaxBytes; len(*in.Schema) > max {
		return nil, nil, unprocessable(codeSchemaTooLarge, "The schema is %d bytes, more than the limit of %d bytes.", len(*in.Schema), max)
	}
	format, err := schemaType(in.SchemaType)
	if err != nil {
		return nil, nil, err
	}
	if format == schema.Protobuf && isBase64(*in.Schema) {
		// Confluent's serializers register a Protobuf schema as a base64 FileDescriptorProto.
		if b, err := base64.StdEncoding.DecodeString(*in.Schema); err == nil {
			text, err := protobuf.DefinitionFromDescriptor(b)
			if err != nil {
				return nil, nil, unprocessable(codeInvalidSchema, "Invalid schema: a Protobuf schema in base64 must be a serialized FileDescriptorProto: %v.", err)
			}
			*in.Schema = text
		}
	}
	out := &candidate{format: format, definition: *in.Schema}
	for _, r := range in.References {
		ref, err := referenceOf(sub, r)
		if err != nil {
			return nil, nil, err
		}
		out.refs = append(out.refs, ref)
	}
	if out.metadata, err = jsonObject(in.Metadata); err != nil {
		return nil, nil, unprocessable(codeInvalidSchema, "Invalid metadata: %v.", err)
	}
	if out.ruleSet, err = jsonObject(in.RuleSet); err != nil {
		return nil, nil, unprocessable(codeInvalidRuleSet, "Invalid ruleSet: %v.", err)
	}
	return &in, out, nil
}

// isBase64 reports whether s is written in the base64 alphabet (a .proto text never is: it
// holds spaces or semicolons).
func isBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return len(s) > 0
}

// schemaText is a version's schema as the answer carries it: its text, or, with
// format=serialized, a Protobuf schema as a base64 FileDescriptorProto (what Confluent's
// Protobuf deserializers ask for). Other formats, and Avro's "resolved", are the text.
func (h *handler) schemaText(c *call, v *registry.Version) (string, error) {
	if v.Format != schema.Protobuf || c.r.URL.Query().Get("format") != "serialized" {
		return v.Definition, nil
	}
	p, err := h.svc.ParsedVersion(c.ctx, v)
	if err != nil {
		return "", err
	}
	ps, ok := p.(*protobuf.Schema)
	if !ok {
		return "", fmt.Errorf("a Protobuf version parsed as %T", p)
	}
	b, err := ps.Descriptor()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// referenceOf validates a reference of a schema of the subject sub.
func referenceOf(sub subject, r schemaReference) (registry.SchemaReference, error) {
	if r.Name == "" {
		return registry.SchemaReference{}, unprocessable(codeInvalidSchema, "Invalid reference: a reference needs a name, the name the schema uses for it.")
	}
	reg, name := sub.ref.Registry, r.Subject
	if ctx, rest, ok := cutQualified(r.Subject); ok {
		rr, err := contextRegistry(ctx)
		if err != nil {
			return registry.SchemaReference{}, unprocessable(codeInvalidSchema, "Invalid reference %q: %v", truncate(r.Name, 256), err)
		}
		reg, name = rr, rest
	}
	if err := checkName(name, "subject"); err != nil {
		return registry.SchemaReference{}, unprocessable(codeInvalidSchema, "Invalid reference %q: %v", truncate(r.Name, 256), err)
	}
	if r.Version == 0 || r.Version < -1 || r.Version > maxVersion {
		return registry.SchemaReference{}, unprocessable(codeInvalidSchema, "Invalid reference %q: version %d is neither a version number nor -1 (the latest).", truncate(r.Name, 256), r.Version)
	}
	return registry.SchemaReference{Name: r.Name, Registry: reg, Schema: name, Version: max(r.Version, 0)}, nil
}

// references renders a version's references.
func (c *call) references(refs []registry.SchemaReference) []schemaReference {
	if len(refs) == 0 {
		return nil
	}
	out := make([]schemaReference, len(refs))
	for i, r := range refs {
		out[i] = schemaReference{Name: r.Name, Subject: c.subjectName(registry.SchemaRef{Registry: r.Registry, Name: r.Schema}), Version: r.Version}
	}
	return out
}

// jsonObject returns a JSON object compacted, "" for an absent or null one, and an error for
// anything else.
func jsonObject(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] != '{' {
		return "", errNotObject
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", err
	}
	return buf.String(), nil
}

var errNotObject = errors.New("not a JSON object")

// versionResponse is a subject's version.
type versionResponse struct {
	Subject    string            `json:"subject"`
	Version    int64             `json:"version"`
	ID         int64             `json:"id"`
	GUID       string            `json:"guid"`
	SchemaType string            `json:"schemaType,omitempty"`
	References []schemaReference `json:"references,omitempty"`
	Metadata   json.RawMessage   `json:"metadata,omitempty"`
	RuleSet    json.RawMessage   `json:"ruleSet,omitempty"`
	Schema     string            `json:"schema"`
}

// versionResponse renders a version, its schema in the form the format query parameter asks
// for (see schemaText).
func (h *handler) versionResponse(c *call, v *registry.Version) (versionResponse, error) {
	text, err := h.schemaText(c, v)
	if err != nil {
		return versionResponse{}, err
	}
	return versionResponse{
		Subject: c.subjectName(registry.SchemaRef{Registry: v.Registry, Name: v.Schema}), Version: v.Number,
		ID: v.ContentID, GUID: v.ID, SchemaType: typeName(v.Format), References: c.references(v.References),
		Metadata: rawOrNil(v.ContractMetadata), RuleSet: rawOrNil(v.ContractRuleSet), Schema: text,
	}, nil
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// registerResponse answers a registration. Confluent answers {"id"} only; version and guid are
// what newer registries add.
type registerResponse struct {
	ID      int64  `json:"id"`
	Version int64  `json:"version"`
	GUID    string `json:"guid"`
}

// register serves POST /subjects/{subject}/versions.
func (h *handler) register(c *call) (any, error) {
	sub, err := h.subjectParam(c, true)
	if err != nil {
		return nil, err
	}
	normalize, err := optionalBoolParam(c, "normalize")
	if err != nil {
		return nil, err
	}
	in, cand, err := h.readSchema(c, sub)
	if err != nil {
		return nil, err
	}
	var id, version int64
	if in.ID != nil && *in.ID > 0 {
		id = *in.ID
	}
	if in.Version != nil && *in.Version > 0 {
		if *in.Version > maxVersion {
			return nil, unprocessable(codeInvalidVersion, "The specified version '%d' is not a valid version id. Allowed values are between [1, 2^31-1]", *in.Version)
		}
		version = *in.Version
	}
	res, err := h.svc.Register(c.ctx, registry.RegisterInput{Ref: sub.ref, Format: cand.format, Definition: cand.definition,
		Normalize: normalize, ContractMetadata: cand.metadata, ContractRuleSet: cand.ruleSet, ID: id, Version: version,
		References: cand.refs})
	if err != nil {
		return nil, err
	}
	v := res.Version
	return registerResponse{ID: v.ContentID, Version: v.Number, GUID: v.ID}, nil
}

// lookup serves POST /subjects/{subject}: the version of the subject with the given schema.
func (h *handler) lookup(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	if _, err := optionalBoolParam(c, "normalize"); err != nil {
		return nil, err
	}
	deleted, err := boolParam(c, "deleted", false)
	if err != nil {
		return nil, err
	}
	_, cand, err := h.readSchema(c, sub)
	if err != nil {
		return nil, err
	}
	v, err := h.svc.LookupVersion(c.ctx, sub.ref, cand.format, cand.definition, cand.refs, deleted)
	if err != nil {
		return nil, err
	}
	return h.versionResponse(c, v)
}

// subjects serves GET /subjects. A subjectPrefix of ":*:" lists the subjects of every context;
// a qualified prefix (":.ctx:name") lists those of its context.
func (h *handler) subjects(c *call) (any, error) {
	f, err := deletedFilter(c)
	if err != nil {
		return nil, err
	}
	reg, prefix, ok := prefixScope(c, c.r.URL.Query().Get("subjectPrefix"))
	if !ok {
		return []string{}, nil
	}
	refs, err := h.svc.Subjects(c.ctx, registry.SubjectsInput{Registry: reg, Prefix: prefix, Filter: f})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = c.subjectName(r)
	}
	slices.Sort(out) // by the name shown: ":.ctx:name" before the plain names
	return out, nil
}

// subjectVersions serves GET /subjects/{subject}/versions.
func (h *handler) subjectVersions(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	f, err := deletedFilter(c)
	if err != nil {
		return nil, err
	}
	vs, err := h.svc.SubjectVersions(c.ctx, sub.ref, f)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = v.Number
	}
	return out, nil
}

// subjectVersionOf resolves the {subject} and {version} of a read.
func (h *handler) subjectVersionOf(c *call) (*registry.Version, error) {
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
	return h.svc.SubjectVersion(c.ctx, sub.ref, sel, deleted)
}

// subjectVersion serves GET /subjects/{subject}/versions/{version}.
func (h *handler) subjectVersion(c *call) (any, error) {
	v, err := h.subjectVersionOf(c)
	if err != nil {
		return nil, err
	}
	return h.versionResponse(c, v)
}

// subjectVersionText serves GET /subjects/{subject}/versions/{version}/schema: the schema
// text itself.
func (h *handler) subjectVersionText(c *call) (any, error) {
	v, err := h.subjectVersionOf(c)
	if err != nil {
		return nil, err
	}
	return rawText(v.Definition), nil
}

// deleteSubject serves DELETE /subjects/{subject}: a soft delete, or with permanent=true a
// hard delete of a soft-deleted subject. It answers with the numbers of the deleted versions.
func (h *handler) deleteSubject(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	permanent, err := boolParam(c, "permanent", false)
	if err != nil {
		return nil, err
	}
	numbers, err := h.svc.DeleteSubject(c.ctx, sub.ref, permanent)
	if err != nil {
		return nil, err
	}
	if numbers == nil {
		numbers = []int64{}
	}
	return numbers, nil
}

// deleteSubjectVersion serves DELETE /subjects/{subject}/versions/{version}: a soft delete, or
// with permanent=true a hard delete of a soft-deleted version. It answers with the number.
func (h *handler) deleteSubjectVersion(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	sel, err := versionParam(c)
	if err != nil {
		return nil, err
	}
	permanent, err := boolParam(c, "permanent", false)
	if err != nil {
		return nil, err
	}
	return h.svc.DeleteSubjectVersion(c.ctx, sub.ref, sel, permanent)
}

// prefixScope reads a subjectPrefix: ":*:" is every context (registry ""), a qualified prefix
// (":.ctx:name") names its context, and a plain one is in the URL's context. ok is false for
// a prefix naming a context that cannot exist.
func prefixScope(c *call, prefix string) (reg, namePrefix string, ok bool) {
	switch {
	case prefix == ":*:":
		return "", "", true
	case strings.HasPrefix(prefix, ":"):
		ctx, rest, _ := strings.Cut(prefix[1:], ":")
		reg, err := contextRegistry(ctx)
		if err != nil {
			return "", "", false
		}
		return reg, rest, true
	}
	return c.registry, prefix, true
}
