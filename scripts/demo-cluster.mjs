// Starts two fixture API servers on 127.0.0.1 (a cluster-bound estate and a portable one) and
// writes a kubeconfig with one context for each. Serves until stopped with Ctrl+C.
//
//   npm run demo:cluster -- --kubeconfig FILE [--port-base 16443]
//
// The servers and their data come from test/fixtures/demo.ts, compiled by `npm run compile`.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const fixtures = join(root, 'out', 'test', 'fixtures');

function usage(message) {
  if (message) process.stderr.write(`demo:cluster: ${message}\n`);
  process.stderr.write('Usage: npm run demo:cluster -- --kubeconfig FILE [--port-base PORT]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
let kubeconfig;
let portBase = 0;
for (let index = 0; index < args.length; index++) {
  const arg = args[index];
  if (arg === '--kubeconfig') kubeconfig = args[++index];
  else if (arg.startsWith('--kubeconfig=')) kubeconfig = arg.slice('--kubeconfig='.length);
  else if (arg === '--port-base') portBase = Number(args[++index]);
  else if (arg === '--help' || arg === '-h') usage();
  else usage(`unknown argument ${arg}`);
}
if (!kubeconfig) usage('--kubeconfig FILE is required: the file the demo writes its two contexts to.');
if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65533) usage(`--port-base must be a port number, not ${portBase}.`);
if (!existsSync(join(fixtures, 'demo.js'))) usage(`${fixtures}/demo.js is missing. Run "npm run compile" first.`);

const { startDemoClusters } = require(join(fixtures, 'demo.js'));

const file = resolve(kubeconfig);
let demo;
try {
  demo = await startDemoClusters(dirname(file), { kubeconfigPath: file, portBase });
} catch (error) {
  process.stderr.write(`demo:cluster: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error?.code === 'EADDRINUSE') process.stderr.write('Pick another --port-base, or leave it out to use free ports.\n');
  process.exit(1);
}
const [boundCluster, portableCluster] = demo.clusters;

process.stdout.write(`Fixture clusters are serving:\n  cluster-bound  ${boundCluster.url}  (${boundCluster.objectCount} objects)\n  portable       ${portableCluster.url}  (${portableCluster.objectCount} objects)\n`);
process.stdout.write(`Kubeconfig written to ${file} (current context: cluster-bound).\n`);
process.stdout.write(`Try: kubectl --kubeconfig ${file} get configmaps -A\n     node bin/trust-anchor.js compare --kubeconfig ${file} --contexts cluster-bound,portable\nPress Ctrl+C to stop.\n`);

async function shutdown() {
  await demo.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
