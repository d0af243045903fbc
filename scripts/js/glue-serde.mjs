// Drives @meinestadt.de/glue-schema-registry (the JavaScript Glue SerDe) against a Carta
// server for the interoperability tests in e2e/.
//
//   node glue-serde.mjs produce   registers SCHEMA_FILE as a version of REGISTRY/SCHEMA and
//                                 writes one JSON line per record of RECORDS (a JSON array):
//                                 {"hex": "<framed record>", "compress": true|false}
//   node glue-serde.mjs consume   reads hex records, one per line, on stdin, decodes each with
//                                 the reader schema in SCHEMA_FILE and writes it as a JSON line
//
// The server is CARTA_URL; credentials are dummies (Carta checks no signatures).
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { GlueSchemaRegistry, SchemaType } from '@meinestadt.de/glue-schema-registry';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

const registry = new GlueSchemaRegistry(env('REGISTRY'), {
  region: 'us-east-1',
  endpoint: env('CARTA_URL'),
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});
const schemaText = readFileSync(env('SCHEMA_FILE'), 'utf8');

async function produce() {
  const id = await registry.register({ schemaName: env('SCHEMA'), type: SchemaType.AVRO, schema: schemaText });
  const records = JSON.parse(env('RECORDS'));
  for (const [i, record] of records.entries()) {
    // Every other record uncompressed: the package compresses (zlib) by default.
    const compress = i % 2 === 0;
    const buf = await registry.encode(id, record, { compress });
    process.stdout.write(JSON.stringify({ id, hex: buf.toString('hex'), compress }) + '\n');
  }
}

async function consume() {
  const reader = avsc.Type.forSchema(JSON.parse(schemaText));
  const input = readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const line of input) {
    const obj = await registry.decode(Buffer.from(line.trim(), 'hex'), reader);
    process.stdout.write(JSON.stringify(obj) + '\n');
  }
}

const mode = process.argv[2];
const run = mode === 'produce' ? produce : mode === 'consume' ? consume : null;
if (!run) {
  console.error('usage: node glue-serde.mjs produce|consume');
  process.exit(2);
}
run().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
