import type { Fix } from '../../model';
import { insertEntry, replaceScalar } from '../../fixes/edits';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { displayName, hasTemplateActionWithin, POD_SPEC_KINDS, podSpecOf, serviceAccountNameOf } from './pod-specs';

export const automountToken: Rule = {
  id: 'service-accounts/automount-token',
  system: 'service-accounts',
  dimension: 'credential-lifetime',
  severity: 'info',
  title: 'Pod mounts a service-account token it may not need',
  rationale:
    'Unless the pod or its ServiceAccount sets automountServiceAccountToken: false, every container gets an API token signed by this cluster. Pods that never call the API server carry a credential that only widens what a compromise can reach.',
  fixable: true,
  appliesTo: { kinds: [...POD_SPEC_KINDS] },
  check(context) {
    const pod = podSpecOf(context.document);
    if (!pod) return;
    const setting = pod.spec.automountServiceAccountToken;
    if (setting === false || (typeof setting === 'string' && isTemplatePlaceholder(setting))) return;

    const accountName = serviceAccountNameOf(pod.spec);
    if (setting === undefined) {
      const accounts = context.workspace.find('ServiceAccount', accountName, context.document.namespace);
      if (accounts.some((account) => lookup(account.tree.value, ['automountServiceAccountToken']) === false)) return;
      // In a Helm template the setting may come from an action inside the pod spec.
      const specRange = context.tree.locate(pod.path, 'value');
      if (context.file.isTemplate && specRange && hasTemplateActionWithin(context.document, specRange)) return;
    }

    const owner = `${context.document.kind} "${displayName(context.document)}"`;
    const fixes: Fix[] = [];
    if (setting === undefined) {
      const edit = insertEntry(context.file.text, context.document.tree, pod.path, 'automountServiceAccountToken', 'false', 'start');
      // Not safe: a pod that calls the Kubernetes API (controllers, operators, leader election) stops working.
      if (edit) fixes.push({ title: 'Add automountServiceAccountToken: false to the pod spec', edits: [edit], isPreferred: true, safe: false });
    } else {
      const edit = replaceScalar(context.file.text, context.tree, [...pod.path, 'automountServiceAccountToken'], false);
      if (edit) fixes.push({ title: 'Set automountServiceAccountToken: false', edits: [edit], isPreferred: true, safe: false });
    }
    context.report({
      path: [...pod.path, 'automountServiceAccountToken'],
      part: setting === undefined ? 'key' : 'value',
      fixes,
      message:
        setting === undefined
          ? `${owner} mounts a token for ServiceAccount "${accountName}" because neither the pod spec nor that ServiceAccount sets automountServiceAccountToken: false. If the pod does not call the Kubernetes API, disable the mount; if it does, mount a projected token with an audience instead.`
          : `${owner} sets automountServiceAccountToken: ${String(setting)}. If the pod does not call the Kubernetes API, set it to false.`,
    });
  },
};
