import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits } from '../../../src/engine/fixes/edits';
import type { FileAnalysis, Finding } from '../../../src/engine/model';
import { analyze, analyzeFolder, applyFixAndReanalyse, assertOnlyEditedLinesChanged, CORPUS_SKIP, corpusFile, findingsOf, underlined } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Test certificates, built at test time as DER so no committed certificate can expire. node:crypto
// generates keys and signs, and X509Certificate parses the result, so the rules see real certificates.

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const encoded = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) encoded.unshift((value & 0x7f) | 0x80);
    bytes.push(...encoded);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function positiveInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length === 0 || bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function x509Time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280: UTCTime (two-digit year) up to 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const commonNameOf = (name: string) => sequence(tlv(0x31, sequence(objectIdentifier('2.5.4.3'), tlv(0x0c, Buffer.from(name)))));
const ECDSA_WITH_SHA256 = sequence(objectIdentifier('1.2.840.10045.4.3.2'));
const DAY_MS = 24 * 60 * 60 * 1000;

interface TestCertificate {
  pem: string;
  key: KeyObject;
  name: string;
}

let serial = 1;

/** Builds a CA certificate valid from `fromDays` to `toDays` relative to now, signed by `issuer` (itself when absent). */
function makeCertificate(name: string, fromDays: number, toDays: number, issuer?: TestCertificate): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = Date.now();
  const basicConstraintsCa = sequence(objectIdentifier('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, sequence(tlv(0x01, Buffer.from([0xff])))));
  const tbs = sequence(
    tlv(0xa0, positiveInteger(2)),
    positiveInteger(serial++),
    ECDSA_WITH_SHA256,
    commonNameOf(issuer?.name ?? name),
    sequence(x509Time(new Date(now + fromDays * DAY_MS)), x509Time(new Date(now + toDays * DAY_MS))),
    commonNameOf(name),
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, sequence(basicConstraintsCa)),
  );
  const signature = sign('sha256', tbs, issuer?.key ?? privateKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return { pem: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, key: privateKey, name };
}

/** Indents a PEM for a YAML literal block at `spaces`. */
function block(pem: string, spaces: number): string {
  const indent = ' '.repeat(spaces);
  return pem.trimEnd().split('\n').map((line) => `${indent}${line}`).join('\n');
}

const cliRoot = makeCertificate('identity.linkerd.cluster.local', -1, 364);
const orgRoot = makeCertificate('root.linkerd.prod.example.com', -1, 3650);
const orgIssuer = makeCertificate('identity.linkerd.prod.example.com', -1, 2, orgRoot);
const otherRoot = makeCertificate('root.linkerd.staging.example.com', -1, 3650);
const expiringRoot = makeCertificate('root.linkerd.cluster.local', -300, 10);
const expiredRoot = makeCertificate('root.linkerd.cluster.local', -400, -5);

describe('test certificate builder', () => {
  it('builds certificates node:crypto parses', () => {
    const parsed = new X509Certificate(orgIssuer.pem);
    assert.equal(parsed.subject, 'CN=identity.linkerd.prod.example.com');
    assert.ok(parsed.checkIssued(new X509Certificate(orgRoot.pem)));
    assert.ok(parsed.verify(new X509Certificate(orgRoot.pem).publicKey));
  });
});

// ---------------------------------------------------------------------------------------------

/** Applies the preferred fix of the only finding of `ruleId` and re-analyses with the same other files. */
function applyFixWithOthers(text: string, ruleId: string, others: Record<string, string>, path = 'values.yaml'): { fixed: string; after: FileAnalysis } {
  const before = findingsOf(analyze(text, path, others), ruleId);
  assert.equal(before.length, 1, `expected one ${ruleId} finding before the fix, got ${before.length}`);
  const fix = before[0].fixes.find((candidate) => candidate.isPreferred) ?? before[0].fixes[0];
  assert.ok(fix, `no fix on ${ruleId}`);
  const fixed = applyEdits(text, fix.edits);
  const after = analyze(fixed, path, others);
  assert.equal(findingsOf(after, ruleId).length, 0, `${ruleId} still reported after "${fix.title}":\n${fixed}`);
  assertOnlyEditedLinesChanged(text, fixed, fix.edits.map((edit) => edit.range));
  return { fixed, after };
}

const LINK = [
  'apiVersion: multicluster.linkerd.io/v1alpha2',
  'kind: Link',
  'metadata:',
  '  name: east',
  '  namespace: linkerd-multicluster',
  'spec:',
  '  targetClusterName: east',
  '  gatewayIdentity: linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.prod.example.com',
  '',
].join('\n');

function trustRootsConfigMap(pem: string): string {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: linkerd-identity-trust-roots', '  namespace: linkerd', 'data:', '  ca-bundle.crt: |', block(pem, 4), ''].join('\n');
}

describe('linkerd/cli-generated-anchor', () => {
  const ruleId = 'linkerd/cli-generated-anchor';

  it('flags an anchor that equals the issuer certificate in values', () => {
    const text = [
      'identityTrustAnchorsPEM: |',
      block(cliRoot.pem, 2),
      'identity:',
      '  issuer:',
      '    tls:',
      '      crtPEM: |',
      block(cliRoot.pem, 8),
      '',
    ].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '-----BEGIN CERTIFICATE-----');
    assert.ok(findings[0].range.start < text.indexOf('identity:'), 'underlines the anchor, not the issuer');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /identity\.linkerd\.cluster\.local/);
    assert.match(findings[0].message, /identity\.issuer\.tls\.crtPEM/);
    assert.equal(findings[0].related.length, 1);
  });

  it('flags a self-signed trust root named like the issuer', () => {
    const text = trustRootsConfigMap(cliRoot.pem);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '-----BEGIN CERTIFICATE-----');
    assert.match(findings[0].message, /self-signed/);
  });

  it('flags a trust root equal to the issuer Secret certificate', () => {
    const secret = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: linkerd-identity-issuer',
      '  namespace: linkerd',
      'data:',
      `  crt.pem: ${Buffer.from(orgRoot.pem).toString('base64')}`,
      '',
    ].join('\n');
    const findings = findingsOf(analyze(trustRootsConfigMap(orgRoot.pem), 'roots.yaml', { 'issuer.yaml': secret }), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /Secret linkerd-identity-issuer/);
    assert.equal(findings[0].related[0].file, 'issuer.yaml');
  });

  it('ignores a separate root and issuer', () => {
    const text = ['identityTrustAnchorsPEM: |', block(orgRoot.pem, 2), 'identity:', '  issuer:', '    tls:', '      crtPEM: |', block(orgIssuer.pem, 8), ''].join('\n');
    assert.equal(findingsOf(analyze(text, 'values.yaml'), ruleId).length, 0);
  });
});

describe('linkerd/anchor-expiring', () => {
  const ruleId = 'linkerd/anchor-expiring';

  it('flags an anchor that expires within 60 days', () => {
    const text = trustRootsConfigMap(expiringRoot.pem);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '-----BEGIN CERTIFICATE-----');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /notAfter/);
    assert.match(findings[0].message, /in (9|10) days/);
  });

  it('flags an expired anchor in values', () => {
    const text = ['identityTrustAnchorsPEM: |', block(expiredRoot.pem, 2), ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /expired on .* \(notAfter\), (5|6) days ago/);
  });

  it('underlines the expiring certificate of a two-anchor bundle', () => {
    const text = trustRootsConfigMap(orgRoot.pem + expiringRoot.pem);
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start, text.lastIndexOf('-----BEGIN CERTIFICATE-----'));
  });

  it('ignores an anchor valid for years', () => {
    assert.equal(findingsOf(analyze(trustRootsConfigMap(orgRoot.pem)), ruleId).length, 0);
  });
});

const LINKERD_CERT_MANAGER_CHAIN = [
  'apiVersion: cert-manager.io/v1',
  'kind: Issuer',
  'metadata:',
  '  name: linkerd-trust-root-issuer',
  '  namespace: cert-manager',
  'spec:',
  '  selfSigned: {}',
  '---',
  'apiVersion: cert-manager.io/v1',
  'kind: Certificate',
  'metadata:',
  '  name: linkerd-trust-anchor',
  '  namespace: cert-manager',
  'spec:',
  '  issuerRef:',
  '    kind: Issuer',
  '    name: linkerd-trust-root-issuer',
  '  secretName: linkerd-trust-anchor',
  '  isCA: true',
  '  commonName: root.linkerd.cluster.local',
  '  privateKey:',
  '    rotationPolicy: Always',
  '    algorithm: ECDSA',
  '---',
  'apiVersion: cert-manager.io/v1',
  'kind: ClusterIssuer',
  'metadata:',
  '  name: linkerd-identity-issuer',
  'spec:',
  '  ca:',
  '    secretName: linkerd-trust-anchor',
  '',
].join('\n');

const IDENTITY_ISSUER_CERTIFICATE = [
  'apiVersion: cert-manager.io/v1',
  'kind: Certificate',
  'metadata:',
  '  name: linkerd-identity-issuer',
  '  namespace: linkerd',
  'spec:',
  '  issuerRef:',
  '    name: linkerd-identity-issuer',
  '    kind: ClusterIssuer',
  '  secretName: linkerd-identity-issuer',
  '  isCA: true',
  '  commonName: identity.linkerd.cluster.local',
  '  duration: 48h0m0s',
  '  renewBefore: 25h0m0s',
  '  privateKey:',
  '    rotationPolicy: Always',
  '    algorithm: ECDSA',
  '',
].join('\n');

describe('linkerd/self-signed-cert-manager-anchor', () => {
  const ruleId = 'linkerd/self-signed-cert-manager-anchor';

  it('flags the anchor Certificate on its selfSigned issuer', () => {
    const findings = findingsOf(analyze(LINKERD_CERT_MANAGER_CHAIN, 'trust.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(LINKERD_CERT_MANAGER_CHAIN, findings[0]), 'linkerd-trust-root-issuer');
    assert.ok(findings[0].range.start > LINKERD_CERT_MANAGER_CHAIN.indexOf('kind: Certificate'));
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /Issuer\/linkerd-trust-root-issuer \(selfSigned\)/);
  });

  it('traces the issuer Certificate across files to the root', () => {
    const findings = findingsOf(analyze(IDENTITY_ISSUER_CERTIFICATE, 'issuer.yaml', { 'trust.yaml': LINKERD_CERT_MANAGER_CHAIN }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(IDENTITY_ISSUER_CERTIFICATE, findings[0]), 'linkerd-identity-issuer');
    assert.match(findings[0].message, /identity issuer/);
    assert.match(findings[0].message, /\(ClusterIssuer\/linkerd-identity-issuer \(ca\) → Certificate\/linkerd-trust-anchor → Issuer\/linkerd-trust-root-issuer \(selfSigned\)/);
    const root = findings[0].related.find((related) => related.message.startsWith('in-cluster root'));
    assert.ok(root, 'related information points at the in-cluster root');
    assert.equal(root.file, 'trust.yaml');
  });

  it('ignores an issuer chain that ends at Vault', () => {
    const vault = ['apiVersion: cert-manager.io/v1', 'kind: ClusterIssuer', 'metadata:', '  name: linkerd-identity-issuer', 'spec:', '  vault:', '    server: https://vault.example.com', '    path: pki_int/sign/linkerd', ''].join('\n');
    assert.equal(findingsOf(analyze(IDENTITY_ISSUER_CERTIFICATE, 'issuer.yaml', { 'vault.yaml': vault }), ruleId).length, 0);
  });
});

describe('linkerd/multicluster-anchor-mismatch', () => {
  const ruleId = 'linkerd/multicluster-anchor-mismatch';
  const west = ['identityTrustDomain: prod.example.com', 'identityTrustAnchorsPEM: |', block(orgRoot.pem, 2), ''].join('\n');
  const east = ['identityTrustDomain: prod.example.com', 'identityTrustAnchorsPEM: |', block(otherRoot.pem, 2), ''].join('\n');

  it('flags anchors that share no certificate when a Link exists', () => {
    const findings = findingsOf(analyze(west, 'west/values.yaml', { 'east/values.yaml': east, 'link.yaml': LINK }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(west, findings[0]), '-----BEGIN CERTIFICATE-----');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /east\/values\.yaml/);
    assert.ok(findings[0].related.some((related) => related.file === 'link.yaml'));
  });

  it('accepts a bundle that holds the other cluster anchor', () => {
    const rotating = ['identityTrustAnchorsPEM: |', block(otherRoot.pem + orgRoot.pem, 2), ''].join('\n');
    assert.equal(findingsOf(analyze(west, 'west/values.yaml', { 'east/values.yaml': rotating, 'link.yaml': LINK }), ruleId).length, 0);
  });

  it('ignores different anchors without multicluster', () => {
    assert.equal(findingsOf(analyze(west, 'west/values.yaml', { 'east/values.yaml': east }), ruleId).length, 0);
  });
});

describe('linkerd/issuer-key-in-values', () => {
  const ruleId = 'linkerd/issuer-key-in-values';
  const keyMaterial = 'MHcCAQEEIDoNotEchoThisTestKeyMaterial';

  it('flags keyPEM under the default scheme without echoing the key', () => {
    const text = ['identity:', '  issuer:', '    tls:', '      crtPEM: |', block(orgIssuer.pem, 8), '      keyPEM: |', '        -----BEGIN EC PRIVATE KEY-----', `        ${keyMaterial}`, '        -----END EC PRIVATE KEY-----', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'keyPEM');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /chart default/);
    assert.ok(!findings[0].message.includes(keyMaterial));
    assert.ok(!findings[0].message.includes('BEGIN EC PRIVATE KEY'));
  });

  it('flags the issuer key in a rendered Secret', () => {
    const text = ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: linkerd-identity-issuer', 'stringData:', '  key.pem: not-a-real-key', ''].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'key.pem');
    assert.ok(!findings[0].message.includes('not-a-real-key'));
  });

  it('ignores the external issuer scheme and empty chart defaults', () => {
    const external = ['identity:', '  issuer:', '    scheme: kubernetes.io/tls', '    tls:', '      keyPEM: leftover', ''].join('\n');
    assert.equal(findingsOf(analyze(external, 'values.yaml'), ruleId).length, 0);
    const chartDefault = ['identity:', '  issuer:', '    scheme: linkerd.io/tls', '    tls:', '      crtPEM: |', '', '      keyPEM: |', '', ''].join('\n');
    assert.equal(findingsOf(analyze(chartDefault, 'values.yaml'), ruleId).length, 0);
  });
});

describe('linkerd/default-trust-domain', () => {
  const ruleId = 'linkerd/default-trust-domain';

  it('flags cluster.local when a Link exists and fixes it with a placeholder', () => {
    const text = ['# control plane values', 'identityTrustDomain: cluster.local # set at install', 'proxy:', '  defaultInboundPolicy: all-authenticated', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml', { 'link.yaml': LINK }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'cluster.local');
    assert.equal(findings[0].severity, 'warning');
    assert.equal(findings[0].fixes[0].safe, false);
    const { fixed } = applyFixWithOthers(text, ruleId, { 'link.yaml': LINK });
    assert.match(fixed, /identityTrustDomain: CHANGE-ME\.example\.com # set at install/);
  });

  it('inserts the trust domain when the default applies', () => {
    const text = ['identityTrustAnchorsPEM: |', block(orgRoot.pem, 2), 'proxy:', '  defaultInboundPolicy: all-authenticated', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml', { 'link.yaml': LINK }), ruleId);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /not set/);
    const { fixed } = applyFixWithOthers(text, ruleId, { 'link.yaml': LINK });
    assert.ok(fixed.endsWith('identityTrustDomain: CHANGE-ME.example.com\n'), fixed);
  });

  it('flags multicluster values and a Link to a default cluster', () => {
    const values = ['linkerdNamespace: linkerd', 'gateway:', '  enabled: true', 'identityTrustDomain: cluster.local', ''].join('\n');
    assert.equal(findingsOf(analyze(values, 'multicluster-values.yaml'), ruleId).length, 1);
    const link = LINK.replace('linkerd.prod.example.com', 'linkerd.cluster.local');
    const findings = findingsOf(analyze(link, 'link.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(link, findings[0]), 'linkerd-gateway.linkerd-multicluster.serviceaccount.identity.linkerd.cluster.local');
  });

  it('ignores cluster.local without multicluster and an organisation domain with it', () => {
    assert.equal(findingsOf(analyze('identityTrustDomain: cluster.local\n', 'values.yaml'), ruleId).length, 0);
    assert.equal(findingsOf(analyze('identityTrustDomain: prod.example.com\n', 'values.yaml', { 'link.yaml': LINK }), ruleId).length, 0);
  });
});

describe('linkerd/anchor-rotation-policy-unset', () => {
  const ruleId = 'linkerd/anchor-rotation-policy-unset';

  it('flags a missing privateKey and inserts it', () => {
    const text = IDENTITY_ISSUER_CERTIFICATE.replace('  privateKey:\n    rotationPolicy: Always\n    algorithm: ECDSA\n', '');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'spec');
    assert.equal(findings[0].severity, 'warning');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.ok(fixed.endsWith('  renewBefore: 25h0m0s\n  privateKey:\n    rotationPolicy: Always\n'), fixed);
  });

  it('flags a privateKey without rotationPolicy and inserts it', () => {
    const text = IDENTITY_ISSUER_CERTIFICATE.replace('    rotationPolicy: Always\n', '');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'privateKey');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, / {2}privateKey:\n {4}algorithm: ECDSA\n {4}rotationPolicy: Always\n/);
  });

  it('fixes a flow-style privateKey', () => {
    const text = IDENTITY_ISSUER_CERTIFICATE.replace('  privateKey:\n    rotationPolicy: Always\n    algorithm: ECDSA\n', '  privateKey: {algorithm: ECDSA}\n');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.match(fixed, /privateKey: \{algorithm: ECDSA, rotationPolicy: Always ?\}/);
  });

  it('ignores an explicit policy and unrelated Certificates', () => {
    assert.equal(findingsOf(analyze(IDENTITY_ISSUER_CERTIFICATE), ruleId).length, 0);
    const web = IDENTITY_ISSUER_CERTIFICATE.replace(/linkerd-identity-issuer/g, 'web-tls').replace('identity.linkerd.cluster.local', 'web.example.com').replace('    rotationPolicy: Always\n', '');
    assert.equal(findingsOf(analyze(web), ruleId).length, 0);
  });
});

describe('linkerd/unauthenticated-default-policy', () => {
  const ruleId = 'linkerd/unauthenticated-default-policy';
  const server = ['apiVersion: policy.linkerd.io/v1beta3', 'kind: Server', 'metadata:', '  name: web-http', 'spec:', '  podSelector:', '    matchLabels: {app: web}', '  port: http', ''].join('\n');
  const policy = [
    'apiVersion: policy.linkerd.io/v1alpha1',
    'kind: AuthorizationPolicy',
    'metadata:',
    '  name: web',
    'spec:',
    '  targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}',
    '  requiredAuthenticationRefs:',
    '    - {kind: ServiceAccount, name: frontend}',
    '',
  ].join('\n');

  it('flags the chart default on the proxy key and inserts all-authenticated', () => {
    const text = ['identityTrustDomain: prod.example.com', 'proxy:', '  logLevel: warn', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'proxy');
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /chart default/);
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'values.yaml');
    assert.equal(fixed, text.replace('  logLevel: warn\n', '  logLevel: warn\n  defaultInboundPolicy: all-authenticated\n'));
  });

  it('flags an explicit cluster-unauthenticated value and replaces it', () => {
    const text = ['identityTrustDomain: prod.example.com', 'proxy:', '  defaultInboundPolicy: "cluster-unauthenticated" # temporary', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '"cluster-unauthenticated"');
    const { fixed } = applyFixAndReanalyse(text, ruleId, 'values.yaml');
    assert.equal(fixed, text.replace('"cluster-unauthenticated"', '"all-authenticated"'));
  });

  it('flags the namespace annotation', () => {
    const text = ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  annotations:', '    config.linkerd.io/default-inbound-policy: all-unauthenticated', ''].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'all-unauthenticated');
    applyFixAndReanalyse(text, ruleId);
  });

  it('flags a Server whose accessPolicy admits unauthenticated traffic', () => {
    const text = server + '  accessPolicy: all-unauthenticated\n';
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'all-unauthenticated');
    const { fixed } = applyFixAndReanalyse(text, ruleId);
    assert.ok(fixed.endsWith('  accessPolicy: deny\n'));
  });

  it('ignores the default when Servers have AuthorizationPolicies', () => {
    assert.equal(findingsOf(analyze('identityTrustDomain: prod.example.com\nproxy:\n  logLevel: warn\n', 'values.yaml', { 'server.yaml': server, 'policy.yaml': policy }), ruleId).length, 0);
  });

  it('ignores all-authenticated and deny', () => {
    assert.equal(findingsOf(analyze('identityTrustDomain: prod.example.com\nproxy:\n  defaultInboundPolicy: all-authenticated\n', 'values.yaml'), ruleId).length, 0);
    assert.equal(findingsOf(analyze('identityTrustDomain: prod.example.com\nproxy:\n  defaultInboundPolicy: deny\n', 'values.yaml'), ruleId).length, 0);
  });
});

describe('linkerd/network-only-authorization', () => {
  const ruleId = 'linkerd/network-only-authorization';
  const networkAuthentication = ['apiVersion: policy.linkerd.io/v1alpha1', 'kind: NetworkAuthentication', 'metadata:', '  name: office', 'spec:', '  networks:', '    - cidr: 10.20.0.0/16', ''].join('\n');

  it('flags an AuthorizationPolicy that requires only a network', () => {
    const text = [
      'apiVersion: policy.linkerd.io/v1alpha1',
      'kind: AuthorizationPolicy',
      'metadata:',
      '  name: admin',
      'spec:',
      '  targetRef: {group: policy.linkerd.io, kind: Server, name: admin}',
      '  requiredAuthenticationRefs:',
      '    - name: office',
      '      kind: NetworkAuthentication',
      '      group: policy.linkerd.io',
      '',
    ].join('\n');
    const findings = findingsOf(analyze(text, 'policy.yaml', { 'networks.yaml': networkAuthentication }), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'NetworkAuthentication');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /10\.20\.0\.0\/16/);
    assert.equal(findings[0].related[0].file, 'networks.yaml');
  });

  it('ignores a network combined with an identity', () => {
    const text = [
      'apiVersion: policy.linkerd.io/v1alpha1',
      'kind: AuthorizationPolicy',
      'metadata: {name: admin}',
      'spec:',
      '  requiredAuthenticationRefs:',
      '    - {name: office, kind: NetworkAuthentication, group: policy.linkerd.io}',
      '    - {name: ops, kind: MeshTLSAuthentication, group: policy.linkerd.io}',
      '',
    ].join('\n');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });

  it('flags a ServerAuthorization with networks and no meshTLS', () => {
    const text = ['apiVersion: policy.linkerd.io/v1beta1', 'kind: ServerAuthorization', 'metadata: {name: probes}', 'spec:', '  server: {name: admin}', '  client:', '    unauthenticated: true', '    networks:', '      - cidr: 10.0.0.0/8', ''].join('\n');
    const findings = findingsOf(analyze(text), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'networks');
    assert.match(findings[0].message, /10\.0\.0\.0\/8/);
  });

  it('ignores a ServerAuthorization that names service accounts', () => {
    const text = ['apiVersion: policy.linkerd.io/v1beta1', 'kind: ServerAuthorization', 'metadata: {name: voting}', 'spec:', '  server: {name: voting}', '  client:', '    meshTLS:', '      serviceAccounts: [{name: web}]', ''].join('\n');
    assert.equal(findingsOf(analyze(text), ruleId).length, 0);
  });
});

describe('linkerd/cluster-networks-policy', () => {
  const ruleId = 'linkerd/cluster-networks-policy';

  it('flags cluster-authenticated and names clusterNetworks', () => {
    const text = ['identityTrustDomain: prod.example.com', 'clusterNetworks: "10.0.0.0/8"', 'proxy:', '  defaultInboundPolicy: cluster-authenticated', ''].join('\n');
    const findings = findingsOf(analyze(text, 'values.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), 'cluster-authenticated');
    assert.equal(findings[0].severity, 'hint');
    assert.match(findings[0].message, /clusterNetworks 10\.0\.0\.0\/8/);
  });

  it('ignores all-authenticated', () => {
    assert.equal(findingsOf(analyze('identityTrustDomain: prod.example.com\nproxy:\n  defaultInboundPolicy: all-authenticated\n', 'values.yaml'), ruleId).length, 0);
  });
});

describe('linkerd corpus', { skip: CORPUS_SKIP }, () => {
  function corpusFindings(name: string): { text: string; findings: Finding[] } {
    const text = corpusFile(`linkerd/${name}`);
    const findings = analyze(text, name).findings.filter((finding) => finding.system === 'linkerd');
    return { text, findings };
  }

  it('chart values: unauthenticated default policy', () => {
    const { text, findings } = corpusFindings('linkerd2__charts__linkerd-control-plane__values.yaml');
    const policy = findings.filter((finding) => finding.ruleId === 'linkerd/unauthenticated-default-policy');
    assert.equal(policy.length, 1);
    assert.equal(underlined(text, policy[0]), '"all-unauthenticated"');
    assert.equal(findings.filter((finding) => finding.ruleId === 'linkerd/issuer-key-in-values').length, 0, 'the empty keyPEM block is not a key');
  });

  it('rendered install: issuer key and embedded values', () => {
    const { text, findings } = corpusFindings('linkerd2__cli__cmd__testdata__install_helm_control_plane_output.golden');
    const key = findings.filter((finding) => finding.ruleId === 'linkerd/issuer-key-in-values');
    assert.equal(key.length, 1);
    assert.equal(underlined(text, key[0]), 'key.pem');
    const policy = findings.filter((finding) => finding.ruleId === 'linkerd/unauthenticated-default-policy');
    assert.equal(policy.length, 1, 'only the embedded values, not the control-plane annotations');
    assert.equal(underlined(text, policy[0]), 'all-unauthenticated');
    assert.ok(policy[0].range.start > text.indexOf('name: linkerd-config'));
  });

  it('HA overlay: the default policy on its proxy key', () => {
    const { text, findings } = corpusFindings('linkerd2__charts__linkerd-control-plane__values-ha.yaml');
    assert.deepEqual(findings.map((finding) => finding.ruleId), ['linkerd/unauthenticated-default-policy']);
    assert.equal(underlined(text, findings[0]), 'proxy');
  });

  it('dual-stack policy: network-only authorization despite the invalid document', () => {
    const { text, findings } = corpusFindings('linkerd2__test__integration__deep__dualstack__testdata__ipfamilies-policy.yml');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].ruleId, 'linkerd/network-only-authorization');
    assert.equal(findings[0].dimension, 'identity-policy');
    assert.equal(underlined(text, findings[0]), 'NetworkAuthentication');
  });

  it('emojivoto policy: only the network-scoped web authorization', () => {
    const { text, findings } = corpusFindings('linkerd2__test__integration__viz__policy__testdata__emoji-policy.yaml');
    assert.deepEqual(findings.map((finding) => finding.ruleId), ['linkerd/network-only-authorization']);
    assert.equal(underlined(text, findings[0]), 'networks');
    assert.match(findings[0].message, /web-public/);
  });

  it('identity-based and template files give no findings', () => {
    for (const name of [
      'linkerd2__grafana__authzpolicy-grafana.yaml',
      'linkerd2__charts__linkerd-control-plane__templates__identity.yaml',
      'linkerd2__charts__linkerd-control-plane__templates__config.yaml',
    ]) {
      assert.deepEqual(corpusFindings(name).findings.map((finding) => finding.ruleId), [], name);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const EXAMPLES = resolve(__dirname, '../../../../examples');

function folderFindings(folder: string): Finding[] {
  return analyzeFolder(folder).flatMap((analysis) => analysis.findings);
}

describe('linkerd examples', () => {
  it('cluster-bound estate triggers the Linkerd rules', () => {
    const findings = folderFindings(join(EXAMPLES, 'cluster-bound/linkerd')).filter((finding) => finding.system === 'linkerd');
    const ids = new Set(findings.map((finding) => finding.ruleId));
    for (const id of [
      'linkerd/cli-generated-anchor',
      'linkerd/self-signed-cert-manager-anchor',
      'linkerd/multicluster-anchor-mismatch',
      'linkerd/issuer-key-in-values',
      'linkerd/default-trust-domain',
      'linkerd/anchor-rotation-policy-unset',
      'linkerd/unauthenticated-default-policy',
      'linkerd/network-only-authorization',
      'linkerd/cluster-networks-policy',
    ]) {
      assert.ok(ids.has(id), `${id} missing; got ${[...ids].join(', ')}`);
    }
  });

  it('portable estate raises no Linkerd error', () => {
    const findings = folderFindings(join(EXAMPLES, 'portable/linkerd')).filter((finding) => finding.system === 'linkerd');
    assert.deepEqual(findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.ruleId}: ${finding.message}`), []);
  });
});

describe('linkerd/anchor-rotation-policy-unset with cert-manager/root-key-rotates', () => {
  const anchor = [
    'apiVersion: cert-manager.io/v1',
    'kind: Issuer',
    'metadata: {name: linkerd-trust-root-issuer, namespace: linkerd}',
    'spec:',
    '  selfSigned: {}',
    '---',
    'apiVersion: cert-manager.io/v1',
    'kind: Certificate',
    'metadata:',
    '  name: linkerd-trust-anchor',
    '  namespace: linkerd',
    'spec:',
    '  isCA: true',
    '  commonName: root.linkerd.cluster.local',
    '  secretName: linkerd-trust-anchor',
    '  issuerRef: {name: linkerd-trust-root-issuer, kind: Issuer}',
    '',
  ].join('\n');

  it('prefers the fix that the root-key rule accepts', () => {
    const finding = findingsOf(analyze(anchor), 'linkerd/anchor-rotation-policy-unset')[0];
    assert.ok(finding, 'no linkerd/anchor-rotation-policy-unset finding');
    const preferred = finding.fixes.find((fix) => fix.isPreferred);
    assert.equal(preferred?.title, 'Set privateKey.rotationPolicy: Never');
    const fixed = applyEdits(anchor, preferred.edits);
    assert.equal(findingsOf(analyze(fixed), 'cert-manager/root-key-rotates').length, 0, fixed);
    assert.equal(findingsOf(analyze(fixed), 'linkerd/anchor-rotation-policy-unset').length, 0, fixed);
  });
});
