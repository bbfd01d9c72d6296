import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { annotationsOf, displayName, podSpecOf, serviceAccountNameOf } from './pod-specs';

export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const AZURE_USE_LABEL = 'azure.workload.identity/use';

function podLabelsPath(kind: string | undefined): string[] {
  if (kind === 'Pod') return ['metadata', 'labels'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'];
  return ['spec', 'template', 'metadata', 'labels'];
}

function templateLabels(value: unknown, kind: string | undefined): Record<string, unknown> {
  const labels = lookup(value, podLabelsPath(kind));
  return isRecord(labels) ? labels : {};
}

export const azureWorkloadIdentity: Rule = {
  id: 'service-accounts/azure-workload-identity',
  system: 'service-accounts',
  dimension: 'cross-environment',
  severity: 'error',
  title: 'ServiceAccount federated with Microsoft Entra through Azure Workload Identity',
  rationale:
    'The Entra federated identity credential names this cluster\'s OIDC issuer URL and the subject system:serviceaccount:<ns>:<sa>. A rebuilt cluster gets a new issuer URL, so token exchange fails until every credential is re-registered (at most 20 per identity).',
  fixable: false,
  appliesTo: { kinds: ['ServiceAccount', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] },
  check(context) {
    const document = context.document;
    if (document.kind === 'ServiceAccount') {
      const annotations = annotationsOf(context.value);
      if (!(AZURE_CLIENT_ID_ANNOTATION in annotations)) return;
      const clientId = annotations[AZURE_CLIENT_ID_ANNOTATION];
      // In a Helm template the value is blanked, but the annotation key is still evidence of the binding.
      const client = typeof clientId === 'string' && clientId !== '' && !isTemplatePlaceholder(clientId) ? `client ID ${clientId}` : 'an Entra application';
      context.report({
        path: ['metadata', 'annotations', AZURE_CLIENT_ID_ANNOTATION],
        part: 'key',
        message: `ServiceAccount "${displayName(document)}" exchanges its token for ${client} through Azure Workload Identity; the federated identity credential pins this cluster's OIDC issuer URL. Plan one credential per cluster (or a stable, self-hosted issuer) before a rebuild or a second cluster.`,
      });
      return;
    }

    const pod = podSpecOf(document);
    if (!pod) return;
    const labels = templateLabels(context.value, document.kind);
    if (String(labels[AZURE_USE_LABEL]) !== 'true') return;
    const accountName = serviceAccountNameOf(pod.spec);
    const accounts = context.workspace.find('ServiceAccount', accountName, document.namespace);
    // The ServiceAccount finding already covers a binding that is visible in these files.
    if (accounts.some((account) => AZURE_CLIENT_ID_ANNOTATION in annotationsOf(account.tree.value))) return;

    const labelPath = [...podLabelsPath(document.kind), AZURE_USE_LABEL];
    context.report({
      path: labelPath,
      part: 'key',
      severity: 'warning',
      message: `${document.kind} "${displayName(document)}" uses Azure Workload Identity (${AZURE_USE_LABEL}: "true") as ServiceAccount "${accountName}", whose federated identity credential pins this cluster's OIDC issuer URL. The ServiceAccount is not in these files, so the client ID could not be checked.`,
    });
  },
};
