import type { Fix } from '../../model';
import { insertEntry, insertNestedEntry } from '../../fixes/edits';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { overlappingBundles } from '../cert-manager/shared';
import { certificateRole, isLinkerdCertificate } from './shared';

export const anchorRotationPolicyUnset: Rule = {
  id: 'linkerd/anchor-rotation-policy-unset',
  system: 'linkerd',
  dimension: 'recoverability',
  severity: 'warning',
  title: 'Linkerd anchor or issuer Certificate leaves privateKey.rotationPolicy to the cert-manager default',
  rationale:
    'The default rotationPolicy changed from Never (cert-manager 1.17 and older) to Always (1.18), so upgrading cert-manager silently changes whether renewal keeps or replaces the anchor or issuer key, and with it the rotation procedure the mesh needs.',
  fixable: true,
  appliesTo: { kinds: ['Certificate'] },
  check(context) {
    if (!isLinkerdCertificate(context.document)) return;
    const privateKey = lookup(context.value, ['spec', 'privateKey']);
    if (isRecord(privateKey) && privateKey.rotationPolicy !== undefined && privateKey.rotationPolicy !== null) return;
    if (!isRecord(lookup(context.value, ['spec']))) return;

    const text = context.file.text;
    const tree = context.document.tree;
    const editFor = (policy: 'Always' | 'Never') =>
      isRecord(privateKey)
        ? insertEntry(text, tree, ['spec', 'privateKey'], 'rotationPolicy', policy)
        : insertNestedEntry(text, tree, ['spec'], ['privateKey'], 'rotationPolicy', policy);
    const role = certificateRole(context.document);

    // A new anchor key on every renewal is only safe while a bundle carries the previous anchor
    // (cert-manager/root-key-rotates reports that case), so without one the anchor keeps its key.
    // Neither fix is safe: on cert-manager 1.17 and older Always turns key reuse into key replacement.
    const anchorWithoutBundle = role === 'trust anchor' && overlappingBundles(context.workspace).length === 0;
    const preferred: 'Always' | 'Never' = anchorWithoutBundle ? 'Never' : 'Always';
    const fixes: Fix[] = [];
    for (const policy of [preferred, preferred === 'Always' ? 'Never' : 'Always'] as const) {
      const edit = editFor(policy);
      if (edit) fixes.push({ title: `Set privateKey.rotationPolicy: ${policy}`, edits: [edit], isPreferred: policy === preferred, safe: false });
    }

    context.report({
      path: isRecord(privateKey) ? ['spec', 'privateKey'] : ['spec'],
      part: 'key',
      fixes,
      message: `Certificate "${context.document.name ?? '(unnamed)'}" (Linkerd ${role}) does not set spec.privateKey.rotationPolicy, so renewal keeps or replaces the key depending on the cert-manager version (Never up to 1.17, Always from 1.18). Set it explicitly: Always for the issuer, and for the anchor only together with a trust bundle that holds the previous anchor during rotation (otherwise Never).`,
    });
  },
};
