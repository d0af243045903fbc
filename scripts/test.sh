#!/usr/bin/env bash
# scripts/test.sh — the project's one test command (README, .ci/run).
#
# Runs from any working directory. On a fresh machine it installs what is
# missing (AWS CLI v2 and PostgreSQL 15 from Debian, the npm packages of
# scripts/js, Go modules), checks the preinstalled components the tests drive
# (AWS CLI v1, python3 + boto3, Node.js), then vets and tests every package.
# Safe to run again: each step is skipped when its component is already
# present.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*"; }
die() { printf 'scripts/test.sh: %s\n' "$*" >&2; exit 1; }

# as_root runs a command as root, through sudo only when we are not root.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# AWS CLI v2: the Debian package installs it at /usr/bin/aws. The e2e tests
# call that path explicitly, because `aws` on PATH may be v1.
if [ -x /usr/bin/aws ]; then
	log "AWS CLI v2 present: $(/usr/bin/aws --version 2>&1)"
else
	command -v apt-get >/dev/null 2>&1 || die "/usr/bin/aws (AWS CLI v2) is missing and apt-get is not available to install it"
	log "installing AWS CLI v2 (Debian package awscli) with apt-get"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q awscli
	[ -x /usr/bin/aws ] || die "apt-get install awscli did not provide /usr/bin/aws"
	log "installed: $(/usr/bin/aws --version 2>&1)"
fi

# AWS CLI v1 and boto3 come preinstalled (pip/pyenv); PyPI may be
# unreachable, so they are checked, not installed.
command -v aws >/dev/null 2>&1 || die "AWS CLI v1 ('aws' on PATH) is missing; install awscli 1.x with pip"
aws_v1_version="$(aws --version 2>&1)"
case "$aws_v1_version" in
aws-cli/1.*) log "AWS CLI v1 present: $aws_v1_version" ;;
*) die "'aws' on PATH is not AWS CLI v1 (got: $aws_v1_version); the e2e tests need v1 first on PATH" ;;
esac
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
python3 -c 'import boto3' 2>/dev/null || die "python3 cannot import boto3 ($(command -v python3)); install boto3 with pip"
log "python3 with boto3 present: $(python3 -c 'import sys, boto3; print(sys.version.split()[0], "boto3", boto3.__version__)')"

# Node.js runs kinesalite, the local Kinesis the serde/kinesis tests start.
# It comes preinstalled; Debian's nodejs and npm are the fallback.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || die "node and npm (Node.js) are missing and apt-get is not available to install them"
	log "installing Node.js (Debian packages nodejs, npm) with apt-get"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
	command -v node >/dev/null 2>&1 || die "apt-get install nodejs did not provide node"
fi
log "Node.js present: node $(node --version), npm $(npm --version 2>/dev/null)"

# The npm packages of scripts/js (kinesalite, ...), installed from its
# package-lock.json when missing or when the lock file changed since.
if [ ! -f scripts/js/node_modules/kinesalite/package.json ] ||
	[ scripts/js/package-lock.json -nt scripts/js/node_modules/.package-lock.json ]; then
	log "npm ci in scripts/js"
	(cd scripts/js && npm ci --no-audit --no-fund)
	[ -f scripts/js/node_modules/kinesalite/package.json ] || die "npm ci in scripts/js did not install kinesalite"
else
	log "scripts/js node_modules present (kinesalite $(node -p "require('./scripts/js/node_modules/kinesalite/package.json').version"))"
fi

# PostgreSQL 15: the tests of internal/store/postgres and internal/server
# start a private cluster with its initdb and pg_ctl
# (internal/testenv/postgres.go), unless CARTA_TEST_POSTGRES_DSN names a
# server to use instead. It normally comes preinstalled; Debian's
# postgresql-15 (or postgresql) is the fallback.
pg_bin=/usr/lib/postgresql/15/bin
if [ -n "${CARTA_TEST_POSTGRES_DSN:-}" ]; then
	log "PostgreSQL: the tests use the server of CARTA_TEST_POSTGRES_DSN"
elif [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ]; then
	log "PostgreSQL present: $("$pg_bin/pg_ctl" --version)"
elif command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1 && pg_ctl --version | grep -q ') 15\.'; then
	log "PostgreSQL present: $(pg_ctl --version)"
else
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL 15 (initdb, pg_ctl) is missing and apt-get is not available to install it"
	log "installing PostgreSQL 15 (Debian package postgresql-15) with apt-get"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15 ||
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
	[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] || die "apt-get install did not provide PostgreSQL 15 in $pg_bin"
	log "installed: $("$pg_bin/pg_ctl" --version)"
fi

command -v go >/dev/null 2>&1 || die "go is missing"
log "$(go version)"
log "go mod download"
go mod download

log "go vet ./..."
go vet ./...

log "go test -count=1 -timeout 15m ./..."
go test -count=1 -timeout 15m ./...
# The compatibility vectors of the peers: pass rates per file and every documented divergence.
log "compatibility vectors (testdata/compat-vectors): pass rates and divergences"
go test -count=1 -run '^TestVectors' -v ./schema/... | sed -n 's/^ *[a-z_]*_test\.go:[0-9]*: vectors: /  /p' | grep .
log "all tests passed"
