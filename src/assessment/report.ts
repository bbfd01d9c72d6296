import { DIMENSION_TITLES } from '../engine/model';
import type { AssessmentResult } from './assess';
import type { Provenance } from './evidence';
import { DECISION_TITLES, VERDICT_TITLES } from './scoring';

function provenanceText(provenance: Provenance): string {
  return provenance.kind === 'file' ? `\`${provenance.label}\`` : `cluster \`${provenance.label}\``;
}

function bar(score: number | null): string {
  if (score === null) return '`··········` unknown';
  const filled = Math.round(score * 10);
  return `\`${'█'.repeat(filled)}${'·'.repeat(10 - filled)}\` ${Math.round(score * 100)}%`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Writes the assessment as Markdown for a pull request or a wiki page. */
export function toMarkdown(result: AssessmentResult, docsBase = 'docs/rules'): string {
  const lines: string[] = [];
  const { score } = result;
  lines.push('# Workload-identity trust anchor assessment', '');
  lines.push(`**Verdict: ${VERDICT_TITLES[score.verdict]}**${score.overall === null ? '' : ` (overall ${Math.round(score.overall * 100)}% portable)`}`, '');
  lines.push(`Decision: ${DECISION_TITLES[score.decision]}`, '');
  lines.push(`Generated ${result.generatedAt} from ${result.scope.files} file(s), ${result.scope.findings} finding(s)${result.scope.contexts.length ? ` and cluster evidence from ${result.scope.contexts.join(', ')}` : ''}; ${score.answeredCount} of ${score.questionCount} questions answered.`, '');

  if (score.renewalWarning) lines.push(`> **Renewal is not portability.** ${score.renewalWarning}`, '');
  if (score.reasons.length) {
    lines.push('## Why', '');
    for (const reason of score.reasons) lines.push(`- ${reason}`);
    lines.push('');
  }

  lines.push('## Dimensions', '', '| Dimension | Score | Weight | Answered |', '|---|---|---|---|');
  for (const dimension of score.dimensions) {
    lines.push(`| ${DIMENSION_TITLES[dimension.dimension]} | ${bar(dimension.score)} | ${dimension.weight.toFixed(1)} | ${dimension.answered}/${dimension.total} |`);
  }
  lines.push('');

  lines.push('## What breaks if this cluster is rebuilt', '');
  if (result.rebuildImpact.regeneratedAnchors.length === 0 && result.rebuildImpact.relyingParties.length === 0) {
    lines.push('No evidence of an anchor that a rebuild would regenerate.', '');
  } else {
    if (result.rebuildImpact.regeneratedAnchors.length) {
      lines.push('Anchors regenerated:', '');
      for (const anchor of result.rebuildImpact.regeneratedAnchors) lines.push(`- ${anchor.description} (${provenanceText(anchor.provenance)})`);
      lines.push('');
    }
    if (result.rebuildImpact.relyingParties.length) {
      lines.push('Relying parties that lose trust:', '');
      for (const party of result.rebuildImpact.relyingParties) lines.push(`- **${party.kind}**: ${party.description} (${party.provenance.map(provenanceText).join(', ')})`);
      lines.push('');
    }
  }

  lines.push('## Migration plan', '');
  for (const phase of result.plan) {
    lines.push(`### Phase ${phase.phase}: ${phase.title}`, '', phase.goal, '');
    if (phase.steps.length === 0) {
      lines.push(phase.dimensions.includes('event-validation') ? '- Schedule and record the drills; only people can confirm this phase.' : '- Nothing found in this phase.');
    }
    for (const step of phase.steps) {
      const help = [step.quickFix ? 'quick fix available' : undefined, `snippet: ${step.snippetSystem}`].filter(Boolean).join(', ');
      lines.push(`- [${step.ruleId}](${docsBase}/${step.ruleId}.md): ${step.title} (${step.occurrences}×; ${help}) at ${step.provenance.map(provenanceText).join(', ')}`);
    }
    lines.push('');
  }

  lines.push('## Answers', '', '| Question | Answer | Source | Evidence |', '|---|---|---|---|');
  for (const answer of result.answers) {
    const source = answer.origin === 'override' ? `person (overrides evidence: ${answer.evidenceOption})` : answer.origin;
    const evidence = [answer.reason, ...answer.provenance.map(provenanceText), answer.note ? `Note: ${answer.note}` : undefined].filter(Boolean).join(' ');
    lines.push(`| ${escapeCell(answer.question)} | ${escapeCell(answer.optionLabel)} | ${source} | ${escapeCell(evidence)} |`);
  }
  lines.push('');

  const { inventory } = result;
  lines.push('## Identity inventory', '');
  lines.push('### Service accounts', '', '| Service account | Federation | Defined at |', '|---|---|---|');
  for (const account of inventory.serviceAccounts) lines.push(`| ${account.namespace ? `${account.namespace}/` : ''}${account.name} | ${account.federation.join(', ') || 'none'} | ${provenanceText(account.provenance)} |`);
  lines.push('', '### SPIFFE ID templates', '', '| Template | Source | Defined at |', '|---|---|---|');
  for (const template of inventory.spiffeIdTemplates) lines.push(`| \`${escapeCell(template.template)}\` | ${template.source} | ${provenanceText(template.provenance)} |`);
  lines.push('', '### Certificates', '', '| Certificate | CA | Duration | Renew before | Rotation policy | Issuer | Defined at |', '|---|---|---|---|---|---|---|');
  for (const certificate of inventory.certificates) {
    lines.push(`| ${certificate.namespace ? `${certificate.namespace}/` : ''}${certificate.name} | ${certificate.isCA ? 'yes' : 'no'} | ${certificate.duration} | ${certificate.renewBefore ?? 'default (1/3 of duration)'} | ${certificate.rotationPolicy} | ${certificate.issuer} | ${provenanceText(certificate.provenance)} |`);
  }
  lines.push('');

  if (result.changes) {
    lines.push('## Changes since the last assessment', '', `Verdict: ${VERDICT_TITLES[result.changes.verdictBefore]} → ${VERDICT_TITLES[result.changes.verdictAfter]}`, '');
    for (const change of result.changes.answers) lines.push(`- ${change.questionId}: ${change.before} → ${change.after}`);
    lines.push('');
  }

  lines.push('## Framework references', '');
  const seen = new Set<string>();
  for (const answer of result.answers) {
    for (const reference of answer.references) {
      const key = `${reference.framework} ${reference.control}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`- **${reference.framework}, ${reference.control}**: ${reference.meaning}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes the assessment as JSON (schema in docs/assessment.md). */
export function toJson(result: AssessmentResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
