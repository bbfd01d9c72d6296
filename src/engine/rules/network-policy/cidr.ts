/**
 * Address ranges that pod, service and node networks are normally drawn from: RFC 1918, the
 * shared address space of RFC 6598 (used by some clusters for pods) and IPv6 unique local
 * addresses (RFC 4193). A policy peer inside these ranges most likely names in-cluster or
 * in-house workloads; a public range names an outside service, which only an address can name.
 * NOTE: this is a heuristic; a private range can also be an on-premises network outside the cluster.
 */
const PRIVATE_V4: [number, number][] = [
  [ipv4ToNumber('10.0.0.0')!, 8],
  [ipv4ToNumber('172.16.0.0')!, 12],
  [ipv4ToNumber('192.168.0.0')!, 16],
  [ipv4ToNumber('100.64.0.0')!, 10],
];

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let result = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    result = result * 256 + octet;
  }
  return result;
}

/** True when `cidr` (or a single address) lies inside a private range; false for malformed input. */
export function isPrivateCidr(cidr: string): boolean {
  const [address, prefixText] = cidr.trim().split('/');
  if (address.includes(':')) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    return /^f[cd][0-9a-f]{0,2}:/i.test(address) && prefix >= 7;
  }
  const value = ipv4ToNumber(address);
  if (value === undefined) return false;
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return false;
  return PRIVATE_V4.some(([network, length]) => prefix >= length && Math.floor(value / 2 ** (32 - length)) === Math.floor(network / 2 ** (32 - length)));
}
