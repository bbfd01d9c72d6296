import { DIMENSION_TITLES } from '../engine/model';
import type { AssessmentEvidence, Provenance } from './evidence';
import { buildInventory, buildPlan, rebuildImpact, type IdentityInventory, type PlanPhase, type RebuildImpact } from './plan';
import { prefillAnswers, type Prefill } from './prefill';
import { QUESTIONS, optionOf, type FrameworkReference } from './questions';
import { mergeAnswers, scoreAnswers, type Answers, type ScoreResult, type Verdict } from './scoring';

export const ASSESSMENT_SCHEMA_VERSION = 1;

export type AnswerOrigin = 'evidence' | 'person' | 'override' | 'unanswered';

export interface ResolvedAnswer {
  questionId: string;
  question: string;
  dimension: string;
  peopleOnly: boolean;
  option: string;
  optionLabel: string;
  origin: AnswerOrigin;
  /** The evidence-based answer when a person overrode it. */
  evidenceOption?: string;
  reason?: string;
  note?: string;
  provenance: Provenance[];
  references: FrameworkReference[];
}

export interface AssessmentChange {
  questionId: string;
  before: string;
  after: string;
}

export interface AssessmentResult {
  schemaVersion: typeof ASSESSMENT_SCHEMA_VERSION;
  generatedAt: string;
  scope: { files: number; findings: number; clusterFindings: number; contexts: string[] };
  answers: ResolvedAnswer[];
  score: ScoreResult;
  rebuildImpact: RebuildImpact;
  plan: PlanPhase[];
  inventory: IdentityInventory;
  /** Differences from the previous assessment, when one was given. */
  changes?: { verdictBefore: Verdict; verdictAfter: Verdict; answers: AssessmentChange[] };
}

export type UserAnswers = Record<string, { option: string; note?: string }>;

/** Runs the whole assessment: prefill from evidence, merge a person's answers, score, plan, inventory. */
export function runAssessment(evidence: AssessmentEvidence, userAnswers: UserAnswers = {}, previous?: AssessmentResult, now = new Date()): AssessmentResult {
  const prefills = prefillAnswers(evidence);
  const answers = mergeAnswers(prefills, userAnswers);
  const score = scoreAnswers(answers);
  const result: AssessmentResult = {
    schemaVersion: ASSESSMENT_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    scope: {
      files: evidence.workspace.allFiles().length,
      findings: evidence.findings.length,
      clusterFindings: evidence.clusterFindings?.length ?? 0,
      contexts: evidence.comparison?.contexts ?? [...new Set((evidence.clusterFindings ?? []).map((finding) => finding.clusterSource?.split('/')[0] ?? ''))].filter(Boolean),
    },
    answers: resolveAnswers(answers, prefills),
    score,
    rebuildImpact: rebuildImpact(evidence),
    plan: buildPlan(evidence),
    inventory: buildInventory(evidence),
  };
  if (previous) result.changes = compareAssessments(previous, result);
  return result;
}

function resolveAnswers(answers: Answers, prefills: Record<string, Prefill>): ResolvedAnswer[] {
  return QUESTIONS.map((question) => {
    const answer = answers[question.id];
    const prefill = prefills[question.id];
    const option = answer?.option ?? 'unknown';
    let origin: AnswerOrigin = 'unanswered';
    if (answer?.origin === 'prefill') origin = 'evidence';
    else if (answer?.origin === 'user') origin = prefill && prefill.option !== answer.option ? 'override' : 'person';
    return {
      questionId: question.id,
      question: question.text,
      dimension: question.dimension === 'context' ? 'Context' : DIMENSION_TITLES[question.dimension],
      peopleOnly: question.peopleOnly,
      option,
      optionLabel: optionOf(question.id, option)?.label ?? 'Unknown',
      origin,
      evidenceOption: origin === 'override' ? prefill?.option : undefined,
      reason: prefill?.reason,
      note: answer?.note,
      provenance: prefill?.provenance ?? [],
      references: question.references,
    };
  });
}

export function compareAssessments(previous: AssessmentResult, current: AssessmentResult): NonNullable<AssessmentResult['changes']> {
  const before = new Map(previous.answers.map((answer) => [answer.questionId, answer.option]));
  const changes: AssessmentChange[] = [];
  for (const answer of current.answers) {
    const old = before.get(answer.questionId) ?? 'unknown';
    if (old !== answer.option) changes.push({ questionId: answer.questionId, before: old, after: answer.option });
  }
  return { verdictBefore: previous.score.verdict, verdictAfter: current.score.verdict, answers: changes };
}

/** Validates a user answers object (from the answers file or the webview); returns messages for bad entries. */
export function validateUserAnswers(value: unknown): { answers: UserAnswers; problems: string[] } {
  const answers: UserAnswers = {};
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { answers, problems: ['the answers must be an object mapping question ids to option ids'] };
  }
  let source = value as Record<string, unknown>;
  if ('answers' in source) {
    const nested = source.answers;
    if (nested === null || nested === undefined) return { answers, problems };
    if (typeof nested !== 'object' || Array.isArray(nested)) {
      return { answers, problems: ['"answers" must be a map from question id to option id (or to {option, note}), not a list or a single value'] };
    }
    source = nested as Record<string, unknown>;
  }

  for (const [questionId, raw] of Object.entries(source)) {
    if (questionId === 'schemaVersion') continue;
    const entry = typeof raw === 'object' && raw !== null ? (raw as { option?: unknown; note?: unknown }) : undefined;
    const option = typeof raw === 'string' ? raw : entry?.option;
    const note = typeof entry?.note === 'string' ? entry.note : undefined;
    const question = QUESTIONS.find((candidate) => candidate.id === questionId);
    if (!question) {
      problems.push(`unknown question id "${questionId}"; valid ids: ${QUESTIONS.map((candidate) => candidate.id).join(', ')}`);
      continue;
    }
    const choices = question.options.map((candidate) => candidate.id).join(', ');
    if (option === undefined) {
      const keys = typeof raw === 'object' && raw !== null ? Object.keys(raw).join(', ') : typeof raw;
      problems.push(`${questionId} has no "option" (found: ${keys || 'nothing'}); write "${questionId}: <option>" or "{option: <option>, note: <text>}" with one of: ${choices}`);
      continue;
    }
    if (typeof option !== 'string' || !optionOf(questionId, option)) {
      problems.push(`"${String(option)}" is not an option of ${questionId}; choose one of: ${choices}`);
      continue;
    }
    answers[questionId] = note ? { option, note } : { option };
  }
  return { answers, problems };
}
