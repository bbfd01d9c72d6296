import { replaceScalar } from '../../fixes/edits';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { DEFAULT_TRUST_DOMAIN, workspaceMeshConfigs, workspaceTrustDomainAliases } from './install';

/** `<trust domain>/ns/<namespace>/sa/<service account>`, the principal format of istio/api Source. */
const PRINCIPAL = /^([^/*]+)\/ns\/[^/]+\/sa\/.+$/;

export const hardCodedTrustDomain: Rule = {
  id: 'istio/hard-coded-trust-domain',
  system: 'istio',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'AuthorizationPolicy principal hard-codes a trust domain that no alias covers',
  rationale:
    'A principal that names a specific trust domain stops matching when the mesh moves to another trust domain, for example after a rebuild or a migration, unless trustDomainAliases lists the old name. Istio treats cluster.local in a principal as the current trust domain and its aliases.',
  fixable: true,
  appliesTo: { kinds: ['AuthorizationPolicy'] },
  check(context) {
    const rules = lookup(context.value, ['spec', 'rules']);
    if (!Array.isArray(rules)) return;
    const aliases = workspaceTrustDomainAliases(context.workspace);
    const localTrustDomains = new Set(
      workspaceMeshConfigs(context.workspace)
        .map((mesh) => mesh.value.trustDomain ?? DEFAULT_TRUST_DOMAIN)
        .filter((value): value is string => typeof value === 'string' && !isTemplatePlaceholder(value)),
    );
    const policy = `AuthorizationPolicy "${context.document.name ?? '(unnamed)'}"`;

    rules.forEach((rule, ruleIndex) => {
      const from = isRecord(rule) ? rule.from : undefined;
      if (!Array.isArray(from)) return;
      from.forEach((entry, fromIndex) => {
        const principals = lookup(entry, ['source', 'principals']);
        if (!Array.isArray(principals)) return;
        principals.forEach((principal, principalIndex) => {
          if (typeof principal !== 'string' || isTemplatePlaceholder(principal)) return;
          const match = PRINCIPAL.exec(principal);
          if (!match) return;
          const trustDomain = match[1];
          if (trustDomain === DEFAULT_TRUST_DOMAIN || aliases.has(trustDomain)) return;

          const path = ['spec', 'rules', ruleIndex, 'from', fromIndex, 'source', 'principals', principalIndex];
          const portable = DEFAULT_TRUST_DOMAIN + principal.slice(trustDomain.length);
          const foreign = localTrustDomains.size > 0 && !localTrustDomains.has(trustDomain);
          const head = `${policy}: principal "${principal}" names the trust domain "${trustDomain}", and no trustDomainAliases in these files list it`;
          if (foreign) {
            context.report({
              path,
              part: 'value',
              message:
                `${head}. It is not this mesh's trust domain (${[...localTrustDomains].join(', ')}): if it is a former name of this mesh, add it to meshConfig.trustDomainAliases; ` +
                'if it is a federated mesh, agree a stable trust domain with its owners and suppress this finding with the reason.',
            });
            return;
          }
          const edit = replaceScalar(context.file.text, context.document.tree, path, portable);
          context.report({
            path,
            part: 'value',
            message:
              `${head}, so the rule stops matching if the mesh trust domain changes. ` +
              `Write "${portable}" (sidecars read cluster.local as the current trust domain and its aliases; ambient ztunnel does not), or add "${trustDomain}" to meshConfig.trustDomainAliases.`,
            fixes: edit ? [{ title: `Use cluster.local in principal "${principal}"`, edits: [edit], isPreferred: true, safe: false }] : [],
          });
        });
      });
    });
  },
};
