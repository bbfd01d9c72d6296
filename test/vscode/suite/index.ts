/**
 * Extension-host test entry: the classic `run(): Promise<void>` that VS Code calls when it is started
 * with `extensionTestsPath`. The same file serves code-server's test mode (test:vscode) and
 * @vscode/test-electron on a desktop VS Code (test:desktop).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';

/** Printed before the first test, so the harness can tell the suite's output from the workbench's. */
export const START_MARKER = 'TRUST_ANCHOR_SUITE_START';
/** Prefix of the line that carries the counts to the harness, which parses it from the log. */
export const RESULT_MARKER = 'TRUST_ANCHOR_SUITE_RESULT';
/** Environment variable naming a file the counts are also written to, as JSON. */
export const RESULT_FILE_VARIABLE = 'TRUST_ANCHOR_SUITE_RESULT_FILE';
/** Environment variable with a pattern; only tests whose full title matches it run. */
export const GREP_VARIABLE = 'TRUST_ANCHOR_TEST_GREP';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  const grep = process.env[GREP_VARIABLE];
  if (grep) mocha.grep(grep);

  // out/ keeps compiled files of deleted tests until it is cleaned, so only files with a source run.
  const sourceDir = resolve(__dirname, '../../../../test/vscode/suite');
  for (const name of readdirSync(__dirname).filter((file) => file.endsWith('.test.js')).sort()) {
    if (existsSync(join(sourceDir, name.replace(/\.js$/, '.ts')))) mocha.addFile(join(__dirname, name));
    else console.log(`Skipping ${name}: its source ${name.replace(/\.js$/, '.ts')} no longer exists in ${sourceDir}.`);
  }

  return new Promise((resolveRun, rejectRun) => {
    try {
      console.log(START_MARKER);
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        const result = JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped: stats.pending });
        console.log(`${RESULT_MARKER} ${result}`);
        const resultFile = process.env[RESULT_FILE_VARIABLE];
        if (resultFile) writeFileSync(resultFile, `${result}\n`);
        if (failures > 0) rejectRun(new Error(`${failures} extension-host test(s) failed.`));
        else resolveRun();
      });
    } catch (error) {
      rejectRun(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
