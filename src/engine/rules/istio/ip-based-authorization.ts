import type { Fix } from '../../model';
import { removeEntry } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';

/** Source fields of istio/api security/v1beta1 Source that match on addresses. */
const IP_FIELDS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'];

/** Source fields that match on identity (peer certificate, JWT, or the namespace in the certificate). */
const IDENTITY_FIELDS = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
];

/** Condition keys that carry the caller's address. */
const IP_CONDITION_KEYS = new Set(['source.ip', 'remote.ip']);

/** Placeholder principal the fix writes; the user must name the real caller. */
export const PRINCIPAL_PLACEHOLDER = 'cluster.local/ns/CALLER-NAMESPACE/sa/CALLER-SERVICE-ACCOUNT';

export const ipBasedAuthorization: Rule = {
  id: 'istio/ip-based-authorization',
  system: 'istio',
  dimension: 'identity-policy',
  severity: 'warning',
  title: 'AuthorizationPolicy ALLOW rule admits callers by IP address',
  rationale:
    'An address says where a caller runs, not who it is. Pod and node addresses change on every reschedule, failover or move to another cluster, so the same workload gets a different authorization outcome, and any workload that lands on an allowed address is admitted.',
  fixable: true,
  appliesTo: { kinds: ['AuthorizationPolicy'] },
  check(context) {
    const action = lookup(context.value, ['spec', 'action']);
    if (action !== undefined && action !== 'ALLOW') return;
    const rules = lookup(context.value, ['spec', 'rules']);
    if (!Array.isArray(rules)) return;
    const policy = `AuthorizationPolicy "${context.document.name ?? '(unnamed)'}"`;

    rules.forEach((rule, ruleIndex) => {
      if (!isRecord(rule)) return;
      if (Array.isArray(rule.from)) {
        rule.from.forEach((entry, fromIndex) => checkSource(context, policy, ['spec', 'rules', ruleIndex, 'from', fromIndex, 'source'], lookup(entry, ['source'])));
      }
      if (Array.isArray(rule.when)) {
        rule.when.forEach((condition, whenIndex) => {
          const key = lookup(condition, ['key']);
          if (typeof key !== 'string' || !IP_CONDITION_KEYS.has(key)) return;
          context.report({
            path: ['spec', 'rules', ruleIndex, 'when', whenIndex, 'key'],
            part: 'value',
            message: `${policy}: rule ${ruleIndex + 1} admits requests by the condition ${key}, the caller's address. Match the caller's identity (source.principals or source.serviceAccounts) with STRICT mTLS instead.`,
          });
        });
      }
    });
  },
};

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null;
}

function checkSource(context: RuleContext, policy: string, sourcePath: Path, source: unknown): void {
  if (!isRecord(source)) return;
  const ipFields = IP_FIELDS.filter((field) => nonEmpty(source[field]));
  if (ipFields.length === 0) return;
  const identityFields = IDENTITY_FIELDS.filter((field) => nonEmpty(source[field]));
  const first = ipFields[0];
  const fieldPath: Path = [...sourcePath, first];
  const listed = ipFields.map((field) => `${field} ${JSON.stringify(source[field])}`).join(', ');

  if (identityFields.length === 0) {
    context.report({
      path: fieldPath,
      part: 'key',
      message: `${policy}: this source admits callers by address only (${listed}). Name the callers by identity instead, with source.principals (for example "cluster.local/ns/payments/sa/checkout") and STRICT mTLS.`,
      fixes: ipFields.length === 1 ? principalsSkeletonFix(context, fieldPath, first) : [],
    });
    return;
  }

  const edits = ipFields.map((field) => removeEntry(context.file.text, context.document.tree, [...sourcePath, field]));
  const complete = edits.every((edit) => edit !== undefined);
  context.report({
    path: fieldPath,
    part: 'key',
    message: `${policy}: this source checks ${identityFields.join(', ')} but also requires the caller's address (${listed}), so the same caller is denied after it moves to another node, network or cluster. Drop the address condition and rely on the identity fields.`,
    fixes: complete
      ? [{ title: `Remove ${ipFields.join(', ')} and keep the identity fields`, edits: edits.filter((edit) => edit !== undefined), isPreferred: true, safe: false }]
      : [],
  });
}

/** Replaces the whole `ipBlocks: ...` entry with a principals list the user must fill in. */
function principalsSkeletonFix(context: RuleContext, fieldPath: Path, field: string): Fix[] {
  const range = context.document.tree.locate(fieldPath, 'entry');
  if (!range) return [];
  return [
    {
      title: `Replace ${field} with a principals skeleton`,
      edits: [{ range, newText: `principals: ["${PRINCIPAL_PLACEHOLDER}"]` }],
      isPreferred: true,
      safe: false,
    },
  ];
}
