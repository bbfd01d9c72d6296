/**
 * The assessment panel in the real extension host: the command opens the webview, answers sent
 * through the panel's message handling are stored in workspaceState and come back after the panel
 * is closed and reopened, and messages outside the protocol are rejected without changing anything.
 * Messages reach the panel through the extension's test access, which runs the same validation as
 * messages from the webview.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { QUESTIONS } from '../../../src/assessment/questions';
import type { TrustAnchorApi } from '../../../src/extension';
import { ASSESSMENT_VIEW_TYPE, type AssessmentTestAccess } from '../../../src/wizard/panel';
import type { WizardState } from '../../../src/wizard/protocol';
import { activateExtension, closeAllEditors, fixtureUri, openEditor, waitForDiagnostics } from './helpers';

const RUN_ASSESSMENT = 'trustAnchor.runAssessment';
const WAIT_TIMEOUT_MS = 15_000;

/** Question answered by people only, so the evidence never changes its answer. */
const PEOPLE_ONLY_QUESTION = 'context.environment';
const DRILL_QUESTION = 'events.drills';
/** Fixture whose findings prefill the issuer questions: an Istio plug-in CA Secret that carries the root private key. */
const EVIDENCE_FILE = 'istio-cacerts.yaml';

function assessmentTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(ASSESSMENT_VIEW_TYPE));
}

function describeTabs(): string {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
  const describe = (tab: vscode.Tab): string => `${tab.label} (${tab.input instanceof vscode.TabInputWebview ? `webview ${tab.input.viewType}` : (tab.input as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? 'no input'})`;
  return tabs.map(describe).join(', ') || '(none)';
}

async function waitUntil(condition: () => boolean, description: string): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_TIMEOUT_MS / 1000} s waiting for ${description}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
}

/** Runs the command, waits for the panel's first result and returns the state sent to the webview. */
async function openAssessment(access: AssessmentTestAccess): Promise<WizardState> {
  await vscode.commands.executeCommand(RUN_ASSESSMENT);
  await waitUntil(() => access.isOpen(), 'the assessment panel to open');
  // The tab model reaches the extension host a moment after the panel is created.
  await waitUntil(() => assessmentTabs().length > 0, `a tab of view type ${ASSESSMENT_VIEW_TYPE}`);
  await access.whenReady();
  const state = access.lastState();
  assert.ok(state, 'the panel sent no state after collecting evidence');
  return state;
}

async function closeAssessment(access: AssessmentTestAccess): Promise<void> {
  await vscode.window.tabGroups.close(assessmentTabs());
  await waitUntil(() => !access.isOpen(), 'the assessment panel to close');
}

function currentState(access: AssessmentTestAccess): WizardState {
  const state = access.lastState();
  assert.ok(state, 'the panel has sent no state');
  return state;
}

function resolvedAnswer(state: WizardState, questionId: string): WizardState['result']['answers'][number] {
  const answer = state.result.answers.find((candidate) => candidate.questionId === questionId);
  assert.ok(answer, `the result has no answer for ${questionId}`);
  return answer;
}

function storedAnswers(access: AssessmentTestAccess): Record<string, { option: string }> {
  const stored = access.storedState() as { userAnswers?: Record<string, { option: string }> } | undefined;
  assert.ok(stored?.userAnswers, `workspaceState holds no assessment answers: ${JSON.stringify(stored)}`);
  return stored.userAnswers;
}

async function send(access: AssessmentTestAccess, message: unknown): Promise<void> {
  assert.equal(await access.receive(message), true, `the panel rejected ${JSON.stringify(message)}`);
}

describe('assessment panel', () => {
  let access: AssessmentTestAccess;

  before(async () => {
    const extension = await activateExtension();
    access = (extension.exports as TrustAnchorApi).assessment;
    assert.ok(access, 'the extension API has no assessment access');

    // The fixture workspace turns the startup scan off, so the evidence is the open editor's file. It
    // stays open, so every test sees the same evidence, and the workspace is not analysed, because
    // the commands suite checks that a file nobody opened has no diagnostics before its command.
    await openEditor(fixtureUri(EVIDENCE_FILE));
    await waitForDiagnostics(fixtureUri(EVIDENCE_FILE), (diagnostics) => diagnostics.length > 0, 'findings');
  });

  afterEach(async () => {
    if (access.isOpen()) await closeAssessment(access);
  });

  after(async () => {
    await closeAllEditors();
  });

  it('opens as a webview tab', async () => {
    const state = await openAssessment(access);

    const tabs = assessmentTabs();
    assert.equal(tabs.length, 1, `expected one assessment tab; tabs: ${describeTabs()}`);
    assert.equal(tabs[0].label, 'Trust Anchor Assessment');
    assert.equal(state.result.answers.length, QUESTIONS.length, 'the result does not answer every question');

    await vscode.commands.executeCommand(RUN_ASSESSMENT);
    assert.equal(assessmentTabs().length, 1, 'running the command again opened a second panel instead of revealing the first');
  });

  it('prefills answers with file provenance', async () => {
    const state = await openAssessment(access);

    const prefilled = state.result.answers.filter((answer) => answer.origin === 'evidence');
    assert.ok(prefilled.length > 0, `no answer is prefilled; origins: ${state.result.answers.map((answer) => `${answer.questionId}=${answer.origin}`).join(', ')}`);
    const withFile = prefilled.flatMap((answer) => answer.provenance).filter((provenance) => provenance.kind === 'file');
    assert.ok(withFile.length > 0, 'no prefilled answer cites a file');
    for (const provenance of withFile) assert.match(provenance.label, /^[^/].*\.ya?ml:\d+$/, 'provenance label is not a workspace-relative file:line');
    for (const answer of state.result.answers.filter((candidate) => candidate.peopleOnly)) {
      assert.notEqual(answer.origin, 'evidence', `people-only question ${answer.questionId} was prefilled`);
    }
  });

  it('keeps answers across closing and reopening', async () => {
    let state = await openAssessment(access);
    for (const questionId of Object.keys(state.userAnswers)) await send(access, { type: 'clearAnswer', questionId });

    const evidenceAnswer = currentState(access).result.answers.find((answer) => answer.origin === 'evidence');
    assert.ok(evidenceAnswer, 'no prefilled answer to override');
    const question = QUESTIONS.find((candidate) => candidate.id === evidenceAnswer.questionId);
    const otherOption = question?.options.find((option) => option.id !== evidenceAnswer.option && option.id !== 'unknown');
    assert.ok(otherOption, `${evidenceAnswer.questionId} has no second option`);

    await send(access, { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 'multi-cluster-mesh' });
    await send(access, { type: 'answer', questionId: evidenceAnswer.questionId, option: otherOption.id, note: 'Checked with the platform team.' });
    await send(access, { type: 'step', step: 3 });

    state = currentState(access);
    assert.equal(resolvedAnswer(state, PEOPLE_ONLY_QUESTION).origin, 'person');
    const override = resolvedAnswer(state, evidenceAnswer.questionId);
    assert.equal(override.origin, 'override');
    assert.equal(override.evidenceOption, evidenceAnswer.option);
    assert.equal(override.note, 'Checked with the platform team.');
    assert.deepEqual(Object.keys(storedAnswers(access)).sort(), [PEOPLE_ONLY_QUESTION, evidenceAnswer.questionId].sort());

    await closeAssessment(access);
    state = await openAssessment(access);

    assert.equal(state.userAnswers[PEOPLE_ONLY_QUESTION]?.option, 'multi-cluster-mesh', 'the people-only answer was lost');
    assert.equal(state.userAnswers[evidenceAnswer.questionId]?.option, otherOption.id, 'the override was lost');
    assert.equal(resolvedAnswer(state, evidenceAnswer.questionId).origin, 'override');
    assert.equal(state.step, 3, 'the open step was lost');
  });

  it('shows changes since the last result', async () => {
    let state = await openAssessment(access);
    await send(access, { type: 'answer', questionId: DRILL_QUESTION, option: 'not-drilled' });
    const verdictBefore = currentState(access).result.score.verdict;
    await closeAssessment(access);

    state = await openAssessment(access);
    assert.ok(state.result.changes, 'a reopened assessment shows no comparison with the last result');
    assert.deepEqual(state.result.changes.answers, [], 'nothing changed, but changes are listed');
    assert.equal(state.result.changes.verdictBefore, verdictBefore);

    await send(access, { type: 'answer', questionId: DRILL_QUESTION, option: 'drilled-same-outcome' });
    state = currentState(access);
    assert.deepEqual(state.result.changes?.answers, [{ questionId: DRILL_QUESTION, before: 'not-drilled', after: 'drilled-same-outcome' }]);
  });

  it('rejects messages outside the protocol', async () => {
    await openAssessment(access);
    await send(access, { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 'regulated' });

    const rejected: Array<[string, unknown]> = [
      ['null', null],
      ['a string', 'answer'],
      ['an array', [{ type: 'ready' }]],
      ['no type', { questionId: PEOPLE_ONLY_QUESTION, option: 'regulated' }],
      ['an unknown type', { type: 'deleteEverything' }],
      ['extra fields on ready', { type: 'ready', step: 2 }],
      ['an answer without an option', { type: 'answer', questionId: PEOPLE_ONLY_QUESTION }],
      ['an answer to an unknown question', { type: 'answer', questionId: 'context.unknown-question', option: 'regulated' }],
      ['an option the question lacks', { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 'in-cluster' }],
      ['a question id with a path', { type: 'answer', questionId: '../context.environment', option: 'regulated' }],
      ['a numeric option', { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 3 }],
      ['a note that is not text', { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 'isolated-development', note: { text: 'x' } }],
      ['a note over 2000 characters', { type: 'answer', questionId: PEOPLE_ONLY_QUESTION, option: 'isolated-development', note: 'x'.repeat(2001) }],
      ['clearing an unknown question', { type: 'clearAnswer', questionId: 'context.unknown-question' }],
      ['a negative step', { type: 'step', step: -1 }],
      ['a fractional step', { type: 'step', step: 1.5 }],
      ['an unknown export format', { type: 'export', format: 'pdf' }],
      ['provenance without a line', { type: 'openProvenance', provenance: { kind: 'file', file: '/etc/passwd', label: 'passwd' } }],
      ['a rule id with spaces', { type: 'openRule', ruleId: 'rm -rf' }],
    ];

    for (const [description, message] of rejected) {
      const storedBefore = JSON.stringify(access.storedState());
      // A `ready` from the real webview may re-send the same state, so the comparison is by content.
      const stateBefore = JSON.stringify(access.lastState());

      assert.equal(await access.receive(message), false, `the panel accepted ${description}: ${JSON.stringify(message)?.slice(0, 80)}`);
      assert.equal(JSON.stringify(access.storedState()), storedBefore, `${description} changed the stored assessment`);
      assert.equal(JSON.stringify(access.lastState()), stateBefore, `${description} changed the state sent to the webview`);
    }
    assert.equal(storedAnswers(access)[PEOPLE_ONLY_QUESTION]?.option, 'regulated');
  });
});
