import { chainRelated, readIssuerRef, traceIssuerChain } from '../../chains';
import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { certificateRole, isLinkerdCertificate } from './shared';

export const selfSignedCertManagerAnchor: Rule = {
  id: 'linkerd/self-signed-cert-manager-anchor',
  system: 'linkerd',
  dimension: 'issuer-independence',
  severity: 'error',
  title: 'Linkerd trust anchor comes from an in-cluster selfSigned cert-manager issuer',
  rationale:
    'A selfSigned issuer generates the root key inside this cluster and keeps it in a Secret here. Rebuilding the cluster creates a new root, and another cluster cannot share the anchor without copying that key by hand.',
  fixable: false,
  appliesTo: { kinds: ['Certificate'] },
  check(context) {
    if (!isLinkerdCertificate(context.document)) return;
    const ref = readIssuerRef(lookup(context.value, ['spec', 'issuerRef']));
    if (!ref) return;

    const chain = traceIssuerChain(context.workspace, ref, context.document.namespace, context.file.path);
    if (chain.root !== 'in-cluster-self-signed' || !chain.rootStep) return;

    const role = certificateRole(context.document);
    const root = chain.rootStep.description;
    const path = chain.steps.length > 1 ? ` (${chain.summary})` : '';
    context.report({
      path: ['spec', 'issuerRef', 'name'],
      part: 'value',
      related: chainRelated(chain, context.document),
      message: `Certificate "${context.document.name ?? '(unnamed)'}" (Linkerd ${role}) chains to the in-cluster root ${root}${path}. Issue the trust anchor from a CA held outside the cluster (Vault, a cloud private CA, or an offline root) so every cluster and every rebuild shares it.`,
    });
  },
};
