import type { Fix, TextEdit } from '../../model';
import { insertEntry, replaceScalar } from '../../fixes/edits';
import { isTemplatePlaceholder } from '../../manifest/helm';
import { isRecord, lookup, YamlTree, type Path } from '../../manifest/tree';
import type { RuleContext } from '../types';
import {
  CHART_DEFAULT_INBOUND_POLICY,
  DEFAULT_INBOUND_POLICY_ANNOTATION,
  isControlPlaneComponent,
  isControlPlaneValues,
  isLinkerdPolicy,
  podMetadataPath,
} from './shared';

/** A place that sets a Linkerd inbound policy, with the policy it resolves to. */
export interface InboundPolicySite {
  /** Path of the value, or of the nearest place to insert it when the chart default applies. */
  path: Path;
  policy: string;
  /** False when the chart default applies because the value is absent. */
  explicit: boolean;
  kind: 'values' | 'annotation' | 'server';
  /** For messages: `proxy.defaultInboundPolicy`, `annotation config.linkerd.io/default-inbound-policy on Deployment "web"`. */
  label: string;
}

/** Reads the inbound policy that the rule context sets: control-plane values, an annotation, or a Server. */
export function inboundPolicySite(context: RuleContext): InboundPolicySite | undefined {
  if (isControlPlaneValues(context)) {
    const configured = lookup(context.value, ['proxy', 'defaultInboundPolicy']);
    if (configured !== undefined && typeof configured !== 'string') return undefined;
    if (typeof configured === 'string' && isTemplatePlaceholder(configured)) return undefined;
    const explicit = typeof configured === 'string';
    // The rendered linkerd-config always lists the policy; when it is missing (a template), it is unknown.
    if (!explicit && context.embedded) return undefined;
    return {
      path: ['proxy', 'defaultInboundPolicy'],
      policy: explicit ? configured : CHART_DEFAULT_INBOUND_POLICY,
      explicit,
      kind: 'values',
      label: explicit ? 'proxy.defaultInboundPolicy' : 'proxy.defaultInboundPolicy (not set, chart default)',
    };
  }
  if (context.embedded) return undefined;

  const document = context.document;
  if (document.kind === 'Server' && isLinkerdPolicy(document)) {
    const accessPolicy = lookup(context.value, ['spec', 'accessPolicy']);
    if (typeof accessPolicy !== 'string' || isTemplatePlaceholder(accessPolicy)) return undefined;
    return { path: ['spec', 'accessPolicy'], policy: accessPolicy, explicit: true, kind: 'server', label: `spec.accessPolicy of Server "${document.name ?? '(unnamed)'}"` };
  }

  const metadataPath = podMetadataPath(document.kind);
  if (!metadataPath) return undefined;
  const annotations = lookup(context.value, [...metadataPath, 'annotations']);
  if (!isRecord(annotations)) return undefined;
  const annotation = annotations[DEFAULT_INBOUND_POLICY_ANNOTATION];
  if (typeof annotation !== 'string' || isTemplatePlaceholder(annotation)) return undefined;
  // The chart copies proxy.defaultInboundPolicy onto its own workloads; the values finding covers those.
  if (document.kind !== 'Namespace' && isControlPlaneComponent(context.value, metadataPath)) return undefined;
  return {
    path: [...metadataPath, 'annotations', DEFAULT_INBOUND_POLICY_ANNOTATION],
    policy: annotation,
    explicit: true,
    kind: 'annotation',
    label: `annotation ${DEFAULT_INBOUND_POLICY_ANNOTATION} on ${document.kind} "${document.name ?? '(unnamed)'}"`,
  };
}

/** Edits that set the policy to `replacement`: replace the value, or add it to values when absent. */
export function setPolicyEdit(context: RuleContext, site: InboundPolicySite, replacement: string): TextEdit | undefined {
  const text = context.file.text;
  if (site.explicit) return replaceScalar(text, context.tree, site.path, replacement);
  if (site.kind !== 'values' || context.embedded || !(context.tree instanceof YamlTree)) return undefined;
  if (isRecord(lookup(context.value, ['proxy']))) return insertEntry(text, context.tree, ['proxy'], 'defaultInboundPolicy', replacement);
  return insertEntry(text, context.tree, [], 'proxy', `\ndefaultInboundPolicy: ${replacement}`);
}

export function policyFix(context: RuleContext, site: InboundPolicySite, replacement: string, title: string): Fix[] {
  const edit = setPolicyEdit(context, site, replacement);
  // Not safe: unmeshed callers (probes from outside the mesh, ingress without a proxy) lose access.
  return edit ? [{ title, edits: [edit], isPreferred: true, safe: false }] : [];
}
