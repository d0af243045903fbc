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

# The schema files are the README's, in examples/payments; file:// paths are relative.
cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/payments"

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
	if [ -n "$msg" ]; then
		expect_contains "$what stderr" "$msg" "$out"
	fi
}

echo "using $("$AWS_BIN" --version 2>&1) against $ENDPOINT, registry $REG"

# Each CLI start costs most of a second, so every call asks for several fields
# at once (--output text separates them with tabs).

step "create the registry"
out=$(aws_glue create-registry --registry-name "$REG" --description "Payment events" --query RegistryName --output text)
expect_eq "create-registry RegistryName" "$REG" "$out"
out=$(aws_glue get-registry --registry-id "RegistryName=$REG" \
	--query '[RegistryName, Status, RegistryArn, CreatedTime, Description]' --output text)
IFS=$'\t' read -r name status arn created desc <<<"$out"
expect_eq "get-registry [RegistryName, Status, Description]" "$REG AVAILABLE Payment events" "$name $status $desc"
expect_contains "RegistryArn" ":glue:us-east-1:" "$arn"
expect_contains "RegistryArn" ":registry/$REG" "$arn"
if ! [[ $created =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$ ]]; then
	printf 'FAIL: get-registry CreatedTime is not an ISO-8601 UTC timestamp: %s\n' "$created" >&2
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
	--query '[SchemaName, DataFormat, Compatibility, SchemaVersionStatus, SchemaVersionId]' --output text)
read -r name format compat vstatus v1_id <<<"$out"
expect_eq "create-schema [SchemaName, DataFormat, Compatibility, SchemaVersionStatus]" \
	"$SCHEMA AVRO BACKWARD AVAILABLE" "$name $format $compat $vstatus"
expect_uuid "version 1 SchemaVersionId" "$v1_id"
out=$(aws_glue get-schema-version --schema-version-id "$v1_id" \
	--query '[VersionNumber, Status, DataFormat, contains(SchemaDefinition, `amount_cents`), SchemaArn]' --output text)
read -r number status format has_field arn <<<"$out"
expect_eq "get-schema-version by id [VersionNumber, Status, DataFormat, definition has amount_cents]" \
	"1 AVAILABLE AVRO True" "$number $status $format $has_field"
expect_contains "version 1 SchemaArn" ":schema/$REG/$SCHEMA" "$arn"
expect_glue_error "create-schema twice" AlreadyExistsException "" -- \
	create-schema --registry-id "RegistryName=$REG" --schema-name "$SCHEMA" \
	--data-format AVRO --schema-definition file://payment_v1.avsc

step "register v2 with a REQUIRED settlement_currency: BACKWARD refuses it"
# Real Glue answers 200 with Status FAILURE and consumes the number; the
# plain CLI exits 0, so scripts must look at Status.
out=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v2_breaking.avsc --query '[Status, VersionNumber, SchemaVersionId]' --output text)
read -r v2_status v2_number v2_id <<<"$out"
expect_eq "register-schema-version v2 Status" "FAILURE" "$v2_status"
expect_eq "register-schema-version v2 VersionNumber" "2" "$v2_number"
expect_uuid "version 2 SchemaVersionId" "$v2_id"
out=$(aws_glue get-schema-version --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=2 \
	--query '[VersionNumber, Status, SchemaVersionId, contains(SchemaDefinition, `settlement_currency`)]' --output text)
expect_eq "get-schema-version 2 [VersionNumber, Status, SchemaVersionId, definition has settlement_currency]" \
	"2	FAILURE	$v2_id	True" "$out"

step "register v3 with an optional settlement_currency: accepted"
out=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v2.avsc --query '[Status, VersionNumber, SchemaVersionId]' --output text)
read -r v3_status v3_number v3_id <<<"$out"
expect_eq "register-schema-version v3 Status" "AVAILABLE" "$v3_status"
expect_eq "register-schema-version v3 VersionNumber" "3" "$v3_number"
expect_uuid "version 3 SchemaVersionId" "$v3_id"

step "re-registering an existing definition returns the existing version"
out=$(aws_glue register-schema-version --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v1.avsc --query '[VersionNumber, SchemaVersionId, Status]' --output text)
expect_eq "register-schema-version v1 again" "1	$v1_id	AVAILABLE" "$out"

step "list and inspect"
out=$(aws_glue list-schema-versions --schema-id "$SCHEMA_ID" \
	--query 'join(`,`, sort_by(Schemas, &VersionNumber)[].Status)' --output text)
expect_eq "list-schema-versions: 3 versions with statuses" "AVAILABLE,FAILURE,AVAILABLE" "$out"
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" --query LatestSchemaVersion --output text)
expect_eq "get-schema LatestSchemaVersion" "3" "$out"
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" \
	--query '[NextSchemaVersion, SchemaCheckpoint, SchemaStatus, Compatibility, DataFormat]' --output text)
expect_eq "get-schema [NextSchemaVersion, SchemaCheckpoint, SchemaStatus, Compatibility, DataFormat]" \
	"4	1	AVAILABLE	BACKWARD	AVRO" "$out"
out=$(aws_glue list-schemas --registry-id "RegistryName=$REG" --query 'Schemas[].[SchemaName, SchemaStatus]' --output text)
expect_eq "list-schemas" "$SCHEMA	AVAILABLE" "$out"

step "get-schema-by-definition finds version 1"
out=$(aws_glue get-schema-by-definition --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v1.avsc --query SchemaVersionId --output text)
expect_eq "get-schema-by-definition v1 SchemaVersionId" "$v1_id" "$out"
out=$(aws_glue get-schema-by-definition --schema-id "$SCHEMA_ID" \
	--schema-definition file://payment_v2.avsc --query '[SchemaVersionId, Status, DataFormat]' --output text)
expect_eq "get-schema-by-definition v3" "$v3_id	AVAILABLE	AVRO" "$out"

step "check-schema-version-validity"
out=$(aws_glue check-schema-version-validity --data-format AVRO --schema-definition '{"type":"record"}' \
	--query '[Valid, Error]' --output text)
IFS=$'\t' read -r valid err <<<"$out"
expect_eq "check-schema-version-validity {\"type\":\"record\"} Valid" "False" "$valid"
if [ -z "$err" ] || [ "$err" = "None" ]; then
	echo "FAIL: check-schema-version-validity of an invalid schema returned no Error text" >&2
	exit 1
fi
echo "ok: validity error: $err"
out=$(aws_glue check-schema-version-validity --data-format AVRO --schema-definition file://payment_v2.avsc \
	--query Valid --output json)
expect_eq "check-schema-version-validity payment_v2.avsc Valid" "true" "$out"

step "version metadata"
out=$(aws_glue put-schema-version-metadata --schema-version-id "$v1_id" \
	--metadata-key-value MetadataKey=x-amz-meta-transport,MetadataValue=payments-topic \
	--query '[MetadataKey, MetadataValue, VersionNumber, SchemaName, RegistryName]' --output text)
expect_eq "put-schema-version-metadata" "x-amz-meta-transport	payments-topic	1	$SCHEMA	$REG" "$out"
out=$(aws_glue put-schema-version-metadata --schema-id "$SCHEMA_ID" --schema-version-number VersionNumber=1 \
	--metadata-key-value MetadataKey=owner,MetadataValue=billing \
	--query SchemaVersionId --output text)
expect_eq "put-schema-version-metadata by number SchemaVersionId" "$v1_id" "$out"
out=$(aws_glue query-schema-version-metadata --schema-version-id "$v1_id" \
	--query '[MetadataInfoMap."x-amz-meta-transport".MetadataValue, MetadataInfoMap.owner.MetadataValue]' --output text)
expect_eq "query-schema-version-metadata values" "payments-topic	billing" "$out"
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
	get-schema-version --schema-version-id "$v2_id"

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
out=$(aws_glue get-schema --schema-id "$SCHEMA_ID" \
	--query '[LatestSchemaVersion, NextSchemaVersion, Description]' --output text)
expect_eq "get-schema after delete and update: numbers are never reused" "3	4	Captured card payments" "$out"
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
