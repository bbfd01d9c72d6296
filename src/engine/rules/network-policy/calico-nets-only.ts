import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { isPrivateCidr } from './cidr';

/** EntityRule fields of projectcalico.org/v3 that select workloads rather than addresses. */
const WORKLOAD_FIELDS = ['selector', 'namespaceSelector', 'serviceAccounts', 'services'];

export const calicoNetsOnly: Rule = {
  id: 'network-policy/calico-nets-only',
  system: 'network-policy',
  dimension: 'identity-policy',
  severity: 'hint',
  title: 'Calico Allow rule names private peers only by nets',
  rationale:
    'A Calico rule that matches a peer only by nets decides by address. Calico can match the peer\'s service account instead, which stays the same when the workload moves.',
  fixable: false,
  appliesTo: { kinds: ['NetworkPolicy', 'GlobalNetworkPolicy'] },
  check(context) {
    const apiVersion = context.document.apiVersion ?? '';
    if (!apiVersion.startsWith('projectcalico.org/') && !apiVersion.startsWith('crd.projectcalico.org/')) return;
    const policy = `Calico ${context.document.kind} "${context.document.name ?? '(unnamed)'}"`;

    for (const [direction, side] of [['ingress', 'source'], ['egress', 'destination']] as const) {
      const rules = lookup(context.value, ['spec', direction]);
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule, ruleIndex) => {
        if (!isRecord(rule) || rule.action !== 'Allow') return;
        const entity = rule[side];
        if (!isRecord(entity) || !Array.isArray(entity.nets)) return;
        if (WORKLOAD_FIELDS.some((field) => entity[field] !== undefined)) return;
        const nets = entity.nets.filter((net): net is string => typeof net === 'string');
        if (nets.some(isTemplatePlaceholder)) return;
        const privateIndex = nets.findIndex(isPrivateCidr);
        if (privateIndex < 0) return;

        context.report({
          path: ['spec', direction, ruleIndex, side, 'nets', privateIndex],
          part: 'value',
          message: `${policy}: ${direction} rule ${ruleIndex + 1} allows ${side}.nets ${nets.join(', ')} with no selector or service-account match, so private peers are admitted by address alone. Match ${side}.serviceAccounts (or a selector) instead.`,
        });
      });
    }
  },
};
