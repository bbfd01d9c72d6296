// Starts two fixture API servers on 127.0.0.1 (a cluster-bound estate and a portable one) and
// writes a kubeconfig with one context for each. Serves until stopped with Ctrl+C.
//
//   npm run demo:cluster -- --kubeconfig FILE [--port-base 16443]
//
// The fixture server and its data are compiled from test/fixtures by `npm run compile`.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
if (!existsSync(join(fixtures, 'cluster.js'))) usage(`${fixtures}/cluster.js is missing. Run "npm run compile" first.`);

const { TestPki } = require(join(fixtures, 'pki.js'));
const { startFixtureCluster, writeKubeconfig } = require(join(fixtures, 'cluster.js'));
const { clusterBoundEstate, portableEstate } = require(join(fixtures, 'estates.js'));

const pki = new TestPki(mkdtempSync(join(tmpdir(), 'trust-anchor-demo-')));
const boundCluster = await startFixtureCluster(pki, { ...clusterBoundEstate(pki, 'cluster-bound'), port: portBase || 0 });
const portableCluster = await startFixtureCluster(pki, { ...portableEstate(pki, 'portable'), port: portBase ? portBase + 1 : 0 });
const file = resolve(kubeconfig);
writeKubeconfig(file, [{ cluster: boundCluster }, { cluster: portableCluster }], 'cluster-bound');

process.stdout.write(`Fixture clusters are serving:\n  cluster-bound  ${boundCluster.url}  (${boundCluster.server.objectCount()} objects)\n  portable       ${portableCluster.url}  (${portableCluster.server.objectCount()} objects)\n`);
process.stdout.write(`Kubeconfig written to ${file} (current context: cluster-bound).\n`);
process.stdout.write(`Try: kubectl --kubeconfig ${file} get configmaps -A\n     node bin/trust-anchor.js compare --kubeconfig ${file} --contexts cluster-bound,portable\nPress Ctrl+C to stop.\n`);

async function shutdown() {
  await Promise.all([boundCluster.server.stop(), portableCluster.server.stop()]);
  pki.dispose();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
