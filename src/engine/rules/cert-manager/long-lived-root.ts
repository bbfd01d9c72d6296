import { lookup } from '../../manifest/tree';
import type { Rule } from '../types';
import { HOURS_PER_YEAR, isCACertificate, knownString, objectLabel, parseGoDuration } from './shared';

/** CA lifetimes above this many years get a finding. The common tutorial value 87600h is 10 years. */
const MAX_CA_YEARS = 5;

function formatYears(seconds: number): string {
  const years = seconds / 3600 / HOURS_PER_YEAR;
  return `${Number.isInteger(years) ? years : years.toFixed(1)} years`;
}

export const longLivedRoot: Rule = {
  id: 'cert-manager/long-lived-root',
  system: 'cert-manager',
  dimension: 'credential-lifetime',
  severity: 'info',
  title: 'CA Certificate with a lifetime of more than 5 years',
  rationale:
    'A CA that lives for many years is renewed so rarely that the renewal and trust-distribution steps are forgotten, and a key that stays valid that long gives an attacker more time to use it.',
  fixable: false,
  appliesTo: { kinds: ['Certificate'] },
  check(context) {
    const certificate = context.document;
    if (!isCACertificate(certificate)) return;
    const duration = knownString(lookup(context.value, ['spec', 'duration']));
    if (!duration) return;

    const seconds = parseGoDuration(duration);
    if (seconds === undefined || seconds <= MAX_CA_YEARS * HOURS_PER_YEAR * 3600) return;
    context.report({
      path: ['spec', 'duration'],
      part: 'value',
      message:
        `CA ${objectLabel(certificate)} has duration ${duration} (${formatYears(seconds)}), more than ${MAX_CA_YEARS} years. ` +
        'Monitor its notAfter, rehearse the renewal with a trust bundle that carries old and new roots, or shorten the lifetime.',
    });
  },
};
