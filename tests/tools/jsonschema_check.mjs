#!/usr/bin/env node
// SPDX-License-Identifier: EUPL-1.2
// jsonschema_check.mjs SCHEMA FILE...
//
// Validates each JSON FILE against the JSON Schema (2020-12) SCHEMA with Ajv
// (strict mode off, all errors) from the tools cache. Prints "FILE: OK" or
// one line per error with its JSON pointer.
// Last line: "jsonschema: N files, M invalid".
// Exit: 0 all valid, 1 some invalid, 2 usage or setup error.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.RATHAUS_TOOLS_DIR || path.join(os.homedir(), '.cache/rathaus-tools');
const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  console.error('usage: node jsonschema_check.mjs SCHEMA FILE...');
  process.exit(2);
}
try {
  execFileSync(path.join(here, 'setup'), ['node'], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  console.error(`jsonschema_check.mjs: setup failed; run ${path.join(here, 'setup')}`);
  process.exit(2);
}
const require = createRequire(path.join(cache, 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));
let bad = 0;
for (const f of files) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.log(`${f}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  if (validate(doc)) {
    console.log(`${f}: OK`);
    continue;
  }
  bad++;
  for (const e of validate.errors) console.log(`${f}: ${e.instancePath || '/'}: ${e.message}`);
}
console.log(`jsonschema: ${files.length} files, ${bad} invalid`);
process.exit(bad ? 1 : 0);
