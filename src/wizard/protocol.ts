/**
 * The one message protocol between the assessment panel (extension side) and its webview.
 * Both sides validate every message they receive with the parsers below; anything unknown or
 * malformed is rejected (and logged by the extension), never acted on. This file must not import
 * `vscode`, because the webview bundle imports it too.
 */
import type { AssessmentResult } from '../assessment/assess';
import type { Provenance } from '../assessment/evidence';
import type { Question } from '../assessment/questions';

/** State the webview renders every step from. */
export interface WizardState {
  questions: Question[];
  /** Ids of the questions a person answered, with their option and note. */
  userAnswers: Record<string, { option: string; note?: string }>;
  result: AssessmentResult;
  step: number;
  /** One line on where the evidence came from (files analysed, cluster contexts). */
  evidenceSummary: string;
  /** True while evidence is being collected again. */
  busy: boolean;
}

/** Extension → webview. */
export type ExtensionMessage =
  /** Sent after `ready` and whenever answers, evidence or the step change. */
  | { type: 'state'; state: WizardState }
  /** Sent after an export finished or was cancelled. */
  | { type: 'exported'; format: ExportFormat; path?: string }
  /** Sent when an action the webview asked for failed. */
  | { type: 'error'; message: string };

export type ExportFormat = 'markdown' | 'json';

/** Webview → extension. */
export type WebviewMessage =
  /** The webview loaded and wants the state. */
  | { type: 'ready' }
  /** A person chose an option (overriding any evidence-based answer). */
  | { type: 'answer'; questionId: string; option: string; note?: string }
  /** A person withdrew their answer, so the evidence-based answer (or unknown) applies again. */
  | { type: 'clearAnswer'; questionId: string }
  /** The visible step changed (kept so a reload reopens the same step). */
  | { type: 'step'; step: number }
  /** Open the file line or cluster object an answer came from. */
  | { type: 'openProvenance'; provenance: Provenance }
  /** Open a rule's documentation page. */
  | { type: 'openRule'; ruleId: string }
  /** Run "Insert Migration Snippet…". */
  | { type: 'insertSnippet' }
  /** Collect manifest findings and cluster evidence again. */
  | { type: 'refresh' }
  /** Save the report through a save dialog. */
  | { type: 'export'; format: ExportFormat };

const MAX_TEXT = 2000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, pattern?: RegExp): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT && (!pattern || pattern.test(value));
}

const ID = /^[a-z0-9][a-z0-9.\-/]*$/;

function parseProvenance(value: unknown): Provenance | undefined {
  if (!isPlainObject(value)) return undefined;
  if (value.kind === 'file' && isShortString(value.file) && Number.isInteger(value.line) && Number.isInteger(value.column) && isShortString(value.label)) {
    return { kind: 'file', file: value.file, line: value.line as number, column: value.column as number, label: value.label };
  }
  if (value.kind === 'cluster' && isShortString(value.source) && isShortString(value.label)) {
    return { kind: 'cluster', source: value.source, label: value.label };
  }
  return undefined;
}

/** Validates a message from the webview. Returns undefined for anything not in the protocol. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isPlainObject(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready':
    case 'insertSnippet':
    case 'refresh':
      return Object.keys(value).length === 1 ? { type: value.type } : undefined;
    case 'answer':
      if (!isShortString(value.questionId, ID) || !isShortString(value.option, ID)) return undefined;
      if (value.note !== undefined && typeof value.note !== 'string') return undefined;
      if (typeof value.note === 'string' && value.note.length > MAX_TEXT) return undefined;
      return value.note ? { type: 'answer', questionId: value.questionId, option: value.option, note: value.note } : { type: 'answer', questionId: value.questionId, option: value.option };
    case 'clearAnswer':
      return isShortString(value.questionId, ID) ? { type: 'clearAnswer', questionId: value.questionId } : undefined;
    case 'step':
      return Number.isInteger(value.step) && (value.step as number) >= 0 && (value.step as number) < 100 ? { type: 'step', step: value.step as number } : undefined;
    case 'openProvenance': {
      const provenance = parseProvenance(value.provenance);
      return provenance ? { type: 'openProvenance', provenance } : undefined;
    }
    case 'openRule':
      return isShortString(value.ruleId, ID) ? { type: 'openRule', ruleId: value.ruleId } : undefined;
    case 'export':
      return value.format === 'markdown' || value.format === 'json' ? { type: 'export', format: value.format } : undefined;
    default:
      return undefined;
  }
}

/** Validates a message from the extension (used by the webview). */
export function parseExtensionMessage(value: unknown): ExtensionMessage | undefined {
  if (!isPlainObject(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'state': {
      const state = value.state;
      if (!isPlainObject(state) || !Array.isArray(state.questions) || !isPlainObject(state.result) || !isPlainObject(state.userAnswers)) return undefined;
      if (!Number.isInteger(state.step) || typeof state.evidenceSummary !== 'string' || typeof state.busy !== 'boolean') return undefined;
      const result = state.result as Record<string, unknown>;
      if (!Array.isArray(result.answers) || !isPlainObject(result.score) || !Array.isArray(result.plan)) return undefined;
      return { type: 'state', state: state as unknown as WizardState };
    }
    case 'exported':
      if (value.format !== 'markdown' && value.format !== 'json') return undefined;
      if (value.path !== undefined && typeof value.path !== 'string') return undefined;
      return { type: 'exported', format: value.format, path: value.path as string | undefined };
    case 'error':
      return isShortString(value.message) ? { type: 'error', message: value.message } : undefined;
    default:
      return undefined;
  }
}
