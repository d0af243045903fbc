#!/usr/bin/env python3
"""boto3 against a running `carta serve`: the Glue Schema Registry as Python users meet it.

Usage: CARTA_ENDPOINT=http://127.0.0.1:PORT python3 boto3_test.py [-v] [TestCase.test_name]

Standard library unittest only (PyPI may be unreachable). Every test creates
registries and schemas with its own unique names, so the tests may share one
server and run in any order. Credentials and region are dummies: the server
accepts any SigV4 signature.
"""

import datetime
import json
import os
import sys
import unittest
import urllib.error
import urllib.request
import uuid

try:
    import boto3
    import botocore
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.config import Config
    from botocore.credentials import Credentials
    from botocore.exceptions import ClientError
except ImportError as exc:  # the Go test treats this as "component missing"
    sys.stderr.write("boto3_test.py: python3 cannot import boto3/botocore: %s\n" % exc)
    sys.exit(3)

ENDPOINT = os.environ.get("CARTA_ENDPOINT", "")
REGION = "us-east-1"
HERE = os.path.dirname(os.path.abspath(__file__))
# The README's schema files.
EXAMPLES = os.path.join(HERE, "..", "..", "examples", "payments")

UUID_CHARS = set("0123456789abcdef-")


def read(name):
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        return f.read()


PAYMENT_V1 = read("payment_v1.avsc")
PAYMENT_V2_BREAKING = read("payment_v2_breaking.avsc")
PAYMENT_V3 = read("payment_v2.avsc")


def unique(prefix):
    """A registry or schema name no other test uses: [a-zA-Z0-9-_$#.]."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def glue_client():
    return boto3.client(
        "glue",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "AKIDCARTATEST"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "secret"),
        # One attempt: a retried 5xx would hide a server fault behind a slow pass.
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                      connect_timeout=10, read_timeout=30),
    )


def record_schema(name, fields):
    """An Avro record definition with the given [(name, type)] fields."""
    return json.dumps({
        "type": "record",
        "name": name,
        "namespace": "com.example.e2e",
        "fields": [{"name": n, "type": t} for n, t in fields],
    })


class GlueTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.glue = glue_client()

    def assert_uuid(self, value):
        self.assertIsInstance(value, str)
        self.assertEqual(len(value), 36, value)
        self.assertTrue(set(value) <= UUID_CHARS, "SchemaVersionId %r is not lower-case hex" % value)
        self.assertEqual(str(uuid.UUID(value)), value)

    def assert_timestamp(self, value):
        """CreatedTime/UpdatedTime are modeled as *strings* (shape CreatedTimestamp), so boto3
        returns them unparsed; they must parse as an ISO-8601 UTC datetime, as AWS sends them
        ("2021-11-07T16:42:28.617Z")."""
        self.assertIsInstance(value, str, "timestamps are modeled as strings: %r" % (value,))
        self.assertTrue(value.endswith("Z"), "timestamp %r is not UTC 'Z'" % value)
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        self.assertEqual(parsed.utcoffset(), datetime.timedelta(0))
        return parsed

    def assert_client_error(self, exc_type, code, message_prefix, fn, *args, **kwargs):
        """fn must raise the modeled exception with Error.Code, Error.Message and HTTP 400."""
        with self.assertRaises(exc_type) as cm:
            fn(*args, **kwargs)
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        message = resp["Error"].get("Message", "")
        self.assertTrue(message, "error response carries no Error.Message: %r" % resp)
        if message_prefix:
            self.assertTrue(message.startswith(message_prefix),
                            "Error.Message %r does not start with %r" % (message, message_prefix))
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400, resp)
        self.assertTrue(resp["ResponseMetadata"].get("RequestId"), "no x-amzn-RequestId: %r" % resp)
        return cm.exception

    def new_registry(self, prefix="reg"):
        name = unique(prefix)
        self.glue.create_registry(RegistryName=name)
        self.addCleanup(self._delete_registry, name)
        return name

    def _delete_registry(self, name):
        try:
            self.glue.delete_registry(RegistryId={"RegistryName": name})
        except ClientError:
            pass


class PaginationTest(GlueTestCase):
    def test_list_registries_paginator(self):
        prefix = unique("page")
        names = ["%s-%02d" % (prefix, i) for i in range(30)]
        for n in names:
            self.glue.create_registry(RegistryName=n)
            self.addCleanup(self._delete_registry, n)

        pages = list(self.glue.get_paginator("list_registries").paginate(PaginationConfig={"PageSize": 7}))
        seen = [r["RegistryName"] for p in pages for r in p["Registries"]]
        self.assertGreater(len(pages), 1, "PageSize 7 over 31+ registries must fetch more than one page")
        self.assertGreaterEqual(len(pages), 5)
        for p in pages:
            self.assertLessEqual(len(p["Registries"]), 7)
        self.assertNotIn("NextToken", pages[-1])
        self.assertEqual(len(seen), len(set(seen)), "a registry was listed twice: %r" % seen)
        for n in names + ["default-registry"]:
            self.assertEqual(seen.count(n), 1, "%s seen %d times" % (n, seen.count(n)))
        for p in pages:
            for r in p["Registries"]:
                self.assert_timestamp(r["CreatedTime"])
                self.assertIn(":registry/" + r["RegistryName"], r["RegistryArn"])
                self.assertEqual(r["Status"], "AVAILABLE")

        # Without MaxResults a page holds 25 items.
        default_page = self.glue.list_registries()
        self.assertEqual(len(default_page["Registries"]), 25)
        self.assertIn("NextToken", default_page)

        # MaxItems stops early and hands out a resume token.
        first = self.glue.get_paginator("list_registries").paginate(
            PaginationConfig={"MaxItems": 7, "PageSize": 7}).build_full_result()
        self.assertEqual(len(first["Registries"]), 7)
        self.assertIn("NextToken", first)

        # The same walk by hand with MaxResults/NextToken.
        manual, token, calls = [], None, 0
        while True:
            kwargs = {"MaxResults": 7}
            if token:
                kwargs["NextToken"] = token
            page = self.glue.list_registries(**kwargs)
            calls += 1
            manual += [r["RegistryName"] for r in page["Registries"]]
            token = page.get("NextToken")
            if not token:
                break
            self.assertLess(calls, 100, "NextToken never ends")
        self.assertEqual(sorted(manual), sorted(seen))

        # Deleted registries disappear from the listing.
        for n in names[:5]:
            out = self.glue.delete_registry(RegistryId={"RegistryName": n})
            self.assertEqual(out["Status"], "DELETING")
        after = [r["RegistryName"] for p in self.glue.get_paginator("list_registries").paginate(
            PaginationConfig={"PageSize": 7}) for r in p["Registries"]]
        for n in names[:5]:
            self.assertNotIn(n, after)
        for n in names[5:]:
            self.assertIn(n, after)

    def test_list_schemas_paginator(self):
        reg = self.new_registry("schemas")
        names = ["S%02d" % i for i in range(12)]
        for n in names:
            self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName=n, DataFormat="AVRO",
                                    Compatibility="NONE", SchemaDefinition=record_schema(n, [("id", "string")]))
        pages = list(self.glue.get_paginator("list_schemas").paginate(
            RegistryId={"RegistryName": reg}, PaginationConfig={"PageSize": 5}))
        self.assertEqual(len(pages), 3, [len(p["Schemas"]) for p in pages])
        seen = [s["SchemaName"] for p in pages for s in p["Schemas"]]
        self.assertEqual(sorted(seen), names)
        for p in pages:
            for s in p["Schemas"]:
                self.assertEqual(s["RegistryName"], reg)
                self.assertEqual(s["SchemaStatus"], "AVAILABLE")
                self.assertIn(":schema/%s/%s" % (reg, s["SchemaName"]), s["SchemaArn"])
                self.assert_timestamp(s["CreatedTime"])
                self.assert_timestamp(s["UpdatedTime"])

        # Without RegistryId, ListSchemas spans all registries.
        everywhere = [s for p in self.glue.get_paginator("list_schemas").paginate(
            PaginationConfig={"PageSize": 50}) for s in p["Schemas"] if s["RegistryName"] == reg]
        self.assertEqual(sorted(s["SchemaName"] for s in everywhere), names)

        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Registry is not found.", self.glue.list_schemas,
                                 RegistryId={"RegistryName": unique("missing")})

    def test_list_schema_versions_paginator(self):
        reg = self.new_registry("versions")
        self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Evolving", DataFormat="AVRO",
                                Compatibility="NONE", SchemaDefinition=record_schema("Evolving", [("f0", "string")]))
        sid = {"RegistryName": reg, "SchemaName": "Evolving"}
        for i in range(1, 9):
            out = self.glue.register_schema_version(
                SchemaId=sid, SchemaDefinition=record_schema("Evolving", [("f%d" % j, "string") for j in range(i + 1)]))
            self.assertEqual(out["VersionNumber"], i + 1)
            self.assertEqual(out["Status"], "AVAILABLE")
        pages = list(self.glue.get_paginator("list_schema_versions").paginate(
            SchemaId=sid, PaginationConfig={"PageSize": 4}))
        self.assertEqual([len(p["Schemas"]) for p in pages], [4, 4, 1])
        numbers = [v["VersionNumber"] for p in pages for v in p["Schemas"]]
        self.assertEqual(sorted(numbers), list(range(1, 10)))
        self.assertEqual(len(set(v["SchemaVersionId"] for p in pages for v in p["Schemas"])), 9)
        for p in pages:
            for v in p["Schemas"]:
                self.assert_uuid(v["SchemaVersionId"])
                self.assertEqual(v["Status"], "AVAILABLE")
                self.assertIn(":schema/%s/Evolving" % reg, v["SchemaArn"])
                self.assert_timestamp(v["CreatedTime"])

    def test_max_results_over_100_is_invalid_input(self):
        # botocore checks only the minimum; the server enforces the maximum.
        self.assert_client_error(self.glue.exceptions.InvalidInputException, "InvalidInputException", "",
                                 self.glue.list_registries, MaxResults=101)

    def test_garbage_next_token_is_invalid_input(self):
        self.assert_client_error(self.glue.exceptions.InvalidInputException, "InvalidInputException", "",
                                 self.glue.list_registries, NextToken="not-a-token")


class ErrorsTest(GlueTestCase):
    def test_entity_not_found(self):
        missing = unique("nope")
        # The full texts AWS (and moto's copy of them) use.
        exc = self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                       "Registry is not found.", self.glue.get_registry,
                                       RegistryId={"RegistryName": missing})
        self.assertEqual(exc.response["Error"]["Message"], "Registry is not found. RegistryName: " + missing)
        reg = self.new_registry()
        exc = self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                       "Schema is not found.", self.glue.get_schema,
                                       SchemaId={"RegistryName": reg, "SchemaName": "Missing"})
        self.assertEqual(exc.response["Error"]["Message"],
                         "Schema is not found. RegistryName: %s, SchemaName: Missing, SchemaArn: null" % reg)
        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Schema version is not found.", self.glue.get_schema_version,
                                 SchemaVersionId=str(uuid.uuid4()))
        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Schema is not found.", self.glue.register_schema_version,
                                 SchemaId={"RegistryName": reg, "SchemaName": "Missing"},
                                 SchemaDefinition=PAYMENT_V1)
        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Registry is not found.", self.glue.create_schema,
                                 RegistryId={"RegistryName": missing}, SchemaName="S", DataFormat="AVRO",
                                 SchemaDefinition=PAYMENT_V1)

    def test_already_exists(self):
        reg = self.new_registry()
        exc = self.assert_client_error(self.glue.exceptions.AlreadyExistsException, "AlreadyExistsException",
                                       "Registry already exists.", self.glue.create_registry, RegistryName=reg)
        self.assertEqual(exc.response["Error"]["Message"], "Registry already exists. RegistryName: " + reg)
        self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Twice", DataFormat="AVRO",
                                SchemaDefinition=PAYMENT_V1)
        self.assert_client_error(self.glue.exceptions.AlreadyExistsException, "AlreadyExistsException", "",
                                 self.glue.create_schema, RegistryId={"RegistryName": reg}, SchemaName="Twice",
                                 DataFormat="AVRO", SchemaDefinition=PAYMENT_V1)

    def test_invalid_input(self):
        iie = self.glue.exceptions.InvalidInputException
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.create_registry,
                                 RegistryName="bad name!")
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.create_registry,
                                 RegistryName="x" * 256)
        reg = self.new_registry()
        self.assert_client_error(iie, "InvalidInputException", "Data format is not valid.", self.glue.create_schema,
                                 RegistryId={"RegistryName": reg}, SchemaName="Xml", DataFormat="XML",
                                 SchemaDefinition="<xml/>")
        self.assert_client_error(iie, "InvalidInputException", "Compatibility is not valid.", self.glue.create_schema,
                                 RegistryId={"RegistryName": reg}, SchemaName="Sideways", DataFormat="AVRO",
                                 Compatibility="SIDEWAYS", SchemaDefinition=PAYMENT_V1)
        self.assert_client_error(iie, "InvalidInputException", "Schema definition of AVRO data format is invalid:",
                                 self.glue.create_schema,
                                 RegistryId={"RegistryName": reg}, SchemaName="Broken", DataFormat="AVRO",
                                 SchemaDefinition='{"type":"record"}')
        out = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="P", DataFormat="AVRO",
                                      SchemaDefinition=PAYMENT_V1)
        # SchemaVersionId excludes every other addressing field.
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.get_schema_version,
                                 SchemaVersionId=out["SchemaVersionId"],
                                 SchemaId={"RegistryName": reg, "SchemaName": "P"})
        # Both LatestVersion and VersionNumber.
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.get_schema_version,
                                 SchemaId={"RegistryName": reg, "SchemaName": "P"},
                                 SchemaVersionNumber={"LatestVersion": True, "VersionNumber": 1})
        # Upper-case hex is not a SchemaVersionId.
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.get_schema_version,
                                 SchemaVersionId=out["SchemaVersionId"].upper())
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.register_schema_version,
                                 SchemaId={"RegistryName": reg, "SchemaName": "P"}, SchemaDefinition="   ")
        self.assert_client_error(iie, "InvalidInputException", "", self.glue.delete_schema_versions,
                                 SchemaId={"RegistryName": reg, "SchemaName": "P"}, Versions="0-x")

    def test_disabled_compatibility_refuses_new_versions(self):
        reg = self.new_registry()
        self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Frozen", DataFormat="AVRO",
                                Compatibility="DISABLED", SchemaDefinition=PAYMENT_V1)
        self.assert_client_error(self.glue.exceptions.InvalidInputException, "InvalidInputException",
                                 "Compatibility DISABLED does not allow versioning.",
                                 self.glue.register_schema_version,
                                 SchemaId={"RegistryName": reg, "SchemaName": "Frozen"}, SchemaDefinition=PAYMENT_V3)

    def test_metadata_limit_is_resource_number_limit_exceeded(self):
        reg = self.new_registry()
        out = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Meta", DataFormat="AVRO",
                                      SchemaDefinition=PAYMENT_V1)
        vid = out["SchemaVersionId"]
        for i in range(10):
            self.glue.put_schema_version_metadata(
                SchemaVersionId=vid, MetadataKeyValue={"MetadataKey": "k%d" % i, "MetadataValue": "v"})
        self.assert_client_error(self.glue.exceptions.ResourceNumberLimitExceededException,
                                 "ResourceNumberLimitExceededException",
                                 "Your resource limits for Schema Version Metadata have been exceeded.",
                                 self.glue.put_schema_version_metadata, SchemaVersionId=vid,
                                 MetadataKeyValue={"MetadataKey": "k10", "MetadataValue": "v"})
        got = self.glue.query_schema_version_metadata(SchemaVersionId=vid)
        self.assertEqual(sorted(got["MetadataInfoMap"]), sorted("k%d" % i for i in range(10)))

    def test_raw_protocol_errors(self):
        """Unknown targets and malformed JSON, sent with a valid SigV4 signature."""
        def call(target, body):
            req = AWSRequest(method="POST", url=ENDPOINT + "/", data=body, headers={
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
            SigV4Auth(Credentials("AKIDCARTATEST", "secret"), "glue", REGION).add_auth(req)
            prepared = req.prepare()
            r = urllib.request.Request(prepared.url, data=body.encode(), method="POST",
                                       headers=dict(prepared.headers.items()))
            try:
                with urllib.request.urlopen(r, timeout=10) as resp:
                    status, hdrs, raw = resp.status, dict(resp.headers), resp.read()
            except urllib.error.HTTPError as e:
                status, hdrs, raw = e.code, dict(e.headers), e.read()
            try:
                parsed = json.loads(raw or b"{}")
            except ValueError:
                parsed = {"<non-JSON body>": raw[:500].decode("utf-8", "replace")}
            return status, hdrs, parsed

        status, headers, body = call("AWSGlue.ListRegistries", "{}")
        self.assertEqual(status, 200, body)
        self.assertIn("Registries", body)

        status, headers, body = call("AWSGlue.NoSuchOperation", "{}")
        self.assertEqual(status, 400, body)
        self.assertEqual(body.get("__type", "").split("#")[-1], "UnknownOperationException", body)

        status, headers, body = call("AWSGlue.ListRegistries", "{not json")
        self.assertEqual(status, 400, body)
        self.assertEqual(body.get("__type", "").split("#")[-1], "SerializationException", body)

        status, headers, body = call("AWSGlue.GetRegistry", '{"RegistryId":{"RegistryName":"nope-raw"}}')
        self.assertEqual(status, 400, body)
        self.assertEqual(body.get("__type", "").split("#")[-1], "EntityNotFoundException", body)
        self.assertTrue(body.get("Message", "").startswith("Registry is not found."), body)
        lower = {k.lower(): v for k, v in headers.items()}
        self.assertEqual(lower.get("x-amzn-errortype", "").split(":")[0], "EntityNotFoundException", headers)
        self.assertTrue(lower.get("x-amzn-requestid"), headers)
        self.assertEqual(lower.get("content-type"), "application/x-amz-json-1.1", headers)


class TimestampsTest(GlueTestCase):
    def test_timestamps_parse_as_datetime(self):
        reg = self.new_registry()
        got = self.glue.get_registry(RegistryId={"RegistryName": reg})
        created = self.assert_timestamp(got["CreatedTime"])
        self.assert_timestamp(got["UpdatedTime"])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - created).total_seconds()), 300,
                        "CreatedTime %s is not close to now %s" % (created, now))
        self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="T", DataFormat="AVRO",
                                SchemaDefinition=PAYMENT_V1)
        schema = self.glue.get_schema(SchemaId={"RegistryName": reg, "SchemaName": "T"})
        self.assert_timestamp(schema["CreatedTime"])
        self.assert_timestamp(schema["UpdatedTime"])
        version = self.glue.get_schema_version(SchemaId={"RegistryName": reg, "SchemaName": "T"},
                                               SchemaVersionNumber={"LatestVersion": True})
        self.assert_timestamp(version["CreatedTime"])
        meta = self.glue.put_schema_version_metadata(
            SchemaVersionId=version["SchemaVersionId"],
            MetadataKeyValue={"MetadataKey": "owner", "MetadataValue": "billing"})
        self.assertEqual(meta["MetadataKey"], "owner")
        info = self.glue.query_schema_version_metadata(SchemaVersionId=version["SchemaVersionId"])
        self.assert_timestamp(info["MetadataInfoMap"]["owner"]["CreatedTime"])


class SerDeSequenceTest(GlueTestCase):
    """The calls the AWS Glue Java serializer makes, in order (glue-api.md §4)."""

    def test_java_serde_call_sequence(self):
        # The SerDe's default registry: treated as always existing, even on a fresh server.
        reg = "default-registry"
        name = unique("PaymentCaptured")
        sid = {"RegistryName": reg, "SchemaName": name}

        # 1. GetSchemaByDefinition on a schema that does not exist yet.
        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Schema is not found.", self.glue.get_schema_by_definition,
                                 SchemaId=sid, SchemaDefinition=PAYMENT_V1)
        # 2. "Schema is not found." → CreateSchema with the definition.
        created = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName=name, DataFormat="AVRO",
                                          Compatibility="BACKWARD", Description="auto-registered",
                                          Tags={"team": "billing"}, SchemaDefinition=PAYMENT_V1)
        self.addCleanup(self.glue.delete_schema, SchemaId=sid)
        self.assertEqual(created["SchemaVersionStatus"], "AVAILABLE")
        self.assertEqual(created["RegistryName"], reg)
        self.assertEqual(created["SchemaName"], name)
        self.assertEqual(created["Tags"], {"team": "billing"})
        v1 = created["SchemaVersionId"]
        self.assert_uuid(v1)
        found = self.glue.get_schema_by_definition(SchemaId=sid, SchemaDefinition=PAYMENT_V1)
        self.assertEqual(found["SchemaVersionId"], v1)
        self.assertEqual(found["Status"], "AVAILABLE")
        self.assertEqual(found["DataFormat"], "AVRO")
        self.assertNotIn("VersionNumber", found)

        # A race: another producer created it first → AEE → RegisterSchemaVersion returns the same version.
        self.assert_client_error(self.glue.exceptions.AlreadyExistsException, "AlreadyExistsException", "",
                                 self.glue.create_schema, RegistryId={"RegistryName": reg}, SchemaName=name,
                                 DataFormat="AVRO", Compatibility="BACKWARD", SchemaDefinition=PAYMENT_V1)
        again = self.glue.register_schema_version(SchemaId=sid, SchemaDefinition=PAYMENT_V1)
        self.assertEqual((again["SchemaVersionId"], again["VersionNumber"], again["Status"]), (v1, 1, "AVAILABLE"))

        # 1'. A new definition of an existing schema.
        self.assert_client_error(self.glue.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Schema version is not found.", self.glue.get_schema_by_definition,
                                 SchemaId=sid, SchemaDefinition=PAYMENT_V3)
        # 3. "Schema version is not found." → RegisterSchemaVersion; AVAILABLE means no polling.
        reg3 = self.glue.register_schema_version(SchemaId=sid, SchemaDefinition=PAYMENT_V3)
        self.assertEqual(reg3["Status"], "AVAILABLE")
        self.assertEqual(reg3["VersionNumber"], 2)
        self.assert_uuid(reg3["SchemaVersionId"])
        self.assertNotEqual(reg3["SchemaVersionId"], v1)

        # 4. PutSchemaVersionMetadata by SchemaVersionId.
        meta = self.glue.put_schema_version_metadata(
            SchemaVersionId=reg3["SchemaVersionId"],
            MetadataKeyValue={"MetadataKey": "x-amz-meta-transport", "MetadataValue": "payments-topic"})
        self.assertEqual(meta["SchemaVersionId"], reg3["SchemaVersionId"])
        self.assertEqual(meta["MetadataKey"], "x-amz-meta-transport")
        self.assertEqual(meta["MetadataValue"], "payments-topic")
        self.assertEqual(meta["SchemaName"], name)
        self.assertEqual(meta["RegistryName"], reg)
        self.assertEqual(meta["VersionNumber"], 2)
        self.assertTrue(meta["LatestVersion"])
        q = self.glue.query_schema_version_metadata(SchemaVersionId=reg3["SchemaVersionId"])
        self.assertEqual(q["MetadataInfoMap"]["x-amz-meta-transport"]["MetadataValue"], "payments-topic")
        self.assertEqual(q["SchemaVersionId"], reg3["SchemaVersionId"])

        # Deserializer: GetSchemaVersion(SchemaVersionId) needs definition, DataFormat and a parseable SchemaArn.
        got = self.glue.get_schema_version(SchemaVersionId=reg3["SchemaVersionId"])
        self.assertEqual(json.loads(got["SchemaDefinition"]), json.loads(PAYMENT_V3))
        self.assertEqual(got["DataFormat"], "AVRO")
        self.assertEqual(got["VersionNumber"], 2)
        self.assertEqual(got["Status"], "AVAILABLE")
        arn = got["SchemaArn"].split(":")
        self.assertEqual(arn[:4], ["arn", "aws", "glue", REGION], got["SchemaArn"])
        self.assertEqual(arn[5], "schema/%s/%s" % (reg, name))
        self.assertEqual(got["SchemaArn"].rsplit("/", 1)[-1], name)
        # querySchemaTags: GetSchemaByDefinition then GetTags(SchemaArn).
        tags = self.glue.get_tags(ResourceArn=got["SchemaArn"])
        self.assertEqual(tags["Tags"], {"team": "billing"})

    def test_payment_captured_backward_refusal(self):
        reg = self.new_registry("payments")
        sid = {"RegistryName": reg, "SchemaName": "PaymentCaptured"}
        created = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="PaymentCaptured",
                                          DataFormat="AVRO", Compatibility="BACKWARD", SchemaDefinition=PAYMENT_V1)
        self.assertEqual(created["SchemaCheckpoint"], 1)
        self.assertEqual(created["LatestSchemaVersion"], 1)
        self.assertEqual(created["NextSchemaVersion"], 2)

        # Required settlement_currency without a default: refused, but as a 200 with Status FAILURE.
        v2 = self.glue.register_schema_version(SchemaId=sid, SchemaDefinition=PAYMENT_V2_BREAKING)
        self.assertEqual(v2["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(v2["Status"], "FAILURE")
        self.assertEqual(v2["VersionNumber"], 2)
        failed = self.glue.get_schema_version(SchemaVersionId=v2["SchemaVersionId"])
        self.assertEqual(failed["Status"], "FAILURE")
        schema = self.glue.get_schema(SchemaId=sid)
        self.assertEqual(schema["LatestSchemaVersion"], 2, "a FAILURE version consumes its number")
        self.assertEqual(schema["NextSchemaVersion"], 3)
        self.assertEqual(schema["SchemaCheckpoint"], 1)
        # A consumer looking up the refused definition must not resolve it as usable.
        try:
            byd = self.glue.get_schema_by_definition(SchemaId=sid, SchemaDefinition=PAYMENT_V2_BREAKING)
            self.assertNotEqual(byd["Status"], "AVAILABLE")
        except self.glue.exceptions.EntityNotFoundException:
            pass

        # The fix: ["null","string"] with "default": null.
        v3 = self.glue.register_schema_version(SchemaId=sid, SchemaDefinition=PAYMENT_V3)
        self.assertEqual((v3["Status"], v3["VersionNumber"]), ("AVAILABLE", 3))
        latest = self.glue.get_schema_version(SchemaId=sid, SchemaVersionNumber={"LatestVersion": True})
        self.assertEqual(latest["SchemaVersionId"], v3["SchemaVersionId"])
        self.assertEqual(latest["VersionNumber"], 3)

        diff = self.glue.get_schema_versions_diff(
            SchemaId=sid, FirstSchemaVersionNumber={"VersionNumber": 1},
            SecondSchemaVersionNumber={"VersionNumber": 3}, SchemaDiffType="SYNTAX_DIFF")
        self.assertIn("settlement_currency", diff["Diff"])

        # FULL also refuses the required field.
        self.glue.update_schema(SchemaId=sid, SchemaVersionNumber={"VersionNumber": 3}, Compatibility="FULL")
        self.assertEqual(self.glue.get_schema(SchemaId=sid)["Compatibility"], "FULL")
        v4 = self.glue.register_schema_version(
            SchemaId=sid, SchemaDefinition=record_schema("PaymentCaptured", [("payment_id", "string"),
                                                                             ("amount_cents", "long")]))
        self.assertEqual(v4["VersionNumber"], 4)
        # Dropping `currency` is backward-compatible (the new reader ignores it) but not forward:
        # the version-3 reader has no default for it. FULL needs both directions.
        self.assertEqual(v4["Status"], "FAILURE")


class FormatsTest(GlueTestCase):
    def test_json_and_protobuf_schemas(self):
        reg = self.new_registry("formats")
        js = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                         "properties": {"payment_id": {"type": "string"}}, "required": ["payment_id"]})
        out = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Json", DataFormat="JSON",
                                      Compatibility="NONE", SchemaDefinition=js)
        self.assertEqual(out["DataFormat"], "JSON")
        self.assertEqual(out["SchemaVersionStatus"], "AVAILABLE")
        # The same definition with other whitespace is the same version.
        again = self.glue.get_schema_by_definition(SchemaId={"RegistryName": reg, "SchemaName": "Json"},
                                                   SchemaDefinition=json.dumps(json.loads(js), indent=4))
        self.assertEqual(again["SchemaVersionId"], out["SchemaVersionId"])

        proto = 'syntax = "proto3";\npackage com.example.payments;\n\nmessage PaymentCaptured {\n  string payment_id = 1;\n  int64 amount_cents = 2;\n}\n'
        out = self.glue.create_schema(RegistryId={"RegistryName": reg}, SchemaName="Proto", DataFormat="PROTOBUF",
                                      Compatibility="BACKWARD", SchemaDefinition=proto)
        self.assertEqual(out["DataFormat"], "PROTOBUF")
        self.assertEqual(out["SchemaVersionStatus"], "AVAILABLE")
        got = self.glue.get_schema_version(SchemaVersionId=out["SchemaVersionId"])
        self.assertEqual(got["DataFormat"], "PROTOBUF")
        self.assertIn("PaymentCaptured", got["SchemaDefinition"])

        valid = self.glue.check_schema_version_validity(DataFormat="PROTOBUF", SchemaDefinition="message {")
        self.assertFalse(valid["Valid"])
        self.assertTrue(valid.get("Error"))
        valid = self.glue.check_schema_version_validity(DataFormat="JSON", SchemaDefinition=js)
        self.assertTrue(valid["Valid"])


if __name__ == "__main__":
    if not ENDPOINT:
        sys.stderr.write("boto3_test.py: set CARTA_ENDPOINT to the server's URL, e.g. http://127.0.0.1:8080\n")
        sys.exit(2)
    print("boto3 %s, botocore %s, python %s, endpoint %s" % (
        boto3.__version__, botocore.__version__, sys.version.split()[0], ENDPOINT))
    unittest.main(verbosity=2)
