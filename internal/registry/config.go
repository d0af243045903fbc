package registry

import (
	"context"
	"errors"

	"github.com/cartaschema/carta/schema"
)

// The Confluent modes a Config may hold.
const (
	ModeReadWrite = "READWRITE"
	ModeReadOnly  = "READONLY"
	ModeImport    = "IMPORT"
)

// ValidMode reports whether m is one of the Confluent modes.
func ValidMode(m string) bool {
	return m == ModeReadWrite || m == ModeReadOnly || m == ModeImport
}

// Settings is the configuration that applies at a level, with every setting resolved: the
// level's own, else its registry's, else the global config's, else the default.
type Settings struct {
	// Compatibility defaults to BACKWARD.
	Compatibility schema.Mode
	// Normalize defaults to false.
	Normalize bool
	// Policy defaults to the server's default policy.
	Policy schema.Policy
	// Mode defaults to READWRITE.
	Mode string
}

// resolveConfig returns the settings that apply to a subject (subject "": to the registry;
// registry and subject "": globally). A subject's schema's PolicyTag is not consulted: policyOf
// does that.
func (s *Service) resolveConfig(ctx context.Context, tx Tx, registryName, subject string) (Settings, error) {
	var out Settings
	normalizeSet := false
	levels := [][2]string{{registryName, subject}, {registryName, ""}, {"", ""}}
	for i, l := range levels {
		if i > 0 && l == levels[i-1] {
			continue // the registry's level of a registry, the global level of the global one
		}
		c, err := tx.GetConfig(ctx, l[0], l[1])
		if errors.Is(err, ErrNotExist) {
			continue
		}
		if err != nil {
			return out, err
		}
		if out.Compatibility == "" {
			out.Compatibility = c.Compatibility
		}
		if c.Normalize != nil && !normalizeSet {
			out.Normalize, normalizeSet = *c.Normalize, true
		}
		if out.Policy == "" {
			out.Policy = c.Policy
		}
		if out.Mode == "" {
			out.Mode = c.Mode
		}
	}
	if out.Compatibility == "" {
		out.Compatibility = schema.Backward
	}
	if out.Policy == "" {
		out.Policy = s.defaultPolicy
	}
	if out.Mode == "" {
		out.Mode = ModeReadWrite
	}
	return out, nil
}

// ResolveConfig returns the settings that apply to a subject of a registry (subject "": to the
// registry; registry and subject "": globally). A subject's policy is its schema's PolicyTag
// when the schema exists and has one.
func (s *Service) ResolveConfig(ctx context.Context, registryName, subject string) (Settings, error) {
	var out Settings
	err := s.store.View(ctx, func(tx Tx) error {
		var err error
		if out, err = s.resolveConfig(ctx, tx, registryName, subject); err != nil {
			return err
		}
		if subject == "" {
			return nil
		}
		if sc, err := tx.GetSchema(ctx, registryName, subject); err == nil {
			out.Policy, err = s.policyOf(ctx, tx, sc)
			return err
		} else if !errors.Is(err, ErrNotExist) {
			return err
		}
		return nil
	})
	if err != nil {
		return Settings{}, s.fault(ctx, "ResolveConfig", err)
	}
	return out, nil
}

// GetConfig returns the config of one level as it is set, without what it inherits, or a
// CodeNotFound error with EntityConfig when nothing is set at that level. At the subject level,
// Policy is the schema's PolicyTag.
func (s *Service) GetConfig(ctx context.Context, registryName, subject string) (*Config, error) {
	var out *Config
	err := s.store.View(ctx, func(tx Tx) error {
		c, err := tx.GetConfig(ctx, registryName, subject)
		if errors.Is(err, ErrNotExist) {
			c = &Config{Registry: registryName, Subject: subject}
		} else if err != nil {
			return err
		}
		if subject != "" {
			c.Policy = ""
			if sc, err := tx.GetSchema(ctx, registryName, subject); err == nil {
				c.Policy = schema.Policy(sc.Tags[PolicyTag])
			} else if !errors.Is(err, ErrNotExist) {
				return err
			}
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, s.fault(ctx, "GetConfig", err)
	}
	return out, nil
}

// ConfigUpdate changes the settings of one level; nil fields are left as they are.
type ConfigUpdate struct {
	Compatibility *schema.Mode
	Normalize     *bool
	// Policy at the subject level sets the schema's PolicyTag, so the schema must exist.
	Policy *schema.Policy
	Mode   *string
	// Force allows IMPORT mode on a level that holds versions already.
	Force bool
}

// UpdateConfig changes the settings of one level and returns the level's config. A change of
// compatibility is applied to every schema it governs at once: the subject's, or, at the
// registry and global levels, those that do not set their own. Existing versions are not
// re-checked. IMPORT mode on a level that holds versions needs Force (CodeNotPermitted
// otherwise).
func (s *Service) UpdateConfig(ctx context.Context, registryName, subject string, u ConfigUpdate) (*Config, error) {
	if u.Compatibility != nil && !u.Compatibility.Valid() {
		return nil, Errorf(CodeInvalid, "Compatibility %q is not valid.", *u.Compatibility)
	}
	if u.Policy != nil && (*u.Policy == "" || !u.Policy.Valid()) {
		return nil, Errorf(CodeInvalid, "Compatibility policy %q is not valid: use STRICT or LENIENT.", *u.Policy)
	}
	if u.Mode != nil && !ValidMode(*u.Mode) {
		return nil, Errorf(CodeInvalid, "Mode %q is not valid: use READWRITE, READONLY or IMPORT.", *u.Mode)
	}
	var out *Config
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.GetConfig(ctx, registryName, subject)
		if errors.Is(err, ErrNotExist) {
			c = &Config{Registry: registryName, Subject: subject}
		} else if err != nil {
			return err
		}
		if u.Mode != nil && *u.Mode == ModeImport && c.Mode != ModeImport && !u.Force {
			if err := s.checkEmpty(ctx, tx, registryName, subject); err != nil {
				return err
			}
		}
		if u.Compatibility != nil {
			c.Compatibility = *u.Compatibility
		}
		if u.Normalize != nil {
			c.Normalize = u.Normalize
		}
		if u.Mode != nil {
			c.Mode = *u.Mode
		}
		if u.Policy != nil {
			if subject == "" {
				c.Policy = *u.Policy
			} else if err := s.setPolicyTag(ctx, tx, SchemaRef{registryName, subject}, *u.Policy); err != nil {
				return err
			}
		}
		c.UpdatedAt = s.timestamp()
		if err := tx.PutConfig(ctx, c); err != nil {
			return err
		}
		if u.Compatibility != nil {
			if err := s.syncCompatibility(ctx, tx, registryName, subject); err != nil {
				return err
			}
		}
		out = c
		if subject != "" && u.Policy != nil {
			out.Policy = *u.Policy
		}
		return s.audit(ctx, tx, "UpdateConfig", configTarget(registryName, subject), string(c.Compatibility), configDetail(c))
	})
	if err != nil {
		return nil, s.fault(ctx, "UpdateConfig", err)
	}
	return out, nil
}

// DeleteConfig removes the compatibility settings (compatibility, normalize and, at the
// registry and global levels, policy) of one level, or, with mode set, its mode, and returns
// the config as it was. It fails with CodeNotFound and EntityConfig (EntityMode with mode)
// when the level sets none of them. The schemas the level governed take the inherited
// compatibility at once.
func (s *Service) DeleteConfig(ctx context.Context, registryName, subject string, mode bool) (*Config, error) {
	var out *Config
	err := s.store.Update(ctx, func(tx Tx) error {
		c, err := tx.GetConfig(ctx, registryName, subject)
		if err != nil && !errors.Is(err, ErrNotExist) {
			return err
		}
		if mode && (c == nil || c.Mode == "") {
			return entityErrorf(CodeNotFound, EntityMode, "Subject '%s' does not have subject-level mode configured", subject)
		}
		if !mode && (c == nil || c.Compatibility == "" && c.Normalize == nil && c.Policy == "") {
			return entityErrorf(CodeNotFound, EntityConfig, "Subject '%s' does not have subject-level compatibility configured", subject)
		}
		old := *c
		out = &old
		if mode {
			c.Mode = ""
		} else {
			c.Compatibility, c.Normalize, c.Policy = "", nil, ""
		}
		c.UpdatedAt = s.timestamp()
		if c.Compatibility == "" && c.Normalize == nil && c.Policy == "" && c.Mode == "" {
			err = tx.DeleteConfig(ctx, registryName, subject)
		} else {
			err = tx.PutConfig(ctx, c)
		}
		if err != nil {
			return err
		}
		if !mode && old.Compatibility != "" {
			if err := s.syncCompatibility(ctx, tx, registryName, subject); err != nil {
				return err
			}
		}
		action := "DeleteConfig"
		if mode {
			action = "DeleteMode"
		}
		return s.audit(ctx, tx, action, configTarget(registryName, subject), "", nil)
	})
	if err != nil {
		return nil, s.fault(ctx, "DeleteConfig", err)
	}
	return out, nil
}

// configTarget names a config level in the audit log.
func configTarget(registryName, subject string) string {
	switch {
	case registryName == "" && subject == "":
		return "config"
	case subject == "":
		return "config/" + registryName
	}
	return "config/" + registryName + "/" + subject
}

func configDetail(c *Config) map[string]any {
	d := map[string]any{}
	if c.Compatibility != "" {
		d["compatibility"] = c.Compatibility
	}
	if c.Normalize != nil {
		d["normalize"] = *c.Normalize
	}
	if c.Policy != "" {
		d["policy"] = c.Policy
	}
	if c.Mode != "" {
		d["mode"] = c.Mode
	}
	return d
}

// setSubjectCompatibility records a schema's compatibility as its subject-level config, as the
// Glue API sets it (CreateSchema, UpdateSchema): the config and the schema agree.
func (s *Service) setSubjectCompatibility(ctx context.Context, tx Tx, sc *Schema) error {
	c, err := tx.GetConfig(ctx, sc.Registry, sc.Name)
	if errors.Is(err, ErrNotExist) {
		c = &Config{Registry: sc.Registry, Subject: sc.Name}
	} else if err != nil {
		return err
	}
	c.Compatibility = sc.Compatibility
	c.UpdatedAt = sc.UpdatedAt
	return tx.PutConfig(ctx, c)
}

// syncCompatibility gives the schemas a config change governs the compatibility they now
// inherit: the subject's schema (subject set), the schemas of a registry (subject ""), or
// every schema (registry and subject "").
func (s *Service) syncCompatibility(ctx context.Context, tx Tx, registryName, subject string) error {
	var schemas []Schema
	if subject != "" {
		sc, err := tx.GetSchema(ctx, registryName, subject)
		if errors.Is(err, ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		schemas = []Schema{*sc}
	} else {
		var err error
		if schemas, err = tx.ListSchemas(ctx, registryName, "", "", 0); err != nil {
			return err
		}
	}
	now := s.timestamp()
	for i := range schemas {
		sc := &schemas[i]
		eff, err := s.resolveConfig(ctx, tx, sc.Registry, sc.Name)
		if err != nil {
			return err
		}
		if eff.Compatibility == sc.Compatibility {
			continue
		}
		sc.Compatibility = eff.Compatibility
		sc.UpdatedAt = now
		if err := tx.UpdateSchema(ctx, sc); err != nil {
			return err
		}
	}
	return nil
}

// setPolicyTag sets a schema's PolicyTag.
func (s *Service) setPolicyTag(ctx context.Context, tx Tx, ref SchemaRef, p schema.Policy) error {
	sc, err := s.getSchema(ctx, tx, ref)
	if err != nil {
		return err
	}
	tags := cloneTags(sc.Tags)
	tags[PolicyTag] = string(p)
	if len(tags) > s.quotas.MaxTags {
		return Errorf(CodeInvalid, "A resource can have at most %d tags.", s.quotas.MaxTags)
	}
	sc.Tags = tags
	sc.UpdatedAt = s.timestamp()
	return tx.UpdateSchema(ctx, sc)
}

// createForSubject creates the schema a first registration under a subject needs, in the
// registry named by ref (created too when missing: a Confluent context comes into being with
// its first subject), with format and the compatibility the subject's config resolves to.
// The schema gets no subject-level config of its own: it follows its registry's and the
// global config until one is set.
func (s *Service) createForSubject(ctx context.Context, tx Tx, ref SchemaRef, format schema.Format) (*Schema, error) {
	if err := s.ensureRegistry(ctx, tx, ref.Registry); err != nil {
		return nil, err
	}
	n, err := tx.CountSchemas(ctx)
	if err != nil {
		return nil, err
	}
	if n >= s.quotas.MaxSchemas {
		return nil, Errorf(CodeLimitExceeded, "More schemas cannot be created. The maximum limit has been reached.")
	}
	eff, err := s.resolveConfig(ctx, tx, ref.Registry, ref.Name)
	if err != nil {
		return nil, err
	}
	now := s.timestamp()
	sc := &Schema{Registry: ref.Registry, Name: ref.Name, Format: format, Compatibility: eff.Compatibility,
		NextVersion: 1, Status: StatusAvailable, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateSchema(ctx, sc); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, "CreateSchema", ref.target(), string(sc.Compatibility), nil); err != nil {
		return nil, err
	}
	return sc, nil
}

// ensureRegistry creates a registry that does not exist yet.
func (s *Service) ensureRegistry(ctx context.Context, tx Tx, name string) error {
	if name == DefaultRegistry {
		_, err := s.ensureDefaultRegistry(ctx, tx)
		return err
	}
	if _, err := tx.GetRegistry(ctx, name); err == nil || !errors.Is(err, ErrNotExist) {
		return err
	}
	n, err := tx.CountRegistries(ctx)
	if err != nil {
		return err
	}
	if n >= s.quotas.MaxRegistries {
		return Errorf(CodeLimitExceeded, "More registries cannot be created. The maximum limit has been reached.")
	}
	now := s.timestamp()
	if err := tx.CreateRegistry(ctx, &Registry{Name: name, Status: StatusAvailable, CreatedAt: now, UpdatedAt: now}); err != nil {
		return err
	}
	return s.audit(ctx, tx, "CreateRegistry", "registry/"+name, "", nil)
}

// normalizedDefinition is the text a definition is stored as when it is registered normalized:
// its canonical form, when that form is itself a definition of the same schema (the Avro and
// JSON Schema forms are; a Protobuf form with options rendered as bytes may not be), else the
// definition as given.
func (s *Service) normalizedDefinition(format schema.Format, definition string, parsed schema.Schema) string {
	canonical := parsed.Canonical()
	again, err := s.parse(format, canonical)
	if err != nil || again.Canonical() != canonical {
		return definition
	}
	return canonical
}

// checkEmpty refuses IMPORT mode on a level with versions: a subject's, a registry's, or (both
// "") any.
func (s *Service) checkEmpty(ctx context.Context, tx Tx, registryName, subject string) error {
	vs, err := tx.ListVersionSummaries(ctx, registryName)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if subject == "" || v.Schema == subject {
			return Errorf(CodeNotPermitted, "Cannot import since found existing subjects: %s holds versions already; set the mode with force to import anyway.", configTarget(registryName, subject))
		}
	}
	return nil
}
