import type { Fix, TextEdit } from '../../model';
import { removeEntry } from '../../fixes/edits';
import { isTemplatePlaceholder } from '../../manifest/helm';
import type { Rule } from '../types';
import { annotationsOf, displayName } from './pod-specs';

export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';

export const irsaRole: Rule = {
  id: 'service-accounts/irsa-role',
  system: 'service-accounts',
  dimension: 'cross-environment',
  severity: 'error',
  title: 'ServiceAccount bound to an AWS IAM role through IRSA',
  rationale:
    'IRSA roles trust the IAM OIDC provider of one EKS cluster (oidc.eks.<region>.amazonaws.com/id/<cluster id>). A rebuilt or additional cluster has a different provider, so every role\'s trust policy must be edited before its workloads can assume the role again.',
  fixable: true,
  appliesTo: { kinds: ['ServiceAccount'] },
  check(context) {
    const annotations = annotationsOf(context.value);
    if (!(IRSA_ROLE_ANNOTATION in annotations)) return;

    const role = annotations[IRSA_ROLE_ANNOTATION];
    const roleText = typeof role === 'string' && role !== '' && !isTemplatePlaceholder(role) ? ` role ${role}` : ' an IAM role';
    const onlyAnnotation = Object.keys(annotations).length === 1;
    const path = onlyAnnotation ? ['metadata', 'annotations'] : ['metadata', 'annotations', IRSA_ROLE_ANNOTATION];
    let edit: TextEdit | undefined;
    if (!context.file.isTemplate) edit = removeEntry(context.file.text, context.document.tree, path);
    // Not safe: the workload loses AWS access until an EKS Pod Identity association exists for it.
    const fixes: Fix[] = edit
      ? [{ title: `Remove the ${IRSA_ROLE_ANNOTATION} annotation (bind the role with an EKS Pod Identity association instead)`, edits: [edit], isPreferred: true, safe: false }]
      : [];

    context.report({
      path: ['metadata', 'annotations', IRSA_ROLE_ANNOTATION],
      part: 'key',
      fixes,
      message: `ServiceAccount "${displayName(context.document)}" assumes${roleText} through IRSA (${IRSA_ROLE_ANNOTATION}), whose trust policy names this cluster's OIDC provider. Use an EKS Pod Identity association, whose role trusts pods.eks.amazonaws.com in any cluster, and drop the annotation.`,
    });
  },
};
