// Evidence collection from a fixture cluster of about 5,000 objects on 127.0.0.1: requests made,
// pages, and wall time (first run includes loading @kubernetes/client-node). Prints only; run with
//   npm run compile && node out/test/bench/cluster-bench.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeEvidence, collectEvidence, loadKubeconfig } from '../../src/cluster';
import { startFixtureCluster, writeKubeconfig } from '../fixtures/cluster';
import { clusterBoundEstate, fillerObjects } from '../fixtures/estates';
import { TestPki } from '../fixtures/pki';

const OBJECT_COUNT = 5000;
const RUNS = 5;

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'trust-anchor-cluster-bench-'));
  const pki = new TestPki(join(folder, 'pki'));
  const estate = clusterBoundEstate(pki, 'bench');
  const objects = [...estate.objects, ...fillerObjects(OBJECT_COUNT - estate.objects.length)];
  const cluster = await startFixtureCluster(pki, { ...estate, objects });
  const kubeconfig = loadKubeconfig({ paths: [writeKubeconfig(join(folder, 'kubeconfig.yaml'), [{ cluster }])], origin: 'KUBECONFIG' });

  try {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const before = cluster.server.log.length;
      const started = performance.now();
      const evidence = await collectEvidence(kubeconfig, { allowExecPlugins: false });
      const collected = performance.now();
      const analysis = analyzeEvidence(evidence);
      const analysed = performance.now();
      const requests = cluster.server.log.slice(before);
      const listPages = requests.filter((entry) => entry.query.includes('limit=')).length;
      times.push(collected - started);
      console.log(
        `run ${run + 1}: ${cluster.server.objectCount()} objects, ${requests.length} requests (${listPages} list pages), collect ${(collected - started).toFixed(0)} ms, ` +
          `rules on ${analysis.objectsAnalysed} live objects ${(analysed - collected).toFixed(0)} ms, ${analysis.findings.length} findings${evidence.fatal ? `, FAILED: ${evidence.fatal.message}` : ''}`,
      );
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    console.log(`median collect time after the first run: ${warm[Math.floor(warm.length / 2)].toFixed(0)} ms (budget 1500 ms on loopback; machine: ${process.platform} ${process.arch}, Node ${process.version})`);
  } finally {
    await cluster.server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
