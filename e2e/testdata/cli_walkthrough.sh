#!/usr/bin/env bash
# cli_walkthrough.sh AWS_BINARY ENDPOINT_URL [REGISTRY_NAME]
#
# The PaymentCaptured story, told with the plain AWS CLI exactly as the README
# shows it: a billing team adds a required field `settlement_currency` to
# PaymentCaptured; the BACKWARD rule refuses it (Status FAILURE, the version
# number is consumed); the optional form (["null","string"] with
# "default": null) is accepted. Then it exercises the rest of the schema
# registry commands a user meets on the way.
#
# AWS_BINARY is `aws` (CLI v1) or `/usr/bin/aws` (CLI v2); the e2e Go test
# runs this script once with each against a fresh `carta serve`. Credentials
# and region come from the environment (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_PAGER="").
set -euo pipefail

if [ $# -lt 2 ]; then
	echo "usage: $0 AWS_BINARY ENDPOINT_URL [REGISTRY_NAME]" >&2
	exit 2
fi
AWS_BIN=$1
ENDPOINT=$2
REG=${3:-payments}
SCHEMA=PaymentCaptured
SCHEMA_ID="RegistryName=$REG,SchemaName=$SCHEMA"

# The schema files sit next to this script; file:// paths are relative.
cd "$(dirname "${BASH_SOURCE[0]}")"

trap 'echo "FAIL: command at line $LINENO exited with status $?" >&2' ERR

step() { printf -- '--- %s\n' "$*"; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" != "$3" ]; then
		printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
		exit 1
	fi
	printf 'ok: %s = %s\n' "$1" "$3"
}

# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() {
	case "$3" in
	*"$2"*) printf 'ok: %s contains %s\n' "$1" "$2" ;;
	*)
		printf 'FAIL: %s\n  expected to contain: %s\n  actual: %s\n' "$1" "$2" "$3" >&2
		exit 1
		;;
	esac
}

# expect_uuid WHAT VALUE: a SchemaVersionId is a lower-case canonical UUID.
expect_uuid() {
	if ! [[ $2 =~ ^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$ ]]; then
		printf 'FAIL: %s is not a lower-case UUID: %s\n' "$1" "$2" >&2
		exit 1
	fi
	printf 'ok: %s is a UUID (%s)\n' "$1" "$2"
}

# aws_glue runs one `aws glue` command against the endpoint.
aws_glue() {
	"$AWS_BIN" --endpoint-url "$ENDPOINT" glue "$@"
}

# expect_glue_error WHAT ERROR_CODE MESSAGE_PREFIX -- GLUE_ARGS...
# The command must exit non-zero and name the error code and message on stderr.
expect_glue_error() {
	local what=$1 code=$2 msg=$3
	shift 4
	local out rc=0
	out=$(aws_glue "$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" -eq 0 ]; then
		printf 'FAIL: %s: expected %s, but the command exited 0\n' "$what" "$code" >&2
		exit 1
	fi
	printf 'ok: %s exited %d\n' "$what" "$rc"
	expect_contains "$what stderr" "$code" "$out"
	expect_contains "$what stderr" "$msg" "$out"
}

echo "using $("$AWS_BIN" --version 2>&1) against $ENDPOINT, registry $REG"

step "create the registry"
out=$(aws_glue create-registry --registry-name "$REG" --description "Payment events" --query RegistryName --output text)
expect_eq "create-registry RegistryName" "$REG" "$out"
out=$(aws_glue get-registry --registry-id "RegistryName=$REG" --query '[RegistryName, Status]' --output text)
expect_eq "get-registry [RegistryName, Status]" "$REG	AVAILABLE" "$out"
arn=$(aws_glue get-registry --registry-id "RegistryName=$REG" --query RegistryArn --output text)
expect_contains "RegistryArn" ":glue:us-east-1:" "$arn"
expect_contains "RegistryArn" ":registry/$REG" "$arn"
created=$(aws_glue get-registry --registry-id "RegistryName=$REG" --query CreatedTime --output text)
if ! [[ $created =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T ]]; then
	printf 'FAIL: get-registry CreatedTime is not an ISO-8601 timestamp: %s\n' "$created" >&2
	exit 1
fi
echo "ok: CreatedTime $created"
expect_glue_error "create-registry twice" AlreadyExistsException "Registry already exists." -- \
	create-registry --registry-name "$REG"
out=$(aws_glue list-registries --query "Registries[?RegistryName=='$REG'].RegistryName" --output text)
expect_eq "list-registries shows the registry" "$REG" "$out"

step "create the schema with version 1"
out=$(aws_glue create-schema --registry-id "RegistryName=$REG" --schema-name "$SCHEMA" \
	--data-format AVRO --compatibility BACKWARD --schema-definition file://payment_v1.avsc \
	--query '[SchemaName, DataFormat, Compatibility, SchemaVersionStatus]' --output text)
expect_eq "create-schema [SchemaName, DataFormat, Compatibility, SchemaVersionStatus]" \
	"$SCHEMA	AVRO	BACKWARD	AVAILABLE" "$out"
v1_id=$(aws_glue get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=1 \
	--query SchemaVersionId --output text)
expect_uuid "version 1 SchemaVersionId" "$v1_id"
out=$(aws_glue get-schema-version --schema-version-id "$v1_id" --query '[VersionNumber, Status, DataFormat]' --output text)
expect_eq "get-schema-version by id [VersionNumber, Status, DataFormat]" "1	AVAILABLE	AVRO" "$out"
out=$(aws_glue get-schema-version --schema-version-id "$v1_id" --query SchemaArn --output text)
expect_contains "version 1 SchemaArn" ":schema/$REG/$SCHEMA" "$out"
out=$(aws_glue get-schema-version --schema-version-id "$v1_id" --query SchemaDefinition --output text)
expect_contains "version 1 SchemaDefinition" "amount_cents" "$out"
expect_glue_error "create-schema twice" AlreadyExistsException "" -- \
	create-schema --registry-id "RegistryName=$REG" --schema-name "$SCHEMA" \
	--data-format AVRO --schema-definition file://payment_v1.avsc

step "register v2 with a REQUIRED settlement_currency: BACKWARD refuses it"
# Real Glue answers 200 with Status FAILURE; the number is consumed.
# The plain CLI exits 0 here; scripts must look at Status.
v2=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v2_breaking.avsc --query '[Status, VersionNumber, SchemaVersionId]' --output text)
read -r v2_status v2_number v2_id <<<"$v2"
expect_eq "register-schema-version v2 Status" "FAILURE" "$v2_status"
expect_eq "register-schema-version v2 VersionNumber" "2" "$v2_number"
expect_uuid "version 2 SchemaVersionId" "$v2_id"
out=$(aws_glue get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=2 \
	--query '[VersionNumber, Status]' --output text)
expect_eq "get-schema-version 2 [VersionNumber, Status]" "2	FAILURE" "$out"
out=$(aws_glue get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=2 \
	--query SchemaDefinition --output text)
expect_contains "version 2 SchemaDefinition" "settlement_currency" "$out"

step "register v3 with an optional settlement_currency: accepted"
v3=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v3.avsc --query '[Status, VersionNumber, SchemaVersionId]' --output text)
read -r v3_status v3_number v3_id <<<"$v3"
expect_eq "register-schema-version v3 Status" "AVAILABLE" "$v3_status"
expect_eq "register-schema-version v3 VersionNumber" "3" "$v3_number"
expect_uuid "version 3 SchemaVersionId" "$v3_id"

step "re-registering an existing definition returns the existing version"
out=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v1.avsc --query '[VersionNumber, SchemaVersionId, Status]' --output text)
expect_eq "register-schema-version v1 again" "1	$v1_id	AVAILABLE" "$out"

step "list and inspect"
out=$(aws_glue list-schema-versions --schema-id "$SCHEMA_ID" --query 'length(Schemas)' --output text)
expect_eq "list-schema-versions count" "3" "$out"
out=$(aws_glue list-schema-versions --schema-id "$SCHEMA_ID" --query 'sort_by(Schemas, &VersionNumber)[].Status' --output text)
expect_eq "list-schema-versions statuses" "AVAILABLE	FAILURE	AVAILABLE" "$out"
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" --query LatestSchemaVersion --output text)
expect_eq "get-schema LatestSchemaVersion" "3" "$out"
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" --query '[NextSchemaVersion, SchemaCheckpoint, SchemaStatus, Compatibility]' --output text)
expect_eq "get-schema [NextSchemaVersion, SchemaCheckpoint, SchemaStatus, Compatibility]" "4	1	AVAILABLE	BACKWARD" "$out"
out=$(aws_glue list-schemas --registry-id "RegistryName=$REG" --query 'Schemas[].SchemaName' --output text)
expect_eq "list-schemas" "$SCHEMA" "$out"

step "get-schema-by-definition finds version 1"
out=$(aws_glue get-schema-by-definition --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v1.avsc --query SchemaVersionId --output text)
expect_eq "get-schema-by-definition v1 SchemaVersionId" "$v1_id" "$out"
out=$(aws_glue get-schema-by-definition --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v3.avsc --query '[SchemaVersionId, Status, DataFormat]' --output text)
expect_eq "get-schema-by-definition v3" "$v3_id	AVAILABLE	AVRO" "$out"

step "check-schema-version-validity"
out=$(aws_glue check-schema-version-validity --data-format AVRO --schema-definition '{"type":"record"}' \
	--query Valid --output json)
expect_eq "check-schema-version-validity {\"type\":\"record\"} Valid" "false" "$out"
out=$(aws_glue check-schema-version-validity --data-format AVRO --schema-definition '{"type":"record"}' \
	--query Error --output text)
if [ -z "$out" ] || [ "$out" = "None" ]; then
	echo "FAIL: check-schema-version-validity of an invalid schema returned no Error text" >&2
	exit 1
fi
echo "ok: validity error: $out"
out=$(aws_glue check-schema-version-validity --data-format AVRO --schema-definition file://payment_v3.avsc \
	--query Valid --output json)
expect_eq "check-schema-version-validity payment_v3.avsc Valid" "true" "$out"

step "version metadata"
out=$(aws_glue put-schema-version-metadata --schema-version-id "$v1_id" \
	--metadata-key-value MetadataKey=x-amz-meta-transport,MetadataValue=payments-topic \
	--query '[MetadataKey, MetadataValue, VersionNumber]' --output text)
expect_eq "put-schema-version-metadata" "x-amz-meta-transport	payments-topic	1" "$out"
out=$(aws_glue put-schema-version-metadata --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=1 \
	--metadata-key-value MetadataKey=owner,MetadataValue=billing \
	--query SchemaVersionId --output text)
expect_eq "put-schema-version-metadata by number SchemaVersionId" "$v1_id" "$out"
out=$(aws_glue query-schema-version-metadata --schema-version-id "$v1_id" \
	--query 'MetadataInfoMap."x-amz-meta-transport".MetadataValue' --output text)
expect_eq "query-schema-version-metadata x-amz-meta-transport" "payments-topic" "$out"
out=$(aws_glue query-schema-version-metadata --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=1 \
	--metadata-list MetadataKey=owner,MetadataValue=billing \
	--query 'keys(MetadataInfoMap)' --output text)
expect_eq "query-schema-version-metadata filtered keys" "owner" "$out"
expect_glue_error "put-schema-version-metadata duplicate" AlreadyExistsException "" -- \
	put-schema-version-metadata --schema-version-id "$v1_id" \
	--metadata-key-value MetadataKey=owner,MetadataValue=billing
out=$(aws_glue remove-schema-version-metadata --schema-version-id "$v1_id" \
	--metadata-key-value MetadataKey=owner,MetadataValue=billing --query MetadataKey --output text)
expect_eq "remove-schema-version-metadata MetadataKey" "owner" "$out"
out=$(aws_glue query-schema-version-metadata --schema-version-id "$v1_id" \
	--query 'sort(keys(MetadataInfoMap))' --output text)
expect_eq "metadata keys after remove" "x-amz-meta-transport" "$out"

step "diff version 1 against version 3"
out=$(aws_glue get-schema-versions-diff --schema-id "$SCHEMA_ID" \
	--first-schema-version-number VersionNumber=1 --second-schema-version-number VersionNumber=3 \
	--schema-diff-type SYNTAX_DIFF --query Diff --output text)
expect_contains "get-schema-versions-diff 1..3" "settlement_currency" "$out"

step "errors name the AWS exception and message"
expect_glue_error "get-registry nope" EntityNotFoundException "Registry is not found." -- \
	get-registry --registry-id RegistryName=nope
expect_glue_error "get-schema of a missing schema" EntityNotFoundException "Schema is not found." -- \
	get-schema --schema-id "RegistryName=$REG,SchemaName=Nope"
expect_glue_error "get-schema-version 99" EntityNotFoundException "Schema version is not found." -- \
	get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=99
expect_glue_error "create-schema with DataFormat XML" InvalidInputException "" -- \
	create-schema --registry-id "RegistryName=$REG" --schema-name Other --data-format XML \
	--schema-definition file://payment_v1.avsc
expect_glue_error "create-registry with a bad name" InvalidInputException "" -- \
	create-registry --registry-name 'bad name!'

step "delete-schema-versions 2"
out=$(aws_glue delete-schema-versions --schema-id "$SCHEMA_ID" --versions 2 \
	--query 'length(SchemaVersionErrors || `[]`)' --output text)
expect_eq "delete-schema-versions 2 SchemaVersionErrors" "0" "$out"
out=$(aws_glue list-schema-versions --schema-id "$SCHEMA_ID" --query 'sort(Schemas[].VersionNumber)' --output text)
expect_eq "versions after deleting 2" "1	3" "$out"
expect_glue_error "get-schema-version 2 after delete" EntityNotFoundException "Schema version is not found." -- \
	get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=2
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" --query '[LatestSchemaVersion, NextSchemaVersion]' --output text)
expect_eq "get-schema after delete: numbers are never reused" "3	4" "$out"

step "version 1 (the checkpoint) cannot be deleted with delete-schema-versions"
rc=0
out=$(aws_glue delete-schema-versions --schema-id "$SCHEMA_ID" --versions 1 \
	--query 'SchemaVersionErrors[].VersionNumber' --output text 2>&1) || rc=$?
if [ "$rc" -eq 0 ] && [ "$out" != "1" ]; then
	printf 'FAIL: delete-schema-versions 1 neither failed nor reported an error item for version 1 (got %s)\n' "$out" >&2
	exit 1
fi
echo "ok: delete-schema-versions 1 refused (rc $rc): $out"
out=$(aws_glue get-schema-version --schema-version-id "$v1_id" --query VersionNumber --output text)
expect_eq "version 1 still exists" "1" "$out"

step "update the schema and the registry"
out=$(aws_glue update-schema --schema-id "$SCHEMA_ID" --description "Captured card payments" \
	--query SchemaName --output text)
expect_eq "update-schema SchemaName" "$SCHEMA" "$out"
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" --query Description --output text)
expect_eq "get-schema Description" "Captured card payments" "$out"
out=$(aws_glue update-registry --registry-id "RegistryName=$REG" --description "Payments team" \
	--query RegistryName --output text)
expect_eq "update-registry RegistryName" "$REG" "$out"
out=$(aws_glue get-registry --registry-id "RegistryName=$REG" --query Description --output text)
expect_eq "get-registry Description" "Payments team" "$out"

step "delete the schema and the registry"
out=$(aws_glue delete-schema --schema-id "$SCHEMA_ID" --query Status --output text)
expect_eq "delete-schema Status" "DELETING" "$out"
out=$(aws_glue list-schemas --registry-id "RegistryName=$REG" --query 'length(Schemas)' --output text)
expect_eq "list-schemas after delete-schema" "0" "$out"
out=$(aws_glue delete-registry --registry-id "RegistryName=$REG" --query Status --output text)
expect_eq "delete-registry Status" "DELETING" "$out"
out=$(aws_glue list-registries --query "length(Registries[?RegistryName=='$REG'])" --output text)
expect_eq "list-registries after delete-registry" "0" "$out"

echo "PASS: cli walkthrough with $AWS_BIN"
