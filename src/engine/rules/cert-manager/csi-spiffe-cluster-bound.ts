import { chainRelated, traceIssuerChain } from '../../chains';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { issuerRefFromValues, objectLabel, setScalarEdit, TRUST_DOMAIN_PLACEHOLDER } from './shared';

/** Defaults of the csi-driver-spiffe chart's values.yaml. */
const DEFAULT_TRUST_DOMAIN = 'cluster.local';
const DEFAULT_ISSUER = { name: 'spiffe-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' };
const TRUST_DOMAIN_PATH = ['app', 'trustDomain'];

export const csiSpiffeClusterBound: Rule = {
  id: 'cert-manager/csi-spiffe-cluster-bound',
  system: 'cert-manager',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'csi-driver-spiffe identities are bound to this cluster',
  rationale:
    'With the default trust domain cluster.local every cluster issues the same SPIFFE IDs for different workloads, and with a selfSigned root in the cluster no other cluster or VM can verify them; identities must name an organisation trust domain and chain to a root outside the cluster.',
  fixable: true,
  appliesTo: { charts: ['csi-driver-spiffe'] },
  check(context) {
    const trustDomain = lookup(context.value, TRUST_DOMAIN_PATH);
    const effective = trustDomain === undefined || trustDomain === null ? DEFAULT_TRUST_DOMAIN : trustDomain;
    if (effective === DEFAULT_TRUST_DOMAIN) {
      const edit = setScalarEdit(context.file.text, context.document.tree, TRUST_DOMAIN_PATH, TRUST_DOMAIN_PLACEHOLDER);
      const setting = trustDomain === DEFAULT_TRUST_DOMAIN ? 'app.trustDomain is cluster.local' : 'app.trustDomain is not set, so the chart default cluster.local applies';
      context.report({
        path: TRUST_DOMAIN_PATH,
        part: trustDomain === null ? 'key' : 'value',
        message:
          `csi-driver-spiffe: ${setting}. Every cluster with this default issues the same SPIFFE IDs (spiffe://cluster.local/ns/<namespace>/sa/<account>), so identities are neither unique nor verifiable across clusters. ` +
          'Set an organisation trust domain such as prod.example.com.',
        fixes: edit ? [{ title: `Set app.trustDomain to ${TRUST_DOMAIN_PLACEHOLDER} (replace with your trust domain)`, edits: [edit], isPreferred: true, safe: false }] : [],
      });
    }

    const ref = issuerRefFromValues(context.value, ['app', 'issuer'], DEFAULT_ISSUER);
    if (!ref || isTemplatePlaceholder(ref.name)) return;
    const chain = traceIssuerChain(context.workspace, ref, undefined, context.file.path);
    if (chain.root !== 'in-cluster-self-signed' || !chain.rootStep) return;
    context.report({
      path: ['app', 'issuer', 'name'],
      part: 'value',
      message:
        `csi-driver-spiffe signs SVIDs with ${ref.kind} "${ref.name}", whose root is the selfSigned ${objectLabel(chain.rootStep.document)} in this cluster (${chain.summary}). ` +
        'A rebuild creates a new root, and no verifier outside the cluster trusts these SVIDs. Point app.issuer at an issuer whose CA lives outside the cluster.',
      related: chainRelated(chain),
    });
  },
};
