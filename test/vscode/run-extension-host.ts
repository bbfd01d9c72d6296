/**
 * Runs the extension-host suite (test/vscode/suite) inside code-server's test mode: the workbench URL
 * carries extensionDevelopmentPath and extensionTestsPath, a headless page starts the remote extension
 * host, and the exit code and the runner's output arrive through functions exposed on the page.
 * The demo clusters (test/fixtures/demo.ts) serve on 127.0.0.1 for the run, and the server's
 * KUBECONFIG is their kubeconfig, so the cluster tests read them and nothing reads ~/.kube/config.
 *
 * The suite runs in two passes, each in its own code-server with fresh user data: the whole suite
 * with --disable-workspace-trust, then only the Restricted Mode suite with workspace trust on, where
 * code-server's test mode leaves the folder untrusted.
 *
 * Usage: node out/test/vscode/run-extension-host.js [--grep PATTERN]   (npm run test:vscode)
 * With --grep, the Restricted Mode pass runs only when PATTERN matches its suite title.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { DEMO_KUBECONFIG_VARIABLE, startDemoClusters } from '../fixtures/demo';
import { launchBrowser, type BrowserSession } from './harness/browser';
import { ensureCodeServer, REPO_ROOT, requireSystemPackages, type CodeServerInstall } from './harness/install';
import { onTeardown, teardownAll } from './harness/processes';
import { PeakMemorySampler, printLayerSummary, type LayerCounts } from './harness/report';
import { startServer } from './harness/server';
import { RESTRICTED_MODE_VARIABLE, RESTRICTED_SUITE_TITLE } from './harness/suite-passes';
import { FIXTURE_WORKSPACE, prepareRunDir } from './harness/workspace';
import { GREP_VARIABLE, RESULT_MARKER, START_MARKER } from './suite/index';

const LAYER = 'extension host (code-server test mode)';
const SUITE_TIMEOUT_MS = 240_000;
/** Workbench log lines unrelated to the suite (and the trust prompt of the Restricted Mode pass), which would bury its output. */
const WORKBENCH_NOISE = /^(Updating additional builtin extensions cache|Ignoring fetching additional builtin extensions|DialogService: refused to show dialog in tests\. Contents: Do you trust the authors)/;

function parseArguments(argv: string[]): { grep?: string } {
  const grepIndex = argv.indexOf('--grep');
  return grepIndex >= 0 ? { grep: argv[grepIndex + 1] } : {};
}

/** Formats one codeAutomationLog call; the workbench passes either a string or an argument list. */
function formatAutomationLog(message: unknown): string {
  if (Array.isArray(message)) return format(...(message as unknown[]));
  return typeof message === 'string' ? message : format(message);
}

interface SuitePass {
  name: string;
  install: CodeServerInstall;
  browser: BrowserSession;
  suiteEntry: string;
  kubeconfig: string;
  disableWorkspaceTrust: boolean;
  environment: NodeJS.ProcessEnv;
}

/** Runs the suite once in a fresh code-server and returns mocha's counts; the server is stopped before it returns. */
async function runSuitePass(pass: SuitePass): Promise<LayerCounts> {
  const counts: LayerCounts = { passed: 0, failed: 0, skipped: 0 };

  // The suite edits and saves files, so it works on a copy of the fixture workspace.
  const { runDir, workspace } = prepareRunDir('extension-host', FIXTURE_WORKSPACE);
  onTeardown(async () => rmSync(runDir, { recursive: true, force: true }));

  const server = await startServer({
    install: pass.install,
    workspace,
    runDir,
    removeRunDir: true,
    disableWorkspaceTrust: pass.disableWorkspaceTrust,
    kubeconfig: pass.kubeconfig,
    environment: pass.environment,
  });
  const page = await pass.browser.newPage();

  try {
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
      ['extensionTestsPath', server.remoteUri(pass.suiteEntry)],
    ]);
    await page.goto(url);

    const timeout = new Promise<number>((resolveTimeout) => setTimeout(() => resolveTimeout(-1), SUITE_TIMEOUT_MS).unref());
    const code = await Promise.race([exited, timeout]);
    if (code === -1) throw new Error(`The ${pass.name} did not finish within ${SUITE_TIMEOUT_MS / 1000} s. Server log: ${server.logFile}`);

    if (resultLine) {
      Object.assign(counts, JSON.parse(resultLine) as LayerCounts);
    } else {
      // The suite never reported (it failed to load), so the pass counts as one failure.
      console.error(`The extension host of the ${pass.name} exited with code ${exitCode} without a ${RESULT_MARKER} line; the suite did not load or crashed. Workbench log:\n${workbenchLog.join('\n')}`);
      counts.failed = Math.max(1, counts.failed);
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    await page.close();
    await server.stop();
  }
}

/** Returns true when the Restricted Mode pass should run for this --grep pattern (or none). */
function selectsRestrictedPass(grep: string | undefined): boolean {
  return grep === undefined || new RegExp(grep).test(RESTRICTED_SUITE_TITLE);
}

function addCounts(total: LayerCounts, pass: LayerCounts): void {
  total.passed += pass.passed;
  total.failed += pass.failed;
  total.skipped += pass.skipped;
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

    // Registered before the servers, so teardown (newest first) stops the servers before the clusters.
    const demoDir = mkdtempSync(join(tmpdir(), 'trust-anchor-demo-kubeconfig-'));
    onTeardown(async () => rmSync(demoDir, { recursive: true, force: true }));
    const demo = await startDemoClusters(demoDir);
    onTeardown(() => demo.stop());
    console.log(`Demo clusters for the suite: ${demo.clusters.map((cluster) => `${cluster.context} ${cluster.url}`).join(', ')}`);

    const browser = await launchBrowser();
    const common = { install, browser, suiteEntry, kubeconfig: demo.kubeconfigPath };

    const trustedEnvironment: NodeJS.ProcessEnv = { [DEMO_KUBECONFIG_VARIABLE]: demo.kubeconfigPath };
    if (options.grep) trustedEnvironment[GREP_VARIABLE] = options.grep;
    addCounts(counts, await runSuitePass({ ...common, name: 'suite', disableWorkspaceTrust: true, environment: trustedEnvironment }));

    // The extension reads Secret metadata only, so no response of the fixture servers may carry Secret data.
    const trustedRequests = demo.requests();
    const secretResponses = trustedRequests.filter((entry) => entry.returnedSecretData);
    if (secretResponses.length > 0) {
      console.error(`The fixture API servers returned Secret data for: ${secretResponses.map((entry) => `${entry.path}?${entry.query}`).join(', ')}`);
      counts.failed++;
    }

    if (selectsRestrictedPass(options.grep)) {
      console.log(`\nRestricted Mode pass (workspace trust on):`);
      const restrictedEnvironment: NodeJS.ProcessEnv = {
        [DEMO_KUBECONFIG_VARIABLE]: demo.kubeconfigPath,
        [RESTRICTED_MODE_VARIABLE]: '1',
        [GREP_VARIABLE]: `^${RESTRICTED_SUITE_TITLE} `,
      };
      addCounts(counts, await runSuitePass({ ...common, name: 'Restricted Mode pass', disableWorkspaceTrust: false, environment: restrictedEnvironment }));

      // The refused commands must not have reached a cluster.
      const restrictedRequests = demo.requests().length - trustedRequests.length;
      if (restrictedRequests > 0) {
        console.error(`The cluster commands sent ${restrictedRequests} requests to the fixture API servers in Restricted Mode; they must send none.`);
        counts.failed++;
      }
    }
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
