import { replaceScalar } from '../../fixes/edits';
import { isRecord, lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { displayName, isApiAccessVolume, POD_SPEC_KINDS, podSpecOf } from './pod-specs';

/** The kubelet refreshes a projected token after 24 hours at the latest, so longer lifetimes only extend replay. */
export const MAX_TOKEN_SECONDS = 86400;
export const SUGGESTED_TOKEN_SECONDS = 3600;

export const longLivedProjectedToken: Rule = {
  id: 'service-accounts/long-lived-projected-token',
  system: 'service-accounts',
  dimension: 'credential-lifetime',
  severity: 'info',
  title: 'Projected service-account token valid for more than a day or without an audience',
  rationale:
    'A projected token is a bearer credential signed by this cluster. A lifetime beyond 24 hours lengthens the window in which a leaked token can be replayed, and a token without an audience is accepted by the API server and by any relying party that does not check aud.',
  fixable: true,
  appliesTo: { kinds: [...POD_SPEC_KINDS] },
  check(context) {
    const pod = podSpecOf(context.document);
    if (!pod || !Array.isArray(pod.spec.volumes)) return;

    pod.spec.volumes.forEach((volume, volumeIndex) => {
      const sources = lookup(volume, ['projected', 'sources']);
      if (!Array.isArray(sources)) return;
      sources.forEach((source, sourceIndex) => {
        const token = lookup(source, ['serviceAccountToken']);
        if (!isRecord(token)) return;
        const tokenPath = [...pod.path, 'volumes', volumeIndex, 'projected', 'sources', sourceIndex, 'serviceAccountToken'];
        const volumeName = typeof lookup(volume, ['name']) === 'string' ? `"${String(lookup(volume, ['name']))}"` : `#${volumeIndex + 1}`;
        const owner = `${context.document.kind} "${displayName(context.document)}"`;

        const expiration = token.expirationSeconds;
        if (typeof expiration === 'number' && expiration > MAX_TOKEN_SECONDS) {
          const edit = replaceScalar(context.file.text, context.tree, [...tokenPath, 'expirationSeconds'], SUGGESTED_TOKEN_SECONDS);
          context.report({
            path: [...tokenPath, 'expirationSeconds'],
            part: 'value',
            // Not safe: a consumer that reads the token once at start-up, instead of re-reading the
            // file the kubelet refreshes, fails once the shorter token expires.
            fixes: edit ? [{ title: `Set expirationSeconds to ${SUGGESTED_TOKEN_SECONDS}`, edits: [edit], isPreferred: true, safe: false }] : [],
            message: `Projected token in volume ${volumeName} of ${owner} is valid for ${expiration} seconds (${(expiration / 3600).toFixed(0)} hours). The kubelet refreshes it after 24 hours anyway; request ${SUGGESTED_TOKEN_SECONDS} seconds so a leaked token expires within the hour.`,
          });
        }

        const audience = token.audience;
        if ((audience === undefined || audience === null || audience === '') && !isApiAccessVolume(volume)) {
          context.report({
            path: tokenPath,
            part: 'key',
            message: `Projected token in volume ${volumeName} of ${owner} has no audience, so it is issued for the API server and any relying party that skips the aud check accepts it. Set audience to the one consumer it is for (for example vault or sts.amazonaws.com).`,
          });
        }
      });
    });
  },
};
