import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ClusterEvidence } from '../../../src/cluster';
import { writeExecPlugin, type FixtureCluster } from '../../fixtures/cluster';
import { clusterBoundEstate } from '../../fixtures/estates';
import { ClusterTestBed } from './setup';

const bed = new ClusterTestBed();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
let cluster: FixtureCluster;

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  cluster = await bed.start(clusterBoundEstate(bed.pki, 'faulty'));
});
afterEach(() => {
  cluster.server.faults.length = 0;
});
after(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onUnhandled);
  await bed.dispose();
});

function tokenConfig(): string {
  return bed.kubeconfig([{ cluster }]);
}

function gapsOf(evidence: ClusterEvidence): string[] {
  return Object.values(evidence.systems).flatMap((system) => system.gaps.map((gap) => `${system.system}:${gap.kind}`));
}

function assertIntact(evidence: ClusterEvidence, systems: string[]): void {
  for (const system of systems) {
    const entry = evidence.systems[system as keyof ClusterEvidence['systems']];
    assert.equal(entry.status, 'found', `${system} should still be found`);
    assert.deepEqual(entry.gaps, [], `${system} should have no gaps`);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 1;
}

describe('fatal connection faults', () => {
  it('unreachable server', async () => {
    const file = bed.kubeconfig([{ cluster, serverUrl: `https://127.0.0.1:${await closedPort()}` }]);
    const evidence = await bed.collect(file);
    assert.equal(evidence.fatal?.kind, 'unreachable');
    assert.match(evidence.fatal.message, /Could not connect .*ECONNREFUSED/);
    assert.equal(evidence.systems.spire.status, 'unknown');
  });

  it('untrusted server certificate', async () => {
    const file = bed.kubeconfig([{ cluster, caPem: cluster.credentials.strangerCa.certPem }]);
    const evidence = await bed.collect(file);
    assert.equal(evidence.fatal?.kind, 'tls');
    assert.match(evidence.fatal.message, /not trusted .*certificate-authority/);
  });

  it('expired client certificate', async () => {
    const file = bed.kubeconfig([{ cluster, auth: 'expired-cert' }]);
    const evidence = await bed.collect(file);
    assert.equal(evidence.fatal?.kind, 'unauthorized');
    assert.match(evidence.fatal.message, /401 .*client certificate of user "faulty-user" expired on/);
  });

  it('rejected token', async () => {
    const file = bed.kubeconfig([{ cluster, auth: 'wrong-token' }]);
    const evidence = await bed.collect(file);
    assert.equal(evidence.fatal?.kind, 'unauthorized');
    assert.match(evidence.fatal.message, /rejected the credentials .*Refresh the token/);
  });

  it('cancellation', async () => {
    cluster.server.faults.push({ path: '/version', latencyMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const evidence = await bed.collect(tokenConfig(), { signal: controller.signal });
    assert.equal(evidence.fatal?.kind, 'cancelled');
  });
});

describe('faults on one kind', () => {
  it('403 on Certificates names the permission', async () => {
    cluster.server.faults.push({ resource: 'certificates', status: 403 });
    const evidence = await bed.collect(tokenConfig());
    const gaps = evidence.systems['cert-manager'].gaps;
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].kind, 'forbidden');
    assert.equal(gaps[0].permission, 'list certificates.cert-manager.io cluster-wide');
    assert.equal(evidence.systems['cert-manager'].status, 'found');
    assertIntact(evidence, ['spire', 'istio', 'linkerd', 'service-accounts', 'network-policy']);
  });

  it('absent CRDs mean not installed', async () => {
    const estate = clusterBoundEstate(bed.pki, 'no-crds');
    const builtIn = estate.objects.filter((object) => !object.apiVersion.includes('.') || object.apiVersion.endsWith('k8s.io/v1'));
    const bare = await bed.start({ ...estate, objects: builtIn, customResources: [] });
    const evidence = await bed.collect(bed.kubeconfig([{ cluster: bare }]));
    assert.equal(evidence.fatal, undefined);
    assert.deepEqual(gapsOf(evidence), []);
    assert.equal(evidence.systems['cert-manager'].status, 'not-installed');
    assert.equal(evidence.systems.spire.status, 'found');
    assert.equal(evidence.systems.spire.facts.clusterSpiffeIds, undefined);
  });

  it('429 once is retried', async () => {
    cluster.server.faults.push({ resource: 'networkpolicies', status: 429, retryAfterSeconds: 1, times: 1 });
    const evidence = await bed.collect(tokenConfig());
    assert.deepEqual(gapsOf(evidence), []);
    assert.equal(evidence.systems['network-policy'].facts.networkPolicies, 1);
  });

  it('429 every time gives up with a message', async () => {
    cluster.server.faults.push({ resource: 'networkpolicies', status: 429, retryAfterSeconds: 1 });
    const evidence = await bed.collect(tokenConfig(), { maxRetries: 1 });
    assert.deepEqual(gapsOf(evidence), ['network-policy:rate-limited']);
    assert.match(evidence.systems['network-policy'].gaps[0].message, /429 Too Many Requests .*after 1 retries/);
    assertIntact(evidence, ['spire', 'istio', 'cert-manager']);
  });

  it('500 on ServiceAccounts', async () => {
    cluster.server.faults.push({ resource: 'serviceaccounts', status: 500 });
    const evidence = await bed.collect(tokenConfig());
    assert.deepEqual(gapsOf(evidence), ['service-accounts:server-error']);
    assert.equal(evidence.systems['service-accounts'].facts.legacyTokenSecrets, 1);
    assertIntact(evidence, ['spire', 'istio', 'linkerd', 'cert-manager']);
  });

  it('timeout on Issuers', async () => {
    cluster.server.faults.push({ resource: 'issuers', latencyMs: 1500 });
    const evidence = await bed.collect(tokenConfig(), { requestTimeoutMs: 300 });
    assert.deepEqual(gapsOf(evidence), ['cert-manager:timeout']);
    assert.match(evidence.systems['cert-manager'].gaps[0].message, /did not respond to GET \/apis\/cert-manager\.io\/v1\/issuers within 0\.3 s/);
    assertIntact(evidence, ['spire', 'istio', 'linkerd']);
  });

  it('truncated JSON on ConfigMaps', async () => {
    cluster.server.faults.push({ resource: 'configmaps', truncate: true });
    const evidence = await bed.collect(tokenConfig());
    const kinds = gapsOf(evidence);
    assert.ok(kinds.includes('spire:invalid-response'), kinds.join());
    assert.match(evidence.systems.spire.gaps[0].message, /cut off|not valid JSON/);
    assertIntact(evidence, ['cert-manager', 'network-policy']);
  });

  it('connection reset on NetworkPolicies', async () => {
    cluster.server.faults.push({ resource: 'networkpolicies', reset: true });
    const evidence = await bed.collect(tokenConfig());
    assert.deepEqual(gapsOf(evidence), ['network-policy:connection-reset']);
    assertIntact(evidence, ['spire', 'istio', 'cert-manager']);
  });
});

describe('proxies', () => {
  it('sends requests through the kubeconfig proxy-url', async () => {
    const tunnels: string[] = [];
    const sockets: { destroy(): void }[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (request, clientSocket, head) => {
      tunnels.push(String(request.url));
      sockets.push(clientSocket);
      const [host, port] = String(request.url).split(':');
      const upstream = connect(Number(port), host, () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const proxyPort = typeof address === 'object' && address ? address.port : 0;

    try {
      const evidence = await bed.collect(bed.kubeconfig([{ cluster, context: 'via-proxy', proxyUrl: `http://127.0.0.1:${proxyPort}` }]));
      assert.equal(evidence.fatal, undefined);
      assert.ok(tunnels.length > 0, 'no CONNECT reached the proxy');
      assert.ok(tunnels.every((target) => target === `127.0.0.1:${cluster.server.port}`));
    } finally {
      // Tunnelled sockets are detached from the HTTP server, so close() would wait for the client's keep-alive sockets.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('exec credential plugins', () => {
  const execConfig = (command: string, context: string): string => bed.kubeconfig([{ cluster, context, auth: { exec: { command } } }]);

  it('runs a working plugin in a trusted workspace', async () => {
    const plugin = writeExecPlugin(bed.folder, 'token', cluster.credentials.token);
    const evidence = await bed.collect(execConfig(plugin, 'exec-ok'), { allowExecPlugins: true });
    assert.equal(evidence.fatal, undefined);
    assert.equal(evidence.systems.spire.status, 'found');
  });

  it('refuses to run a plugin in an untrusted workspace', async () => {
    const before = cluster.server.log.length;
    const evidence = await bed.collect(execConfig('/bin/true', 'exec-untrusted'), { allowExecPlugins: false });
    assert.equal(evidence.fatal?.kind, 'untrusted-workspace');
    assert.match(evidence.fatal.message, /running "\/bin\/true".*Trust this workspace/);
    assert.equal(cluster.server.log.length, before);
  });

  it('names a missing plugin', async () => {
    const evidence = await bed.collect(execConfig('/nonexistent/kubectl-oidc-login', 'exec-missing'), { allowExecPlugins: true });
    assert.equal(evidence.fatal?.kind, 'exec-plugin');
    assert.match(evidence.fatal.message, /"\/nonexistent\/kubectl-oidc-login" .*was not found/);
  });

  it('reports a failing plugin with its error', async () => {
    const plugin = writeExecPlugin(bed.folder, 'fail');
    const evidence = await bed.collect(execConfig(plugin, 'exec-fail'), { allowExecPlugins: true });
    assert.equal(evidence.fatal?.kind, 'exec-plugin');
    assert.match(evidence.fatal.message, /failed \(exit code 3\): error: the identity provider refused the login/);
    assert.ok(evidence.fatal.message.includes(plugin));
  });

  it('stops a hanging plugin', async () => {
    const plugin = writeExecPlugin(bed.folder, 'hang');
    const evidence = await bed.collect(execConfig(plugin, 'exec-hang'), { allowExecPlugins: true, execTimeoutMs: 300 });
    assert.equal(evidence.fatal?.kind, 'exec-plugin');
    assert.match(evidence.fatal.message, /did not finish within 0 s|did not finish within/);
  });
});

describe('after the fault matrix', () => {
  it('no request returned Secret data', () => {
    assert.deepEqual(cluster.server.log.filter((entry) => entry.returnedSecretData), []);
    assert.ok(cluster.server.log.some((entry) => entry.resource === 'secrets'));
  });

  it('no unhandled rejection', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
  });
});
