import { certManagerRules } from './cert-manager';
import { istioRules } from './istio';
import { linkerdRules } from './linkerd';
import { networkPolicyRules } from './network-policy';
import { serviceAccountRules } from './service-accounts';
import { spireRules } from './spire';
import type { Rule, RuleMeta } from './types';

export const ALL_RULES: readonly Rule[] = [
  ...spireRules,
  ...certManagerRules,
  ...istioRules,
  ...linkerdRules,
  ...serviceAccountRules,
  ...networkPolicyRules,
];

/**
 * Checks that only live cluster evidence allows; src/cluster reports them on certificates it reads.
 * They have no manifest target, so the analyzer never dispatches them.
 */
export const LIVE_RULES: readonly RuleMeta[] = [
  {
    id: 'cluster/anchor-expiring',
    system: 'cluster',
    dimension: 'credential-lifetime',
    severity: 'error',
    title: 'Trust anchor or issuer certificate expires soon',
    rationale:
      'When a trust anchor or issuer certificate lapses, workloads stop trusting each other at once; replacing an expired anchor means re-issuing every credential that chains to it.',
    fixable: false,
  },
  {
    id: 'cluster/root-without-rotation-path',
    system: 'cluster',
    dimension: 'recoverability',
    severity: 'warning',
    title: 'Long-lived in-cluster root with no rotation path',
    rationale:
      'A root valid for many years whose key was made in the cluster, with no second root staged in the bundle, can only be replaced by re-issuing every workload credential at once, and a rebuilt cluster gets a different root.',
    fixable: false,
  },
];

/** Every rule id users can meet: manifest rules and live-evidence checks. */
export const KNOWN_RULES: readonly RuleMeta[] = [...ALL_RULES, ...LIVE_RULES];

export const RULES_BY_ID: ReadonlyMap<string, RuleMeta> = new Map(KNOWN_RULES.map((rule) => [rule.id, rule]));

/** Path of a rule's documentation page relative to the package root. */
export function ruleDocsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
