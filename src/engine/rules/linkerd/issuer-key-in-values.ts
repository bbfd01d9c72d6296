import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { CHART_DEFAULT_ISSUER_SCHEME, isControlPlaneValues, ISSUER_SECRET, nonEmptyString } from './shared';

const ISSUER_KEY_FIELDS = ['key.pem', 'tls.key'];

export const issuerKeyInValues: Rule = {
  id: 'linkerd/issuer-key-in-values',
  system: 'linkerd',
  dimension: 'recoverability',
  severity: 'warning',
  title: 'Linkerd identity issuer private key kept in Helm values or a manifest',
  rationale:
    'With identity.issuer.scheme linkerd.io/tls the chart renders the issuer Secret from values, so the issuer key lives in values files and Git, is rotated only by hand, and every copy of the values is a copy of the key.',
  fixable: false,
  appliesTo: { kinds: ['Secret'], charts: ['linkerd-control-plane'], embedded: ['linkerd-values'] },
  check(context) {
    if (context.document.kind === 'Secret' && !context.embedded) {
      if (context.document.name !== ISSUER_SECRET) return;
      for (const section of ['data', 'stringData']) {
        for (const key of ISSUER_KEY_FIELDS) {
          if (!nonEmptyString(lookup(context.value, [section, key]))) continue;
          context.report({
            path: [section, key],
            part: 'key',
            message: `Secret ${ISSUER_SECRET} in this file contains the identity issuer private key (${section}.${key}). Keep the key out of manifests: let cert-manager write this Secret (identity.issuer.scheme: kubernetes.io/tls) from an issuer outside the cluster.`,
          });
        }
      }
      return;
    }

    if (!isControlPlaneValues(context)) return;
    const scheme = lookup(context.value, ['identity', 'issuer', 'scheme']) ?? CHART_DEFAULT_ISSUER_SCHEME;
    if (scheme !== CHART_DEFAULT_ISSUER_SCHEME) return;
    if (!nonEmptyString(lookup(context.value, ['identity', 'issuer', 'tls', 'keyPEM']))) return;

    // The message names the field only; key material is never copied into a diagnostic.
    context.report({
      path: ['identity', 'issuer', 'tls', 'keyPEM'],
      part: 'key',
      message: `identity.issuer.tls.keyPEM holds the identity issuer private key in these values (identity.issuer.scheme ${String(scheme)}${lookup(context.value, ['identity', 'issuer', 'scheme']) === undefined ? ', the chart default' : ''}). Switch to identity.issuer.scheme: kubernetes.io/tls with a cert-manager Certificate for ${ISSUER_SECRET}, and remove the key from values and Git history.`,
    });
  },
};
