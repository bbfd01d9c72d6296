import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule } from '../types';
import { isPrivateCidr } from './cidr';

/** CIDR peer fields of Cilium policy rules (docs.cilium.io, Layer 3 policy: IP/CIDR based). */
const CIDR_FIELDS = { ingress: ['fromCIDR', 'fromCIDRSet'], egress: ['toCIDR', 'toCIDRSet'] } as const;

/** `fromCIDR` items are strings; `fromCIDRSet` items are `{cidr, except}` or CIDR-group references. */
function cidrOf(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  const cidr = lookup(item, ['cidr']);
  return typeof cidr === 'string' ? cidr : undefined;
}

export const ciliumCidrWithoutAuth: Rule = {
  id: 'network-policy/cilium-cidr-without-auth',
  system: 'network-policy',
  dimension: 'identity-policy',
  severity: 'warning',
  title: 'Cilium policy admits private address ranges without mutual authentication',
  rationale:
    'Cilium can require a SPIFFE-based mutual authentication handshake per rule; a rule that names peers by private CIDR and does not require it decides by address alone, which changes when workloads move between nodes or clusters.',
  fixable: false,
  appliesTo: { kinds: ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] },
  check(context) {
    const kind = context.document.kind;
    const policy = `${kind} "${context.document.name ?? '(unnamed)'}"`;
    const specs: { spec: unknown; path: Path }[] = [];
    if (lookup(context.value, ['spec']) !== undefined) specs.push({ spec: lookup(context.value, ['spec']), path: ['spec'] });
    const many = lookup(context.value, ['specs']);
    if (Array.isArray(many)) many.forEach((spec, index) => specs.push({ spec, path: ['specs', index] }));

    for (const { spec, path: specPath } of specs) {
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = lookup(spec, [direction]);
        if (!Array.isArray(rules)) continue;
        rules.forEach((rule, ruleIndex) => {
          if (!isRecord(rule)) return;
          if (lookup(rule, ['authentication', 'mode']) === 'required') return;
          for (const field of CIDR_FIELDS[direction]) {
            const items = rule[field];
            if (!Array.isArray(items)) continue;
            const cidrs = items.map(cidrOf);
            if (cidrs.some((cidr) => cidr !== undefined && isTemplatePlaceholder(cidr))) continue;
            const privateIndex = cidrs.findIndex((cidr) => cidr !== undefined && isPrivateCidr(cidr));
            if (privateIndex < 0) continue;

            const itemPath: Path = [...specPath, direction, ruleIndex, field, privateIndex];
            const path: Path = typeof items[privateIndex] === 'string' ? itemPath : [...itemPath, 'cidr'];
            context.report({
              path,
              part: 'value',
              message:
                `${policy}: ${direction} rule ${ruleIndex + 1} uses ${field} ${cidrs[privateIndex]}, a private range, without authentication.mode: required, so peers are admitted by address alone. ` +
                `Select in-cluster peers with ${direction === 'ingress' ? 'fromEndpoints' : 'toEndpoints'} and require mutual authentication (authentication: {mode: required}).`,
            });
          }
        });
      }
    }
  },
};
