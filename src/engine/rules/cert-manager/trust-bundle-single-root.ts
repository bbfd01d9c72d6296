import type { Rule } from '../types';
import { bundleSources, objectLabel } from './shared';

export const trustBundleSingleRoot: Rule = {
  id: 'cert-manager/trust-bundle-single-root',
  system: 'cert-manager',
  dimension: 'recoverability',
  severity: 'hint',
  title: 'Trust bundle holds a single CA, so a root rotation cannot overlap',
  rationale:
    'To replace a root without an outage, consumers must trust the old and the new root for a while; a bundle with one source has no place for the second root.',
  fixable: false,
  appliesTo: { kinds: ['Bundle', 'ClusterBundle'] },
  check(context) {
    const sources = bundleSources(context.document);
    if (!sources || sources.open || sources.count !== 1) return;
    context.report({
      path: sources.path,
      part: 'key',
      message:
        `${objectLabel(context.document)} distributes a single CA certificate. ` +
        'When that root is replaced, add the new root as a second source before switching issuers, and remove the old one only after every certificate it signed has expired.',
    });
  },
};
