// Benchmark of ajv, the same measure as bench_validate.cpp: JSON.parse + validate every line of a JSON Lines
// file, best of ROUNDS rounds, file read beforehand; garbage collection is V8's, counted wherever it happens. ajv compiles the schema once to JavaScript (its normal use).
//
// usage: node ajv_bench.js SCHEMA JSONL [ROUNDS]   (run with NODE_PATH pointing at tools/ajv/node_modules)
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaPath, dataPath, roundsArg] = process.argv.slice(2);
const rounds = Math.max(1, parseInt(roundsArg || '5', 10));
// allErrors off: like simmer's is_valid(), ajv stops at the first problem; errors are still built for it.
const ajv = new Ajv({ strict: false });
addFormats(ajv, ['date-time']);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
const lines = fs.readFileSync(dataPath, 'utf8').split('\n').filter((line) => line.length > 0);

// Two phases per round, like bench_validate.cpp: parse every line, then validate every document.
let bestTotal = Infinity;
let bestValidate = Infinity;
let invalid = 0;
let issues = 0;
for (let round = 0; round < rounds; ++round) {
  invalid = 0;
  issues = 0;
  const started = process.hrtime.bigint();
  const documents = lines.map((line) => JSON.parse(line));
  const parsed = process.hrtime.bigint();
  for (const document of documents) {
    if (!validate(document)) {
      ++invalid;
      issues += validate.errors.length;
    }
  }
  const validated = process.hrtime.bigint();
  bestTotal = Math.min(bestTotal, Number(validated - started) / 1e9);
  bestValidate = Math.min(bestValidate, Number(validated - parsed) / 1e9);
}
console.log(`ajv documents=${lines.length} invalid=${invalid} issues=${issues} seconds=${bestTotal} ` +
            `docs_per_s=${Math.floor(lines.length / bestTotal)} validate_seconds=${bestValidate} ` +
            `validate_docs_per_s=${Math.floor(lines.length / bestValidate)}`);
