import type { Rule } from '../types';
import { readInstall, valueAt } from './install';

export const multiRootMesh: Rule = {
  id: 'istio/multi-root-mesh',
  system: 'istio',
  dimension: 'recoverability',
  severity: 'hint',
  title: 'Mesh trusts more than one root (ISTIO_MULTIROOT_MESH with meshConfig.caCertificates)',
  rationale:
    'Several trusted roots are how a mesh rotates or replaces its root without an outage, which helps recovery. Each extra root should be scoped with trustDomains or certSigners and removed when the rotation ends.',
  fixable: false,
  appliesTo: { kinds: ['IstioOperator'], charts: ['istiod'] },
  check(context) {
    const install = readInstall(context);
    if (!install || !install.meshConfigPath) return;
    const multiRoot = install.env('ISTIO_MULTIROOT_MESH');
    if (multiRoot.kind !== 'set' || multiRoot.text.toLowerCase() !== 'true') return;
    const certificatesPath = [...install.meshConfigPath, 'caCertificates'];
    const certificates = valueAt(install, certificatesPath);
    if (!Array.isArray(certificates) || certificates.length === 0) return;

    const unscoped = certificates.filter(
      (entry) => typeof entry === 'object' && entry !== null && !('trustDomains' in entry) && !('certSigners' in entry),
    ).length;
    context.report({
      path: certificatesPath,
      part: 'key',
      message:
        `${install.label}: ISTIO_MULTIROOT_MESH is on and meshConfig.caCertificates lists ${certificates.length} extra root(s)` +
        (unscoped > 0 ? `, ${unscoped} of them without trustDomains or certSigners, so they are trusted for every identity` : '') +
        '. Keep this while a root rotation or migration is in progress, and remove the old root when it ends.',
    });
  },
};
