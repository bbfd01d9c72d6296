import { issuerType } from '../../chains';
import { lineBreakOf } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Fix } from '../../model';
import type { Rule, RuleContext } from '../types';
import { isIssuerDocument, knownString, objectLabel } from './shared';

const AUTH: Path = ['spec', 'vault', 'auth'];
const SERVICE_ACCOUNT_PLACEHOLDER = '<service-account-name>';

/** Returns the service account named by the annotation of a legacy token Secret in the workspace. */
function serviceAccountOfTokenSecret(context: RuleContext, secretName: string): string | undefined {
  const namespace = context.document.kind === 'Issuer' ? context.document.namespace : undefined;
  for (const secret of context.workspace.find('Secret', secretName, namespace)) {
    const account = knownString(lookup(secret.tree.value, ['metadata', 'annotations', 'kubernetes.io/service-account.name']));
    if (account) return account;
  }
  return undefined;
}

/** Replaces `secretRef: ...` under auth.kubernetes with `serviceAccountRef: {name}`, in block or flow style. */
function serviceAccountRefFix(context: RuleContext): Fix | undefined {
  const path = [...AUTH, 'kubernetes', 'secretRef'];
  if (lookup(context.value, [...AUTH, 'kubernetes', 'serviceAccountRef']) !== undefined) return undefined;
  const entry = context.document.tree.locate(path, 'entry');
  if (!entry) return undefined;

  const text = context.file.text;
  const secretName = knownString(lookup(context.value, [...path, 'name']));
  const account = (secretName && serviceAccountOfTokenSecret(context, secretName)) ?? SERVICE_ACCOUNT_PLACEHOLDER;
  const lineStart = text.lastIndexOf('\n', entry.start - 1) + 1;
  const before = text.slice(lineStart, entry.start);
  const newText = /^[ \t]*$/.test(before)
    ? `serviceAccountRef:${lineBreakOf(text)}${before}  name: ${account}`
    : `serviceAccountRef: {name: ${account}}`;
  return {
    title: account === SERVICE_ACCOUNT_PLACEHOLDER ? 'Use serviceAccountRef (bound tokens); fill in the service account' : `Use serviceAccountRef "${account}" (bound tokens)`,
    edits: [{ range: entry, newText }],
    isPreferred: true,
    safe: false,
  };
}

export const vaultStaticToken: Rule = {
  id: 'cert-manager/vault-static-token',
  system: 'cert-manager',
  dimension: 'credential-lifetime',
  severity: 'warning',
  title: 'Vault issuer authenticates with a static credential from a Secret',
  rationale:
    'A Vault token, an AppRole SecretID or a legacy service-account token kept in a Secret is long-lived, is never renewed by cert-manager, and is lost or must be re-created by hand when the cluster is rebuilt.',
  fixable: true,
  appliesTo: { kinds: ['Issuer', 'ClusterIssuer'] },
  check(context) {
    const issuer = context.document;
    if (!isIssuerDocument(issuer) || issuerType(issuer) !== 'vault') return;
    const auth = lookup(context.value, AUTH);
    if (!isRecord(auth)) return;
    const label = objectLabel(issuer);

    if (auth.tokenSecretRef !== undefined) {
      const secret = knownString(lookup(auth, ['tokenSecretRef', 'name'])) ?? '(unnamed)';
      context.report({
        path: [...AUTH, 'tokenSecretRef'],
        part: 'key',
        message:
          `${label} authenticates to Vault with the token in Secret "${secret}" (auth.tokenSecretRef). cert-manager does not renew this token, so it must be long-lived or refreshed by another process. ` +
          'Use auth.kubernetes.serviceAccountRef, which requests a 10-minute bound token for every call.',
      });
    }

    if (isRecord(auth.appRole) && auth.appRole.secretRef !== undefined) {
      const secret = knownString(lookup(auth, ['appRole', 'secretRef', 'name'])) ?? '(unnamed)';
      context.report({
        path: [...AUTH, 'appRole', 'secretRef'],
        part: 'key',
        message:
          `${label} authenticates to Vault with the AppRole SecretID in Secret "${secret}" (auth.appRole.secretRef), a static credential that lives in this cluster. ` +
          'Use auth.kubernetes.serviceAccountRef with a Vault role bound to the issuer audience instead.',
      });
    }

    if (isRecord(auth.kubernetes) && auth.kubernetes.secretRef !== undefined) {
      const secret = knownString(lookup(auth, ['kubernetes', 'secretRef', 'name'])) ?? '(unnamed)';
      const fix = serviceAccountRefFix(context);
      context.report({
        path: [...AUTH, 'kubernetes', 'secretRef'],
        part: 'key',
        message:
          `${label} authenticates to Vault with the static service-account token in Secret "${secret}" (auth.kubernetes.secretRef), a token that never expires. ` +
          'Use auth.kubernetes.serviceAccountRef: cert-manager then requests a 10-minute bound token with the audience of this issuer (needs RBAC create on serviceaccounts/token and a matching Vault role audience).',
        fixes: fix ? [fix] : [],
      });
    }
  },
};
