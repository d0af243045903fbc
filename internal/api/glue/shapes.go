package glue

import (
	"time"

	"github.com/cartaschema/carta/schema"
)

// The wire shapes of the Glue model, with its PascalCase member names. Request members are
// pointers so that "absent" differs from "empty"; response members are omitted when empty,
// except the collection a List or Query operation exists to return.

type registryID struct {
	RegistryName *string
	RegistryArn  *string
}

type schemaID struct {
	SchemaArn    *string
	SchemaName   *string
	RegistryName *string
}

type schemaVersionNumber struct {
	LatestVersion *bool
	VersionNumber *int64
}

type metadataKeyValue struct {
	MetadataKey   *string
	MetadataValue *string
}

// timeFormat is the format of every timestamp of the Glue dialect: the model types
// CreatedTime and UpdatedTime as strings, and AWS renders them like this.
const timeFormat = "2006-01-02T15:04:05.000Z"

func timestamp(t time.Time) string { return t.UTC().Format(timeFormat) }

// incompatibility is Carta's rendering of one schema.Incompatibility, in the
// CartaIncompatibilities member of FAILURE versions and the Incompatibilities member of a
// refused registration.
type incompatibility struct {
	Rule      string `json:"Rule"`
	Path      string `json:"Path"`
	Direction string `json:"Direction"`
	Version   int64  `json:"Version,omitempty"`
	Message   string `json:"Message"`
}

func incompatibilities(rs []schema.Incompatibility) []incompatibility {
	if len(rs) == 0 {
		return nil
	}
	out := make([]incompatibility, len(rs))
	for i, r := range rs {
		out[i] = incompatibility{Rule: r.Rule, Path: r.Path, Direction: string(r.Direction), Version: r.Version, Message: r.Message}
	}
	return out
}

// Registries.

type createRegistryInput struct {
	RegistryName *string
	Description  *string
	Tags         map[string]string
}

type createRegistryOutput struct {
	RegistryArn  string            `json:"RegistryArn"`
	RegistryName string            `json:"RegistryName"`
	Description  string            `json:"Description,omitempty"`
	Tags         map[string]string `json:"Tags,omitempty"`
}

type registryIDInput struct {
	RegistryId *registryID
}

type getRegistryOutput struct {
	RegistryName string `json:"RegistryName"`
	RegistryArn  string `json:"RegistryArn"`
	Description  string `json:"Description,omitempty"`
	Status       string `json:"Status"`
	CreatedTime  string `json:"CreatedTime"`
	UpdatedTime  string `json:"UpdatedTime"`
}

type listInput struct {
	MaxResults *int64
	NextToken  *string
}

type listRegistriesOutput struct {
	Registries []getRegistryOutput `json:"Registries"`
	NextToken  string              `json:"NextToken,omitempty"`
}

type updateRegistryInput struct {
	RegistryId  *registryID
	Description *string
}

type registryNameArn struct {
	RegistryName string `json:"RegistryName"`
	RegistryArn  string `json:"RegistryArn"`
}

type deleteRegistryOutput struct {
	RegistryName string `json:"RegistryName"`
	RegistryArn  string `json:"RegistryArn"`
	Status       string `json:"Status"`
}

// Schemas.

type createSchemaInput struct {
	RegistryId       *registryID
	SchemaName       *string
	DataFormat       *string
	Compatibility    *string
	Description      *string
	Tags             map[string]string
	SchemaDefinition *string
}

// schemaOutput is GetSchema's response; CreateSchema's adds Tags and the first version and
// drops the timestamps.
type schemaOutput struct {
	RegistryName  string `json:"RegistryName"`
	RegistryArn   string `json:"RegistryArn"`
	SchemaName    string `json:"SchemaName"`
	SchemaArn     string `json:"SchemaArn"`
	Description   string `json:"Description,omitempty"`
	DataFormat    string `json:"DataFormat"`
	Compatibility string `json:"Compatibility"`
	// Checkpoint and latest are 0 until a schema has a version; the model's range starts at
	// 1, so they are omitted then.
	SchemaCheckpoint    int64             `json:"SchemaCheckpoint,omitempty"`
	LatestSchemaVersion int64             `json:"LatestSchemaVersion,omitempty"`
	NextSchemaVersion   int64             `json:"NextSchemaVersion"`
	SchemaStatus        string            `json:"SchemaStatus"`
	CreatedTime         string            `json:"CreatedTime,omitempty"`
	UpdatedTime         string            `json:"UpdatedTime,omitempty"`
	Tags                map[string]string `json:"Tags,omitempty"`
	SchemaVersionId     string            `json:"SchemaVersionId,omitempty"`
	SchemaVersionStatus string            `json:"SchemaVersionStatus,omitempty"`
}

type schemaIDInput struct {
	SchemaId *schemaID
}

type listSchemasInput struct {
	RegistryId *registryID
	MaxResults *int64
	NextToken  *string
}

type schemaListItem struct {
	RegistryName string `json:"RegistryName"`
	SchemaName   string `json:"SchemaName"`
	SchemaArn    string `json:"SchemaArn"`
	Description  string `json:"Description,omitempty"`
	SchemaStatus string `json:"SchemaStatus"`
	CreatedTime  string `json:"CreatedTime"`
	UpdatedTime  string `json:"UpdatedTime"`
}

type listSchemasOutput struct {
	Schemas   []schemaListItem `json:"Schemas"`
	NextToken string           `json:"NextToken,omitempty"`
}

type updateSchemaInput struct {
	SchemaId            *schemaID
	SchemaVersionNumber *schemaVersionNumber
	Compatibility       *string
	Description         *string
}

type schemaNames struct {
	SchemaArn    string `json:"SchemaArn"`
	SchemaName   string `json:"SchemaName"`
	RegistryName string `json:"RegistryName"`
}

type deleteSchemaOutput struct {
	SchemaArn  string `json:"SchemaArn"`
	SchemaName string `json:"SchemaName"`
	Status     string `json:"Status"`
}

// Versions.

type schemaDefinitionInput struct {
	SchemaId         *schemaID
	SchemaDefinition *string
}

type registerSchemaVersionOutput struct {
	SchemaVersionId string `json:"SchemaVersionId"`
	VersionNumber   int64  `json:"VersionNumber"`
	Status          string `json:"Status"`
	carta
}

// carta holds Carta's extension members of a FAILURE version: why it is incompatible.
type carta struct {
	CartaIncompatibilities []incompatibility `json:"CartaIncompatibilities,omitempty"`
	CartaMessage           string            `json:"CartaMessage,omitempty"`
}

type versionAddress struct {
	SchemaId            *schemaID
	SchemaVersionId     *string
	SchemaVersionNumber *schemaVersionNumber
}

type getSchemaVersionOutput struct {
	SchemaVersionId  string `json:"SchemaVersionId"`
	SchemaDefinition string `json:"SchemaDefinition"`
	DataFormat       string `json:"DataFormat"`
	SchemaArn        string `json:"SchemaArn"`
	VersionNumber    int64  `json:"VersionNumber"`
	Status           string `json:"Status"`
	CreatedTime      string `json:"CreatedTime"`
	carta
}

type schemaVersionListItem struct {
	SchemaArn       string `json:"SchemaArn"`
	SchemaVersionId string `json:"SchemaVersionId"`
	VersionNumber   int64  `json:"VersionNumber"`
	Status          string `json:"Status"`
	CreatedTime     string `json:"CreatedTime"`
}

type listSchemaVersionsInput struct {
	SchemaId   *schemaID
	MaxResults *int64
	NextToken  *string
}

type listSchemaVersionsOutput struct {
	Schemas   []schemaVersionListItem `json:"Schemas"`
	NextToken string                  `json:"NextToken,omitempty"`
}

type getSchemaByDefinitionOutput struct {
	SchemaVersionId string `json:"SchemaVersionId"`
	SchemaArn       string `json:"SchemaArn"`
	DataFormat      string `json:"DataFormat"`
	Status          string `json:"Status"`
	CreatedTime     string `json:"CreatedTime"`
}

type getSchemaVersionsDiffInput struct {
	SchemaId                  *schemaID
	FirstSchemaVersionNumber  *schemaVersionNumber
	SecondSchemaVersionNumber *schemaVersionNumber
	SchemaDiffType            *string
}

type getSchemaVersionsDiffOutput struct {
	Diff string `json:"Diff,omitempty"`
}

type checkSchemaVersionValidityInput struct {
	DataFormat       *string
	SchemaDefinition *string
}

type checkSchemaVersionValidityOutput struct {
	Valid bool   `json:"Valid"`
	Error string `json:"Error,omitempty"`
}

type deleteSchemaVersionsInput struct {
	SchemaId *schemaID
	Versions *string
}

type errorDetails struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

type schemaVersionErrorItem struct {
	VersionNumber int64        `json:"VersionNumber"`
	ErrorDetails  errorDetails `json:"ErrorDetails"`
}

type deleteSchemaVersionsOutput struct {
	SchemaVersionErrors []schemaVersionErrorItem `json:"SchemaVersionErrors,omitempty"`
}

// Metadata.

type metadataInput struct {
	SchemaId            *schemaID
	SchemaVersionId     *string
	SchemaVersionNumber *schemaVersionNumber
	MetadataKeyValue    *metadataKeyValue
}

type metadataOutput struct {
	SchemaArn       string `json:"SchemaArn"`
	SchemaName      string `json:"SchemaName"`
	RegistryName    string `json:"RegistryName"`
	LatestVersion   bool   `json:"LatestVersion"`
	VersionNumber   int64  `json:"VersionNumber"`
	SchemaVersionId string `json:"SchemaVersionId"`
	MetadataKey     string `json:"MetadataKey"`
	MetadataValue   string `json:"MetadataValue"`
}

type queryMetadataInput struct {
	SchemaId            *schemaID
	SchemaVersionId     *string
	SchemaVersionNumber *schemaVersionNumber
	MetadataList        []metadataKeyValue
	MaxResults          *int64
	NextToken           *string
}

type otherMetadataValue struct {
	MetadataValue string `json:"MetadataValue"`
	CreatedTime   string `json:"CreatedTime"`
}

type metadataInfo struct {
	MetadataValue          string               `json:"MetadataValue"`
	CreatedTime            string               `json:"CreatedTime"`
	OtherMetadataValueList []otherMetadataValue `json:"OtherMetadataValueList,omitempty"`
}

type queryMetadataOutput struct {
	MetadataInfoMap map[string]metadataInfo `json:"MetadataInfoMap"`
	SchemaVersionId string                  `json:"SchemaVersionId"`
	NextToken       string                  `json:"NextToken,omitempty"`
}

// Tags.

type tagResourceInput struct {
	ResourceArn *string
	TagsToAdd   map[string]string
}

type untagResourceInput struct {
	ResourceArn  *string
	TagsToRemove []string
}

type resourceInput struct {
	ResourceArn *string
}

type getTagsOutput struct {
	Tags map[string]string `json:"Tags"`
}

type empty struct{}
