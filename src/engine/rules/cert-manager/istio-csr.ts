import { chainRelated, traceIssuerChain } from '../../chains';
import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { issuerRefFromValues, knownString, objectLabel, setScalarEdit, TRUST_DOMAIN_PLACEHOLDER } from './shared';

/** Defaults of the istio-csr chart's values.yaml. */
const DEFAULT_ISSUER = { name: 'istio-ca', kind: 'Issuer', group: 'cert-manager.io' };
const DEFAULT_CERT_MANAGER_NAMESPACE = 'istio-system';
const DEFAULT_TRUST_DOMAIN = 'cluster.local';
const ROOT_CA_FILE_PATH = ['app', 'tls', 'rootCAFile'];
const TRUST_DOMAIN_PATH = ['app', 'tls', 'trustDomain'];

export const istioCsrRootUnpinned: Rule = {
  id: 'cert-manager/istio-csr-root-unpinned',
  system: 'cert-manager',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'istio-csr does not pin the mesh root (app.tls.rootCAFile is empty)',
  rationale:
    'Without a pinned root file, istio-csr distributes whatever CA cert-manager returns as the mesh root, so a re-created or re-keyed issuer silently becomes a new root and workloads signed under the old one stop trusting each other.',
  fixable: false,
  appliesTo: { charts: ['istio-csr'] },
  check(context) {
    // Any non-empty value pins the root, including a blanked Helm action whose value is unknown.
    const rootCAFile = lookup(context.value, ROOT_CA_FILE_PATH);
    if (typeof rootCAFile === 'string' && rootCAFile.trim() !== '') return;

    const ref = issuerRefFromValues(context.value, ['app', 'certmanager', 'issuer'], DEFAULT_ISSUER);
    const namespace = knownString(lookup(context.value, ['app', 'certmanager', 'namespace'])) ?? DEFAULT_CERT_MANAGER_NAMESPACE;
    const chain = ref ? traceIssuerChain(context.workspace, ref, namespace, context.file.path) : undefined;
    const root = chain?.root === 'in-cluster-self-signed' ? chain.rootStep : undefined;
    const chainNote =
      chain && root ? ` Its issuer chains to the selfSigned ${objectLabel(root.document)} in this cluster (${chain.summary}), so a rebuild also changes that root.` : '';
    context.report({
      path: ROOT_CA_FILE_PATH,
      part: rootCAFile === null ? 'key' : 'value',
      message:
        'istio-csr: app.tls.rootCAFile is empty, so istio-csr publishes the CA that cert-manager returns for its serving certificate as the mesh root; a re-created or re-keyed issuer silently becomes the new root.' +
        `${chainNote} Mount the root certificate from a source you control (a trust-manager Bundle or an externally managed Secret) and set app.tls.rootCAFile to it.`,
      related: chain && root ? chainRelated(chain) : [],
    });
  },
};

export const istioCsrDefaultTrustDomain: Rule = {
  id: 'cert-manager/istio-csr-default-trust-domain',
  system: 'cert-manager',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'istio-csr issues identities in the default trust domain cluster.local',
  rationale:
    'Every mesh installed with the default trust domain names its workloads spiffe://cluster.local/..., so identities from different clusters collide and cannot be told apart or federated.',
  fixable: true,
  appliesTo: { charts: ['istio-csr'] },
  check(context) {
    const trustDomain = lookup(context.value, TRUST_DOMAIN_PATH);
    const effective = trustDomain === undefined || trustDomain === null ? DEFAULT_TRUST_DOMAIN : trustDomain;
    if (effective !== DEFAULT_TRUST_DOMAIN) return;

    const edit = setScalarEdit(context.file.text, context.document.tree, TRUST_DOMAIN_PATH, TRUST_DOMAIN_PLACEHOLDER);
    const setting = trustDomain === DEFAULT_TRUST_DOMAIN ? 'app.tls.trustDomain is cluster.local' : 'app.tls.trustDomain is not set, so the chart default cluster.local applies';
    context.report({
      path: TRUST_DOMAIN_PATH,
      part: trustDomain === null ? 'key' : 'value',
      message:
        `istio-csr: ${setting}. Identities named spiffe://cluster.local/... are the same in every cluster that keeps this default. ` +
        "Set an organisation trust domain such as prod.example.com, the same as Istio's meshConfig.trustDomain.",
      fixes: edit
        ? [{ title: `Set app.tls.trustDomain to ${TRUST_DOMAIN_PLACEHOLDER} (replace it, and match Istio's trustDomain)`, edits: [edit], isPreferred: true, safe: false }]
        : [],
    });
  },
};
