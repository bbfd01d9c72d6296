// `npm run screenshots`: copies the UI suite's screenshots chosen for the documentation from
// test-results/ui/ to docs/images/. The UI tests only write test-results/; run `npm run test:ui`
// first, then look at the images before committing them.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(repoRoot, 'test-results', 'ui');
const targetDir = join(repoRoot, 'docs', 'images');

// Screenshot written by a UI scenario → file name under docs/images/.
const CHOSEN = {
  'problems-panel.png': 'problems-panel.png',
  'hover.png': 'hover.png',
  'quick-fix-menu.png': 'quick-fix.png',
  'migration-snippet.png': 'migration-snippet.png',
  'wizard-2-issuer-independence.png': 'assessment-evidence.png',
  'wizard-8-results.png': 'assessment-results.png',
};

const missing = Object.keys(CHOSEN).filter((name) => !existsSync(join(sourceDir, name)));
if (missing.length > 0) {
  console.error(`Missing in ${relative(repoRoot, sourceDir)}/: ${missing.join(', ')}. Run "npm run test:ui" first; a failed scenario writes no screenshot.`);
  process.exit(1);
}

mkdirSync(targetDir, { recursive: true });
for (const [source, target] of Object.entries(CHOSEN)) {
  const from = join(sourceDir, source);
  const to = join(targetDir, target);
  copyFileSync(from, to);
  const takenAt = statSync(from).mtime.toISOString();
  console.log(`${relative(repoRoot, from)} → ${relative(repoRoot, to)} (taken ${takenAt})`);
}
