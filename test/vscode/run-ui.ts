/**
 * Runs the UI scenarios: installs dist/trust-anchor-assessor.vsix once, starts a hermetic code-server
 * for each scenario, drives Debian's Chromium through playwright-core, and checks that no request
 * left 127.0.0.1.
 *
 * Usage: node out/test/vscode/run-ui.js [--grep PATTERN]   (npm run test:ui, which packages first)
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, type BrowserSession } from './harness/browser';
import { ensureCodeServer, REPO_ROOT, requireSystemPackages, type CodeServerInstall } from './harness/install';
import { onTeardown, teardownAll } from './harness/processes';
import { formatSeconds, PeakMemorySampler, printLayerSummary, type LayerCounts } from './harness/report';
import { installExtensions, startServer } from './harness/server';
import { waitForWorkbench } from './harness/workbench';
import { SCENARIOS, type Scenario } from './ui/scenarios';
import { startDemoClusters } from '../fixtures/demo';

const LAYER = 'UI (playwright-core + Chromium on code-server)';
export const VSIX_PATH = join(REPO_ROOT, 'dist', 'trust-anchor-assessor.vsix');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'ui');
const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
const SCENARIO_TIMEOUT_MS = 90_000;

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

interface ScenarioEnvironment {
  install: CodeServerInstall;
  runDir: string;
  extensionsDir: string;
  browser: BrowserSession;
}

const TRACE = process.env.TRUST_ANCHOR_UI_TRACE === '1';
let scenarioStartedAt = Date.now();

/** With TRUST_ANCHOR_UI_TRACE=1, prints each step's time since the scenario started. */
function trace(scenario: Scenario, step: string): void {
  if (TRACE) console.log(`    [${formatSeconds(Date.now() - scenarioStartedAt)}] ${scenario.name}: ${step}`);
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${description} timed out after ${milliseconds / 1000} s`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one scenario against a server of its own. Every page load starts an extension host that the
 * server keeps for reconnection after the page goes away, so sharing a server between scenarios
 * piles up extension hosts and once left a workbench that never listed the workspace.
 */
async function runScenario(scenario: Scenario, environment: ScenarioEnvironment): Promise<void> {
  scenarioStartedAt = Date.now();
  const scenarioDir = join(environment.runDir, slug(scenario.name));

  // The folder keeps the name examples, so the workbench and the screenshots show that name.
  const workspace = join(scenarioDir, 'examples');
  cpSync(EXAMPLES_DIR, workspace, { recursive: true });
  const demo = scenario.demoClusters ? await startDemoClusters(join(scenarioDir, 'demo')) : undefined;
  if (demo) onTeardown(demo.stop);
  const server = await startServer({
    kubeconfig: demo?.kubeconfigPath,
    install: environment.install,
    workspace,
    runDir: join(scenarioDir, 'server'),
    removeRunDir: false,
    extensionsDir: environment.extensionsDir,
    disableWorkspaceTrust: true,
    log: (line) => trace(scenario, line),
  });
  const page = await environment.browser.newPage();
  const consoleLines: string[] = [];
  page.on('console', (message) => consoleLines.push(`[${formatSeconds(Date.now() - scenarioStartedAt)}] ${message.type()}: ${message.text()}`));
  try {
    await withTimeout(
      scenario.run({
        page,
        workspace,
        openWorkbench: async () => {
          await page.goto(server.workbenchUrl(workspace));
          await waitForWorkbench(page);
          trace(scenario, 'workbench ready');
        },
        trace: (step) => trace(scenario, step),
        screenshot: async (name) => {
          await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
        },
      }),
      SCENARIO_TIMEOUT_MS,
      `Scenario "${scenario.name}"`,
    );
  } catch (error) {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `failed-${slug(scenario.name)}.png`) }).catch(() => undefined);
    if (existsSync(server.logFile)) copyFileSync(server.logFile, join(SCREENSHOT_DIR, `failed-${slug(scenario.name)}-code-server.log`));
    writeFileSync(join(SCREENSHOT_DIR, `failed-${slug(scenario.name)}-browser-console.log`), `${consoleLines.join('\n')}\n`);
    throw error;
  } finally {
    await page.context().close();
    await server.stop();
    await demo?.stop();
  }
}

/**
 * Proves that the guard the last check relies on works: a request to a documentation-only address
 * (TEST-NET-1, RFC 5737) is aborted inside the browser and counted. The count is then cleared.
 */
async function checkNetworkGuard(browser: BrowserSession): Promise<void> {
  const probe = 'http://192.0.2.1/trust-anchor-network-guard-probe';
  const page = await browser.newPage();
  try {
    const error = await page.goto(probe).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (!error) throw new Error(`the network guard let ${probe} through`);
    if (!browser.blockedRequests.includes(probe)) throw new Error(`the network guard did not count ${probe}; counted: ${browser.blockedRequests.join(', ') || '(none)'}`);
  } finally {
    await page.context().close();
  }
  browser.blockedRequests.length = 0;
}

async function main(): Promise<number> {
  const started = Date.now();
  const memory = new PeakMemorySampler();
  const counts: LayerCounts = { passed: 0, failed: 0, skipped: 0 };
  const grepIndex = process.argv.indexOf('--grep');
  const grep = grepIndex >= 0 ? new RegExp(process.argv[grepIndex + 1], 'i') : undefined;

  try {
    requireSystemPackages({ chromium: true, ripgrep: true });
    if (!existsSync(VSIX_PATH)) throw new Error(`${VSIX_PATH} not found. Run "npm run package" first.`);
    if (!existsSync(EXAMPLES_DIR)) throw new Error(`${EXAMPLES_DIR} not found; the UI scenarios open the example manifests.`);
    // Screenshots of an earlier run would pass for this run's in `npm run screenshots`.
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });

    const install = ensureCodeServer();
    const runDir = mkdtempSync(join(tmpdir(), 'trust-anchor-ui-'));
    onTeardown(async () => rmSync(runDir, { recursive: true, force: true }));

    // The .vsix is installed once; each scenario's server reads the same extensions folder.
    const extensionsDir = join(runDir, 'extensions');
    installExtensions(install, join(runDir, 'install-user-data'), extensionsDir, [VSIX_PATH]);
    const browser = await launchBrowser();
    const environment: ScenarioEnvironment = { install, runDir, extensionsDir, browser };

    console.log('');
    try {
      await checkNetworkGuard(browser);
      counts.passed++;
      console.log('  ✔ network guard blocks and counts a request to another host');
    } catch (error) {
      counts.failed++;
      console.log(`  ✘ network guard blocks and counts a request to another host\n      ${error instanceof Error ? error.message : String(error)}`);
    }

    for (const scenario of SCENARIOS) {
      if (grep && !grep.test(scenario.name)) {
        counts.skipped++;
        continue;
      }
      const scenarioStarted = Date.now();
      try {
        await runScenario(scenario, environment);
        counts.passed++;
        console.log(`  ✔ ${scenario.name} (${formatSeconds(Date.now() - scenarioStarted)})`);
      } catch (error) {
        counts.failed++;
        console.log(`  ✘ ${scenario.name} (${formatSeconds(Date.now() - scenarioStarted)})`);
        console.log(`      ${(error instanceof Error ? error.message : String(error)).split('\n').join('\n      ')}`);
      }
    }

    if (browser.blockedRequests.length === 0) {
      counts.passed++;
      console.log('  ✔ no request left 127.0.0.1');
    } else {
      counts.failed++;
      console.log(`  ✘ ${browser.blockedRequests.length} request(s) to hosts other than 127.0.0.1 were blocked:`);
      for (const url of [...new Set(browser.blockedRequests)]) console.log(`      ${url}`);
    }
    console.log(`  screenshots: ${SCREENSHOT_DIR}`);
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
