package glue

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cartaschema/carta/internal/registry"
	"github.com/cartaschema/carta/schema"
)

// Constraints of the Glue model (see docs/glue-api.md). Lengths count characters (Unicode
// code points), as the model does.
const (
	maxARNLen         = 10240
	maxDescriptionLen = 2048
	maxDefinitionLen  = 170000
	maxTags           = 50
	maxTagKeyLen      = 128
	maxTagValueLen    = 256
	maxMetadataKeyLen = 128
	maxMetadataValLen = 256
	maxVersionNumber  = 100000
	maxVersionsLen    = 100000
	defaultMaxResults = 25
	maxListResults    = 100
	maxQueryResults   = 50
	maxValidityError  = 5000
)

var (
	// versionIDPattern is the model's SchemaVersionIdString: a lower-case UUID.
	versionIDPattern = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)
	// metadataPattern is the model's MetadataKeyString/MetadataValueString pattern
	// [a-zA-Z0-9+-=._./@]+, in which +-= is a range (0x2B-0x3D).
	metadataPattern = regexp.MustCompile(`^[a-zA-Z0-9+-=._./@]+$`)
	// versionsPattern is the model's VersionsString.
	versionsPattern = regexp.MustCompile(`^(?:[1-9][0-9]*|[1-9][0-9]*-[1-9][0-9]*)$`)
)

// Parameter names as they appear in messages (AWS spells them in camelCase).
const (
	pRegistryID          = "registryId"
	pRegistryName        = "registryName"
	pRegistryArn         = "registryArn"
	pSchemaID            = "schemaId"
	pSchemaName          = "schemaName"
	pSchemaArn           = "schemaArn"
	pDescription         = "description"
	pDataFormat          = "dataFormat"
	pCompatibility       = "compatibility"
	pSchemaDefinition    = "schemaDefinition"
	pSchemaVersionID     = "schemaVersionId"
	pSchemaVersionNumber = "schemaVersionNumber"
	pVersionNumber       = "versionNumber"
	pVersions            = "versions"
	pMetadataKeyValue    = "metadataKeyValue"
	pMetadataKey         = "metadataKey"
	pMetadataValue       = "metadataValue"
	pMaxResults          = "maxResults"
	pTags                = "tags"
	pTagKey              = "tagKey"
	pTagValue            = "tagValue"
	pResourceArn         = "resourceArn"
	pTagsToAdd           = "tagsToAdd"
	pTagsToRemove        = "tagsToRemove"
	pSchemaDiffType      = "schemaDiffType"
	pFirstVersion        = "firstSchemaVersionNumber"
	pSecondVersion       = "secondSchemaVersionNumber"
)

func missing(param string) error {
	return invalid("A required parameter is missing. Parameter Name: %s", param)
}

func badLength(param string) error {
	return invalid("The parameter value contains too many or too few characters. Parameter Name: %s", param)
}

func badCharacters(param string) error {
	return invalid("The parameter value contains one or more characters that are not valid. Parameter Name: %s", param)
}

// checkLength checks that s has min..max characters.
func checkLength(s string, min, max int, param string) error {
	if n := utf8.RuneCountInString(s); n < min || n > max {
		return badLength(param)
	}
	return nil
}

// checkName validates a registry or schema name: 1-255 characters of [a-zA-Z0-9-_$#.].
func checkName(name, param string) error {
	if len(name) < 1 || len(name) > registry.MaxNameLen {
		return invalid("The resource name contains too many or too few characters. Parameter Name: %s", param)
	}
	if !registry.ValidNameChars(name) {
		return badCharacters(param)
	}
	return nil
}

// requiredName validates a required name member.
func requiredName(name *string, param string) (string, error) {
	if name == nil {
		return "", missing(param)
	}
	return *name, checkName(*name, param)
}

// checkDescription validates an optional description: 0-2048 XML characters.
func checkDescription(d *string) error {
	if d == nil {
		return nil
	}
	if err := checkLength(*d, 0, maxDescriptionLen, pDescription); err != nil {
		return err
	}
	for _, r := range *d {
		if !xmlChar(r) {
			return badCharacters(pDescription)
		}
	}
	return nil
}

// xmlChar reports whether r is allowed by the model's description pattern (the XML 1.0 Char
// production).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// requiredDefinition validates a required schema definition: 1-170,000 characters with at
// least one that is not white space (the model's pattern .*\S.*).
func requiredDefinition(d *string) (string, error) {
	if d == nil {
		return "", missing(pSchemaDefinition)
	}
	return *d, checkDefinition(*d)
}

func checkDefinition(d string) error {
	if err := checkLength(d, 1, maxDefinitionLen, pSchemaDefinition); err != nil {
		return err
	}
	if strings.TrimLeft(d, " \t\n\v\f\r") == "" {
		return invalid("The schema definition must contain a character that is not white space. Parameter Name: %s", pSchemaDefinition)
	}
	// No format allows a raw NUL (JSON escapes it as \u0000), and PostgreSQL cannot store one.
	if strings.IndexByte(d, 0) >= 0 {
		return badCharacters(pSchemaDefinition)
	}
	return nil
}

// checkTags validates a tag map: 0-50 tags, keys 1-128 and values 0-256 characters.
func checkTags(tags map[string]string, param string) error {
	if len(tags) > maxTags {
		return invalid("New Tags cannot be empty or more than %d. Parameter Name: %s", maxTags, param)
	}
	for k, v := range tags {
		if err := checkLength(k, 1, maxTagKeyLen, pTagKey); err != nil {
			return err
		}
		if err := checkLength(v, 0, maxTagValueLen, pTagValue); err != nil {
			return err
		}
		// A NUL cannot be stored by PostgreSQL: refused on every store alike.
		if strings.IndexByte(k, 0) >= 0 {
			return badCharacters(pTagKey)
		}
		if strings.IndexByte(v, 0) >= 0 {
			return badCharacters(pTagValue)
		}
	}
	return nil
}

// checkVersionID validates a SchemaVersionId: a lower-case UUID.
func checkVersionID(id string) error {
	if len(id) != 36 {
		return badLength(pSchemaVersionID)
	}
	if !versionIDPattern.MatchString(id) {
		return badCharacters(pSchemaVersionID)
	}
	return nil
}

// dataFormat validates a required DataFormat.
func dataFormat(f *string) (schema.Format, error) {
	if f == nil {
		return "", missing(pDataFormat)
	}
	if !schema.Format(*f).Valid() {
		return "", invalid("Data format is not valid.")
	}
	return schema.Format(*f), nil
}

// compatibility validates an optional Compatibility; nil when absent.
func compatibility(m *string) (*schema.Mode, error) {
	if m == nil {
		return nil, nil
	}
	mode := schema.Mode(*m)
	if !mode.Valid() {
		return nil, invalid("Compatibility is not valid.")
	}
	return &mode, nil
}

// maxResults validates an optional MaxResults (1..max, default 25).
func maxResults(n *int64, max int) (int, error) {
	if n == nil {
		return defaultMaxResults, nil
	}
	if *n < 1 || *n > int64(max) {
		return 0, invalid("MaxResults must be between 1 and %d. Parameter Name: %s", max, pMaxResults)
	}
	return int(*n), nil
}

// metadataPair validates a MetadataKeyValuePair; requireValue demands a value (Put and
// Remove); a query filter may leave it out to match every value of the key.
func metadataPair(kv *metadataKeyValue, param string, requireValue bool) (registry.Metadata, error) {
	if kv == nil {
		return registry.Metadata{}, missing(param)
	}
	if kv.MetadataKey == nil {
		return registry.Metadata{}, missing(pMetadataKey)
	}
	if err := checkLength(*kv.MetadataKey, 1, maxMetadataKeyLen, pMetadataKey); err != nil {
		return registry.Metadata{}, err
	}
	if !metadataPattern.MatchString(*kv.MetadataKey) {
		return registry.Metadata{}, badCharacters(pMetadataKey)
	}
	m := registry.Metadata{Key: *kv.MetadataKey}
	if kv.MetadataValue == nil {
		if requireValue {
			return registry.Metadata{}, missing(pMetadataValue)
		}
		return m, nil
	}
	if err := checkLength(*kv.MetadataValue, 1, maxMetadataValLen, pMetadataValue); err != nil {
		return registry.Metadata{}, err
	}
	if !metadataPattern.MatchString(*kv.MetadataValue) {
		return registry.Metadata{}, badCharacters(pMetadataValue)
	}
	m.Value = *kv.MetadataValue
	return m, nil
}

// selector validates a SchemaVersionNumber: exactly one of LatestVersion (true) and
// VersionNumber (1-100,000).
func selector(n *schemaVersionNumber) (registry.VersionSelector, error) {
	latest := n.LatestVersion != nil && *n.LatestVersion
	switch {
	case latest && n.VersionNumber != nil:
		return registry.VersionSelector{}, invalid("Only one of VersionNumber or LatestVersion is required.")
	case latest:
		return registry.VersionSelector{Latest: true}, nil
	case n.VersionNumber == nil:
		return registry.VersionSelector{}, invalid("One of version number (or) latest version is required.")
	case *n.VersionNumber < 1 || *n.VersionNumber > maxVersionNumber:
		return registry.VersionSelector{}, invalid("VersionNumber must be between 1 and %d. Parameter Name: %s", maxVersionNumber, pVersionNumber)
	}
	return registry.VersionSelector{Number: *n.VersionNumber}, nil
}

// requiredSelector validates a required SchemaVersionNumber.
func requiredSelector(n *schemaVersionNumber, param string) (registry.VersionSelector, error) {
	if n == nil {
		return registry.VersionSelector{}, missing(param)
	}
	return selector(n)
}
