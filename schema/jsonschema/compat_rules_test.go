package jsonschema_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cartaschema/carta/schema"
	"github.com/cartaschema/carta/schema/jsonschema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/compat")

// ruleCase is one old/new pair. back lists the findings of BACKWARD (the new schema reads data
// written with the old one), fwd those of FORWARD, as "RULE /path"; nil means compatible.
// Under LENIENT the same findings are expected unless lback/lfwd are set (lenient true).
type ruleCase struct {
	name       string
	old, new   string
	back, fwd  []string
	lenient    bool
	lback, lfw []string
}

const (
	d4    = `"$schema":"http://json-schema.org/draft-04/schema#",`
	d6    = `"$schema":"http://json-schema.org/draft-06/schema#",`
	d2019 = `"$schema":"https://json-schema.org/draft/2019-09/schema",`
	d2020 = `"$schema":"https://json-schema.org/draft/2020-12/schema",`
)

// ruleCases has at least one case for every rule, and the compatible changes next to them.
func ruleCases() []ruleCase {
	return []ruleCase{
		// Types.
		{name: "type changed", old: `{"type":"string"}`, new: `{"type":"integer"}`,
			back: []string{"TYPE_CHANGED /"}, fwd: []string{"TYPE_CHANGED /"}},
		{name: "integer to number", old: `{"type":"integer"}`, new: `{"type":"number"}`,
			fwd: []string{"TYPE_NARROWED /"}},
		{name: "type list grows", old: `{"type":"string"}`, new: `{"type":["string","null"]}`,
			fwd: []string{"TYPE_CHANGED /"}},
		{name: "type list normalized", old: `{"type":["string"]}`, new: `{"type":"string"}`},
		{name: "type list to anyOf", old: `{"type":["string","null"]}`, new: `{"anyOf":[{"type":"null"},{"type":"string"}]}`},
		{name: "type added", old: `{}`, new: `{"type":"object"}`,
			back: []string{"TYPE_CHANGED /"}},
		{name: "true and empty", old: `true`, new: `{}`},
		{name: "new false", old: `{"type":"string"}`, new: `false`,
			back: []string{"TYPE_CHANGED /"}},
		{name: "property type changed", old: `{"properties":{"a":{"type":"string"}}}`, new: `{"properties":{"a":{"type":"boolean"}}}`,
			back: []string{"TYPE_CHANGED /properties/a"}, fwd: []string{"TYPE_CHANGED /properties/a"}},

		// Strings.
		{name: "maxLength decreased", old: `{"type":"string","maxLength":10}`, new: `{"type":"string","maxLength":5}`,
			back: []string{"MAX_LENGTH_DECREASED /maxLength"}},
		{name: "maxLength added", old: `{"type":"string"}`, new: `{"type":"string","maxLength":5}`,
			back: []string{"MAX_LENGTH_ADDED /maxLength"}},
		{name: "minLength increased", old: `{"type":"string","minLength":1}`, new: `{"type":"string","minLength":3}`,
			back: []string{"MIN_LENGTH_INCREASED /minLength"}},
		{name: "minLength added", old: `{"type":"string"}`, new: `{"type":"string","minLength":3}`,
			back: []string{"MIN_LENGTH_ADDED /minLength"}},
		{name: "minLength zero added", old: `{"type":"string"}`, new: `{"type":"string","minLength":0}`},
		{name: "pattern added", old: `{"type":"string"}`, new: `{"type":"string","pattern":"^[a-z]+$"}`,
			back: []string{"PATTERN_ADDED /pattern"}},
		{name: "pattern changed", old: `{"type":"string","pattern":"^[a-z]+$"}`, new: `{"type":"string","pattern":"^[a-z]*$"}`,
			back: []string{"PATTERN_CHANGED /pattern"}, fwd: []string{"PATTERN_CHANGED /pattern"}},
		{name: "string keywords on a number", old: `{"type":"number"}`, new: `{"type":"number","maxLength":1}`},
		{name: "format is an annotation", old: `{"type":"string","format":"date-time"}`, new: `{"type":"string","format":"email"}`},

		// Numbers.
		{name: "maximum decreased", old: `{"type":"number","maximum":10}`, new: `{"type":"number","maximum":5}`,
			back: []string{"MAXIMUM_DECREASED /maximum"}},
		{name: "maximum added", old: `{"type":"number"}`, new: `{"type":"number","maximum":5}`,
			back: []string{"MAXIMUM_ADDED /maximum"}},
		{name: "minimum increased", old: `{"type":"number","minimum":0}`, new: `{"type":"number","minimum":1.5}`,
			back: []string{"MINIMUM_INCREASED /minimum"}},
		{name: "minimum added", old: `{"type":"number"}`, new: `{"type":"number","minimum":0}`,
			back: []string{"MINIMUM_ADDED /minimum"}},
		{name: "exclusiveMaximum decreased", old: `{"type":"number","exclusiveMaximum":10}`, new: `{"type":"number","exclusiveMaximum":9}`,
			back: []string{"EXCLUSIVE_MAXIMUM_DECREASED /exclusiveMaximum"}},
		{name: "exclusiveMaximum added", old: `{"type":"number"}`, new: `{"type":"number","exclusiveMaximum":9}`,
			back: []string{"EXCLUSIVE_MAXIMUM_ADDED /exclusiveMaximum"}},
		{name: "exclusiveMinimum increased", old: `{"type":"number","exclusiveMinimum":1}`, new: `{"type":"number","exclusiveMinimum":2}`,
			back: []string{"EXCLUSIVE_MINIMUM_INCREASED /exclusiveMinimum"}},
		{name: "exclusiveMinimum added", old: `{"type":"number"}`, new: `{"type":"number","exclusiveMinimum":0}`,
			back: []string{"EXCLUSIVE_MINIMUM_ADDED /exclusiveMinimum"}},
		{name: "exclusive to inclusive bound", old: `{"type":"number","exclusiveMinimum":10}`, new: `{"type":"number","minimum":10}`,
			fwd: []string{"EXCLUSIVE_MINIMUM_INCREASED /exclusiveMinimum"}},
		{name: "draft-04 boolean exclusiveMaximum added", old: `{` + d4 + `"type":"number","maximum":10}`, new: `{` + d4 + `"type":"number","maximum":10,"exclusiveMaximum":true}`,
			back: []string{"EXCLUSIVE_MAXIMUM_DECREASED /exclusiveMaximum"}},
		{name: "draft-04 boolean to draft-06 number", old: `{` + d4 + `"type":"number","minimum":10,"exclusiveMinimum":true}`, new: `{` + d6 + `"type":"number","exclusiveMinimum":10}`},
		{name: "integer bounds compared as integers", old: `{"type":"integer","maximum":10}`, new: `{"type":"integer","exclusiveMaximum":11}`},
		{name: "multipleOf reduced", old: `{"type":"number","multipleOf":10}`, new: `{"type":"number","multipleOf":5}`,
			fwd: []string{"MULTIPLE_OF_EXPANDED /multipleOf"}},
		{name: "multipleOf changed", old: `{"type":"number","multipleOf":7}`, new: `{"type":"number","multipleOf":13}`,
			back: []string{"MULTIPLE_OF_CHANGED /multipleOf"}, fwd: []string{"MULTIPLE_OF_CHANGED /multipleOf"}},
		{name: "multipleOf decimal", old: `{"type":"number","multipleOf":0.5}`, new: `{"type":"number","multipleOf":0.25}`,
			fwd: []string{"MULTIPLE_OF_EXPANDED /multipleOf"}},
		{name: "multipleOf added", old: `{"type":"number"}`, new: `{"type":"number","multipleOf":2}`,
			back: []string{"MULTIPLE_OF_ADDED /multipleOf"}},
		{name: "multipleOf 1 on integers", old: `{"type":"integer"}`, new: `{"type":"integer","multipleOf":1}`},

		// Enum and const.
		{name: "enum extended", old: `{"enum":["a","b"]}`, new: `{"enum":["a","b","c"]}`,
			fwd: []string{"ENUM_ARRAY_NARROWED /enum"}},
		{name: "enum changed", old: `{"enum":["a","b"]}`, new: `{"enum":["b","c"]}`,
			back: []string{"ENUM_ARRAY_CHANGED /enum"}, fwd: []string{"ENUM_ARRAY_CHANGED /enum"}},
		{name: "enum numbers compared by value", old: `{"enum":[1,2.5]}`, new: `{"enum":[1.0,2.50,3]}`,
			fwd: []string{"ENUM_ARRAY_NARROWED /enum"}},
		{name: "enum added", old: `{"type":"string"}`, new: `{"type":"string","enum":["a"]}`,
			back: []string{"ENUM_ADDED /enum"}},
		{name: "enum of every boolean", old: `{"type":"boolean"}`, new: `{"enum":[true,false]}`},
		{name: "const added", old: `{"type":"string"}`, new: `{"const":"a"}`,
			back: []string{"CONST_ADDED /const"}},
		{name: "const changed", old: `{"const":"a"}`, new: `{"const":"b"}`,
			back: []string{"ENUM_ARRAY_CHANGED /const"}, fwd: []string{"ENUM_ARRAY_CHANGED /const"}},
		{name: "const to enum", old: `{"const":"a"}`, new: `{"enum":["a"]}`},
		{name: "enum values the type refuses", old: `{"enum":["a",1]}`, new: `{"type":"string","enum":["a",1]}`,
			back: []string{"TYPE_CHANGED /"}},

		// Required.
		{name: "required added", old: `{"properties":{"email":{"type":"string"}}}`, new: `{"properties":{"email":{"type":"string"}},"required":["email"]}`,
			back: []string{"REQUIRED_ATTRIBUTE_ADDED /required/0"}},
		{name: "required with default added", old: `{"properties":{"email":{"type":"string"}}}`, new: `{"properties":{"email":{"type":"string","default":""}},"required":["email"]}`},
		{name: "required undeclared added", old: `{"required":["a"]}`, new: `{"required":["a","b"]}`,
			back: []string{"REQUIRED_ATTRIBUTE_ADDED /required/1"}},

		// Object counts.
		{name: "maxProperties decreased", old: `{"type":"object","maxProperties":5}`, new: `{"type":"object","maxProperties":4}`,
			back: []string{"MAX_PROPERTIES_DECREASED /maxProperties"}},
		{name: "maxProperties added", old: `{"type":"object"}`, new: `{"type":"object","maxProperties":4}`,
			back: []string{"MAX_PROPERTIES_ADDED /maxProperties"}},
		{name: "minProperties increased", old: `{"type":"object","minProperties":1}`, new: `{"type":"object","minProperties":2}`,
			back: []string{"MIN_PROPERTIES_INCREASED /minProperties"}},
		{name: "minProperties added", old: `{"type":"object"}`, new: `{"type":"object","minProperties":2}`,
			back: []string{"MIN_PROPERTIES_ADDED /minProperties"}},

		// Content models.
		{name: "optional property added to open model", old: `{"properties":{"a":{"type":"string"}}}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string"}}}`,
			back: []string{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/b"}, lenient: true},
		{name: "required property added to open model", old: `{"properties":{"a":{"type":"string"}}}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}`,
			back: []string{"REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/b"}},
		{name: "required property with default added to open model", old: `{"properties":{"a":{"type":"string"}}}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"]}`,
			back: []string{"REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL /properties/b"}, lenient: true},
		{name: "property with empty schema added to open model", old: `{"type":"object"}`, new: `{"type":"object","properties":{"a":{}}}`},
		{name: "optional property added to closed model", old: `{"properties":{"a":{"type":"string"}},"additionalProperties":false}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`,
			fwd: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL /properties/b"}, lenient: true},
		{name: "required property added to closed model", old: `{"properties":{"a":{"type":"string"}},"additionalProperties":false}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false}`,
			back: []string{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL /properties/b"}, fwd: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL /properties/b"},
			lenient: true, lback: []string{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL /properties/b"}},
		{name: "required property with default added to closed model", old: `{"properties":{"a":{"type":"string"}},"additionalProperties":false}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"string","default":""}},"required":["b"],"additionalProperties":false}`,
			fwd: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL /properties/b"}, lenient: true},
		{name: "property with false removed from closed model", old: `{"properties":{"a":false},"additionalProperties":false}`, new: `{"additionalProperties":false}`},
		{name: "property added to partially open model", old: `{"properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`, new: `{"properties":{"a":{"type":"string"},"b":{"type":"number"}},"additionalProperties":{"type":"string"}}`,
			back: []string{"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/b"}, fwd: []string{"PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/b"},
			lenient: true},
		{name: "property covered by patternProperties", old: `{"properties":{"x_a":{"type":"integer"}},"patternProperties":{"^x_":{"type":"number"}},"additionalProperties":false}`, new: `{"patternProperties":{"^x_":{"type":"number"}},"additionalProperties":false}`,
			fwd: []string{"PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /properties/x_a"}, lenient: true},
		{name: "model closed", old: `{"properties":{"a":{"type":"string"}}}`, new: `{"properties":{"a":{"type":"string"}},"additionalProperties":false}`,
			back: []string{"ADDITIONAL_PROPERTIES_REMOVED /additionalProperties"}, lenient: true},
		{name: "additionalProperties narrowed", old: `{"type":"object"}`, new: `{"type":"object","additionalProperties":{"type":"string"}}`,
			back: []string{"ADDITIONAL_PROPERTIES_NARROWED /additionalProperties"}, lenient: true},
		{name: "additionalProperties schema changed", old: `{"additionalProperties":{"type":"string"}}`, new: `{"additionalProperties":{"type":"number"}}`,
			back: []string{"TYPE_CHANGED /additionalProperties"}, fwd: []string{"TYPE_CHANGED /additionalProperties"}},
		{name: "unevaluatedProperties removed", old: `{` + d2020 + `"properties":{"a":{}}}`, new: `{` + d2020 + `"properties":{"a":{}},"unevaluatedProperties":false}`,
			back: []string{"UNEVALUATED_PROPERTIES_REMOVED /unevaluatedProperties"}, lenient: true},
		{name: "property removed under unevaluatedProperties false", old: `{` + d2020 + `"properties":{"a":{},"b":{"type":"string"}},"unevaluatedProperties":false}`, new: `{` + d2020 + `"properties":{"a":{}},"unevaluatedProperties":false}`,
			back: []string{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL /properties/b"}, lenient: true},
		{name: "unevaluatedProperties narrowed", old: `{` + d2019 + `"type":"object"}`, new: `{` + d2019 + `"type":"object","unevaluatedProperties":{"type":"string"}}`,
			back: []string{"UNEVALUATED_PROPERTIES_NARROWED /unevaluatedProperties"}, lenient: true},
		{name: "patternProperties added", old: `{"type":"object"}`, new: `{"type":"object","patternProperties":{"^x_":{"type":"string"}}}`,
			back: []string{"PATTERN_PROPERTY_ADDED /patternProperties/^x_"}},
		{name: "patternProperties removed from closed model", old: `{"patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false}`, new: `{"additionalProperties":false}`,
			back: []string{"PATTERN_PROPERTY_REMOVED /patternProperties/^x_"}},
		{name: "patternProperties changed", old: `{"patternProperties":{"^x_":{"type":"string"}}}`, new: `{"patternProperties":{"^x_":{"type":"string","maxLength":3}}}`,
			back: []string{"MAX_LENGTH_ADDED /patternProperties/^x_/maxLength"}},
		{name: "propertyNames added", old: `{"type":"object"}`, new: `{"type":"object","propertyNames":{"pattern":"^[a-z]+$"}}`,
			back: []string{"PATTERN_ADDED /propertyNames/pattern"}},
		{name: "propertyNames relaxed", old: `{"propertyNames":{"maxLength":5}}`, new: `{"propertyNames":{"maxLength":8}}`,
			fwd: []string{"MAX_LENGTH_DECREASED /propertyNames/maxLength"}},

		// Dependencies.
		{name: "dependency array added", old: `{"properties":{"a":{},"b":{}}}`, new: `{"properties":{"a":{},"b":{}},"dependencies":{"a":["b"]}}`,
			back: []string{"DEPENDENCY_ARRAY_ADDED /dependencies/a"}},
		{name: "dependency array extended", old: `{"dependencies":{"a":["b"]}}`, new: `{"dependencies":{"a":["b","c"]}}`,
			back: []string{"DEPENDENCY_ARRAY_EXTENDED /dependencies/a"}},
		{name: "dependency array changed", old: `{"dependencies":{"a":["b"]}}`, new: `{"dependencies":{"a":["c"]}}`,
			back: []string{"DEPENDENCY_ARRAY_CHANGED /dependencies/a"}, fwd: []string{"DEPENDENCY_ARRAY_CHANGED /dependencies/a"}},
		{name: "dependentRequired extended", old: `{` + d2019 + `"dependentRequired":{"a":["b"]}}`, new: `{` + d2019 + `"dependentRequired":{"a":["b","c"]}}`,
			back: []string{"DEPENDENCY_ARRAY_EXTENDED /dependentRequired/a"}},
		{name: "dependency schema added", old: `{"type":"object"}`, new: `{"type":"object","dependencies":{"a":{"required":["b"]}}}`,
			back: []string{"DEPENDENCY_SCHEMA_ADDED /dependencies/a"}},
		{name: "dependentSchemas changed", old: `{` + d2020 + `"dependentSchemas":{"a":{"properties":{"b":{"type":"string"}}}}}`, new: `{` + d2020 + `"dependentSchemas":{"a":{"properties":{"b":{"type":"integer"}}}}}`,
			back: []string{"TYPE_CHANGED /dependentSchemas/a/properties/b"}, fwd: []string{"TYPE_CHANGED /dependentSchemas/a/properties/b"}},

		// Arrays.
		{name: "items changed", old: `{"type":"array","items":{"type":"number"}}`, new: `{"type":"array","items":{"type":"integer"}}`,
			back: []string{"TYPE_NARROWED /items"}},
		{name: "items added", old: `{"type":"array"}`, new: `{"type":"array","items":{"type":"string"}}`,
			back: []string{"SCHEMA_ADDED /items"}},
		{name: "maxItems decreased", old: `{"type":"array","maxItems":3}`, new: `{"type":"array","maxItems":2}`,
			back: []string{"MAX_ITEMS_DECREASED /maxItems"}},
		{name: "maxItems added", old: `{"type":"array"}`, new: `{"type":"array","maxItems":2}`,
			back: []string{"MAX_ITEMS_ADDED /maxItems"}},
		{name: "minItems increased", old: `{"type":"array","minItems":1}`, new: `{"type":"array","minItems":2}`,
			back: []string{"MIN_ITEMS_INCREASED /minItems"}},
		{name: "minItems added", old: `{"type":"array"}`, new: `{"type":"array","minItems":2}`,
			back: []string{"MIN_ITEMS_ADDED /minItems"}},
		{name: "uniqueItems added", old: `{"type":"array"}`, new: `{"type":"array","uniqueItems":true}`,
			back: []string{"UNIQUE_ITEMS_ADDED /uniqueItems"}},
		{name: "contains added", old: `{"type":"array"}`, new: `{"type":"array","contains":{"type":"string"}}`,
			back: []string{"SCHEMA_ADDED /contains"}},
		{name: "contains relaxed", old: `{"type":"array","contains":{"type":"number","minimum":10}}`, new: `{"type":"array","contains":{"type":"number","minimum":5}}`,
			fwd: []string{"MINIMUM_INCREASED /contains/minimum"}},
		{name: "maxContains decreased", old: `{` + d2019 + `"contains":{"type":"string"},"maxContains":3}`, new: `{` + d2019 + `"contains":{"type":"string"},"maxContains":2}`,
			back: []string{"MAX_CONTAINS_DECREASED /maxContains"}},
		{name: "maxContains added", old: `{` + d2019 + `"contains":{"type":"string"}}`, new: `{` + d2019 + `"contains":{"type":"string"},"maxContains":2}`,
			back: []string{"MAX_CONTAINS_ADDED /maxContains"}},
		{name: "minContains increased", old: `{` + d2019 + `"contains":{"type":"string"},"minContains":2}`, new: `{` + d2019 + `"contains":{"type":"string"},"minContains":3}`,
			back: []string{"MIN_CONTAINS_INCREASED /minContains"}},
		{name: "minContains added", old: `{` + d2019 + `"contains":{"type":"string"}}`, new: `{` + d2019 + `"contains":{"type":"string"},"minContains":2}`,
			back: []string{"MIN_CONTAINS_ADDED /minContains"}},
		{name: "tuple item changed", old: `{"items":[{"type":"string"},{"type":"number"}]}`, new: `{"items":[{"type":"string"},{"type":"string"}]}`,
			back: []string{"TYPE_CHANGED /items/1"}, fwd: []string{"TYPE_CHANGED /items/1"}},
		{name: "tuple item added to open model", old: `{"items":[{"type":"string"}]}`, new: `{"items":[{"type":"string"},{"type":"number"}]}`,
			back: []string{"ITEM_ADDED_TO_OPEN_CONTENT_MODEL /items/1"}},
		{name: "tuple item added to closed model", old: `{"items":[{"type":"string"}],"additionalItems":false}`, new: `{"items":[{"type":"string"},{"type":"number"}],"additionalItems":false}`,
			fwd: []string{"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL /items/1"}},
		{name: "tuple item added to partially open model", old: `{"items":[{"type":"string"}],"additionalItems":{"type":"string"}}`, new: `{"items":[{"type":"string"},{"type":"number"}],"additionalItems":{"type":"string"}}`,
			back: []string{"ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /items/1"}, fwd: []string{"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /items/1"}},
		{name: "additionalItems removed", old: `{"items":[{"type":"string"}]}`, new: `{"items":[{"type":"string"}],"additionalItems":false}`,
			back: []string{"ADDITIONAL_ITEMS_REMOVED /additionalItems"}},
		{name: "additionalItems narrowed", old: `{"items":[{"type":"string"}]}`, new: `{"items":[{"type":"string"}],"additionalItems":{"type":"string"}}`,
			back: []string{"ADDITIONAL_ITEMS_NARROWED /additionalItems"}},
		{name: "prefixItems and items in 2020-12", old: `{` + d2020 + `"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}`, new: `{` + d2020 + `"prefixItems":[{"type":"string"},{"type":"number"}],"items":false}`,
			back: []string{"ADDITIONAL_ITEMS_REMOVED /items"}, fwd: []string{"ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL /prefixItems/1"}},
		{name: "items array to prefixItems across drafts", old: `{"items":[{"type":"string"}],"additionalItems":false}`, new: `{` + d2020 + `"prefixItems":[{"type":"string"}],"items":false}`},
		{name: "unevaluatedItems removed", old: `{` + d2020 + `"prefixItems":[{"type":"string"}]}`, new: `{` + d2020 + `"prefixItems":[{"type":"string"}],"unevaluatedItems":false}`,
			back: []string{"UNEVALUATED_ITEMS_REMOVED /unevaluatedItems"}},
		{name: "unevaluatedItems narrowed", old: `{` + d2020 + `"prefixItems":[{"type":"string"}]}`, new: `{` + d2020 + `"prefixItems":[{"type":"string"}],"unevaluatedItems":{"type":"string"}}`,
			back: []string{"UNEVALUATED_ITEMS_NARROWED /unevaluatedItems"}},

		// Combined schemas.
		{name: "anyOf extended", old: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, new: `{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}`,
			fwd: []string{"SUM_TYPE_NARROWED /"}},
		{name: "allOf extended", old: `{"allOf":[{"type":"string"},{"maxLength":5}]}`, new: `{"allOf":[{"type":"string"},{"maxLength":5},{"minLength":1}]}`,
			back: []string{"PRODUCT_TYPE_EXTENDED /"}},
		{name: "allOf to anyOf", old: `{"allOf":[{"type":"number"},{"maximum":100}]}`, new: `{"anyOf":[{"type":"number"},{"maximum":100}]}`,
			fwd: []string{"COMBINED_TYPE_CHANGED /"}},
		{name: "anyOf to oneOf", old: `{"anyOf":[{"type":"string"},{"type":"integer"}]}`, new: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`,
			back: []string{"COMBINED_TYPE_CHANGED /"}},
		{name: "singleton oneOf to allOf", old: `{"oneOf":[{"type":"string"}]}`, new: `{"allOf":[{"type":"string"}]}`},
		{name: "oneOf branch changed", old: `{"oneOf":[{"type":"string"},{"type":"integer"}]}`, new: `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`,
			back: []string{"COMBINED_TYPE_SUBSCHEMAS_CHANGED /"}, fwd: []string{"COMBINED_TYPE_SUBSCHEMAS_CHANGED /"}},
		{name: "oneOf branches reordered and relaxed", old: `{"oneOf":[{"type":"string","maxLength":5},{"type":"integer"}]}`, new: `{"oneOf":[{"type":"integer"},{"type":"string","maxLength":8}]}`,
			fwd: []string{"COMBINED_TYPE_SUBSCHEMAS_CHANGED /"}},
		{name: "plain to anyOf", old: `{"type":"string","maxLength":3}`, new: `{"anyOf":[{"type":"number"},{"type":"string"}]}`,
			fwd: []string{"TYPE_CHANGED /anyOf/0", "MAX_LENGTH_ADDED /anyOf/1/maxLength"}},
		{name: "plain to anyOf without a fitting branch", old: `{"type":"string","maxLength":8}`, new: `{"anyOf":[{"type":"number"},{"type":"string","maxLength":5}]}`,
			back: []string{"TYPE_CHANGED /"}, fwd: []string{"TYPE_CHANGED /anyOf/0"}},
		{name: "allOf to plain", old: `{"allOf":[{"type":"string"},{"maxLength":5}]}`, new: `{"type":"string"}`,
			fwd: []string{"MAX_LENGTH_ADDED /allOf/1/maxLength"}},
		{name: "allOf composition spelled out", old: `{"allOf":[{"$ref":"#/definitions/base"},{"properties":{"b":{"type":"integer"}}}],"definitions":{"base":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}`,
			new: `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["a"]}`},
		{name: "allOf composition spelled out wrongly", old: `{"allOf":[{"$ref":"#/definitions/base"},{"properties":{"b":{"type":"integer"}}}],"definitions":{"base":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}`,
			new:  `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"]}`,
			back: []string{"TYPE_CHANGED /properties/b"}, fwd: []string{"TYPE_CHANGED /allOf/1/properties/b"}},
		{name: "allOf added beside keywords", old: `{"type":"string"}`, new: `{"type":"string","allOf":[{"maxLength":5}]}`,
			back: []string{"MAX_LENGTH_ADDED /allOf/0/maxLength"}},
		{name: "not narrowed", old: `{"not":{"type":"number"}}`, new: `{"not":{"type":"integer"}}`,
			fwd: []string{"NOT_TYPE_EXTENDED /not"}},
		{name: "not added", old: `{"type":"string"}`, new: `{"type":"string","not":{"const":""}}`,
			back: []string{"NOT_TYPE_EXTENDED /not"}},
		{name: "not added excluding nothing written", old: `{"type":"string"}`, new: `{"type":"string","not":{"type":"null"}}`},

		// Conditionals.
		{name: "condition changed", old: `{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]}}`, new: `{"if":{"properties":{"k":{"const":"b"}}},"then":{"required":["x"]}}`,
			back: []string{"CONDITION_CHANGED /if"}, fwd: []string{"CONDITION_CHANGED /if"}},
		{name: "then relaxed", old: `{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x","y"]}}`, new: `{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]}}`,
			fwd: []string{"REQUIRED_ATTRIBUTE_ADDED /then/required/1"}},

		// References.
		{name: "to and from a reference", old: `{"type":"string"}`, new: `{"$ref":"#/definitions/s","definitions":{"s":{"type":"string"}}}`},
		{name: "referenced definition changed", old: `{"properties":{"home":{"$ref":"#/definitions/a"},"work":{"$ref":"#/definitions/a"}},"definitions":{"a":{"type":"object","properties":{"zip":{"type":"string"}}}}}`,
			new:  `{"properties":{"home":{"$ref":"#/definitions/a"},"work":{"$ref":"#/definitions/a"}},"definitions":{"a":{"type":"object","properties":{"zip":{"type":"integer"}}}}}`,
			back: []string{"TYPE_CHANGED /properties/home/properties/zip"}, fwd: []string{"TYPE_CHANGED /properties/home/properties/zip"}},
		{name: "recursive definition changed deep down", old: `{"$ref":"#/definitions/p","definitions":{"p":{"type":"object","properties":{"name":{"type":"string"},"kids":{"type":"array","items":{"$ref":"#/definitions/p"}}}}}}`,
			new:  `{"$ref":"#/definitions/p","definitions":{"p":{"type":"object","properties":{"name":{"type":"string","maxLength":20},"kids":{"type":"array","items":{"$ref":"#/definitions/p"}}}}}}`,
			back: []string{"MAX_LENGTH_ADDED /properties/name/maxLength"}},
		{name: "2020-12 anchor and $defs", old: `{` + d2020 + `"$defs":{"n":{"$anchor":"name","type":"string"}},"properties":{"a":{"$ref":"#name"}}}`,
			new:  `{` + d2020 + `"$defs":{"n":{"$anchor":"name","type":"string","minLength":2}},"properties":{"a":{"$ref":"#name"}}}`,
			back: []string{"MIN_LENGTH_ADDED /properties/a/minLength"}},
		{name: "2019-09 reference beside keywords", old: `{` + d2019 + `"$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s"}`,
			new:  `{` + d2019 + `"$defs":{"s":{"type":"string"},"t":{"maxLength":4}},"$ref":"#/$defs/s","allOf":[{"$ref":"#/$defs/t"}]}`,
			back: []string{"MAX_LENGTH_ADDED /allOf/0/maxLength"}},

		// The work limit.
		{name: "too many alternatives", old: wideAnyOf(16, 48, 0), new: wideAnyOf(16, 48, 1),
			back: []string{"CHECK_LIMIT_EXCEEDED /"}, fwd: []string{"CHECK_LIMIT_EXCEEDED /"}},
	}
}

// wideAnyOf returns an anyOf of n anyOfs of m distinct strings each; shift changes every
// branch, so that no two branches of the two schemas are identical.
func wideAnyOf(n, m, shift int) string {
	var b strings.Builder
	b.WriteString(`{"anyOf":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"anyOf":[`)
		for j := range m {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"type":"string","maxLength":%d}`, i*m+j+shift)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return b.String()
}

// rendered renders findings as "RULE /path".
func rendered(found []schema.Incompatibility) []string {
	var out []string
	for _, f := range found {
		p := f.Path
		if p == "" {
			p = "/"
		}
		out = append(out, f.Rule+" "+p)
	}
	return out
}

func policyName(p schema.Policy) string {
	if p == "" {
		return string(schema.Strict)
	}
	return string(p)
}

// TestRules checks every case in both directions under both policies, through schema.Check in
// every mode, against the expected rules and paths, and the messages against a golden file.
func TestRules(t *testing.T) {
	h := jsonschema.Handler{}
	var golden strings.Builder
	exercised := map[string]bool{}
	lenientAccepted := map[string]bool{}
	for _, tc := range ruleCases() {
		old := mustParse(t, tc.old)
		nw := mustParse(t, tc.new)
		for _, policy := range []schema.Policy{schema.Strict, schema.Lenient} {
			wantBack, wantFwd := tc.back, tc.fwd
			if policy == schema.Lenient && tc.lenient {
				wantBack, wantFwd = tc.lback, tc.lfw
			}
			opts := schema.CheckOptions{Policy: policy}
			back, err := h.CanReadWith(nw, old, opts)
			if err != nil {
				t.Fatal(err)
			}
			fwd, err := h.CanReadWith(old, nw, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := rendered(back); !slices.Equal(got, wantBack) {
				t.Errorf("%s (%s) BACKWARD = %q, want %q", tc.name, policyName(policy), got, wantBack)
			}
			if got := rendered(fwd); !slices.Equal(got, wantFwd) {
				t.Errorf("%s (%s) FORWARD = %q, want %q", tc.name, policyName(policy), got, wantFwd)
			}
			for _, f := range append(slices.Clone(back), fwd...) {
				exercised[f.Rule] = true
				if strings.Count(f.Message, ";") < 1 || strings.Contains(f.Message, "\n") {
					t.Errorf("%s: message is not one sentence naming the fix: %q", tc.name, f.Message)
				}
			}
			if policy == schema.Lenient && tc.lenient {
				for _, want := range append(slices.Clone(tc.back), tc.fwd...) {
					rule, _, _ := strings.Cut(want, " ")
					if !slices.Contains(append(slices.Clone(tc.lback), tc.lfw...), want) {
						lenientAccepted[rule] = true
					}
				}
			}
			checkModes(t, h, tc.name, old, nw, opts, back, fwd)
			fmt.Fprintf(&golden, "== %s [%s]\nold: %s\nnew: %s\n", tc.name, policyName(policy), abbreviate(tc.old), abbreviate(tc.new))
			for _, f := range back {
				fmt.Fprintf(&golden, "BACKWARD %s\n", f)
			}
			for _, f := range fwd {
				fmt.Fprintf(&golden, "FORWARD %s\n", f)
			}
		}
	}
	for _, rule := range jsonschema.Rules() {
		if !exercised[rule] {
			t.Errorf("no case reports rule %s", rule)
		}
	}
	for _, rule := range jsonschema.LenientRules() {
		if !lenientAccepted[rule] {
			t.Errorf("no case shows LENIENT accepting %s", rule)
		}
	}
	compareGolden(t, filepath.Join("testdata", "compat", "rules.golden"), golden.String())
}

func abbreviate(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// checkModes runs schema.Check in every mode with the history [old, new, old] (versions 1 to
// 3) and the candidate new: non-transitive modes see version 3 only, transitive ones versions
// 3, 2 (identical, so silent) and 1, newest first.
func checkModes(t *testing.T, h schema.Handler, name string, old, nw schema.Schema, opts schema.CheckOptions, back, fwd []schema.Incompatibility) {
	t.Helper()
	history := []schema.Versioned{{Version: 1, Schema: old}, {Version: 2, Schema: nw}, {Version: 3, Schema: old}}
	for _, mode := range schema.Modes {
		var want []string
		if mode.NeedsCheck() {
			versions := []int64{3}
			if mode.Transitive() {
				versions = []int64{3, 1}
			}
			for _, v := range versions {
				for _, dir := range mode.Directions() {
					found := back
					if dir == schema.DirForward {
						found = fwd
					}
					for _, f := range found {
						want = append(want, fmt.Sprintf("%s %s %s v%d", f.Rule, f.Path, dir, v))
					}
				}
			}
		}
		got, err := schema.Check(h, mode, nw, history, opts)
		if err != nil {
			t.Fatalf("%s: Check(%s): %v", name, mode, err)
		}
		var gotS []string
		for _, f := range got {
			gotS = append(gotS, fmt.Sprintf("%s %s %s v%d", f.Rule, f.Path, f.Direction, f.Version))
			reader, writer := "the new schema (the reader)", fmt.Sprintf("version %d (the writer)", f.Version)
			if f.Direction == schema.DirForward {
				reader, writer = fmt.Sprintf("version %d (the reader)", f.Version), "the new schema (the writer)"
			}
			if strings.Contains(f.Message, "the reader schema") || strings.Contains(f.Message, "the writer schema") ||
				!strings.Contains(f.Message, reader) && !strings.Contains(f.Message, writer) {
				t.Errorf("%s: %s message does not name the sides as %q and %q: %s", name, mode, reader, writer, f.Message)
			}
		}
		if !slices.Equal(gotS, want) {
			t.Errorf("%s (%s) Check(%s) = %q, want %q", name, policyName(opts.Policy), mode, gotS, want)
		}
	}
}

// compareGolden compares got with a golden file, or rewrites it under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read the golden file %s (run go test -run %s -update to create it): %v", path, t.Name(), err)
	}
	if string(want) != got {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the output at line %d (run with -update to accept):\n got: %s\nwant: %s", path, i+1, g, w)
			}
		}
	}
}

// otherSchema is a schema of another format.
type otherSchema struct{}

func (otherSchema) Format() schema.Format { return schema.Avro }
func (otherSchema) Canonical() string     { return `"string"` }

// TestCanReadArguments checks the errors: only arguments that are not JSON schemas fail.
func TestCanReadArguments(t *testing.T) {
	h := jsonschema.Handler{}
	var _ schema.OptionsChecker = h
	s := mustParse(t, `{"type":"string"}`)
	for _, tc := range []struct {
		name           string
		reader, writer schema.Schema
	}{
		{"reader of another format", otherSchema{}, s},
		{"writer of another format", s, otherSchema{}},
		{"nil reader", nil, s},
		{"nil *Schema writer", s, (*jsonschema.Schema)(nil)},
	} {
		if _, err := h.CanRead(tc.reader, tc.writer); err == nil {
			t.Errorf("%s: CanRead succeeded, want an error", tc.name)
		}
	}
	for _, p := range []schema.Policy{"", schema.Strict, schema.Lenient, "SOMETHING"} {
		found, err := h.CanReadWith(s, s, schema.CheckOptions{Policy: p})
		if err != nil || found != nil {
			t.Errorf("CanReadWith(s, s, %q) = %v, %v; want nil, nil", p, found, err)
		}
	}
}
