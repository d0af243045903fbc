package glue

import (
	"regexp"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
)

// arnPattern is the model's GlueResourceArn pattern (its newer spelling, which also admits the
// ISO partitions).
var arnPattern = regexp.MustCompile(`^arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:`)

// regionPattern and accountPattern bound the region and account fields of an ARN.
var (
	regionPattern  = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)
	accountPattern = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)
)

// arn is a parsed Glue ARN.
type arn struct {
	raw       string
	partition string
	region    string
	account   string
	// resource is what follows the account: "registry/<name>" or "schema/<registry>/<name>".
	resource string
}

// parseARN splits a Glue ARN, checking the model's length and pattern. A malformed ARN is an
// InvalidInputException.
func parseARN(s, param string) (arn, error) {
	if err := checkLength(s, 1, maxARNLen, param); err != nil {
		return arn{}, err
	}
	if !arnPattern.MatchString(s) {
		return arn{}, invalid("The ARN is not a valid Glue ARN (arn:<partition>:glue:<region>:<account>:<resource>). Parameter Name: %s", param)
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || !regionPattern.MatchString(parts[3]) || !accountPattern.MatchString(parts[4]) {
		return arn{}, invalid("The ARN is not a valid Glue ARN (arn:<partition>:glue:<region>:<account>:<resource>). Parameter Name: %s", param)
	}
	return arn{raw: s, partition: parts[1], region: parts[3], account: parts[4], resource: parts[5]}, nil
}

// foreign reports whether the ARN names a resource outside this deployment: another partition
// or another account. Carta holds one account's resources, so such ARNs name nothing it has.
// The region is not compared: one Carta store serves every region a client signs for.
func (h *handler) foreign(a arn) bool {
	return a.partition != h.cfg.Partition || a.account != h.cfg.Account
}

// registryFromARN resolves a registry ARN to the registry's name.
func (h *handler) registryFromARN(s, param string) (string, error) {
	a, err := parseARN(s, param)
	if err != nil {
		return "", err
	}
	name, ok := strings.CutPrefix(a.resource, "registry/")
	if !ok {
		return "", invalid("The ARN does not name a registry (…:registry/<name>). Parameter Name: %s", param)
	}
	if err := checkName(name, param); err != nil {
		return "", err
	}
	if h.foreign(a) {
		return "", notFound("Registry is not found. RegistryArn: %s (Carta holds account %s only)", s, h.cfg.Account)
	}
	return name, nil
}

// schemaFromARN resolves a schema ARN to the schema's registry and name.
func (h *handler) schemaFromARN(s, param string) (registry.SchemaRef, error) {
	a, err := parseARN(s, param)
	if err != nil {
		return registry.SchemaRef{}, err
	}
	rest, ok := strings.CutPrefix(a.resource, "schema/")
	reg, name, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return registry.SchemaRef{}, invalid("The ARN does not name a schema (…:schema/<registry>/<name>). Parameter Name: %s", param)
	}
	if err := checkName(reg, param); err != nil {
		return registry.SchemaRef{}, err
	}
	if err := checkName(name, param); err != nil {
		return registry.SchemaRef{}, err
	}
	if h.foreign(a) {
		return registry.SchemaRef{}, notFound("Schema is not found. RegistryName: %s, SchemaName: %s, SchemaArn: %s (Carta holds account %s only)", reg, name, s, h.cfg.Account)
	}
	return registry.SchemaRef{Registry: reg, Name: name}, nil
}

// resourceFromARN resolves the ARN of a taggable resource: a registry or a schema.
func (h *handler) resourceFromARN(s *string) (registry.ResourceRef, error) {
	if s == nil {
		return registry.ResourceRef{}, missing(pResourceArn)
	}
	a, err := parseARN(*s, pResourceArn)
	if err != nil {
		return registry.ResourceRef{}, err
	}
	switch {
	case strings.HasPrefix(a.resource, "registry/"):
		name, err := h.registryFromARN(*s, pResourceArn)
		return registry.ResourceRef{Registry: name}, err
	case strings.HasPrefix(a.resource, "schema/"):
		ref, err := h.schemaFromARN(*s, pResourceArn)
		return registry.ResourceRef{Registry: ref.Registry, Schema: ref.Name}, err
	}
	return registry.ResourceRef{}, notFound("Entity is not found. ResourceArn: %s (Carta holds registries and schemas only)", *s)
}

// registryARN returns the ARN of a registry, in the region of the call.
func (h *handler) registryARN(c *call, name string) string {
	return "arn:" + h.cfg.Partition + ":glue:" + c.region + ":" + h.cfg.Account + ":registry/" + name
}

// schemaARN returns the ARN of a schema, in the region of the call.
func (h *handler) schemaARN(c *call, reg, name string) string {
	return "arn:" + h.cfg.Partition + ":glue:" + c.region + ":" + h.cfg.Account + ":schema/" + reg + "/" + name
}

// registryName resolves a RegistryId: exactly one of RegistryName and RegistryArn. When
// optional, an absent or empty RegistryId yields "" (the caller picks the default).
func (h *handler) registryName(id *registryID, optional bool) (string, error) {
	if id == nil || (id.RegistryName == nil && id.RegistryArn == nil) {
		if optional {
			return "", nil
		}
		if id == nil {
			return "", missing(pRegistryID)
		}
		return "", invalid("One of registryName or registryArn has to be provided.")
	}
	if id.RegistryName != nil && id.RegistryArn != nil {
		return "", invalid("One of registryName or registryArn has to be provided, both cannot be provided.")
	}
	if id.RegistryArn != nil {
		return h.registryFromARN(*id.RegistryArn, pRegistryArn)
	}
	return *id.RegistryName, checkName(*id.RegistryName, pRegistryName)
}

// schemaRef resolves a required SchemaId: SchemaArn alone, or SchemaName with RegistryName.
// SchemaName without RegistryName names a schema of the default registry (a leniency: AWS
// documents RegistryName as needed; the Java SerDe always sends both).
func (h *handler) schemaRef(id *schemaID) (registry.SchemaRef, error) {
	if id == nil {
		return registry.SchemaRef{}, missing(pSchemaID)
	}
	if id.SchemaArn != nil {
		if id.SchemaName != nil || id.RegistryName != nil {
			return registry.SchemaRef{}, invalid("One of (registryName and schemaName) or schemaArn has to be provided, both cannot be provided.")
		}
		return h.schemaFromARN(*id.SchemaArn, pSchemaArn)
	}
	if id.SchemaName == nil {
		return registry.SchemaRef{}, invalid("At least one of (registryName and schemaName) or schemaArn has to be provided.")
	}
	ref := registry.SchemaRef{Registry: registry.DefaultRegistry, Name: *id.SchemaName}
	if id.RegistryName != nil {
		if err := checkName(*id.RegistryName, pRegistryName); err != nil {
			return registry.SchemaRef{}, err
		}
		ref.Registry = *id.RegistryName
	}
	return ref, checkName(ref.Name, pSchemaName)
}

// versionRef resolves the version addressing of GetSchemaVersion and the metadata operations:
// SchemaVersionId alone, or SchemaId with SchemaVersionNumber.
func (h *handler) versionRef(id *schemaID, versionID *string, number *schemaVersionNumber) (registry.VersionRef, error) {
	if versionID != nil {
		if id != nil || number != nil {
			return registry.VersionRef{}, invalid("No other input parameters can be specified when fetching by SchemaVersionId.")
		}
		if err := checkVersionID(*versionID); err != nil {
			return registry.VersionRef{}, err
		}
		return registry.VersionRef{ID: *versionID}, nil
	}
	switch {
	case id == nil && number == nil:
		return registry.VersionRef{}, invalid("One of SchemaVersionId or (SchemaId and SchemaVersionNumber) has to be provided.")
	case id == nil:
		return registry.VersionRef{}, invalid("At least one of (registryName and schemaName) or schemaArn has to be provided.")
	case number == nil:
		return registry.VersionRef{}, invalid("One of version number (or) latest version is required.")
	}
	ref, err := h.schemaRef(id)
	if err != nil {
		return registry.VersionRef{}, err
	}
	sel, err := selector(number)
	if err != nil {
		return registry.VersionRef{}, err
	}
	return registry.VersionRef{Schema: ref, Selector: sel}, nil
}
