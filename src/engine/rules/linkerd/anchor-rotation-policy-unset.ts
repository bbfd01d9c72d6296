import type { Fix } from '../../model';
import { insertEntry, insertNestedEntry } from '../../fixes/edits';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
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
    const edit = isRecord(privateKey)
      ? insertEntry(text, tree, ['spec', 'privateKey'], 'rotationPolicy', 'Always')
      : insertNestedEntry(text, tree, ['spec'], ['privateKey'], 'rotationPolicy', 'Always');
    const role = certificateRole(context.document);
    // Not safe: on cert-manager 1.17 and older this turns key reuse into key replacement, which for
    // the trust anchor needs the two-anchor bundle procedure before the next renewal.
    const fixes: Fix[] = edit ? [{ title: 'Set privateKey.rotationPolicy: Always', edits: [edit], isPreferred: true, safe: false }] : [];

    context.report({
      path: isRecord(privateKey) ? ['spec', 'privateKey'] : ['spec'],
      part: 'key',
      fixes,
      message: `Certificate "${context.document.name ?? '(unnamed)'}" (Linkerd ${role}) does not set spec.privateKey.rotationPolicy, so renewal keeps or replaces the key depending on the cert-manager version (Never up to 1.17, Always from 1.18). Set it explicitly; Linkerd recommends Always together with a trust bundle that holds the previous anchor during rotation.`,
    });
  },
};
