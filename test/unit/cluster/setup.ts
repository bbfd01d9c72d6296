import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectEvidence, loadKubeconfig, type ClusterEvidence, type CollectOptions } from '../../../src/cluster';
import { startFixtureCluster, writeKubeconfig, type FixtureCluster, type FixtureClusterOptions, type KubeconfigEntry } from '../../fixtures/cluster';
import { TestPki } from '../../fixtures/pki';

/** A scratch folder with a test PKI, for one test file. */
export class ClusterTestBed {
  readonly folder = mkdtempSync(join(tmpdir(), 'trust-anchor-cluster-test-'));
  readonly pki = new TestPki(join(this.folder, 'pki'));
  private readonly clusters: FixtureCluster[] = [];
  private files = 0;

  async start(options: FixtureClusterOptions): Promise<FixtureCluster> {
    const cluster = await startFixtureCluster(this.pki, options);
    this.clusters.push(cluster);
    return cluster;
  }

  kubeconfig(entries: KubeconfigEntry[], currentContext?: string): string {
    return writeKubeconfig(join(this.folder, `kubeconfig-${++this.files}.yaml`), entries, currentContext);
  }

  /** Collects evidence for `context` from a kubeconfig file. */
  collect(file: string, options: Partial<CollectOptions> = {}): Promise<ClusterEvidence> {
    const merged = loadKubeconfig({ paths: [file], origin: 'KUBECONFIG' });
    return collectEvidence(merged, { allowExecPlugins: false, requestTimeoutMs: 5000, ...options });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.clusters.map((cluster) => cluster.server.stop()));
    rmSync(this.folder, { recursive: true, force: true });
  }
}
