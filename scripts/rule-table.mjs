// Writes docs/rules/README.md, the index of every rule, from the compiled registry.
// Run `npm run compile` first; a unit test checks that the index lists every rule.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ALL_RULES, KNOWN_RULES } = require('../out/src/engine/rules/index.js');
const { SYSTEM_TITLES, DIMENSION_TITLES } = require('../out/src/engine/model.js');

const lines = [
  '# Rules',
  '',
  `${ALL_RULES.length} manifest rules (${ALL_RULES.filter((rule) => rule.fixable).length} with quick fixes) and ${KNOWN_RULES.length - ALL_RULES.length} checks on live cluster evidence. Severities map the risk of each signal:`,
  '`error` (identity root lost on a restart or rebuild), `warning` (portability reduced or rotation fragile),',
  '`info` (hygiene) and `hint` (coupling that is by design). Change a severity with the `trustAnchor.rules`',
  'setting or `trust-anchor scan --rule ID=SEVERITY`.',
  '',
];
for (const system of Object.keys(SYSTEM_TITLES)) {
  const rules = KNOWN_RULES.filter((rule) => rule.system === system);
  if (rules.length === 0) continue;
  lines.push(`## ${SYSTEM_TITLES[system]}`, '', '| rule | what it finds | dimension | severity | quick fix |', '|---|---|---|---|---|');
  for (const rule of rules) {
    lines.push(`| [${rule.id}](${rule.id}.md) | ${rule.title.replace(/\|/g, '\\|')} | ${DIMENSION_TITLES[rule.dimension]} | ${rule.severity} | ${rule.fixable ? 'yes' : 'no'} |`);
  }
  lines.push('');
}
writeFileSync('docs/rules/README.md', lines.join('\n'));
console.log(`docs/rules/README.md: ${KNOWN_RULES.length} rules`);
