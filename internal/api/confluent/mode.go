package confluent

import (
	"net/http"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
)

// modeResponse is a mode.
type modeResponse struct {
	Mode string `json:"mode"`
}

// modeRequest is the body of PUT /mode.
type modeRequest struct {
	Mode *string `json:"mode"`
}

// getMode serves GET /mode and /mode/{subject}. A subject without its own mode is 40409 unless
// defaultToGlobal=true asks for what it inherits.
func (h *handler) getMode(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, false)
	if err != nil {
		return nil, err
	}
	defaultToGlobal, err := boolParam(c, "defaultToGlobal", false)
	if err != nil {
		return nil, err
	}
	if subj != "" && !defaultToGlobal {
		cfg, err := h.svc.GetConfig(c.ctx, reg, subj)
		if err != nil {
			return nil, err
		}
		if cfg.Mode == "" {
			return nil, newError(http.StatusNotFound, codeSubjectModeNotSet, "Subject '%s' does not have subject-level mode configured", truncate(c.params["subject"], 256))
		}
		return modeResponse{Mode: cfg.Mode}, nil
	}
	s, err := h.svc.ResolveConfig(c.ctx, reg, subj)
	if err != nil {
		return nil, err
	}
	return modeResponse{Mode: s.Mode}, nil
}

// putMode serves PUT /mode and /mode/{subject}. IMPORT on a level that holds versions needs
// force=true.
func (h *handler) putMode(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, true)
	if err != nil {
		return nil, err
	}
	force, err := boolParam(c, "force", false)
	if err != nil {
		return nil, err
	}
	var in modeRequest
	if err := h.decode(c, &in); err != nil {
		return nil, err
	}
	if in.Mode == nil {
		return nil, unprocessable(codeInvalidMode, "Invalid mode: the request sets no mode. Valid values are READWRITE, READONLY and IMPORT.")
	}
	mode := strings.ToUpper(*in.Mode)
	if !registry.ValidMode(mode) {
		return nil, unprocessable(codeInvalidMode, "Invalid mode %q. Valid values are READWRITE, READONLY and IMPORT.", truncate(*in.Mode, 64))
	}
	cfg, err := h.svc.UpdateConfig(c.ctx, reg, subj, registry.ConfigUpdate{Mode: &mode, Force: force})
	if err != nil {
		return nil, err
	}
	return modeResponse{Mode: cfg.Mode}, nil
}

// deleteMode serves DELETE /mode and /mode/{subject}: it removes the level's mode and answers
// with it (40409 for a subject without one); the global level answers READWRITE when it sets
// none.
func (h *handler) deleteMode(c *call) (any, error) {
	reg, subj, err := h.configLevel(c, false)
	if err != nil {
		return nil, err
	}
	old, err := h.svc.DeleteConfig(c.ctx, reg, subj, true)
	if registry.ErrorCode(err) == registry.CodeNotFound && subj == "" {
		return modeResponse{Mode: registry.ModeReadWrite}, nil
	}
	if err != nil {
		return nil, err
	}
	return modeResponse{Mode: old.Mode}, nil
}
