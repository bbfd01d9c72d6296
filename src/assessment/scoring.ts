import { DIMENSIONS, type DimensionId } from '../engine/model';
import type { Prefill } from './prefill';
import { QUESTIONS, optionOf, type EnvironmentType } from './questions';

/** One answer as the assessment holds it: chosen by evidence, or by a person (possibly overriding evidence). */
export interface AnswerRecord {
  option: string;
  origin: 'prefill' | 'user';
  /** The evidence-based answer, kept when a person overrides it so the override stays visible. */
  prefill?: Prefill;
  note?: string;
}

export type Answers = Record<string, AnswerRecord>;

export type Verdict = 'portable' | 'partially-cluster-bound' | 'cluster-bound' | 'undetermined';
export type Decision = 'keep' | 'acceptable-if-recoverable' | 'make-recoverable' | 'plan-decoupling' | 'decouple-now' | 'answer-more';

export const VERDICT_TITLES: Record<Verdict, string> = {
  portable: 'Portable',
  'partially-cluster-bound': 'Partially cluster-bound',
  'cluster-bound': 'Cluster-bound',
  undetermined: 'Undetermined (not enough answers)',
};

export const DECISION_TITLES: Record<Decision, string> = {
  keep: 'Keep the design; drill rotation and moves regularly.',
  'acceptable-if-recoverable': 'A local anchor is acceptable for an isolated development cluster, and this one is recoverable.',
  'make-recoverable': 'A local anchor is tolerable here only once it is recoverable: persist and back up keys and datastore first.',
  'plan-decoupling': 'Plan the move of the anchor out of the cluster lifecycle within the next planning cycle.',
  'decouple-now': 'Decouple the trust anchor from the cluster now: this environment cannot tolerate losing identity on a rebuild.',
  'answer-more': 'Answer more questions; too little is known to decide.',
};

export interface DimensionScore {
  dimension: DimensionId;
  /** 0 (cluster-bound) to 1 (portable); null when no question of the dimension is answered. */
  score: number | null;
  weight: number;
  answered: number;
  total: number;
}

export interface ScoreResult {
  dimensions: DimensionScore[];
  overall: number | null;
  verdict: Verdict;
  decision: Decision;
  reasons: string[];
  /** Set when credentials renew well but identity would not survive a move. */
  renewalWarning?: string;
  answeredCount: number;
  questionCount: number;
}

type WeightTable = Record<DimensionId, number>;

const BASE_WEIGHTS: Record<EnvironmentType, WeightTable> = {
  'isolated-development': { 'issuer-independence': 0.5, recoverability: 2, 'credential-lifetime': 1, 'identity-policy': 1, 'cross-environment': 0.3, 'event-validation': 0.5 },
  'internal-platform': { 'issuer-independence': 1, recoverability: 1, 'credential-lifetime': 1, 'identity-policy': 1, 'cross-environment': 1, 'event-validation': 1 },
  'multi-cluster-mesh': { 'issuer-independence': 1.5, recoverability: 1, 'credential-lifetime': 1, 'identity-policy': 1, 'cross-environment': 2, 'event-validation': 1 },
  regulated: { 'issuer-independence': 1.5, recoverability: 1.5, 'credential-lifetime': 1.5, 'identity-policy': 1.5, 'cross-environment': 1, 'event-validation': 1.5 },
  'shared-platform': { 'issuer-independence': 1.5, recoverability: 1.5, 'credential-lifetime': 1, 'identity-policy': 1, 'cross-environment': 1.5, 'event-validation': 1 },
};

const PORTABLE_AT = 0.8;
const BOUND_BELOW = 0.45;
const ROOT_IN_CLUSTER_BELOW = 0.4;

/** Weights per dimension from the context answers; missing context means "internal platform". */
export function weightsFor(answers: Answers): WeightTable {
  const environment = (answers['context.environment']?.option ?? 'internal-platform') as EnvironmentType;
  const weights = { ...(BASE_WEIGHTS[environment] ?? BASE_WEIGHTS['internal-platform']) };

  const frequency = answers['context.migration-frequency']?.option;
  if (frequency === 'quarterly' || frequency === 'continuous') {
    weights['issuer-independence'] *= 1.3;
    weights['cross-environment'] *= 1.3;
  }
  if (answers['context.cross-environment-policy']?.option === 'required') weights['cross-environment'] *= 1.5;
  const blast = answers['context.blast-radius']?.option;
  if (blast === 'organisation' || blast === 'external') weights.recoverability *= 1.3;
  return weights;
}

export function scoreAnswers(answers: Answers): ScoreResult {
  const weights = weightsFor(answers);
  const scored = QUESTIONS.filter((question) => question.dimension !== 'context');

  const dimensions: DimensionScore[] = DIMENSIONS.map((dimension) => {
    const questions = scored.filter((question) => question.dimension === dimension);
    const values = questions
      .map((question) => optionOf(question.id, answers[question.id]?.option ?? 'unknown')?.score)
      .filter((score): score is number => typeof score === 'number');
    return {
      dimension,
      score: values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null,
      weight: weights[dimension],
      answered: values.length,
      total: questions.length,
    };
  });

  const withScores = dimensions.filter((entry) => entry.score !== null);
  const totalWeight = withScores.reduce((sum, entry) => sum + entry.weight, 0);
  const overall = totalWeight > 0 ? withScores.reduce((sum, entry) => sum + entry.weight * (entry.score as number), 0) / totalWeight : null;
  const byDimension = new Map(dimensions.map((entry) => [entry.dimension, entry.score]));
  const reasons: string[] = [];

  let verdict: Verdict;
  const issuer = byDimension.get('issuer-independence');
  if (overall === null) verdict = 'undetermined';
  else if (issuer !== null && issuer !== undefined && issuer < ROOT_IN_CLUSTER_BELOW) {
    verdict = 'cluster-bound';
    reasons.push('The root or its issuer is generated or stored in the cluster, so a rebuild replaces it.');
  } else if (overall >= PORTABLE_AT && withScores.every((entry) => (entry.score as number) >= 0.6)) verdict = 'portable';
  else if (overall < BOUND_BELOW) verdict = 'cluster-bound';
  else verdict = 'partially-cluster-bound';

  for (const entry of [...withScores].sort((a, b) => (a.score as number) - (b.score as number))) {
    if ((entry.score as number) >= 0.6) break;
    for (const question of scored.filter((candidate) => candidate.dimension === entry.dimension)) {
      const answer = answers[question.id];
      const option = answer ? optionOf(question.id, answer.option) : undefined;
      if (option?.score !== undefined && option.score < 0.6) reasons.push(`${question.text} → ${option.label}${answer?.prefill && answer.origin === 'prefill' ? ` (${answer.prefill.reason})` : ''}`);
    }
  }

  const lifetime = byDimension.get('credential-lifetime');
  const cross = byDimension.get('cross-environment');
  let renewalWarning: string | undefined;
  const renewalOnly = answers['events.move-tested']?.option === 'renewal-only';
  if ((lifetime ?? 0) >= 0.6 && (((issuer ?? 1) < 0.5) || ((cross ?? 1) < 0.5) || renewalOnly)) {
    renewalWarning =
      'Renewal is not portability: credentials are short-lived and renew automatically, but the root they chain to ' +
      ((issuer ?? 1) < 0.5 ? 'is regenerated with the cluster' : (cross ?? 1) < 0.5 ? 'is not shared with the other environments' : 'has never been tested by a move') +
      ', so workloads lose their trust relationships when they move.';
    reasons.unshift(renewalWarning);
  }

  const decision = decide(verdict, answers, byDimension.get('recoverability') ?? null);
  const answeredCount = QUESTIONS.filter((question) => answers[question.id] && answers[question.id].option !== 'unknown').length;
  return { dimensions, overall, verdict, decision, reasons, renewalWarning, answeredCount, questionCount: QUESTIONS.length };
}

function decide(verdict: Verdict, answers: Answers, recoverability: number | null): Decision {
  if (verdict === 'undetermined') return 'answer-more';
  if (verdict === 'portable') return 'keep';
  const environment = answers['context.environment']?.option;
  if (environment === 'isolated-development') {
    return recoverability !== null && recoverability >= 0.6 ? 'acceptable-if-recoverable' : 'make-recoverable';
  }
  if (environment === 'multi-cluster-mesh' || environment === 'regulated' || environment === 'shared-platform') return 'decouple-now';
  const frequency = answers['context.migration-frequency']?.option;
  const crossPolicy = answers['context.cross-environment-policy']?.option;
  if (frequency === 'continuous' || frequency === 'quarterly' || crossPolicy === 'required') return 'decouple-now';
  return 'plan-decoupling';
}

/** Combines evidence-based answers with a person's answers; a person's answer always wins. */
export function mergeAnswers(prefills: Record<string, Prefill>, userAnswers: Record<string, { option: string; note?: string }>): Answers {
  const merged: Answers = {};
  for (const [id, prefill] of Object.entries(prefills)) merged[id] = { option: prefill.option, origin: 'prefill', prefill };
  for (const [id, answer] of Object.entries(userAnswers)) {
    if (!optionOf(id, answer.option)) continue;
    merged[id] = { option: answer.option, origin: 'user', prefill: prefills[id], note: answer.note };
  }
  return merged;
}
