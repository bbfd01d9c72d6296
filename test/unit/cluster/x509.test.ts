import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { describeKey, parsePemBundle, parseSpiffeBundle } from '../../../src/cluster';
import { opensslDate, TestPki } from '../../fixtures/pki';

const pki = new TestPki();
after(() => pki.dispose());

const root = pki.issue('root', { subject: '/O=Acme/CN=Acme Root', isCA: true, days: 3650, key: 'rsa2048' });
const intermediate = pki.issue('intermediate', { subject: '/O=Acme/CN=SPIRE intermediate', isCA: true, days: 30, issuer: root, altNames: ['URI:spiffe://prod.acme.example'] });
const leaf = pki.issue('leaf', { subject: '/CN=payments', days: 1, issuer: intermediate, altNames: ['URI:spiffe://prod.acme.example/ns/payments/sa/api', 'DNS:payments.svc'] });
const expired = pki.issue('expired', { subject: '/CN=old root', isCA: true, notBefore: opensslDate(-400), notAfter: opensslDate(-35) });

describe('PEM bundles', () => {
  const bundle = parsePemBundle(`# comment line\n${leaf.certPem}${intermediate.certPem}${root.certPem}`);

  it('reads every certificate of a bundle', () => {
    assert.equal(bundle.errors.length, 0);
    assert.deepEqual(bundle.certificates.map((certificate) => certificate.subject), ['CN=payments', 'O=Acme, CN=SPIRE intermediate', 'O=Acme, CN=Acme Root']);
  });

  it('tells self-signed roots from signed CAs', () => {
    const [leafInfo, intermediateInfo, rootInfo] = bundle.certificates;
    assert.equal(rootInfo.selfSigned, true);
    assert.equal(rootInfo.isCA, true);
    assert.equal(intermediateInfo.selfSigned, false);
    assert.equal(intermediateInfo.isCA, true);
    assert.equal(intermediateInfo.issuer, 'O=Acme, CN=Acme Root');
    assert.equal(leafInfo.isCA, false);
  });

  it('reports key algorithm and size', () => {
    assert.equal(bundle.certificates[2].keyAlgorithm, 'RSA');
    assert.equal(bundle.certificates[2].keySize, 2048);
    assert.equal(bundle.certificates[1].keyAlgorithm, 'EC');
    assert.equal(bundle.certificates[1].keySize, 256);
    assert.equal(describeKey(bundle.certificates[1]), 'EC prime256v1');
  });

  it('matches the fingerprint openssl prints', () => {
    const printed = execFileSync('openssl', ['x509', '-in', root.certFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    assert.equal(bundle.certificates[2].fingerprintSha256, printed.trim().split('=')[1]);
  });

  it('separates SPIFFE URI SANs from other names', () => {
    assert.deepEqual(bundle.certificates[0].spiffeIds, ['spiffe://prod.acme.example/ns/payments/sa/api']);
    assert.deepEqual(bundle.certificates[0].otherNames, ['DNS:payments.svc']);
    assert.deepEqual(bundle.certificates[1].spiffeIds, ['spiffe://prod.acme.example']);
  });

  it('computes validity and days remaining', () => {
    assert.ok(bundle.certificates[2].validityDays >= 3649, `validity ${bundle.certificates[2].validityDays}`);
    assert.ok(bundle.certificates[2].validityDays <= 3651, `validity ${bundle.certificates[2].validityDays}`);
    const old = parsePemBundle(expired.certPem).certificates[0];
    assert.ok(old.daysRemaining < -30, `expected an expired certificate, got ${old.daysRemaining} days`);
  });

  it('keeps good certificates next to a broken block', () => {
    const broken = parsePemBundle(`${root.certPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    assert.equal(broken.certificates.length, 1);
    assert.match(broken.errors[0], /certificate 2 of the bundle could not be parsed/);
  });

  it('reports text with no certificate', () => {
    assert.match(parsePemBundle('not a certificate').errors[0], /no PEM certificate block/);
  });
});

describe('SPIFFE bundles', () => {
  it('reads x509-svid authorities from x5c', () => {
    const der = new X509Certificate(intermediate.certPem).raw.toString('base64');
    const text = JSON.stringify({ keys: [{ use: 'x509-svid', kty: 'EC', crv: 'P-256', x5c: [der] }, { use: 'jwt-svid', kty: 'EC', kid: 'abc' }], spiffe_sequence: 3 });
    const bundle = parseSpiffeBundle(text);
    assert.equal(bundle.certificates.length, 1);
    assert.deepEqual(bundle.certificates[0].spiffeIds, ['spiffe://prod.acme.example']);
  });

  it('reports invalid JSON', () => {
    assert.match(parseSpiffeBundle('{').errors[0], /not valid JSON/);
  });
});
