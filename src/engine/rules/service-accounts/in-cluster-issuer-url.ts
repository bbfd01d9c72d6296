import { isRecord, lookup, type Path } from '../../manifest/tree';
import { displayName } from './pod-specs';
import type { Rule, RuleContext } from '../types';

const ISSUER_FLAG = '--service-account-issuer';

/** `https://kubernetes.default.svc` and its longer forms resolve only inside the cluster. */
export function isInClusterIssuer(url: string): boolean {
  return /^https?:\/\/kubernetes\.default(\.svc(\.[a-z0-9.-]+)?)?(:\d+)?\/?$/i.test(url.trim());
}

interface IssuerArgument {
  path: Path;
  issuer: string;
}

/** Finds the first --service-account-issuer of a container, which is the issuer the API server signs tokens with. */
function firstIssuerArgument(container: unknown, containerPath: Path): IssuerArgument | undefined {
  for (const field of ['command', 'args']) {
    const list = lookup(container, [field]);
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const argument = list[i];
      if (typeof argument !== 'string') continue;
      if (argument.startsWith(`${ISSUER_FLAG}=`)) return { path: [...containerPath, field, i], issuer: argument.slice(ISSUER_FLAG.length + 1) };
      if (argument === ISSUER_FLAG && typeof list[i + 1] === 'string') return { path: [...containerPath, field, i + 1], issuer: list[i + 1] as string };
    }
  }
  return undefined;
}

function checkStaticPod(context: RuleContext): void {
  const containers = lookup(context.value, ['spec', 'containers']);
  if (!Array.isArray(containers)) return;
  containers.forEach((container, index) => {
    const found = firstIssuerArgument(container, ['spec', 'containers', index]);
    if (!found || !isInClusterIssuer(found.issuer)) return;
    context.report({
      path: found.path,
      part: 'value',
      message: `kube-apiserver in Pod "${displayName(context.document)}" signs service-account tokens with issuer ${found.issuer}, a name that resolves only inside the cluster. Cloud IAM, Vault JWT mounts and other clusters cannot discover or federate it. Put an HTTPS URL you control first (with --service-account-jwks-uri) and keep this one as a second --service-account-issuer while tokens migrate.`,
    });
  });
}

function checkKubeadm(context: RuleContext): void {
  if (!context.document.apiVersion?.startsWith('kubeadm.k8s.io/')) return;
  const extraArgs = lookup(context.value, ['apiServer', 'extraArgs']);
  let found: IssuerArgument | undefined;

  if (isRecord(extraArgs) && typeof extraArgs['service-account-issuer'] === 'string') {
    found = { path: ['apiServer', 'extraArgs', 'service-account-issuer'], issuer: extraArgs['service-account-issuer'] };
  } else if (Array.isArray(extraArgs)) {
    // kubeadm v1beta4 lists arguments as {name, value}; the first issuer is the signing one.
    const index = extraArgs.findIndex((argument) => lookup(argument, ['name']) === 'service-account-issuer');
    const value = index >= 0 ? lookup(extraArgs[index], ['value']) : undefined;
    if (typeof value === 'string') found = { path: ['apiServer', 'extraArgs', index, 'value'], issuer: value };
  }

  const name = `ClusterConfiguration${context.document.name ? ` "${context.document.name}"` : ''}`;
  if (found) {
    if (!isInClusterIssuer(found.issuer)) return;
    context.report({
      path: found.path,
      part: 'value',
      message: `${name} sets service-account-issuer ${found.issuer}, a name that resolves only inside the cluster, so no external relying party can federate with it. Use an HTTPS issuer URL you control and publish its JWKS (service-account-jwks-uri).`,
    });
    return;
  }

  // kubeadm's default is https://kubernetes.default.svc.<networking.dnsDomain> (cmd/kubeadm controlplane manifests).
  const dnsDomain = lookup(context.value, ['networking', 'dnsDomain']);
  const defaultIssuer = `https://kubernetes.default.svc.${typeof dnsDomain === 'string' && dnsDomain !== '' ? dnsDomain : 'cluster.local'}`;
  context.report({
    path: ['apiServer', 'extraArgs', 'service-account-issuer'],
    part: 'key',
    message: `${name} does not set service-account-issuer, so kubeadm uses ${defaultIssuer}, a name that resolves only inside the cluster. Set apiServer.extraArgs service-account-issuer to an HTTPS URL you control and publish its JWKS, so federation survives a rebuild.`,
  });
}

export const inClusterIssuerUrl: Rule = {
  id: 'service-accounts/in-cluster-issuer-url',
  system: 'service-accounts',
  dimension: 'cross-environment',
  severity: 'warning',
  title: 'Service-account issuer URL that resolves only inside the cluster',
  rationale:
    'External relying parties (cloud IAM, Vault JWT auth, other clusters) fetch the issuer\'s discovery document and JWKS from the issuer URL. https://kubernetes.default.svc cannot be reached from outside, so workloads of this cluster cannot federate, and a rebuilt cluster\'s keys cannot be told apart.',
  fixable: false,
  appliesTo: { kinds: ['Pod', 'ClusterConfiguration'] },
  check(context) {
    if (context.document.kind === 'ClusterConfiguration') checkKubeadm(context);
    else checkStaticPod(context);
  },
};
