/**
 * Live-cluster evidence for the assessor: kubeconfig contexts, read-only collection per system,
 * X.509 inspection of public certificates, the engine's rules on live objects, and comparison of
 * contexts. Nothing here imports `vscode`; `@kubernetes/client-node` loads on the first cluster call.
 */
export { ClusterClient, describePermission, isClientNodeLoaded, loadClientNode, METADATA_LIST_ACCEPT, type ClusterClientOptions } from './client';
export { collectEvidence, collectWithClient, SYSTEM_ORDER, type CollectOptions } from './collect';
export { compareEvidence, formatComparison, type ContextComparison, type Relationship, type SystemComparison } from './compare';
export { ClusterError, type ClusterErrorKind } from './errors';
export type { CertificateEvidence, ClusterEvidence, EvidenceGap, FactValue, LiveObject, ServiceAccountIssuerEvidence, SystemEvidence, SystemStatus } from './evidence';
export { contextEntries, listContexts, loadKubeconfig, resolveKubeconfigPaths, type ContextSummary, type KubeconfigSources, type MergedKubeconfig } from './kubeconfig';
export { analyzeEvidence, CLUSTER_RULES, definingDocument, parseClusterSource, type LiveAnalysis } from './live-analysis';
export { liveObjectYaml, livePath } from './serialize';
export { describeKey, parsePemBundle, parseSpiffeBundle, type CertificateInfo } from './x509';
