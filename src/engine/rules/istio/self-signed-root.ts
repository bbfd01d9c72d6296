import type { Rule } from '../types';
import { evaluateCaMode, PLUG_IN_CA_SECRET } from './ca-mode';
import { readInstall } from './install';

export const INSTALL_TARGET = { kinds: ['IstioOperator', 'Deployment'], charts: ['istiod'] } as const;

export const selfSignedRoot: Rule = {
  id: 'istio/self-signed-root',
  system: 'istio',
  dimension: 'issuer-independence',
  severity: 'error',
  title: 'istiod generates its own root CA inside the cluster',
  rationale:
    'Without a plug-in CA or an external CA, istiod creates the mesh root key in the Secret istio-ca-secret. Reinstalling Istio or rebuilding the cluster creates a new root, and every VM, cluster or partner that trusted the old one stops trusting the mesh.',
  fixable: false,
  appliesTo: INSTALL_TARGET,
  check(context) {
    const install = readInstall(context);
    if (!install) return;
    const mode = evaluateCaMode(install, context.workspace);
    if (mode.kind !== 'self-signed') return;

    const serverSetting = mode.enableCaServer.kind === 'set' ? `ENABLE_CA_SERVER is "${mode.enableCaServer.text}"` : 'ENABLE_CA_SERVER is not "false"';
    context.report({
      path: mode.anchor,
      part: mode.enableCaServer.kind === 'set' ? 'value' : 'auto',
      message:
        `${install.label}: istiod will generate the mesh root CA itself (Secret istio-ca-secret in ${install.namespace}), because these files have no Secret ${PLUG_IN_CA_SECRET} in ${install.namespace}, ` +
        `${serverSetting}, and neither EXTERNAL_CA nor global.caAddress is set. ` +
        `Plug in an intermediate CA signed by a root kept outside the cluster (Secret ${PLUG_IN_CA_SECRET}), or send certificate requests to an external CA.`,
    });
  },
};
