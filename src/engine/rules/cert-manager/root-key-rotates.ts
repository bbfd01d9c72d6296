import type { Fix } from '../../model';
import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { isCACertificate, objectLabel, overlappingBundles, selfSignedIssuerOf, setScalarEdit } from './shared';

const ROTATION_POLICY_PATH = ['spec', 'privateKey', 'rotationPolicy'];

export const rootKeyRotates: Rule = {
  id: 'cert-manager/root-key-rotates',
  system: 'cert-manager',
  dimension: 'recoverability',
  severity: 'error',
  title: 'Self-signed root gets a new private key on every renewal',
  rationale:
    'With rotationPolicy Always (the default since cert-manager 1.18) a self-signed root is re-keyed at each renewal, so it becomes a new root and every certificate signed by the old one stops validating unless old and new roots are distributed together.',
  fixable: true,
  appliesTo: { kinds: ['Certificate'] },
  check(context) {
    const certificate = context.document;
    if (!isCACertificate(certificate)) return;
    const current = lookup(context.value, ROTATION_POLICY_PATH);
    if (current !== undefined && current !== null && current !== 'Always') return;

    const selfSigned = selfSignedIssuerOf(context.workspace, certificate);
    if (!selfSigned) return;
    if (overlappingBundles(context.workspace).length > 0) return;

    const setting = current === 'Always' ? 'rotationPolicy: Always' : 'no privateKey.rotationPolicy (Always by default since cert-manager 1.18)';
    const edit = setScalarEdit(context.file.text, context.document.tree, ROTATION_POLICY_PATH, 'Never');
    const fixes: Fix[] = edit ? [{ title: 'Set privateKey.rotationPolicy: Never', edits: [edit], isPreferred: true, safe: false }] : [];
    context.report({
      path: ROTATION_POLICY_PATH,
      part: current === 'Always' ? 'value' : 'key',
      message:
        `Root ${objectLabel(certificate)} is issued by the selfSigned ${objectLabel(selfSigned)} and has ${setting}: ` +
        'each renewal creates a new root key, and certificates signed by the old root stop validating. ' +
        'Set privateKey.rotationPolicy: Never, or distribute the old and new roots together with a trust-manager Bundle.',
      related: [
        {
          file: selfSigned.file.path,
          range: selfSigned.tree.locate(['metadata', 'name'], 'value') ?? selfSigned.range,
          message: `selfSigned ${objectLabel(selfSigned)}`,
        },
      ],
      fixes,
    });
  },
};
