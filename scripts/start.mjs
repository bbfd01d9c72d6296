// `npm start`: builds and packages the extension, installs the .vsix into a sandbox code-server and
// serves the examples/ folder on 127.0.0.1 until Ctrl+C. It also starts the two demo clusters
// (fixture API servers on 127.0.0.1, contexts cluster-bound and portable) and gives the sandbox
// their kubeconfig as KUBECONFIG. The sandbox has its own user data, extensions folder and
// kubeconfig under test/vscode/.cache/sandbox, so it never touches your VS Code, its settings or
// ~/.kube/config. Ctrl+C stops the server and the clusters.
//
// Options: --port N (default: a free port), --no-build (reuse dist/trust-anchor-assessor.vsix),
// --no-clusters (an empty kubeconfig instead of the demo clusters).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

if (args.includes('--help')) {
  console.log('Usage: npm start -- [--port N] [--no-build] [--no-clusters]');
  console.log('  --port N       listen on 127.0.0.1:N instead of a free port');
  console.log('  --no-build     skip building and packaging; install the existing dist/trust-anchor-assessor.vsix');
  console.log('  --no-clusters  start no demo clusters; the sandbox gets an empty kubeconfig');
  process.exit(0);
}

function option(name) {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function run(command, commandArgs) {
  console.log(`> ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`"${command} ${commandArgs.join(' ')}" failed (exit ${result.status ?? result.signal}); the sandbox was not started.`);
    process.exit(1);
  }
}

const portText = option('--port');
const port = portText === undefined ? undefined : Number(portText);
if (portText !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
  console.error(`Invalid --port "${portText}": expected a whole number from 1 to 65535.`);
  process.exit(1);
}

const vsix = join(repoRoot, 'dist', 'trust-anchor-assessor.vsix');
if (!args.includes('--no-build')) run('npm', ['run', 'package']);
if (!existsSync(vsix)) {
  console.error(`${vsix} not found. Run "npm start" without --no-build, or "npm run package".`);
  process.exit(1);
}

// The installer and server lifecycle are the test harness's, compiled from TypeScript.
run('npx', ['tsc', '-p', 'tsconfig.json']);
const { ensureCodeServer, missingSystemPackages, APT_INSTALL_HINT } = require('../out/test/vscode/harness/install.js');
const { startServer } = require('../out/test/vscode/harness/server.js');
const { onTeardown, setExitCodeOnSignal, teardownAll } = require('../out/test/vscode/harness/processes.js');
const { startDemoClusters } = require('../out/test/fixtures/demo.js');

for (const message of missingSystemPackages({ chromium: false, ripgrep: true })) {
  console.warn(`warning: ${message}\n  Install it with: ${APT_INSTALL_HINT}`);
}

const install = ensureCodeServer();
const sandbox = join(repoRoot, 'test', 'vscode', '.cache', 'sandbox');
mkdirSync(sandbox, { recursive: true });
const workspace = join(repoRoot, 'examples');

setExitCodeOnSignal(0);
let demo;
if (!args.includes('--no-clusters')) {
  try {
    demo = await startDemoClusters(sandbox);
  } catch (error) {
    console.error(`The demo clusters did not start: ${error instanceof Error ? error.message : String(error)}`);
    console.error('"npm start -- --no-clusters" starts the sandbox without them.');
    process.exit(1);
  }
  // Registered before the server, so Ctrl+C (teardown runs newest first) stops the server first.
  onTeardown(() => demo.stop());
}

let server;
try {
  server = await startServer({
    install,
    workspace,
    runDir: sandbox,
    removeRunDir: false,
    preserveUserSettings: true,
    extensions: [vsix],
    port,
    kubeconfig: demo?.kubeconfigPath,
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await teardownAll();
  process.exit(1);
}

console.log('');
console.log(`Trust Anchor Assessor sandbox: ${server.workbenchUrl(workspace)}`);
console.log(`  user data, extensions and logs: ${sandbox}`);
if (demo) {
  console.log(`  cluster contexts (KUBECONFIG=${demo.kubeconfigPath}):`);
  for (const cluster of demo.clusters) console.log(`    ${cluster.context.padEnd(14)} ${cluster.url}  (${cluster.objectCount} objects)`);
  console.log(`  Try: kubectl --kubeconfig ${demo.kubeconfigPath} get configmaps -A`);
} else {
  console.log('  cluster contexts: none (--no-clusters; the kubeconfig is empty)');
}
console.log('  Press Ctrl+C to stop the sandbox and the clusters.');

// On Ctrl+C the harness's signal handler stops the server and exits; any other exit is a failure.
void server.exited.then(async (exitStatus) => {
  if (server.stopRequested()) return;
  console.error(`code-server stopped unexpectedly (${exitStatus}). Its log: ${server.logFile}`);
  await teardownAll();
  process.exit(1);
});
