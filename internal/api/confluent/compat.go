package confluent

import (
	"fmt"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
)

// compatibilityResponse is the verdict of a compatibility check. Messages are there with
// verbose=true.
type compatibilityResponse struct {
	IsCompatible bool     `json:"is_compatible"`
	Messages     []string `json:"messages,omitempty"`
}

// compatibility serves POST /compatibility/subjects/{subject}/versions (check as a registration
// would) and POST /compatibility/subjects/{subject}/versions/{version} (check against one
// version).
func (h *handler) compatibility(c *call) (any, error) {
	sub, err := h.subjectParam(c, false)
	if err != nil {
		return nil, err
	}
	in := registry.CompatibilityInput{Ref: sub.ref}
	if _, ok := c.params["version"]; ok {
		sel, err := versionParam(c)
		if err != nil {
			return nil, err
		}
		in.Against = &sel
	}
	verbose, err := boolParam(c, "verbose", false)
	if err != nil {
		return nil, err
	}
	if _, err := optionalBoolParam(c, "normalize"); err != nil {
		return nil, err
	}
	_, cand, err := h.readSchema(c, sub)
	if err != nil {
		return nil, err
	}
	in.Format, in.Definition, in.References = cand.format, cand.definition, cand.refs
	res, err := h.svc.CheckCompatibility(c.ctx, in)
	if err != nil {
		return nil, err
	}
	out := compatibilityResponse{IsCompatible: res.Compatible()}
	if verbose {
		out.Messages = messages(res)
	}
	return out, nil
}

// messages renders a verdict the way Confluent's verbose answer does: one
// {errorType, description, additionalInfo} per incompatibility (the rule, Carta's sentence
// naming both sides and the fix, and the path), then the versions checked against and the
// compatibility applied.
func messages(res *registry.CompatibilityResult) []string {
	out := []string{}
	if res.Message != "" {
		out = append(out, res.Message)
	}
	for _, r := range res.Reasons {
		out = append(out, fmt.Sprintf("{errorType:'%s', description:'%s', additionalInfo:'%s'}",
			r.Rule, quote(r.Message), quote(pathOrRoot(r.Path))))
	}
	if res.Compatible() {
		return out
	}
	for _, v := range res.Versions {
		out = append(out, fmt.Sprintf("{oldSchemaVersion: %d}", v))
	}
	out = append(out, fmt.Sprintf("{compatibility: '%s'}", level(res.Mode)))
	return out
}

// quote escapes the quotes of Confluent's single-quoted message fields.
func quote(s string) string { return strings.ReplaceAll(s, "'", `\'`) }

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
