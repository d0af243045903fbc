package glue

import (
	"github.com/cartaschema/carta/internal/registry"
)

func (h *handler) createRegistry(c *call, in *createRegistryInput) (*createRegistryOutput, error) {
	name, err := requiredName(in.RegistryName, pRegistryName)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags, pTags); err != nil {
		return nil, err
	}
	r, err := h.svc.CreateRegistry(c.ctx, registry.CreateRegistryInput{Name: name, Description: deref(in.Description), Tags: in.Tags})
	if err != nil {
		return nil, err
	}
	return &createRegistryOutput{RegistryArn: h.registryARN(c, r.Name), RegistryName: r.Name, Description: r.Description, Tags: nonEmpty(r.Tags)}, nil
}

func (h *handler) registryView(c *call, r *registry.Registry) getRegistryOutput {
	return getRegistryOutput{
		RegistryName: r.Name, RegistryArn: h.registryARN(c, r.Name), Description: r.Description,
		Status: r.Status, CreatedTime: timestamp(r.CreatedAt), UpdatedTime: timestamp(r.UpdatedAt),
	}
}

func (h *handler) getRegistry(c *call, in *registryIDInput) (*getRegistryOutput, error) {
	name, err := h.registryName(in.RegistryId, false)
	if err != nil {
		return nil, err
	}
	r, err := h.svc.GetRegistry(c.ctx, name)
	if err != nil {
		return nil, err
	}
	out := h.registryView(c, r)
	return &out, nil
}

func (h *handler) listRegistries(c *call, in *listInput) (*listRegistriesOutput, error) {
	limit, err := maxResults(in.MaxResults, maxListResults)
	if err != nil {
		return nil, err
	}
	tok, _, err := decodeToken(in.NextToken, c.op, "")
	if err != nil {
		return nil, err
	}
	rs, next, err := h.svc.ListRegistries(c.ctx, tok.Name, limit)
	if err != nil {
		return nil, err
	}
	out := &listRegistriesOutput{Registries: make([]getRegistryOutput, 0, len(rs))}
	for i := range rs {
		if rs[i].Status == registry.StatusDeleting {
			continue
		}
		out.Registries = append(out.Registries, h.registryView(c, &rs[i]))
	}
	if next != "" {
		out.NextToken = encodeToken(pageToken{Op: c.op, Name: next})
	}
	return out, nil
}

func (h *handler) updateRegistry(c *call, in *updateRegistryInput) (*registryNameArn, error) {
	name, err := h.registryName(in.RegistryId, false)
	if err != nil {
		return nil, err
	}
	if in.Description == nil {
		return nil, missing(pDescription)
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	r, err := h.svc.UpdateRegistry(c.ctx, name, *in.Description)
	if err != nil {
		return nil, err
	}
	return &registryNameArn{RegistryName: r.Name, RegistryArn: h.registryARN(c, r.Name)}, nil
}

func (h *handler) deleteRegistry(c *call, in *registryIDInput) (*deleteRegistryOutput, error) {
	name, err := h.registryName(in.RegistryId, false)
	if err != nil {
		return nil, err
	}
	r, err := h.svc.DeleteRegistry(c.ctx, name)
	if err != nil {
		return nil, err
	}
	return &deleteRegistryOutput{RegistryName: r.Name, RegistryArn: h.registryARN(c, r.Name), Status: registry.StatusDeleting}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nonEmpty returns nil for an empty map, so that the member is omitted.
func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
