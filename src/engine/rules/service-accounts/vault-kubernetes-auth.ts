import { isRecord, lookup } from '../../manifest/tree';
import { displayName } from './pod-specs';
import type { Rule } from '../types';

/** cert-manager's default login path for Vault kubernetes auth. */
const CERT_MANAGER_DEFAULT_MOUNT = '/v1/auth/kubernetes';

export const vaultKubernetesAuth: Rule = {
  id: 'service-accounts/vault-kubernetes-auth',
  system: 'service-accounts',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'Vault login with the kubernetes auth method of this cluster',
  rationale:
    'The Vault kubernetes auth mount is configured with this cluster\'s API server address and CA and validates tokens through its TokenReview API. A rebuilt or second cluster needs its own mount and roles before its workloads can log in.',
  fixable: false,
  // NOTE: Vault Secrets Operator's jwt method and Vault Agent injector annotations are not checked yet.
  appliesTo: { kinds: ['Issuer', 'ClusterIssuer', 'VaultAuth'] },
  check(context) {
    const document = context.document;
    if (document.kind === 'VaultAuth') {
      if (!document.apiVersion?.startsWith('secrets.hashicorp.com/')) return;
      if (lookup(context.value, ['spec', 'method']) !== 'kubernetes') return;
      const mount = lookup(context.value, ['spec', 'mount']);
      const role = lookup(context.value, ['spec', 'kubernetes', 'role']);
      context.report({
        path: ['spec', 'method'],
        part: 'value',
        message: `VaultAuth "${displayName(document)}" logs in with method kubernetes${typeof mount === 'string' ? ` at mount ${mount}` : ''}${typeof role === 'string' ? ` as role ${role}` : ''}; that mount trusts this cluster's API server and CA. Use a mount per cluster managed as code, or a JWT/OIDC mount that trusts a stable issuer shared by your clusters.`,
      });
      return;
    }

    if (!document.apiVersion?.startsWith('cert-manager.io/')) return;
    const kubernetes = lookup(context.value, ['spec', 'vault', 'auth', 'kubernetes']);
    if (!isRecord(kubernetes)) return;
    const mountPath = typeof kubernetes.mountPath === 'string' ? kubernetes.mountPath : `${CERT_MANAGER_DEFAULT_MOUNT} (default)`;
    const role = typeof kubernetes.role === 'string' ? ` as role ${kubernetes.role}` : '';
    context.report({
      path: ['spec', 'vault', 'auth', 'kubernetes'],
      part: 'key',
      message: `${document.kind} "${displayName(document)}" authenticates to Vault with kubernetes auth at ${mountPath}${role}; that mount trusts this cluster's API server, CA and service-account tokens. Give each cluster its own mount managed as code, or authenticate with an identity that does not depend on this cluster.`,
    });
  },
};
