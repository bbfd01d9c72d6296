import type { Fix } from '../../model';
import { insertEntry, insertNestedEntry, replaceScalar } from '../../fixes/edits';
import { isTemplatePlaceholder } from '../../manifest/helm';
import type { ManifestDocument } from '../../manifest/parse';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { WorkspaceIndex } from '../../workspace';
import type { Rule, RuleContext } from '../types';
import { readInstall, workspaceRootNamespace } from './install';

/** Modes of istio/api PeerAuthentication.MutualTLS.Mode that accept plaintext. */
const WEAK_MODES = new Set(['DISABLE', 'PERMISSIVE']);

export const peerAuthenticationNotStrict: Rule = {
  id: 'istio/peer-authentication-not-strict',
  system: 'istio',
  dimension: 'identity-policy',
  severity: 'error',
  title: 'Mutual TLS is not STRICT, so workloads accept callers without an identity',
  rationale:
    'With PERMISSIVE or DISABLE, or with no mesh-wide PeerAuthentication at all (Istio then behaves as PERMISSIVE), a workload accepts plaintext from any caller that can reach it, so authorization falls back to network placement instead of workload identity.',
  fixable: true,
  appliesTo: { kinds: ['PeerAuthentication', 'IstioOperator', 'Deployment'], charts: ['istiod'] },
  check(context) {
    if (context.document.kind === 'PeerAuthentication') checkPolicy(context);
    else checkInstallHasMeshPolicy(context);
  },
};

function hasSelector(value: unknown): boolean {
  return lookup(value, ['spec', 'selector']) !== undefined || lookup(value, ['spec', 'targetRef']) !== undefined;
}

function checkPolicy(context: RuleContext): void {
  const { value, document } = context;
  const root = workspaceRootNamespace(context.workspace);
  const name = `PeerAuthentication "${document.name ?? '(unnamed)'}"`;
  const mode = lookup(value, ['spec', 'mtls', 'mode']);
  if (isTemplatePlaceholder(mode) || isTemplatePlaceholder(document.namespace)) return;
  const modeText = typeof mode === 'string' ? mode.toUpperCase() : 'UNSET';
  const selected = hasSelector(value);

  if (!selected) {
    const meshWide = document.namespace === root;
    const maybeMeshWide = document.namespace === undefined;
    if (meshWide || maybeMeshWide) {
      if (modeText === 'STRICT') return;
      const scope = meshWide ? `is the mesh-wide policy (namespace ${root}, no selector)` : `has no namespace and no selector, so it is mesh-wide when applied in ${root}`;
      context.report({
        ...modePosition(mode),
        severity: meshWide ? 'error' : 'warning',
        message: `${name} ${scope} and sets mode ${modeText}${modeText === 'UNSET' ? ' (treated as PERMISSIVE)' : ''}, so every workload accepts plaintext from callers without a mesh identity. Set spec.mtls.mode to STRICT once all clients send mTLS.`,
        fixes: strictFix(context, mode),
      });
      return;
    }
  }

  if (WEAK_MODES.has(modeText)) {
    const scope = selected ? 'for the selected workloads' : `for namespace ${document.namespace}`;
    context.report({
      path: ['spec', 'mtls', 'mode'],
      part: 'value',
      severity: 'warning',
      message: `${name} sets mode ${modeText} ${scope}, so they accept plaintext from callers without a mesh identity. Set it to STRICT, or document the exception with a suppression comment.`,
      fixes: strictFix(context, mode),
    });
  }

  const portLevel = lookup(value, ['spec', 'portLevelMtls']);
  if (!selected || !isRecord(portLevel)) return;
  for (const [port, settings] of Object.entries(portLevel)) {
    const portMode = lookup(settings, ['mode']);
    if (typeof portMode !== 'string' || !WEAK_MODES.has(portMode.toUpperCase())) continue;
    const path: Path = ['spec', 'portLevelMtls', port, 'mode'];
    const edit = replaceScalar(context.file.text, document.tree, path, 'STRICT');
    context.report({
      path,
      part: 'value',
      severity: 'warning',
      message: `${name} sets mode ${portMode} on port ${port}, so that port accepts plaintext from callers without a mesh identity. Set it to STRICT unless the port must serve non-mesh clients.`,
      fixes: edit ? [{ title: `Set port ${port} mode to STRICT`, edits: [edit], isPreferred: true, safe: false }] : [],
    });
  }
}

function modePosition(mode: unknown): { path: Path; part: 'value' | 'key' } {
  if (mode !== undefined) return { path: ['spec', 'mtls', 'mode'], part: 'value' };
  return { path: ['spec', 'mtls'], part: 'key' };
}

function strictFix(context: RuleContext, mode: unknown): Fix[] {
  const { file, document } = context;
  const tree = document.tree;
  let edit;
  if (mode !== undefined) edit = replaceScalar(file.text, tree, ['spec', 'mtls', 'mode'], 'STRICT');
  else if (isRecord(lookup(context.value, ['spec', 'mtls']))) edit = insertEntry(file.text, tree, ['spec', 'mtls'], 'mode', 'STRICT');
  else if (isRecord(lookup(context.value, ['spec']))) edit = insertNestedEntry(file.text, tree, ['spec'], ['mtls'], 'mode', 'STRICT');
  else edit = insertNestedEntry(file.text, tree, [], ['spec', 'mtls'], 'mode', 'STRICT');
  if (!edit) return [];
  return [{ title: 'Set mtls mode to STRICT', edits: [edit], isPreferred: true, safe: false }];
}

/** PeerAuthentications that are, or may be, the mesh-wide policy. */
function meshWidePolicies(workspace: WorkspaceIndex, root: string): ManifestDocument[] {
  return workspace
    .byKind('PeerAuthentication')
    .filter((document) => (document.namespace === undefined || document.namespace === root) && !hasSelector(document.tree.value));
}

function checkInstallHasMeshPolicy(context: RuleContext): void {
  const install = readInstall(context);
  if (!install) return;
  const root = workspaceRootNamespace(context.workspace);
  if (meshWidePolicies(context.workspace, root).length > 0) return;
  context.report({
    path: install.surface === 'deployment' ? ['metadata', 'name'] : install.surface === 'operator' ? ['kind'] : install.anchor,
    part: install.surface === 'values' ? 'key' : 'value',
    severity: 'warning',
    message:
      `${install.label}: these files hold no mesh-wide PeerAuthentication (namespace ${root}, no selector), so the mesh runs PERMISSIVE and accepts plaintext from callers without an identity. ` +
      `Add a PeerAuthentication named default in ${root} with spec.mtls.mode STRICT.`,
  });
}
