import { chainRelated, readIssuerRef, traceIssuerChain, type IssuerRef } from '../../chains';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { lookup } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { Rule } from '../types';
import { readGlobal, readInstall, DEFAULT_ISTIO_NAMESPACE } from './install';

/**
 * The issuer istio-csr asks for when its chart values are not in the workspace: Issuer istio-ca in
 * istio-system (cert-manager/istio-csr deploy/charts/istio-csr/values.yaml, app.certmanager.*).
 */
const DEFAULT_ISTIO_CSR_ISSUER: IssuerRef = { name: 'istio-ca', kind: 'Issuer', group: 'cert-manager.io' };

interface IstioCsrIssuer {
  ref: IssuerRef;
  namespace: string;
  source: string;
}

function istioCsrIssuer(workspace: WorkspaceIndex): IstioCsrIssuer {
  for (const file of workspace.allFiles()) {
    for (const document of file.documents) {
      if (!document.charts.includes('istio-csr')) continue;
      const ref = readIssuerRef(lookup(document.tree.value, ['app', 'certmanager', 'issuer']));
      if (!ref || isTemplatePlaceholder(ref.name)) continue;
      const namespace = lookup(document.tree.value, ['app', 'certmanager', 'namespace']);
      return {
        ref: { name: ref.name, kind: ref.kind ?? 'Issuer', group: ref.group },
        namespace: typeof namespace === 'string' && !isTemplatePlaceholder(namespace) ? namespace : DEFAULT_ISTIO_NAMESPACE,
        source: `istio-csr values in ${file.path}`,
      };
    }
  }
  return { ref: DEFAULT_ISTIO_CSR_ISSUER, namespace: DEFAULT_ISTIO_NAMESPACE, source: 'the istio-csr chart default' };
}

export const istioCsrSelfSignedRoot: Rule = {
  id: 'istio/istio-csr-self-signed-root',
  system: 'istio',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'Istio sends certificate requests to istio-csr, whose cert-manager chain ends at an in-cluster self-signed root',
  rationale:
    'Moving signing to cert-manager through istio-csr only helps when the cert-manager issuer chains to a root outside the cluster. A chain that ends at a selfSigned issuer keeps the root key in a Secret of this cluster, so a rebuild creates a new root exactly as istiod would.',
  fixable: false,
  appliesTo: { kinds: ['IstioOperator'], charts: ['istiod'] },
  check(context) {
    const install = readInstall(context);
    if (!install) return;
    const caAddress = readGlobal(install, 'caAddress');
    if (caAddress.kind !== 'set' || !caAddress.text.includes('istio-csr')) return;

    const issuer = istioCsrIssuer(context.workspace);
    const chain = traceIssuerChain(context.workspace, issuer.ref, issuer.namespace, context.file.path);
    if (chain.root !== 'in-cluster-self-signed' || !chain.rootStep) return;

    const root = chain.rootStep.document;
    const rootName = `${root.kind}/${root.name ?? '(unnamed)'}${root.namespace ? ` in ${root.namespace}` : ''}`;
    context.report({
      path: caAddress.path,
      part: 'value',
      message:
        `${install.label}: global.caAddress "${caAddress.text}" sends certificate requests to istio-csr, which uses ${issuer.ref.kind}/${issuer.ref.name} (${issuer.source}); that chain ends at the self-signed root ${rootName} ` +
        `(${chain.summary}), a key generated inside this cluster. Back the istio-csr issuer with a root outside the cluster (Vault, a cloud private CA, or a CA Secret from an offline root).`,
      related: chainRelated(chain),
    });
  },
};
