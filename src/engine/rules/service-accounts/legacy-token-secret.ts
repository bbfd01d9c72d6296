import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';

export const legacyTokenSecret: Rule = {
  id: 'service-accounts/legacy-token-secret',
  system: 'service-accounts',
  dimension: 'credential-lifetime',
  severity: 'error',
  title: 'Long-lived service-account token Secret',
  rationale:
    'A Secret of type kubernetes.io/service-account-token holds a token that never expires and is signed by this cluster\'s service-account key, so it is both long-lived and valid only against this cluster.',
  fixable: false,
  appliesTo: { kinds: ['Secret'] },
  check(context) {
    if (lookup(context.value, ['type']) !== 'kubernetes.io/service-account-token') return;
    const account = lookup(context.value, ['metadata', 'annotations', 'kubernetes.io/service-account.name']);
    const owner = typeof account === 'string' ? `service account "${account}"` : 'a service account';
    context.report({
      path: ['type'],
      part: 'value',
      message: `Secret "${context.document.name ?? '(unnamed)'}" is a legacy, non-expiring token for ${owner}. Use a projected serviceAccountToken volume with an audience and expirationSeconds instead.`,
    });
  },
};
