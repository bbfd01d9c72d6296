import { isTemplatePlaceholder } from '../../manifest/helm';
import type { Rule } from '../types';
import { annotationsOf, displayName } from './pod-specs';

export const GKE_SERVICE_ACCOUNT_ANNOTATION = 'iam.gke.io/gcp-service-account';

export const gkeProjectIdentity: Rule = {
  id: 'service-accounts/gke-project-identity',
  system: 'service-accounts',
  dimension: 'cross-environment',
  severity: 'hint',
  title: 'ServiceAccount impersonates a Google service account through GKE Workload Identity',
  rationale:
    'GKE Workload Identity principals live in the project pool PROJECT_ID.svc.id.goog, so they survive a cluster rebuild within the project. The same namespace and ServiceAccount name in any cluster of the project gets the same access, which is broader than one workload.',
  fixable: false,
  appliesTo: { kinds: ['ServiceAccount'] },
  check(context) {
    const annotations = annotationsOf(context.value);
    if (!(GKE_SERVICE_ACCOUNT_ANNOTATION in annotations)) return;
    const target = annotations[GKE_SERVICE_ACCOUNT_ANNOTATION];
    const account = typeof target === 'string' && target !== '' && !isTemplatePlaceholder(target) ? ` ${target}` : ' a Google service account';
    context.report({
      path: ['metadata', 'annotations', GKE_SERVICE_ACCOUNT_ANNOTATION],
      part: 'key',
      message: `ServiceAccount "${displayName(context.document)}" impersonates${account}. The grant is to the project-wide principal PROJECT_ID.svc.id.goog[namespace/name], so it outlives this cluster but also covers every cluster in the project with the same namespace and name. Keep namespaces per environment, or grant in a project that holds only this workload's clusters.`,
    });
  },
};
