import type { Rule } from '../types';
import { anchorCertificateRange, anchorFieldsOf, daysUntilExpiry, describeCertificate, isoDate, parsePemCertificates } from './shared';

/** `linkerd check` warns when a trust anchor is valid for less than 60 days. */
export const EXPIRY_WARNING_DAYS = 60;

export const anchorExpiring: Rule = {
  id: 'linkerd/anchor-expiring',
  system: 'linkerd',
  dimension: 'credential-lifetime',
  severity: 'error',
  title: 'Linkerd trust anchor expires within 60 days or has expired',
  rationale:
    'Linkerd cannot rotate its trust anchor automatically. When the anchor expires, proxies stop accepting each other\'s certificates mesh-wide, and replacing an expired anchor needs a coordinated restart of the control plane and every meshed workload.',
  fixable: false,
  appliesTo: { kinds: ['ConfigMap', 'Bundle'], charts: ['linkerd-control-plane'], embedded: ['linkerd-values'] },
  check(context) {
    const now = Date.now();
    for (const field of anchorFieldsOf(context)) {
      for (const { certificate, index } of parsePemCertificates(field.text)) {
        const daysLeft = daysUntilExpiry(certificate, now);
        if (daysLeft >= EXPIRY_WARNING_DAYS) continue;

        const notAfter = isoDate(certificate.validTo);
        const when = daysLeft < 0 ? `expired on ${notAfter} (notAfter), ${-daysLeft} days ago` : `expires on ${notAfter} (notAfter), in ${daysLeft} days`;
        const action =
          daysLeft < 0
            ? 'Follow Linkerd\'s procedure for replacing expired certificates and move the anchor to an issuer outside the cluster.'
            : 'Add the new anchor to the bundle next to this one now, roll the issuer and the proxies, then remove the old anchor.';
        context.report({
          range: anchorCertificateRange(context.file.text, field, index),
          path: field.path,
          part: 'key',
          message: `Trust anchor ${describeCertificate(certificate)} in ${field.label} ${when}. ${action}`,
        });
      }
    }
  },
};
