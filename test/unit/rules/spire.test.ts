import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import type { Finding } from '../../../src/engine/model';
import { analyze, analyzeFolder, applyFixAndReanalyse, CORPUS_DIR, CORPUS_SKIP, corpusFile, findingsOf, underlined } from '../helpers';

/** Builds a ConfigMap that carries `body` under `key` as a literal block scalar. */
function configMap(name: string, key: string, body: string, namespace = 'spire'): string {
  const indented = body
    .trim()
    .split('\n')
    .map((line) => (line ? `    ${line}` : ''))
    .join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  ${key}: |\n${indented}\n`;
}

const SELF_SIGNED_SERVER = `
server {
  trust_domain = "prod.example.com"
  data_dir = "/run/spire/data"
  ca_ttl = "24h"
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "/run/spire/data/datastore.sqlite3"
    }
  }
  KeyManager "disk" {
    plugin_data {
      keys_path = "/run/spire/data/keys.json"
    }
  }
}
`;

const PORTABLE_SERVER = `
server {
  trust_domain = "prod.example.com"
  jwt_issuer = "https://oidc.prod.example.com"
  data_dir = "/run/spire/data"
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "postgres"
      connection_string = "dbname=spire user=spire host=spire-db.prod.internal sslmode=verify-full"
    }
  }
  KeyManager "aws_kms" {
    plugin_data {
      region = "eu-west-1"
      key_identifier_value = "spire-prod-eu-west-1"
    }
  }
  UpstreamAuthority "aws_pca" {
    plugin_data {
      region = "eu-west-1"
      certificate_authority_arn = "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/prod"
    }
  }
}
`;

function deployment(volumeSection: string, mountSection: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: spire-server
  namespace: spire
spec:
  template:
    spec:
      containers:
        - name: spire-server
          image: ghcr.io/spiffe/spire-server:1.12.0
          volumeMounts:
            - name: spire-config
              mountPath: /run/spire/config
${mountSection}      volumes:
        - name: spire-config
          configMap:
            name: spire-server
${volumeSection}`;
}

function only(findings: Finding[], ruleId: string): Finding {
  const matching = findings.filter((finding) => finding.ruleId === ruleId);
  assert.equal(matching.length, 1, `expected one ${ruleId}, got ${matching.map((finding) => finding.message).join(' | ') || 'none'}`);
  return matching[0];
}

describe('spire/key-store-not-persistent', () => {
  const ruleId = 'spire/key-store-not-persistent';
  const server = configMap('spire-server', 'server.conf', SELF_SIGNED_SERVER);

  it('flags keys and sqlite on the container filesystem', () => {
    const findings = findingsOf(analyze(server, 'server.yaml', { 'deploy.yaml': deployment('', '') }), ruleId);
    const texts = findings.map((finding) => underlined(server, finding)).sort();
    assert.deepEqual(texts, ['"/run/spire/data/datastore.sqlite3"', '"/run/spire/data/keys.json"']);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /Deployment "spire-server"/);
    assert.equal(findings[0].related[0].file, 'deploy.yaml');
  });

  it('flags an emptyDir data volume', () => {
    const workload = deployment('        - name: data\n          emptyDir: {}\n', '            - name: data\n              mountPath: /run/spire/data\n');
    const findings = findingsOf(analyze(server, 'server.yaml', { 'deploy.yaml': workload }), ruleId);
    assert.equal(findings.length, 2);
    assert.match(findings[0].message, /emptyDir volume "data"/);
  });

  it('accepts a PersistentVolumeClaim', () => {
    const workload = deployment('        - name: data\n          persistentVolumeClaim:\n            claimName: spire-data\n', '            - name: data\n              mountPath: /run/spire/data\n');
    assert.equal(findingsOf(analyze(server, 'server.yaml', { 'deploy.yaml': workload }), ruleId).length, 0);
  });

  it('stays silent without the workload', () => {
    assert.equal(findingsOf(analyze(server, 'server.yaml'), ruleId).length, 0);
  });

  it('flags chart persistence.type emptyDir and fixes it to pvc', () => {
    const values = 'spire-server:\n  persistence:\n    type: emptyDir # testing only\n';
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'emptyDir');
    const { fixed } = applyFixAndReanalyse(values, ruleId, 'values.yaml');
    assert.equal(fixed, 'spire-server:\n  persistence:\n    type: pvc # testing only\n');
  });

  it('accepts emptyDir when nothing is stored on disk', () => {
    const values = [
      'spire-server:',
      '  persistence: {type: emptyDir}',
      '  keyManager:',
      '    disk: {enabled: false}',
      '    awsKMS: {enabled: true, region: eu-west-1}',
      '  dataStore:',
      '    sql: {databaseType: postgres, host: db.prod.internal}',
      '',
    ].join('\n');
    assert.equal(findingsOf(analyze(values, 'values.yaml'), ruleId).length, 0);
  });
});

describe('spire/memory-key-manager', () => {
  const ruleId = 'spire/memory-key-manager';

  it('flags KeyManager "memory" in HCL', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  trust_domain = "prod.example.com"\n}\nplugins {\n  KeyManager "memory" {\n    plugin_data {}\n  }\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"memory"');
    assert.equal(finding.severity, 'error');
  });

  it('flags the chart-rendered JSON list form', () => {
    const json = JSON.stringify({ server: { trust_domain: 'prod.example.com' }, plugins: { KeyManager: [{ memory: { plugin_data: null } }] } }, null, 2);
    const text = configMap('spire-server', 'server.conf', json);
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"memory"');
  });

  it('accepts memory keys under an upstream authority', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  KeyManager "memory" {}\n  UpstreamAuthority "vault" {\n    plugin_data { vault_addr = "https://vault.prod.example.com" }\n  }\n}');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });

  const values = [
    'spire-server:',
    '  keyManager:',
    '    disk:',
    '      enabled: false',
    '    memory:',
    '      enabled: true',
    '  dataStore:',
    '    sql:',
    '      databaseType: postgres',
    '',
  ].join('\n');

  it('flags keyManager.memory.enabled in chart values', () => {
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'true');
    assert.equal(finding.fixes.length, 2);
  });

  it('fixes to the disk key manager', () => {
    const { fixed } = applyFixAndReanalyse(values, ruleId, 'values.yaml', 'Keep the keys on disk (keyManager.disk)');
    assert.match(fixed, /disk:\n {6}enabled: true\n {4}memory:\n {6}enabled: false/);
  });

  it('fixes to an AWS KMS skeleton', () => {
    const { fixed } = applyFixAndReanalyse(values, ruleId, 'values.yaml', 'Hold the keys in AWS KMS (keyManager.awsKMS)');
    assert.match(fixed, /awsKMS:\n {6}enabled: true\n {6}region: REPLACE-WITH-AWS-REGION/);
  });
});

describe('spire/in-cluster-datastore', () => {
  const ruleId = 'spire/in-cluster-datastore';

  it('flags sqlite3 without an upstream authority', () => {
    const text = configMap('spire-server', 'server.conf', SELF_SIGNED_SERVER);
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"sqlite3"');
    assert.equal(finding.severity, 'error');
  });

  it('flags a postgres host inside the cluster', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  DataStore "sql" {\n    plugin_data {\n      database_type = "postgres"\n      connection_string = "dbname=spire host=postgres.spire.svc.cluster.local"\n    }\n  }\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"dbname=spire host=postgres.spire.svc.cluster.local"');
  });

  it('flags a mysql DSN host that is a Service name', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  DataStore "sql" {\n    plugin_data {\n      database_type = "mysql"\n      connection_string = "spire:pw@tcp(mysql:3306)/spire?parseTime=true"\n    }\n  }\n}');
    assert.match(only(analyze(text).findings, ruleId).message, /host "mysql"/);
  });

  it('accepts an external database', () => {
    const text = configMap('spire-server', 'server.conf', PORTABLE_SERVER);
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });

  it('applies the chart default sqlite3 on the nearest key', () => {
    const values = 'global:\n  spire:\n    trustDomain: prod.example.com\nspire-server:\n  caTTL: 24h\n';
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'spire-server');
    assert.match(finding.message, /chart default/);
  });

  it('flags dataStore.sql.inMemory', () => {
    const values = 'dataStore:\n  sql:\n    inMemory: true\nkeyManager:\n  disk:\n    enabled: true\n';
    assert.equal(underlined(values, only(analyze(values, 'values.yaml').findings, ruleId)), 'true');
  });
});

describe('spire/upstream-self-signed-cert-manager', () => {
  const ruleId = 'spire/upstream-self-signed-cert-manager';

  it('flags certManager.ca.create in chart values', () => {
    const values = 'spire-server:\n  upstreamAuthority:\n    certManager:\n      enabled: true\n      ca:\n        create: true\n';
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'true');
    assert.equal(finding.severity, 'error');
  });

  const issuers = [
    'apiVersion: cert-manager.io/v1',
    'kind: ClusterIssuer',
    'metadata:',
    '  name: bootstrap-selfsigned',
    'spec:',
    '  selfSigned: {}',
    '---',
    'apiVersion: cert-manager.io/v1',
    'kind: Certificate',
    'metadata:',
    '  name: spire-root',
    '  namespace: spire',
    'spec:',
    '  isCA: true',
    '  secretName: spire-root-ca',
    '  issuerRef:',
    '    name: bootstrap-selfsigned',
    '    kind: ClusterIssuer',
    '---',
    'apiVersion: cert-manager.io/v1',
    'kind: Issuer',
    'metadata:',
    '  name: spire-ca',
    '  namespace: spire',
    'spec:',
    '  ca:',
    '    secretName: spire-root-ca',
    '',
  ].join('\n');

  it('traces the raw plugin issuer to its selfSigned root', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  UpstreamAuthority "cert-manager" {\n    plugin_data {\n      issuer_name = "spire-ca"\n      namespace = "spire"\n    }\n  }\n}');
    const finding = only(analyze(text, 'server.yaml', { 'issuers.yaml': issuers }).findings, ruleId);
    assert.equal(underlined(text, finding), '"spire-ca"');
    assert.match(finding.message, /ClusterIssuer\/bootstrap-selfsigned/);
    assert.ok(finding.related.some((related) => related.file === 'issuers.yaml' && /in-cluster root/.test(related.message)));
  });

  it('accepts an issuer outside the workspace', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  UpstreamAuthority "cert-manager" {\n    plugin_data {\n      issuer_name = "vault-issuer"\n    }\n  }\n}');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('spire/upstream-disk-secret', () => {
  const ruleId = 'spire/upstream-disk-secret';

  it('flags a chart-created upstream Secret', () => {
    const values = 'spire-server:\n  upstreamAuthority:\n    disk:\n      enabled: true\n      secret:\n        create: true\n';
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'true');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.range.start, values.lastIndexOf('true'));
  });

  it('flags a key file mounted from a Secret', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  UpstreamAuthority "disk" {\n    plugin_data {\n      cert_file_path = "/run/spire/upstream/tls.crt"\n      key_file_path = "/run/spire/upstream/tls.key"\n    }\n  }\n}');
    const workload = deployment('        - name: upstream\n          secret:\n            secretName: spire-upstream-ca\n', '            - name: upstream\n              mountPath: /run/spire/upstream\n');
    const finding = only(analyze(text, 'server.yaml', { 'deploy.yaml': workload }).findings, ruleId);
    assert.equal(underlined(text, finding), '"/run/spire/upstream/tls.key"');
    assert.match(finding.message, /Secret "spire-upstream-ca"/);
  });

  it('accepts an existing Secret the chart does not create', () => {
    const values = 'spire-server:\n  upstreamAuthority:\n    disk:\n      enabled: true\n      secret:\n        create: false\n        name: synced-intermediate\n';
    assert.equal(findingsOf(analyze(values, 'values.yaml'), ruleId).length, 0);
  });
});

describe('spire/self-signed-root', () => {
  const ruleId = 'spire/self-signed-root';

  it('flags a config without UpstreamAuthority on plugins', () => {
    const text = configMap('spire-server', 'server.conf', SELF_SIGNED_SERVER);
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), 'plugins');
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /24h/);
  });

  it('accepts an upstream authority', () => {
    assert.equal(findingsOf(analyze(configMap('spire-server', 'server.conf', PORTABLE_SERVER)), ruleId).length, 0);
  });

  it('flags chart values with no upstream enabled', () => {
    const values = 'spire-server:\n  upstreamAuthority:\n    vault:\n      enabled: false\n';
    assert.equal(underlined(values, only(analyze(values, 'values.yaml').findings, ruleId)), 'upstreamAuthority');
  });
});

describe('spire/placeholder-trust-domain', () => {
  const ruleId = 'spire/placeholder-trust-domain';

  it('flags example.org in HCL and replaces it with a placeholder', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  trust_domain = "example.org" # sample\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"example.org"');
    assert.equal(finding.severity, 'warning');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /trust_domain = "change-me.example.com" # sample/);
  });

  it('flags a trust domain naming the attested cluster', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  trust_domain = "eu1.prod.example.com"\n}\nplugins {\n  NodeAttestor "k8s_psat" {\n    plugin_data {\n      clusters = {\n        "eu1" = {\n          service_account_allow_list = ["spire:spire-agent"]\n        }\n      }\n    }\n  }\n}');
    assert.match(only(analyze(text).findings, ruleId).message, /cluster name "eu1"/);
  });

  it('flags the chart default and inserts global.spire.trustDomain', () => {
    const values = 'global:\n  spire:\n    clusterName: eu1\nspire-server:\n  caTTL: 24h\n';
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'spire');
    const { fixed } = applyFixAndReanalyse(values, ruleId, 'values.yaml');
    assert.equal(fixed, 'global:\n  spire:\n    clusterName: eu1\n    trustDomain: change-me.example.com\nspire-server:\n  caTTL: 24h\n');
  });

  it('accepts an organisation trust domain', () => {
    const values = 'global:\n  spire:\n    trustDomain: prod.example.com\n    clusterName: eu1\n';
    assert.equal(findingsOf(analyze(values, 'values.yaml'), ruleId).length, 0);
  });
});

describe('spire/placeholder-jwt-issuer', () => {
  const ruleId = 'spire/placeholder-jwt-issuer';

  it('flags an unreplaced placeholder host', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  jwt_issuer = "https://MY_DISCOVERY_DOMAIN"\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"https://MY_DISCOVERY_DOMAIN"');
    assert.equal(finding.severity, 'warning');
  });

  it('flags an in-cluster issuer in chart values', () => {
    const values = 'global:\n  spire:\n    trustDomain: prod.example.com\n    jwtIssuer: https://oidc.spire.svc.cluster.local\n';
    assert.equal(underlined(values, only(analyze(values, 'values.yaml').findings, ruleId)), 'https://oidc.spire.svc.cluster.local');
  });

  it('accepts an issuer on an organisation name', () => {
    assert.equal(findingsOf(analyze(configMap('spire-server', 'server.conf', PORTABLE_SERVER)), ruleId).length, 0);
  });
});

describe('spire/cluster-specific-spiffe-id', () => {
  const ruleId = 'spire/cluster-specific-spiffe-id';

  it('flags .ClusterName in a ClusterSPIFFEID', () => {
    const text = [
      'apiVersion: spire.spiffe.io/v1alpha1',
      'kind: ClusterSPIFFEID',
      'metadata:',
      '  name: per-cluster',
      'spec:',
      '  spiffeIDTemplate: spiffe://{{ .TrustDomain }}/cluster/{{ .ClusterName }}/sa/{{ .PodSpec.ServiceAccountName }}',
      '',
    ].join('\n');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), 'spiffe://{{ .TrustDomain }}/cluster/{{ .ClusterName }}/sa/{{ .PodSpec.ServiceAccountName }}');
    assert.equal(finding.severity, 'info');
  });

  it('accepts the namespace and service account template', () => {
    const text = 'apiVersion: spire.spiffe.io/v1alpha1\nkind: ClusterSPIFFEID\nmetadata:\n  name: default\nspec:\n  spiffeIDTemplate: "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}"\n';
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });

  it('flags node data in chart identities', () => {
    const values = [
      'spire-server:',
      '  controllerManager:',
      '    identities:',
      '      clusterSPIFFEIDs:',
      '        default:',
      '          spiffeIDTemplate: spiffe://{{ .TrustDomain }}/node/{{ .NodeMeta.Name }}',
      '',
    ].join('\n');
    assert.match(only(analyze(values, 'values.yaml').findings, ruleId).message, /\.NodeMeta/);
  });
});

describe('spire/psat-cluster-coupling', () => {
  const ruleId = 'spire/psat-cluster-coupling';

  it('flags an in-cluster k8s_psat cluster as a hint', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  NodeAttestor "k8s_psat" {\n    plugin_data {\n      clusters = {\n        "eu1" = {\n          service_account_allow_list = ["spire:spire-agent"]\n        }\n      }\n    }\n  }\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"eu1"');
    assert.equal(finding.severity, 'hint');
  });

  it('accepts a cluster attested through a kubeconfig', () => {
    const text = configMap('spire-server', 'server.conf', 'plugins {\n  NodeAttestor "k8s_psat" {\n    plugin_data {\n      clusters = {\n        "eu1" = {\n          kube_config_file = "/run/spire/kubeconfigs/eu1"\n        }\n      }\n    }\n  }\n}');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('spire/pinned-federation-bundle', () => {
  const ruleId = 'spire/pinned-federation-bundle';

  it('flags the https_spiffe profile', () => {
    const text = [
      'apiVersion: spire.spiffe.io/v1alpha1',
      'kind: ClusterFederatedTrustDomain',
      'metadata:',
      '  name: partner',
      'spec:',
      '  trustDomain: partner.example.net',
      '  bundleEndpointURL: https://spire-bundle.partner.example.net',
      '  bundleEndpointProfile:',
      '    type: https_spiffe',
      '    endpointSPIFFEID: spiffe://partner.example.net/spire/server',
      '',
    ].join('\n');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), 'https_spiffe');
    assert.equal(finding.severity, 'warning');
  });

  it('flags a pinned trustDomainBundle', () => {
    const text = 'apiVersion: spire.spiffe.io/v1alpha1\nkind: ClusterFederatedTrustDomain\nmetadata:\n  name: partner\nspec:\n  trustDomain: partner.example.net\n  bundleEndpointURL: https://b.partner.example.net\n  bundleEndpointProfile:\n    type: https_web\n  trustDomainBundle: "{}"\n';
    assert.equal(underlined(text, only(analyze(text).findings, ruleId)), 'trustDomainBundle');
  });

  it('flags raw federates_with https_spiffe', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  federation {\n    federates_with "partner.example.net" {\n      bundle_endpoint_url = "https://b.partner.example.net"\n      bundle_endpoint_profile "https_spiffe" {\n        endpoint_spiffe_id = "spiffe://partner.example.net/spire/server"\n      }\n    }\n  }\n}');
    assert.equal(underlined(text, only(analyze(text).findings, ruleId)), '"https_spiffe"');
  });

  it('accepts https_web without a pinned bundle', () => {
    const text = 'apiVersion: spire.spiffe.io/v1alpha1\nkind: ClusterFederatedTrustDomain\nmetadata:\n  name: partner\nspec:\n  trustDomain: partner.example.net\n  bundleEndpointURL: https://b.partner.example.net\n  bundleEndpointProfile:\n    type: https_web\n';
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('spire/unknown-chart-key', () => {
  const ruleId = 'spire/unknown-chart-key';
  const values = 'spire-server:\n  deploymentType: deployment # experimental\n  replicaCount: 2\n';

  it('flags deploymentType and renames it to kind', () => {
    const finding = only(analyze(values, 'values.yaml').findings, ruleId);
    assert.equal(underlined(values, finding), 'deploymentType');
    assert.equal(finding.severity, 'hint');
    const { fixed } = applyFixAndReanalyse(values, ruleId, 'values.yaml');
    assert.equal(fixed, 'spire-server:\n  kind: deployment # experimental\n  replicaCount: 2\n');
  });

  it('accepts known keys', () => {
    assert.equal(findingsOf(analyze('spire-server:\n  kind: statefulset\n  enabled: true\n', 'values.yaml'), ruleId).length, 0);
  });
});

describe('spire/agent-insecure-bootstrap', () => {
  const ruleId = 'spire/agent-insecure-bootstrap';
  const agent = configMap('spire-agent', 'agent.conf', 'agent {\n  trust_domain = "prod.example.com"\n  insecure_bootstrap = true\n}');

  it('flags insecure_bootstrap and sets it to false', () => {
    const finding = only(analyze(agent).findings, ruleId);
    assert.equal(underlined(agent, finding), 'true');
    assert.equal(finding.severity, 'warning');
    const { fixed } = applyFixAndReanalyse(agent, ruleId);
    assert.match(fixed, /insecure_bootstrap = false/);
  });

  it('accepts a trust bundle path', () => {
    const text = configMap('spire-agent', 'agent.conf', 'agent {\n  trust_domain = "prod.example.com"\n  trust_bundle_path = "/run/spire/bundle/bundle.crt"\n}');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('spire/long-credential-ttl', () => {
  const ruleId = 'spire/long-credential-ttl';

  it('flags a week-long X509-SVID TTL and restores the default', () => {
    const text = configMap('spire-server', 'server.conf', 'server {\n  trust_domain = "prod.example.com"\n  default_x509_svid_ttl = "168h"\n}');
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), '"168h"');
    assert.equal(finding.severity, 'warning');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /default_x509_svid_ttl = "1h"/);
  });

  it('flags chart caTTL over 90 days', () => {
    const values = 'spire-server:\n  caTTL: 8760h\n';
    assert.equal(underlined(values, only(analyze(values, 'values.yaml').findings, ruleId)), '8760h');
  });

  it('accepts the chart defaults', () => {
    const values = 'spire-server:\n  caTTL: 24h\n  defaultX509SvidTTL: 4h\n  defaultJwtSvidTTL: 1h\n';
    assert.equal(findingsOf(analyze(values, 'values.yaml'), ruleId).length, 0);
  });
});

describe('spire/deprecated-workload-registrar', () => {
  const ruleId = 'spire/deprecated-workload-registrar';

  it('flags the registrar image', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: registrar\nspec:\n  template:\n    spec:\n      containers:\n        - name: registrar\n          image: gcr.io/spiffe-io/k8s-workload-registrar:1.4.0\n';
    const finding = only(analyze(text).findings, ruleId);
    assert.equal(underlined(text, finding), 'gcr.io/spiffe-io/k8s-workload-registrar:1.4.0');
    assert.equal(finding.severity, 'hint');
  });
});

describe('SPIRE chart shapes', () => {
  it('reads spire-nested servers enabled by tags', () => {
    const values = 'global:\n  spire:\n    trustDomain: prod.example.com\ntags:\n  nestedRoot: true\nroot-spire-server:\n  keyManager:\n    memory:\n      enabled: true\n    disk:\n      enabled: false\nexternal-root-spire-server-full:\n  externalServer: true\n';
    const findings = findingsOf(analyze(values, 'values.yaml'), 'spire/memory-key-manager');
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /root-spire-server\.keyManager\.memory\.enabled/);
  });

  it('skips spire-nested servers whose tags are off', () => {
    const values = 'tags:\n  nestedRoot: false\nroot-spire-server:\n  keyManager:\n    memory:\n      enabled: true\n';
    assert.equal(findingsOf(analyze(values, 'values.yaml'), 'spire/memory-key-manager').length, 0);
  });

  it('skips a disabled umbrella server', () => {
    const values = 'spire-server:\n  enabled: false\n  keyManager:\n    memory:\n      enabled: true\n';
    assert.equal(analyze(values, 'values.yaml').findings.filter((finding) => finding.ruleId.startsWith('spire/')).length, 0);
  });
});

describe('SPIRE corpus', { skip: CORPUS_SKIP }, () => {
  function corpusAnalysis(): Map<string, Finding[]> {
    const analyzer = new Analyzer();
    const folder = join(CORPUS_DIR, 'spire');
    for (const name of readdirSync(folder)) analyzer.update(name, corpusFile(join('spire', name)));
    return new Map(analyzer.analyzeAll().map((analysis) => [analysis.file, analysis.findings.filter((finding) => finding.ruleId.startsWith('spire/'))]));
  }
  const results = corpusAnalysis();
  const ruleIds = (file: string): string[] => [...new Set((results.get(file) ?? []).map((finding) => finding.ruleId))].sort();

  it('finds the demo keys on the container filesystem', () => {
    const findings = (results.get('spire-controller-manager__demo__config__cluster1__spire__spire-server.yaml') ?? []).filter((finding) => finding.ruleId === 'spire/key-store-not-persistent');
    assert.equal(findings.length, 2);
    assert.ok(findings.every((finding) => finding.dimension === 'recoverability' && finding.severity === 'error'));
  });

  it('flags the in-cluster cert-manager CA values', () => {
    assert.deepEqual(ruleIds('helm-charts-hardened__charts__spire__ci__upstream-authority-cert-manager-values.yaml').includes('spire/upstream-self-signed-cert-manager'), true);
  });

  it('flags the stateless example', () => {
    const ids = ruleIds('helm-charts-hardened__examples__stateless-server__values.yaml');
    for (const id of ['spire/memory-key-manager', 'spire/in-cluster-datastore', 'spire/unknown-chart-key']) assert.ok(ids.includes(id), `${id} missing: ${ids.join(', ')}`);
  });

  it('flags the quickstart self-signed root', () => {
    const ids = ruleIds('spire-tutorials__k8s__quickstart__server-configmap.yaml');
    assert.deepEqual(ids, ['spire/in-cluster-datastore', 'spire/placeholder-trust-domain', 'spire/psat-cluster-coupling', 'spire/self-signed-root']);
  });

  it('keeps the quickstart PVC quiet', () => {
    const findings = results.get('spire-tutorials__k8s__quickstart__server-configmap.yaml') ?? [];
    assert.equal(findings.filter((finding) => finding.ruleId === 'spire/key-store-not-persistent').length, 0);
  });

  it('flags the federation examples', () => {
    assert.ok(ruleIds('helm-charts-hardened__examples__federation__a-values.yaml').includes('spire/pinned-federation-bundle'));
    assert.ok(ruleIds('istio__samples__security__spire-trust-domain-federation__cluster-federated-trust-domain.yaml').includes('spire/pinned-federation-bundle'));
  });

  it('flags the oidc tutorial placeholder issuer', () => {
    assert.ok(ruleIds('spire-tutorials__k8s__oidc-aws__server-configmap.yaml').includes('spire/placeholder-jwt-issuer'));
  });

  it('leaves the plain ClusterSPIFFEID alone', () => {
    assert.deepEqual(ruleIds('istio__samples__security__spire__clusterspiffeid.yaml'), []);
  });
});

describe('SPIRE examples', () => {
  const root = resolve(__dirname, '../../../../examples');

  function analyseFolder(folder: string): Finding[] {
    return analyzeFolder(folder).flatMap((analysis) => analysis.findings.filter((finding) => finding.ruleId.startsWith('spire/')));
  }

  it('cluster-bound estate triggers most rules', () => {
    const ids = new Set(analyseFolder(join(root, 'cluster-bound', 'spire')).map((finding) => finding.ruleId));
    for (const id of [
      'spire/key-store-not-persistent',
      'spire/memory-key-manager',
      'spire/in-cluster-datastore',
      'spire/upstream-self-signed-cert-manager',
      'spire/self-signed-root',
      'spire/placeholder-trust-domain',
      'spire/cluster-specific-spiffe-id',
      'spire/pinned-federation-bundle',
      'spire/unknown-chart-key',
      'spire/agent-insecure-bootstrap',
    ]) {
      assert.ok(ids.has(id), `${id} not raised by examples/cluster-bound/spire`);
    }
  });

  it('portable estate raises no error', () => {
    const errors = analyseFolder(join(root, 'portable', 'spire')).filter((finding) => finding.severity === 'error');
    assert.deepEqual(errors.map((finding) => `${finding.ruleId}: ${finding.message}`), []);
  });
});

describe('SPIRE suppression', () => {
  it('honours a comment inside HCL', () => {
    const text = configMap('spire-agent', 'agent.conf', 'agent {\n  # trust-anchor-disable-next-line spire/agent-insecure-bootstrap -- disposable CI cluster\n  insecure_bootstrap = true\n}');
    const analysis = analyze(text);
    assert.equal(findingsOf(analysis, 'spire/agent-insecure-bootstrap').length, 0);
    assert.equal(analysis.suppressed.filter((finding) => finding.ruleId === 'spire/agent-insecure-bootstrap').length, 1);
  });
});
