package jsonschema

import "slices"

// Rule identifiers reported in schema.Incompatibility.Rule. They are Confluent Schema
// Registry's JSON Schema Difference types (io.confluent.kafka.schemaregistry.json.diff), so
// results can be matched against Confluent's, except the few marked as Carta's own where
// Confluent has no such check. Only incompatible differences are ever reported; Confluent's
// compatible types (TYPE_EXTENDED, MAX_LENGTH_INCREASED, ...) never appear.
const (
	// RuleTypeChanged: the reader does not accept a JSON type the writer allows (other than
	// the number-to-integer case), or the reader is false.
	RuleTypeChanged = "TYPE_CHANGED"
	// RuleTypeNarrowed: the writer allows non-integer numbers and the reader only integers.
	RuleTypeNarrowed = "TYPE_NARROWED"
	// RuleSchemaAdded: the reader has a subschema ("items", "contains", "propertyNames") where
	// the writer had none, so it constrains values the writer left free.
	RuleSchemaAdded = "SCHEMA_ADDED"

	// RuleMaxLengthAdded: the reader limits string length with "maxLength" and the writer does not.
	RuleMaxLengthAdded = "MAX_LENGTH_ADDED"
	// RuleMaxLengthDecreased: the reader's "maxLength" is below the writer's.
	RuleMaxLengthDecreased = "MAX_LENGTH_DECREASED"
	// RuleMinLengthAdded: the reader has a positive "minLength" and the writer none.
	RuleMinLengthAdded = "MIN_LENGTH_ADDED"
	// RuleMinLengthIncreased: the reader's "minLength" is above the writer's.
	RuleMinLengthIncreased = "MIN_LENGTH_INCREASED"
	// RulePatternAdded: the reader has a "pattern" and the writer none.
	RulePatternAdded = "PATTERN_ADDED"
	// RulePatternChanged: the reader's "pattern" is not the writer's (compared as written).
	RulePatternChanged = "PATTERN_CHANGED"

	// RuleMaximumAdded: the reader has an inclusive upper bound ("maximum") and the writer none.
	RuleMaximumAdded = "MAXIMUM_ADDED"
	// RuleMaximumDecreased: the reader's inclusive upper bound excludes numbers the writer's
	// upper bound allows.
	RuleMaximumDecreased = "MAXIMUM_DECREASED"
	// RuleMinimumAdded: the reader has an inclusive lower bound ("minimum") and the writer none.
	RuleMinimumAdded = "MINIMUM_ADDED"
	// RuleMinimumIncreased: the reader's inclusive lower bound excludes numbers the writer's
	// lower bound allows.
	RuleMinimumIncreased = "MINIMUM_INCREASED"
	// RuleExclusiveMaximumAdded: the reader has an exclusive upper bound and the writer none
	// (draft-04's boolean "exclusiveMaximum" counts as the exclusive form of "maximum").
	RuleExclusiveMaximumAdded = "EXCLUSIVE_MAXIMUM_ADDED"
	// RuleExclusiveMaximumDecreased: the reader's exclusive upper bound excludes numbers the
	// writer's upper bound allows.
	RuleExclusiveMaximumDecreased = "EXCLUSIVE_MAXIMUM_DECREASED"
	// RuleExclusiveMinimumAdded: the reader has an exclusive lower bound and the writer none.
	RuleExclusiveMinimumAdded = "EXCLUSIVE_MINIMUM_ADDED"
	// RuleExclusiveMinimumIncreased: the reader's exclusive lower bound excludes numbers the
	// writer's lower bound allows.
	RuleExclusiveMinimumIncreased = "EXCLUSIVE_MINIMUM_INCREASED"
	// RuleMultipleOfAdded: the reader has "multipleOf" and the writer none.
	RuleMultipleOfAdded = "MULTIPLE_OF_ADDED"
	// RuleMultipleOfExpanded: the reader's "multipleOf" is a multiple of the writer's (e.g. 5 to 10).
	RuleMultipleOfExpanded = "MULTIPLE_OF_EXPANDED"
	// RuleMultipleOfChanged: neither "multipleOf" divides the other (e.g. 7 to 13).
	RuleMultipleOfChanged = "MULTIPLE_OF_CHANGED"

	// RuleEnumArrayNarrowed: the reader's "enum"/"const" allows a subset of the writer's values.
	RuleEnumArrayNarrowed = "ENUM_ARRAY_NARROWED"
	// RuleEnumArrayChanged: the reader's "enum"/"const" lacks some of the writer's values and
	// has others (a changed "const" is reported so, as Confluent does).
	RuleEnumArrayChanged = "ENUM_ARRAY_CHANGED"
	// RuleEnumAdded (Carta's own; Confluent reports a type or product-type change): the reader
	// restricts values with "enum" where the writer had no list of values.
	RuleEnumAdded = "ENUM_ADDED"
	// RuleConstAdded (Carta's own, like RuleEnumAdded): the reader has "const" where the writer
	// had no list of values.
	RuleConstAdded = "CONST_ADDED"

	// RuleRequiredAttributeAdded: the reader requires a property the writer does not require,
	// and the reader's schema for it has no "default".
	RuleRequiredAttributeAdded = "REQUIRED_ATTRIBUTE_ADDED"
	// RuleMaxPropertiesAdded: the reader has "maxProperties" and the writer none.
	RuleMaxPropertiesAdded = "MAX_PROPERTIES_ADDED"
	// RuleMaxPropertiesDecreased: the reader's "maxProperties" is below the writer's.
	RuleMaxPropertiesDecreased = "MAX_PROPERTIES_DECREASED"
	// RuleMinPropertiesAdded: the reader has a positive "minProperties" and the writer none.
	RuleMinPropertiesAdded = "MIN_PROPERTIES_ADDED"
	// RuleMinPropertiesIncreased: the reader's "minProperties" is above the writer's.
	RuleMinPropertiesIncreased = "MIN_PROPERTIES_INCREASED"
	// RuleAdditionalPropertiesRemoved: the reader forbids additional properties the writer
	// allows ("additionalProperties": false). LENIENT accepts it.
	RuleAdditionalPropertiesRemoved = "ADDITIONAL_PROPERTIES_REMOVED"
	// RuleAdditionalPropertiesNarrowed: the reader gives additional properties a schema where
	// the writer allowed any value. LENIENT accepts it.
	RuleAdditionalPropertiesNarrowed = "ADDITIONAL_PROPERTIES_NARROWED"
	// RuleUnevaluatedPropertiesRemoved: the reader's "unevaluatedProperties" is false and the
	// writer's is not. LENIENT accepts it.
	RuleUnevaluatedPropertiesRemoved = "UNEVALUATED_PROPERTIES_REMOVED"
	// RuleUnevaluatedPropertiesNarrowed: the reader gives unevaluated properties a schema
	// where the writer allowed any value. LENIENT accepts it.
	RuleUnevaluatedPropertiesNarrowed = "UNEVALUATED_PROPERTIES_NARROWED"
	// RuleDependencyArrayAdded: the reader makes a property depend on others where the writer
	// had no such dependency ("dependencies" array form, or "dependentRequired").
	RuleDependencyArrayAdded = "DEPENDENCY_ARRAY_ADDED"
	// RuleDependencyArrayExtended: the reader's dependency list is a superset of the writer's.
	RuleDependencyArrayExtended = "DEPENDENCY_ARRAY_EXTENDED"
	// RuleDependencyArrayChanged: the reader's dependency list lacks some of the writer's names
	// and has others.
	RuleDependencyArrayChanged = "DEPENDENCY_ARRAY_CHANGED"
	// RuleDependencySchemaAdded: the reader has a schema dependency the writer did not have
	// ("dependencies" schema form, or "dependentSchemas").
	RuleDependencySchemaAdded = "DEPENDENCY_SCHEMA_ADDED"
	// RuleRequiredPropertyAddedToOpenContentModel: the reader declares and requires a property
	// the writer's open content model does not declare, without a default.
	RuleRequiredPropertyAddedToOpenContentModel = "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	// RuleRequiredPropertyWithDefaultAddedToOpenContentModel: as above, with a "default".
	// LENIENT accepts it.
	RuleRequiredPropertyWithDefaultAddedToOpenContentModel = "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
	// RuleOptionalPropertyAddedToOpenContentModel: the reader declares an optional property
	// the writer's open content model does not declare, with a schema other than {} or true:
	// data written with the writer may already carry that name with any value. LENIENT
	// accepts it. (Confluent's deprecated PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL is one of these
	// three.)
	RuleOptionalPropertyAddedToOpenContentModel = "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	// RuleRequiredPropertyAddedToUnopenContentModel: the reader declares and requires a
	// property the writer's closed or partially open content model does not declare, without
	// a default.
	RuleRequiredPropertyAddedToUnopenContentModel = "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
	// RulePropertyRemovedFromClosedContentModel: the reader's closed content model lacks a
	// property the writer declares (with a schema other than false). LENIENT accepts it.
	RulePropertyRemovedFromClosedContentModel = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	// RulePropertyRemovedNotCoveredByPartiallyOpenContentModel: the reader lacks a property
	// the writer declares, and the reader's patternProperties/additionalProperties schema that
	// now governs it does not accept the writer's schema for it. LENIENT accepts it.
	RulePropertyRemovedNotCoveredByPartiallyOpenContentModel = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// RulePropertyAddedNotCoveredByPartiallyOpenContentModel: the reader declares a property
	// the writer does not, and the reader's schema for it does not accept what the writer's
	// patternProperties/additionalProperties allowed for that name. LENIENT accepts it.
	RulePropertyAddedNotCoveredByPartiallyOpenContentModel = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// RulePatternPropertyAdded (Carta's own; Confluent does not compare patternProperties): the
	// reader has a patternProperties entry the writer lacks, and its schema does not accept
	// what the writer allowed for the names it matches.
	RulePatternPropertyAdded = "PATTERN_PROPERTY_ADDED"
	// RulePatternPropertyRemoved (Carta's own): the reader lacks a patternProperties entry of
	// the writer, and the reader's additionalProperties does not accept the writer's schema
	// for the names it matched.
	RulePatternPropertyRemoved = "PATTERN_PROPERTY_REMOVED"

	// RuleMaxItemsAdded: the reader has "maxItems" and the writer none.
	RuleMaxItemsAdded = "MAX_ITEMS_ADDED"
	// RuleMaxItemsDecreased: the reader's "maxItems" is below the writer's.
	RuleMaxItemsDecreased = "MAX_ITEMS_DECREASED"
	// RuleMinItemsAdded: the reader has a positive "minItems" and the writer none.
	RuleMinItemsAdded = "MIN_ITEMS_ADDED"
	// RuleMinItemsIncreased: the reader's "minItems" is above the writer's.
	RuleMinItemsIncreased = "MIN_ITEMS_INCREASED"
	// RuleMaxContainsAdded: the reader has "maxContains" and the writer none.
	RuleMaxContainsAdded = "MAX_CONTAINS_ADDED"
	// RuleMaxContainsDecreased: the reader's "maxContains" is below the writer's.
	RuleMaxContainsDecreased = "MAX_CONTAINS_DECREASED"
	// RuleMinContainsAdded: the reader has a "minContains" above 1 and the writer none.
	RuleMinContainsAdded = "MIN_CONTAINS_ADDED"
	// RuleMinContainsIncreased: the reader's "minContains" is above the writer's.
	RuleMinContainsIncreased = "MIN_CONTAINS_INCREASED"
	// RuleUniqueItemsAdded: the reader requires unique items and the writer does not.
	RuleUniqueItemsAdded = "UNIQUE_ITEMS_ADDED"
	// RuleAdditionalItemsRemoved: the reader forbids items beyond its tuple that the writer
	// allows.
	RuleAdditionalItemsRemoved = "ADDITIONAL_ITEMS_REMOVED"
	// RuleAdditionalItemsNarrowed: the reader gives items beyond its tuple a schema where the
	// writer allowed any value.
	RuleAdditionalItemsNarrowed = "ADDITIONAL_ITEMS_NARROWED"
	// RuleUnevaluatedItemsRemoved: the reader's "unevaluatedItems" is false and the writer's
	// is not.
	RuleUnevaluatedItemsRemoved = "UNEVALUATED_ITEMS_REMOVED"
	// RuleUnevaluatedItemsNarrowed: the reader gives unevaluated items a schema where the
	// writer allowed any value.
	RuleUnevaluatedItemsNarrowed = "UNEVALUATED_ITEMS_NARROWED"
	// RuleItemAddedToOpenContentModel: the reader's tuple has a position the writer's open
	// tuple does not declare, with a schema other than {} or true.
	RuleItemAddedToOpenContentModel = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	// RuleItemRemovedFromClosedContentModel: the reader's closed tuple lacks a position the
	// writer declares (with a schema other than false).
	RuleItemRemovedFromClosedContentModel = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	// RuleItemAddedNotCoveredByPartiallyOpenContentModel: the reader's tuple has a position
	// the writer's does not, and its schema does not accept the writer's schema for
	// additional items.
	RuleItemAddedNotCoveredByPartiallyOpenContentModel = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// RuleItemRemovedNotCoveredByPartiallyOpenContentModel: the reader's tuple lacks a position
	// the writer declares, and the reader's schema for additional items does not accept it.
	RuleItemRemovedNotCoveredByPartiallyOpenContentModel = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"

	// RuleCombinedTypeChanged: the criterion changed in a way that can refuse writer data
	// (anything to allOf, or to oneOf from a list of more than one branch).
	RuleCombinedTypeChanged = "COMBINED_TYPE_CHANGED"
	// RuleProductTypeExtended: the reader's allOf has more (distinct) branches than the writer's.
	RuleProductTypeExtended = "PRODUCT_TYPE_EXTENDED"
	// RuleSumTypeNarrowed: the reader's anyOf/oneOf has fewer (distinct) branches than the
	// writer's.
	RuleSumTypeNarrowed = "SUM_TYPE_NARROWED"
	// RuleCombinedTypeSubschemasChanged: no one-to-one pairing of compatible branches covers
	// the shorter of the two lists.
	RuleCombinedTypeSubschemasChanged = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	// RuleNotTypeExtended: the reader's "not" excludes values the writer's "not" allows (or
	// the reader adds a "not" that excludes values the writer allows).
	RuleNotTypeExtended = "NOT_TYPE_EXTENDED"

	// RuleConditionChanged (Carta's own; Confluent ignores if/then/else): the reader's "if"
	// differs from the writer's, so values may take the other branch.
	RuleConditionChanged = "CONDITION_CHANGED"
	// RuleCheckLimitExceeded (Carta's own): the two schemas are too large or combine too many
	// alternatives to be compared within the checker's work limit; the change is refused.
	RuleCheckLimitExceeded = "CHECK_LIMIT_EXCEEDED"
)

// Rules returns every rule identifier CanRead may report, in a stable order.
func Rules() []string { return slices.Clone(allRules) }

// LenientRules returns the rules the LENIENT policy accepts, in a stable order.
func LenientRules() []string { return slices.Clone(lenientRules) }

var allRules = []string{
	RuleTypeChanged, RuleTypeNarrowed, RuleSchemaAdded,
	RuleMaxLengthAdded, RuleMaxLengthDecreased, RuleMinLengthAdded, RuleMinLengthIncreased,
	RulePatternAdded, RulePatternChanged,
	RuleMaximumAdded, RuleMaximumDecreased, RuleMinimumAdded, RuleMinimumIncreased,
	RuleExclusiveMaximumAdded, RuleExclusiveMaximumDecreased, RuleExclusiveMinimumAdded,
	RuleExclusiveMinimumIncreased, RuleMultipleOfAdded, RuleMultipleOfExpanded, RuleMultipleOfChanged,
	RuleEnumArrayNarrowed, RuleEnumArrayChanged, RuleEnumAdded, RuleConstAdded,
	RuleRequiredAttributeAdded, RuleMaxPropertiesAdded, RuleMaxPropertiesDecreased,
	RuleMinPropertiesAdded, RuleMinPropertiesIncreased,
	RuleAdditionalPropertiesRemoved, RuleAdditionalPropertiesNarrowed,
	RuleUnevaluatedPropertiesRemoved, RuleUnevaluatedPropertiesNarrowed,
	RuleDependencyArrayAdded, RuleDependencyArrayExtended, RuleDependencyArrayChanged, RuleDependencySchemaAdded,
	RuleRequiredPropertyAddedToOpenContentModel, RuleRequiredPropertyWithDefaultAddedToOpenContentModel,
	RuleOptionalPropertyAddedToOpenContentModel, RuleRequiredPropertyAddedToUnopenContentModel,
	RulePropertyRemovedFromClosedContentModel, RulePropertyRemovedNotCoveredByPartiallyOpenContentModel,
	RulePropertyAddedNotCoveredByPartiallyOpenContentModel, RulePatternPropertyAdded, RulePatternPropertyRemoved,
	RuleMaxItemsAdded, RuleMaxItemsDecreased, RuleMinItemsAdded, RuleMinItemsIncreased,
	RuleMaxContainsAdded, RuleMaxContainsDecreased, RuleMinContainsAdded, RuleMinContainsIncreased,
	RuleUniqueItemsAdded, RuleAdditionalItemsRemoved, RuleAdditionalItemsNarrowed,
	RuleUnevaluatedItemsRemoved, RuleUnevaluatedItemsNarrowed,
	RuleItemAddedToOpenContentModel, RuleItemRemovedFromClosedContentModel,
	RuleItemAddedNotCoveredByPartiallyOpenContentModel, RuleItemRemovedNotCoveredByPartiallyOpenContentModel,
	RuleCombinedTypeChanged, RuleProductTypeExtended, RuleSumTypeNarrowed, RuleCombinedTypeSubschemasChanged,
	RuleNotTypeExtended, RuleConditionChanged, RuleCheckLimitExceeded,
}

// lenientAccepts holds the rules the LENIENT policy accepts (Confluent's compatibilityPolicy
// LENIENT for JSON Schema): a consumer that ignores unknown properties is not broken by
// properties appearing in or vanishing from an object, nor by a model being closed.
var lenientAccepts = map[string]bool{
	RuleOptionalPropertyAddedToOpenContentModel:              true,
	RuleRequiredPropertyWithDefaultAddedToOpenContentModel:   true,
	RulePropertyRemovedFromClosedContentModel:                true,
	RuleAdditionalPropertiesRemoved:                          true,
	RuleAdditionalPropertiesNarrowed:                         true,
	RuleUnevaluatedPropertiesRemoved:                         true,
	RuleUnevaluatedPropertiesNarrowed:                        true,
	RulePropertyAddedNotCoveredByPartiallyOpenContentModel:   true,
	RulePropertyRemovedNotCoveredByPartiallyOpenContentModel: true,
}

var lenientRules = []string{
	RuleOptionalPropertyAddedToOpenContentModel, RuleRequiredPropertyWithDefaultAddedToOpenContentModel,
	RulePropertyRemovedFromClosedContentModel, RuleAdditionalPropertiesRemoved, RuleAdditionalPropertiesNarrowed,
	RuleUnevaluatedPropertiesRemoved, RuleUnevaluatedPropertiesNarrowed,
	RulePropertyAddedNotCoveredByPartiallyOpenContentModel, RulePropertyRemovedNotCoveredByPartiallyOpenContentModel,
}
