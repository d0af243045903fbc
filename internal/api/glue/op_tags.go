package glue

func (h *handler) tagResource(c *call, in *tagResourceInput) (*empty, error) {
	r, err := h.resourceFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagsToAdd == nil {
		return nil, missing(pTagsToAdd)
	}
	if err := checkTags(in.TagsToAdd, pTagsToAdd); err != nil {
		return nil, err
	}
	if err := h.svc.TagResource(c.ctx, r, in.TagsToAdd); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (h *handler) untagResource(c *call, in *untagResourceInput) (*empty, error) {
	r, err := h.resourceFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if in.TagsToRemove == nil {
		return nil, missing(pTagsToRemove)
	}
	if len(in.TagsToRemove) > maxTags {
		return nil, invalid("At most %d tags can be removed at once. Parameter Name: %s", maxTags, pTagsToRemove)
	}
	for _, k := range in.TagsToRemove {
		if err := checkLength(k, 1, maxTagKeyLen, pTagKey); err != nil {
			return nil, err
		}
	}
	if err := h.svc.UntagResource(c.ctx, r, in.TagsToRemove); err != nil {
		return nil, err
	}
	return &empty{}, nil
}

func (h *handler) getTags(c *call, in *resourceInput) (*getTagsOutput, error) {
	r, err := h.resourceFromARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, err := h.svc.GetTags(c.ctx, r)
	if err != nil {
		return nil, err
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return &getTagsOutput{Tags: tags}, nil
}
