import { isIP } from 'node:net';

/**
 * Chooses the proxy for an API server URL from HTTPS_PROXY/HTTP_PROXY and NO_PROXY, following the
 * rules of Go's golang.org/x/net/http/httpproxy, which kubectl uses: the upper-case variable is read
 * before the lower-case one; localhost and loopback addresses are never proxied; NO_PROXY entries are
 * host names (matching the host and its subdomains), `.domain` suffixes, IP addresses or CIDR ranges,
 * optionally with a port, or `*`. A kubeconfig `proxy-url` wins over all of this.
 */
export function proxyFromEnvironment(serverUrl: string, env: Record<string, string | undefined>): string | undefined {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return undefined;
  }

  const proxy = url.protocol === 'https:' ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  if (!proxy) return undefined;

  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost' || isLoopback(host)) return undefined;
  if (matchesNoProxy(host, port, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return proxy.includes('://') ? proxy : `http://${proxy}`;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function matchesNoProxy(host: string, port: string, noProxy: string): boolean {
  for (const rawEntry of noProxy.split(',')) {
    const entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;

    if (entry.includes('/')) {
      if (isIP(host) && inCidr(host, entry)) return true;
      continue;
    }

    const { name, entryPort } = splitHostPort(entry);
    if (entryPort && entryPort !== port) continue;
    if (isIP(name)) {
      if (name === host) return true;
      continue;
    }
    const domain = name.startsWith('.') ? name.slice(1) : name;
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitHostPort(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], entryPort: bracketed[2] };
  const colon = entry.lastIndexOf(':');
  if (colon > 0 && entry.indexOf(':') === colon && /^\d+$/.test(entry.slice(colon + 1))) {
    return { name: entry.slice(0, colon), entryPort: entry.slice(colon + 1) };
  }
  return { name: entry };
}

// NOTE: only IPv4 CIDR ranges are matched; an IPv6 range in NO_PROXY is ignored.
function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(host) !== 4 || isIP(base) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const toNumber = (address: string): number => address.split('.').reduce((value, part) => (value << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (toNumber(host) & mask) === (toNumber(base) & mask);
}
