import { certManagerRules } from './cert-manager';
import { istioRules } from './istio';
import { linkerdRules } from './linkerd';
import { networkPolicyRules } from './network-policy';
import { serviceAccountRules } from './service-accounts';
import { spireRules } from './spire';
import type { Rule } from './types';

export const ALL_RULES: readonly Rule[] = [
  ...spireRules,
  ...certManagerRules,
  ...istioRules,
  ...linkerdRules,
  ...serviceAccountRules,
  ...networkPolicyRules,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((rule) => [rule.id, rule]));

/** Path of a rule's documentation page relative to the package root. */
export function ruleDocsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
