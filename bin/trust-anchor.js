#!/usr/bin/env node
'use strict';
// The CLI is bundled by `npm run build` (also run by `npm ci` through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`trust-anchor: ${bundle} is missing. Run "npm run build" in ${path.dirname(__dirname)} first.\n`);
  process.exit(2);
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`trust-anchor: ${error && error.stack ? error.stack : String(error)}\n`); process.exitCode = 2; },
);
