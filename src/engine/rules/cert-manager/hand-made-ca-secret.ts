import { certificatesWritingSecret, DEFAULT_CLUSTER_RESOURCE_NAMESPACE, issuerType } from '../../chains';
import type { ManifestDocument } from '../../manifest/parse';
import { lookup } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { Rule } from '../types';
import { isIssuerDocument, knownString, objectLabel } from './shared';

function inNamespace(document: ManifestDocument, namespace: string | undefined): boolean {
  return namespace === undefined || document.namespace === undefined || document.namespace === namespace;
}

/**
 * ExternalSecrets (external-secrets.io) that write `secretName`: the key then comes from a store
 * outside the cluster. `spec.target.name` defaults to the ExternalSecret's own name.
 */
function externalSecretsWriting(workspace: WorkspaceIndex, secretName: string, namespace: string | undefined): ManifestDocument[] {
  return workspace.byKind('ExternalSecret').filter((document) => {
    if (!document.apiVersion?.startsWith('external-secrets.io/')) return false;
    const target = lookup(document.tree.value, ['spec', 'target', 'name']) ?? document.name;
    return target === secretName && inNamespace(document, namespace);
  });
}

export const handMadeCaSecret: Rule = {
  id: 'cert-manager/hand-made-ca-secret',
  system: 'cert-manager',
  dimension: 'recoverability',
  severity: 'warning',
  title: 'CA issuer signs with a Secret that no Certificate manages',
  rationale:
    'A CA key pair put into a Secret by hand or by GitOps lives only in this cluster, and cert-manager never rotates the CA certificate in it, so its expiry and its recovery after a rebuild depend on a manual procedure.',
  fixable: false,
  appliesTo: { kinds: ['Issuer', 'ClusterIssuer'] },
  check(context) {
    const issuer = context.document;
    if (!isIssuerDocument(issuer) || issuerType(issuer) !== 'ca') return;
    const secretName = knownString(lookup(context.value, ['spec', 'ca', 'secretName']));
    if (!secretName) return;

    const namespace = issuer.kind === 'ClusterIssuer' ? undefined : issuer.namespace;
    if (certificatesWritingSecret(context.workspace, secretName, namespace, context.file.path).length > 0) return;
    if (externalSecretsWriting(context.workspace, secretName, namespace).length > 0) return;

    const secretNamespace = issuer.kind === 'ClusterIssuer' ? DEFAULT_CLUSTER_RESOURCE_NAMESPACE : issuer.namespace;
    const secrets = context.workspace.find('Secret', secretName, secretNamespace);
    const origin = secrets.length > 0 ? `defined as a Secret in ${secrets[0].file.path}` : 'not found in these files';
    context.report({
      path: ['spec', 'ca', 'secretName'],
      part: 'value',
      message:
        `${objectLabel(issuer)} signs with Secret "${secretName}", which no Certificate in these files writes (${origin}). ` +
        'Its CA key exists only in this cluster and cert-manager never rotates it. ' +
        'Issue the CA through a Certificate from an external CA, or sync the key pair from a secret store outside the cluster.',
      related: secrets.map((secret) => ({
        file: secret.file.path,
        range: secret.tree.locate(['metadata', 'name'], 'value') ?? secret.range,
        message: `hand-made CA Secret ${secret.name ?? ''}`,
      })),
    });
  },
};
