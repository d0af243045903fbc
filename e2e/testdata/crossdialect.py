#!/usr/bin/env python3
"""boto3's half of the cross-dialect tests (e2e/confluent_clients_test.go): the Glue API side of a
schema that the other side reads or wrote through the Confluent API of the same `carta serve`.

Usage: CARTA_ENDPOINT=http://127.0.0.1:PORT python3 crossdialect.py register|read < spec.json

  register  spec: {"schemas": [{"registry": NAME or null (default-registry), "name": NAME,
            "format": "AVRO"|"JSON"|"PROTOBUF", "compatibility": MODE, "definitions": [DEF, ...]}]}
            creates each registry (unless null) and schema with the first definition, registers
            the others as versions in order, and prints {"schemas": [{"registry", "name",
            "versions": [{"number", "id", "status"}]}]}
  read      spec: {"schemas": [{"registry": NAME, "name": NAME}]}
            prints, per schema, get_schema (DataFormat, LatestSchemaVersion, NextSchemaVersion,
            Compatibility) and every version list_schema_versions names, fetched with
            get_schema_version by number (id, number, status, definition, format); and, for
            the AVAILABLE ones, the version get_schema_by_definition finds for the definition

Credentials and region are dummies: the server accepts any SigV4 signature.
"""

import json
import os
import sys

try:
    import boto3
    from botocore.config import Config
except ImportError as exc:  # the Go test treats this as "component missing"
    sys.stderr.write("crossdialect.py: python3 cannot import boto3/botocore: %s\n" % exc)
    sys.exit(3)

ENDPOINT = os.environ.get("CARTA_ENDPOINT", "")


def glue_client():
    return boto3.client(
        "glue",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "AKIDCARTATEST"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "secret"),
        # One attempt: a retried 5xx would hide a server fault behind a slow pass.
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                      connect_timeout=10, read_timeout=30),
    )


def register(glue, spec):
    out = []
    created = set()
    for s in spec["schemas"]:
        reg = s.get("registry")
        if reg and reg not in created:
            glue.create_registry(RegistryName=reg)
            created.add(reg)
        kwargs = {"SchemaName": s["name"], "DataFormat": s["format"],
                  "Compatibility": s.get("compatibility", "BACKWARD"),
                  "SchemaDefinition": s["definitions"][0]}
        if reg:
            kwargs["RegistryId"] = {"RegistryName": reg}
        first = glue.create_schema(**kwargs)
        versions = []
        v1 = glue.get_schema_version(SchemaId=schema_id(reg, s["name"]),
                                     SchemaVersionNumber={"VersionNumber": 1})
        versions.append({"number": v1["VersionNumber"], "id": v1["SchemaVersionId"], "status": v1["Status"]})
        assert first["SchemaVersionId"] == v1["SchemaVersionId"], (first, v1)
        for d in s["definitions"][1:]:
            v = glue.register_schema_version(SchemaId=schema_id(reg, s["name"]), SchemaDefinition=d)
            versions.append({"number": v["VersionNumber"], "id": v["SchemaVersionId"], "status": v["Status"]})
        out.append({"registry": reg or "default-registry", "name": s["name"], "versions": versions})
    return {"schemas": out}


def schema_id(reg, name):
    return {"RegistryName": reg or "default-registry", "SchemaName": name}


def read(glue, spec):
    out = []
    for s in spec["schemas"]:
        sid = schema_id(s["registry"], s["name"])
        info = glue.get_schema(SchemaId=sid)
        numbers = []
        for page in glue.get_paginator("list_schema_versions").paginate(SchemaId=sid):
            numbers += [v["VersionNumber"] for v in page["Schemas"]]
        versions = []
        for n in sorted(numbers):
            v = glue.get_schema_version(SchemaId=sid, SchemaVersionNumber={"VersionNumber": n})
            by_def = {}
            if v["Status"] == "AVAILABLE":
                by_def = glue.get_schema_by_definition(SchemaId=sid, SchemaDefinition=v["SchemaDefinition"])
            versions.append({"number": v["VersionNumber"], "id": v["SchemaVersionId"], "status": v["Status"],
                             "format": v["DataFormat"], "definition": v["SchemaDefinition"],
                             "by_definition": by_def.get("SchemaVersionId")})
        out.append({"registry": info["RegistryName"], "name": info["SchemaName"], "format": info["DataFormat"],
                    "compatibility": info["Compatibility"], "latest": info["LatestSchemaVersion"],
                    "next": info["NextSchemaVersion"], "versions": versions})
    return {"schemas": out}


def main():
    if not ENDPOINT:
        sys.stderr.write("crossdialect.py: set CARTA_ENDPOINT to the server's URL, e.g. http://127.0.0.1:8080\n")
        return 2
    modes = {"register": register, "read": read}
    if len(sys.argv) != 2 or sys.argv[1] not in modes:
        sys.stderr.write("usage: crossdialect.py register|read < spec.json\n")
        return 2
    spec = json.load(sys.stdin)
    json.dump(modes[sys.argv[1]](glue_client(), spec), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
