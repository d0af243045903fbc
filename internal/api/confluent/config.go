package confluent

import (
	"strings"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// Compatibility levels: Confluent spells Glue's X_ALL as X_TRANSITIVE. Glue's DISABLED (no new
// versions at all) has no Confluent name; Carta shows and accepts it as DISABLED.
var (
	toConfluent = map[schema.Mode]string{
		schema.None: "NONE", schema.Disabled: "DISABLED",
		schema.Backward: "BACKWARD", schema.BackwardAll: "BACKWARD_TRANSITIVE",
		schema.Forward: "FORWARD", schema.ForwardAll: "FORWARD_TRANSITIVE",
		schema.Full: "FULL", schema.FullAll: "FULL_TRANSITIVE",
	}
	fromConfluent = map[string]schema.Mode{}
)

func init() {
	for m, name := range toConfluent {
		fromConfluent[name] = m
		fromConfluent[string(m)] = m // the Glue spelling is accepted too
	}
}

// level is the Confluent name of a compatibility mode.
func level(m schema.Mode) string { return toConfluent[m] }

// parseLevel reads a compatibility level, in either spelling and any case (42203).
func parseLevel(s string) (schema.Mode, error) {
	if m, ok := fromConfluent[strings.ToUpper(s)]; ok {
		return m, nil
	}
	return "", unprocessable(codeInvalidCompatibility, "Invalid compatibility level %q. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE and, in Carta, DISABLED.", truncate(s, 64))
}

// configLevel resolves the level /config and /config/{subject} name: a subject; the global
// level (/config in the default context); or a context's level (/config in another context,
// or the subject ":.ctx:"). forWrite validates a subject name (42208).
func (h *handler) configLevel(c *call, forWrite bool) (reg, subj string, err error) {
	raw, ok := c.params["subject"]
	if !ok {
		if c.registry == registry.DefaultRegistry {
			return "", "", nil
		}
		return c.registry, "", nil
	}
	if ctx, rest, ok := cutQualified(raw); ok && rest == "" {
		r, err := contextRegistry(ctx)
		if err != nil {
			return "", "", err
		}
		if r == registry.DefaultRegistry {
			return "", "", nil
		}
		return r, "", nil
	}
	sub, err := h.subjectParam(c, forWrite)
	if err != nil {
		return "", "", err
	}
	return sub.ref.Registry, sub.ref.Name, nil
}

// configResponse is a config as GET answers it. CartaCompatibilityPolicy is Carta's JSON Schema
// policy (STRICT or LENIENT).
type configResponse struct {
	CompatibilityLevel string `json:"compatibilityLevel,omitempty"`
	// Compatibility repeats the level under the name PUT and DELETE use.
	Compatibility            string `json:"compatibility,omitempty"`
	Normalize                *bool  `json:"normalize,omitempty"`
	CartaCompatibilityPolicy string `json:"cartaCompatibilityPolicy,omitempty"`
}

// configRequest is the body of PUT /config. Confluent's other fields (alias,
// compatibilityGroup, default and override metadata and rule sets) are ignored.
type configRequest struct {
	Compatibility *string `json:"compatibility"`
	// CompatibilityLevel is accepted as a synonym of Compatibility.
	CompatibilityLevel       *string `json:"compatibilityLevel"`
	Normalize                *bool   `json:"normalize"`
	CartaCompatibilityPolicy *string `json:"cartaCompatibilityPolicy"`
}

func settingsResponse(s registry.Settings) configResponse {
	n := s.Normalize
	return configResponse{CompatibilityLevel: level(s.Compatibility), Normalize: &n, CartaCompatibilityPolicy: string(s.Policy)}
}

// getConfig serves GET /config and /config/{subject}. A subject without a subject-level
// compatibility is 40408 unless defaultToGlobal=true asks for what it inherits; the global and
// context levels always answer with their resolved settings.
func (h *handler) getConfig(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, false)
	if err != nil {
		return nil, err
	}
	defaultToGlobal, err := boolParam(c, "defaultToGlobal", false)
	if err != nil {
		return nil, err
	}
	if subj == "" || defaultToGlobal {
		s, err := h.svc.ResolveConfig(c.ctx, reg, subj)
		if err != nil {
			return nil, err
		}
		return settingsResponse(s), nil
	}
	cfg, err := h.svc.GetConfig(c.ctx, reg, subj)
	if err != nil {
		return nil, err
	}
	if cfg.Compatibility == "" && cfg.Normalize == nil && cfg.Policy == "" {
		return nil, registryConfigNotFound(c.params["subject"])
	}
	out := configResponse{Normalize: cfg.Normalize, CartaCompatibilityPolicy: string(cfg.Policy)}
	if cfg.Compatibility != "" {
		out.CompatibilityLevel = level(cfg.Compatibility)
	} else {
		s, err := h.svc.ResolveConfig(c.ctx, reg, subj)
		if err != nil {
			return nil, err
		}
		out.CompatibilityLevel = level(s.Compatibility)
	}
	return out, nil
}

func registryConfigNotFound(subject string) error {
	return newError(404, codeSubjectCompatNotSet, "Subject '%s' does not have subject-level compatibility configured", truncate(subject, 256))
}

// putConfig serves PUT /config and /config/{subject}.
func (h *handler) putConfig(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, true)
	if err != nil {
		return nil, err
	}
	var in configRequest
	if err := h.decode(c, &in); err != nil {
		return nil, err
	}
	var u registry.ConfigUpdate
	if in.Compatibility == nil {
		in.Compatibility = in.CompatibilityLevel
	}
	if in.Compatibility != nil {
		m, err := parseLevel(*in.Compatibility)
		if err != nil {
			return nil, err
		}
		u.Compatibility = &m
	}
	u.Normalize = in.Normalize
	if in.CartaCompatibilityPolicy != nil {
		p := schema.Policy(strings.ToUpper(*in.CartaCompatibilityPolicy))
		if p == "" || !p.Valid() {
			return nil, unprocessable(codeInvalidCompatibility, "Invalid cartaCompatibilityPolicy %q: use STRICT or LENIENT.", truncate(*in.CartaCompatibilityPolicy, 64))
		}
		u.Policy = &p
	}
	if u.Compatibility == nil && u.Normalize == nil && u.Policy == nil {
		return nil, unprocessable(codeInvalidCompatibility, "Invalid compatibility level: the request sets no compatibility, normalize or cartaCompatibilityPolicy.")
	}
	cfg, err := h.svc.UpdateConfig(c.ctx, reg, subj, u)
	if err != nil {
		return nil, err
	}
	return configResponse{Compatibility: level(cfg.Compatibility), Normalize: cfg.Normalize, CartaCompatibilityPolicy: string(cfg.Policy)}, nil
}

// deleteConfig serves DELETE /config and /config/{subject}: it removes the level's
// compatibility settings and answers with them as they were. The global level, when it sets
// nothing, answers with its defaults.
func (h *handler) deleteConfig(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, false)
	if err != nil {
		return nil, err
	}
	old, err := h.svc.DeleteConfig(c.ctx, reg, subj, false)
	if registry.ErrorCode(err) == registry.CodeNotFound && subj == "" {
		s, err := h.svc.ResolveConfig(c.ctx, reg, subj)
		if err != nil {
			return nil, err
		}
		out := settingsResponse(s)
		out.Compatibility = out.CompatibilityLevel
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out := configResponse{Compatibility: level(old.Compatibility), CompatibilityLevel: level(old.Compatibility),
		Normalize: old.Normalize, CartaCompatibilityPolicy: string(old.Policy)}
	return out, nil
}
