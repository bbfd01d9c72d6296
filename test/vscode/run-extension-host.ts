/**
 * Runs the extension-host suite (test/vscode/suite) inside code-server's test mode: the workbench URL
 * carries extensionDevelopmentPath and extensionTestsPath, a headless page starts the remote extension
 * host, and the exit code and the runner's output arrive through functions exposed on the page.
 *
 * Usage: node out/test/vscode/run-extension-host.js [--grep PATTERN]   (npm run test:vscode)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser } from './harness/browser';
import { ensureCodeServer, REPO_ROOT, requireSystemPackages } from './harness/install';
import { teardownAll } from './harness/processes';
import { PeakMemorySampler, printLayerSummary, type LayerCounts } from './harness/report';
import { startServer } from './harness/server';
import { FIXTURE_WORKSPACE, prepareRunDir } from './harness/workspace';
import { GREP_VARIABLE, RESULT_MARKER, START_MARKER } from './suite/index';

const LAYER = 'extension host (code-server test mode)';
const SUITE_TIMEOUT_MS = 240_000;
/** Workbench log lines unrelated to the suite, which would bury its output. */
const WORKBENCH_NOISE = /^(Updating additional builtin extensions cache|Ignoring fetching additional builtin extensions)/;

function parseArguments(argv: string[]): { grep?: string } {
  const grepIndex = argv.indexOf('--grep');
  return grepIndex >= 0 ? { grep: argv[grepIndex + 1] } : {};
}

/** Formats one codeAutomationLog call; the workbench passes either a string or an argument list. */
function formatAutomationLog(message: unknown): string {
  if (Array.isArray(message)) return format(...(message as unknown[]));
  return typeof message === 'string' ? message : format(message);
}

async function main(): Promise<number> {
  const started = Date.now();
  const memory = new PeakMemorySampler();
  const counts: LayerCounts = { passed: 0, failed: 0, skipped: 0 };
  const options = parseArguments(process.argv.slice(2));

  try {
    requireSystemPackages({ chromium: true, ripgrep: true });
    const extensionBundle = join(REPO_ROOT, 'dist', 'extension.js');
    const suiteEntry = join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
    if (!existsSync(extensionBundle)) throw new Error(`${extensionBundle} not found. Run "npm run build" first.`);
    if (!existsSync(suiteEntry)) throw new Error(`${suiteEntry} not found. Run "npm run compile" first.`);

    const install = ensureCodeServer();

    // The suite edits and saves files, so it works on a copy of the fixture workspace.
    const { runDir, workspace } = prepareRunDir('extension-host', FIXTURE_WORKSPACE);

    const environment: NodeJS.ProcessEnv = {};
    if (options.grep) environment[GREP_VARIABLE] = options.grep;
    const server = await startServer({ install, workspace, runDir, removeRunDir: true, disableWorkspaceTrust: true, environment });
    const browser = await launchBrowser();
    const page = await browser.newPage();

    // The workbench's own log lines are held back unless the suite never starts.
    const workbenchLog: string[] = [];
    let suiteStarted = false;
    let resultLine: string | undefined;
    let exitCode: number | undefined;
    const exited = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => {
        exitCode = code;
        resolveExit(code);
      });
    });
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = formatAutomationLog(message);
      if (text.includes(START_MARKER)) {
        suiteStarted = true;
        return;
      }
      if (text.includes(RESULT_MARKER)) {
        resultLine = text.slice(text.indexOf(RESULT_MARKER) + RESULT_MARKER.length).trim();
        return;
      }
      if (WORKBENCH_NOISE.test(text)) return;
      if (suiteStarted || level === 'error') process.stdout.write(`${text}\n`);
      else workbenchLog.push(`[${level}] ${text}`);
    });

    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(suiteEntry)],
    ]);
    await page.goto(url);

    const timeout = new Promise<number>((resolveTimeout) => setTimeout(() => resolveTimeout(-1), SUITE_TIMEOUT_MS).unref());
    const code = await Promise.race([exited, timeout]);
    if (code === -1) throw new Error(`The extension-host suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s. Server log: ${server.logFile}`);

    if (resultLine) {
      const parsed = JSON.parse(resultLine) as LayerCounts;
      Object.assign(counts, parsed);
    } else {
      // The suite never reported (it failed to load), so the run counts as one failure.
      console.error(`The extension host exited with code ${exitCode} without a ${RESULT_MARKER} line; the suite did not load or crashed. Workbench log:\n${workbenchLog.join('\n')}`);
      counts.failed = Math.max(1, counts.failed);
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    counts.failed = Math.max(1, counts.failed);
  } finally {
    await teardownAll();
  }

  printLayerSummary(LAYER, counts, Date.now() - started, memory.stop());
  return counts.failed === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
