import type { RelatedLocation } from '../../model';
import type { Rule } from '../types';
import {
  anchorCertificateRange,
  anchorFieldsOf,
  describeCertificate,
  evidenceRelated,
  findMulticlusterEvidence,
  parsePemCertificates,
  workspaceAnchorSources,
} from './shared';

export const multiclusterAnchorMismatch: Rule = {
  id: 'linkerd/multicluster-anchor-mismatch',
  system: 'linkerd',
  dimension: 'cross-environment',
  severity: 'error',
  title: 'Linkerd multicluster with trust anchors that share no certificate',
  rationale:
    'Linked clusters accept each other\'s gateway and workload certificates only when they trust a common anchor. Two anchor bundles without a common certificate mean cross-cluster mTLS fails, and each cluster\'s identity ends at its own boundary.',
  fixable: false,
  appliesTo: { kinds: ['ConfigMap', 'Bundle'], charts: ['linkerd-control-plane'], embedded: ['linkerd-values'] },
  check(context) {
    const fields = anchorFieldsOf(context);
    if (fields.length === 0) return;
    const evidence = findMulticlusterEvidence(context.workspace);
    if (!evidence) return;

    // NOTE: the workspace is taken to describe one multicluster mesh; separate meshes kept in one
    // repository (prod and staging) look the same and need a suppression with a reason.
    const sources = workspaceAnchorSources(context.workspace);
    for (const field of fields) {
      const own = parsePemCertificates(field.text);
      if (own.length === 0) continue;
      const ownFingerprints = new Set(own.map((parsed) => parsed.certificate.fingerprint256));

      const disjoint = sources.filter(
        (source) => source.field.text !== field.text && !source.certificates.some((parsed) => ownFingerprints.has(parsed.certificate.fingerprint256)),
      );
      if (disjoint.length === 0) continue;

      const related: RelatedLocation[] = disjoint.map((source) => ({
        file: source.document.file.path,
        range: anchorCertificateRange(source.document.file.text, source.field, source.certificates[0].index) ?? source.document.range,
        message: `different anchor ${describeCertificate(source.certificates[0].certificate)} in ${source.field.label}`,
      }));
      related.push(evidenceRelated(evidence));
      const other = disjoint[0];
      context.report({
        range: anchorCertificateRange(context.file.text, field, own[0].index),
        path: field.path,
        part: 'key',
        related,
        message: `Trust anchors in ${field.label} (${describeCertificate(own[0].certificate)}) share no certificate with ${other.field.label} in ${other.document.file.path} (${describeCertificate(other.certificates[0].certificate)}), while Linkerd multicluster is in use (${evidence.description}). Give every linked cluster the same trust anchor bundle, issued from one root outside the clusters.`,
      });
    }
  },
};
