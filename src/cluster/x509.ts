import { X509Certificate } from 'node:crypto';

/** What the assessor reads from a public certificate. Dates are ISO 8601 strings. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  /** Issued by itself and verified with its own public key. */
  selfSigned: boolean;
  isCA: boolean;
  notBefore: string;
  notAfter: string;
  /** Whole days from `now` to notAfter; negative once expired. */
  daysRemaining: number;
  /** Whole days from notBefore to notAfter. */
  validityDays: number;
  /** `RSA`, `EC`, `Ed25519`, ... (node:crypto's asymmetricKeyType, upper-cased). */
  keyAlgorithm: string;
  /** Modulus length in bits for RSA; the curve's field size for EC (256 for P-256). */
  keySize?: number;
  /** Curve name for EC keys, such as `prime256v1`. */
  curve?: string;
  /** SHA-256 fingerprint as colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprintSha256: string;
  /** `spiffe://` URI SANs. */
  spiffeIds: string[];
  /** Other URI and DNS SANs, for display. */
  otherNames: string[];
}

export interface PemBundle {
  certificates: CertificateInfo[];
  /** One message per block that is not a parsable certificate; the other blocks are still read. */
  errors: string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const CURVE_BITS: Record<string, number> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521, secp256k1: 256 };

/** Reads every certificate of a PEM bundle (a root, a chain, or several roots during rotation). */
export function parsePemBundle(text: string, now: Date = new Date()): PemBundle {
  const bundle: PemBundle = { certificates: [], errors: [] };
  let index = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    index++;
    try {
      bundle.certificates.push(inspectCertificate(new X509Certificate(match[0]), now));
    } catch (error) {
      bundle.errors.push(`certificate ${index} of the bundle could not be parsed: ${(error as Error).message}`);
    }
  }
  if (index === 0 && text.trim() !== '') bundle.errors.push('no PEM certificate block (-----BEGIN CERTIFICATE-----) found');
  return bundle;
}

export function inspectCertificate(certificate: X509Certificate, now: Date = new Date()): CertificateInfo {
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const names = splitSubjectAltName(certificate.subjectAltName);

  let keySize: number | undefined = details.modulusLength;
  if (keySize === undefined && details.namedCurve) keySize = CURVE_BITS[details.namedCurve];
  if (keySize === undefined && key.asymmetricKeyType === 'ed25519') keySize = 256;

  return {
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serialNumber: certificate.serialNumber,
    selfSigned: isSelfSigned(certificate),
    isCA: certificate.ca,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
    validityDays: Math.round((notAfter.getTime() - notBefore.getTime()) / 86_400_000),
    keyAlgorithm: (key.asymmetricKeyType ?? 'unknown').toUpperCase(),
    keySize,
    curve: details.namedCurve,
    fingerprintSha256: certificate.fingerprint256,
    spiffeIds: names.filter((name) => name.startsWith('URI:spiffe://')).map((name) => name.slice(4)),
    otherNames: names.filter((name) => !name.startsWith('URI:spiffe://')),
  };
}

function isSelfSigned(certificate: X509Certificate): boolean {
  if (!certificate.checkIssued(certificate)) return false;
  try {
    return certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}

/** node:crypto prints distinguished names one attribute per line; reports show them on one line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function splitSubjectAltName(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(/,\s*/).map((entry) => entry.trim()).filter(Boolean);
}

/** The certificates that act as roots: self-signed CAs, or, when none is, the last certificate (the top of a chain). */
export function rootsOf(certificates: readonly CertificateInfo[]): CertificateInfo[] {
  const roots = certificates.filter((certificate) => certificate.selfSigned);
  if (roots.length > 0) return roots;
  return certificates.length > 0 ? [certificates[certificates.length - 1]] : [];
}

export function describeKey(certificate: CertificateInfo): string {
  if (certificate.keyAlgorithm === 'EC') return `EC ${certificate.curve ?? ''}`.trim();
  return certificate.keySize ? `${certificate.keyAlgorithm} ${certificate.keySize}` : certificate.keyAlgorithm;
}

/**
 * Reads the X.509 authorities of a SPIFFE trust bundle in JWKS form (`bundle.spiffe`): keys whose
 * `use` is `x509-svid` carry the CA certificate as base64 DER in `x5c[0]`.
 */
export function parseSpiffeBundle(text: string, now: Date = new Date()): PemBundle {
  const bundle: PemBundle = { certificates: [], errors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    bundle.errors.push(`the SPIFFE bundle is not valid JSON: ${(error as Error).message}`);
    return bundle;
  }

  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    bundle.errors.push('the SPIFFE bundle has no keys list');
    return bundle;
  }
  for (const [index, key] of keys.entries()) {
    const entry = key as { use?: unknown; x5c?: unknown };
    if (entry?.use !== 'x509-svid' || !Array.isArray(entry.x5c) || typeof entry.x5c[0] !== 'string') continue;
    try {
      bundle.certificates.push(inspectCertificate(new X509Certificate(Buffer.from(entry.x5c[0], 'base64')), now));
    } catch (error) {
      bundle.errors.push(`key ${index + 1} of the SPIFFE bundle has an unparsable x5c certificate: ${(error as Error).message}`);
    }
  }
  return bundle;
}
