/**
 * The guided assessment from the keyboard: "Trust Anchor: Run Assessment" from the command palette,
 * every step of the webview, the prefilled answers with their file:line evidence, the people-only
 * questions, the results page and a Markdown export through VS Code's simple file dialog. The
 * expected verdict and dimension scores come from the assessment engine the extension bundles, run
 * here on the same copy of examples/ with the same answers.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsoleMessage, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { runAssessment, type AssessmentResult } from '../../../src/assessment/assess';
import { QUESTIONS, type Question } from '../../../src/assessment/questions';
import { VERDICT_TITLES } from '../../../src/assessment/scoring';
import { Analyzer } from '../../../src/engine/analyze';
import { DEMO_CONTEXTS } from '../../fixtures/demo';
import { runCommand, SELECTORS } from '../harness/workbench';
import type { Scenario, ScenarioContext } from './scenarios';

export const COMMAND_RUN_ASSESSMENT = 'Trust Anchor: Run Assessment';
const EXTENSION_ID = 'trust-anchor.trust-anchor-assessor';
const WEBVIEW_FRAME = `iframe.webview.ready[src*="extensionId=${EXTENSION_ID}"]`;
const ACTION_TIMEOUT_MS = 15_000;
const DARK_THEME = 'Default Dark Modern';

/** The webview's steps in order; the last one is the results page. */
const STEPS = [
  { dimension: 'context', title: 'Context', screenshot: 'wizard-1-context' },
  { dimension: 'issuer-independence', title: 'Issuer independence', screenshot: 'wizard-2-issuer-independence' },
  { dimension: 'recoverability', title: 'Recoverability', screenshot: 'wizard-3-recoverability' },
  { dimension: 'credential-lifetime', title: 'Credential lifetime', screenshot: 'wizard-4-credential-lifetime' },
  { dimension: 'identity-policy', title: 'Identity-based policy', screenshot: 'wizard-5-identity-policy' },
  { dimension: 'cross-environment', title: 'Cross-environment consistency', screenshot: 'wizard-6-cross-environment' },
  { dimension: 'event-validation', title: 'Event validation', screenshot: 'wizard-7-event-validation' },
] as const;

/** What a person answers to the questions no manifest or cluster can answer. */
const PEOPLE_ANSWERS: Record<string, string> = {
  'context.environment': 'multi-cluster-mesh',
  'context.blast-radius': 'several-teams',
  'context.migration-frequency': 'yearly',
  'context.cross-environment-policy': 'required',
  'recoverability.recreate': 'yes-documented',
  'events.drills': 'drilled',
  'events.move-tested': 'renewal-only',
};

/** Console text of a Content Security Policy violation, as Chromium reports it. */
const CSP_VIOLATION = /Content Security Policy|Refused to (load|execute|apply|connect|frame|create)/i;

interface CollectedMessage {
  type: string;
  text: string;
  url: string;
}

function manifestFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...manifestFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

/** Runs the assessment on every YAML file of the workspace with the people's answers, as the panel does. */
function expectedAssessment(workspace: string): AssessmentResult {
  const analyzer = new Analyzer();
  for (const file of manifestFiles(workspace)) analyzer.update(file, readFileSync(file, 'utf8'));
  const findings = analyzer.analyzeAll().flatMap((analysis) => analysis.findings);
  const userAnswers = Object.fromEntries(Object.entries(PEOPLE_ANSWERS).map(([questionId, option]) => [questionId, { option }]));
  return runAssessment({ workspace: analyzer.workspace, findings, clusterFindings: [] }, userAnswers);
}

async function waitForFile(path: string, timeoutMs = ACTION_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} was not written within ${timeoutMs / 1000} s`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
  return readFileSync(path, 'utf8');
}

async function waitForInputValue(input: Locator, condition: (value: string) => boolean, description: string): Promise<void> {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let value = await input.inputValue();
  while (!condition(value)) {
    if (Date.now() > deadline) throw new Error(`the save dialog shows "${value}", not ${description}, after ${ACTION_TIMEOUT_MS / 1000} s`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    value = await input.inputValue();
  }
}

async function webviewFrame(page: Page): Promise<Frame> {
  const handle = await page.frameLocator(WEBVIEW_FRAME).locator('#active-frame').elementHandle({ timeout: ACTION_TIMEOUT_MS });
  const frame = await handle.contentFrame();
  assert.ok(frame, 'the assessment webview has no content frame');
  return frame;
}

/**
 * Returns the data-focus-key of the element focused inside the webview, or its tag name when it has none.
 * The frame is looked up each time, because the webview reloads when its tab is shown again.
 */
async function focusedKey(page: Page): Promise<string> {
  const frame = await webviewFrame(page);
  // A string, because this project compiles without the DOM library. It runs in the webview.
  const key = await frame.evaluate(`(() => {
    const active = document.activeElement;
    return active?.getAttribute('data-focus-key') ?? active?.tagName.toLowerCase() ?? '(none)';
  })()`);
  return String(key);
}

function questionSection(view: FrameLocator, question: Question): Locator {
  return view.locator(`section.question[aria-labelledby="q-${question.id}"]`);
}

/** Waits until the rebuilt page shows `optionId` checked as the person's answer, with focus on that radio. */
async function waitForAnswer(page: Page, view: FrameLocator, question: Question, optionId: string): Promise<void> {
  const section = questionSection(view, question);
  await section.locator(`vscode-radio[value="${optionId}"][checked]`).waitFor({ timeout: ACTION_TIMEOUT_MS });
  await section.locator('.origin', { hasText: 'Your answer.' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  const expectedFocus = `radio:${question.id}:${optionId}`;
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let focused = await focusedKey(page);
  while (focused !== expectedFocus && Date.now() < deadline) {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
    focused = await focusedKey(page);
  }
  assert.equal(focused, expectedFocus, `after answering ${question.id}, focus is on ${focused}, not on the chosen radio`);
}

/**
 * Answers a people-only question from the keyboard: focus on the group's first radio, Space to
 * choose it, or the arrow keys to move to a later option.
 */
async function answerWithKeyboard(page: Page, view: FrameLocator, question: Question, optionId: string): Promise<void> {
  const index = question.options.findIndex((option) => option.id === optionId);
  assert.ok(index >= 0, `${optionId} is not an option of ${question.id}`);
  const section = questionSection(view, question);
  await section.locator('.origin', { hasText: 'Only people can answer this' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  await section.locator('vscode-radio').first().focus();

  if (index === 0) {
    await page.keyboard.press('Space');
    await waitForAnswer(page, view, question, optionId);
    return;
  }
  for (let step = 1; step <= index; step++) {
    await page.keyboard.press('ArrowDown');
    await waitForAnswer(page, view, question, question.options[step].id);
  }
}

/** Presses Enter on a webview button found by its label. */
async function pressButton(page: Page, view: FrameLocator, label: string): Promise<void> {
  const button = view.locator('vscode-button', { hasText: label }).first();
  await button.focus();
  await page.keyboard.press('Enter');
}

async function expectStep(view: FrameLocator, index: number, title: string): Promise<void> {
  await view.locator('h2', { hasText: title }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  const count = (await view.locator('.step-count').innerText()).trim();
  assert.equal(count, `Step ${index + 1} of ${STEPS.length + 1}`, `step counter on "${title}"`);
}

/** Checks the prefilled answers of one step against the engine's prefills, and returns the first file:line link. */
async function checkPrefilled(view: FrameLocator, questions: Question[], expected: AssessmentResult): Promise<Locator | undefined> {
  let firstLink: Locator | undefined;
  for (const question of questions) {
    const answer = expected.answers.find((candidate) => candidate.questionId === question.id);
    if (answer?.origin !== 'evidence') continue;
    const section = questionSection(view, question);
    await section.locator('.origin', { hasText: 'Prefilled from evidence' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
    assert.equal(await section.locator(`vscode-radio[value="${answer.option}"][checked]`).count(), 1, `${question.id} does not show the prefilled option ${answer.option} as checked`);

    const links = section.locator('a.provenance');
    const fileLabels = answer.provenance.filter((provenance) => provenance.kind === 'file').map((provenance) => provenance.label);
    assert.equal(await links.count(), answer.provenance.length, `${question.id} lists ${await links.count()} evidence links, the engine cites ${answer.provenance.length}`);
    for (const label of await links.allInnerTexts()) assert.match(label, /^[^/\s]+(\/[^/\s]+)*\.ya?ml:\d+$/, `evidence link "${label}" of ${question.id} is not a workspace-relative file:line`);
    if (fileLabels.length && !firstLink) firstLink = links.first();
  }
  return firstLink;
}

async function runWizard({ page, workspace, openWorkbench, screenshot, trace }: ScenarioContext): Promise<void> {
  const expected = expectedAssessment(workspace);
  const peopleOnly = QUESTIONS.filter((question) => question.peopleOnly).map((question) => question.id);
  assert.deepEqual(Object.keys(PEOPLE_ANSWERS).sort(), [...peopleOnly].sort(), 'the scenario answers a different set of people-only questions than the catalogue has');
  assert.ok(expected.answers.some((answer) => answer.origin === 'evidence'), 'the engine prefills nothing on the examples, so there is nothing to accept');

  // Console messages of every frame, including the webview's, for the Content Security Policy check.
  const consoleMessages: CollectedMessage[] = [];
  page.on('console', (message: ConsoleMessage) => consoleMessages.push({ type: message.type(), text: message.text(), url: message.location().url }));

  // The web workbench defaults to a light theme. The screenshots show the desktop default, Dark Modern.
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), `${JSON.stringify({ 'workbench.colorTheme': DARK_THEME }, null, 2)}\n`);
  await openWorkbench();
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: ACTION_TIMEOUT_MS });

  // The server's KUBECONFIG names the demo clusters, so the status bar shows their current context.
  await page.locator('.statusbar-item', { hasText: DEMO_CONTEXTS[0] }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  trace(`theme ${DARK_THEME}, cluster context ${DEMO_CONTEXTS[0]}`);

  await runCommand(page, COMMAND_RUN_ASSESSMENT);
  trace('command started');
  await page.locator(SELECTORS.activeTab).filter({ hasText: 'Trust Anchor Assessment' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  const view = page.frameLocator(WEBVIEW_FRAME).frameLocator('#active-frame');
  await view.locator('.summary', { hasText: 'Evidence from' }).waitFor({ timeout: 30_000 });
  trace('panel shows evidence');

  const summary = await view.locator('.summary').innerText();
  await screenshot('wizard-0-opened');
  assert.match(summary, new RegExp(`Evidence from ${expected.scope.files} YAML files`), `the panel analysed a different number of files than the engine found (${expected.scope.files})`);

  let provenanceChecked = false;
  for (const [index, step] of STEPS.entries()) {
    await expectStep(view, index, step.title);
    const questions = QUESTIONS.filter((question) => question.dimension === step.dimension);
    const link = await checkPrefilled(view, questions, expected);

    for (const question of questions.filter((candidate) => candidate.peopleOnly)) {
      await answerWithKeyboard(page, view, question, PEOPLE_ANSWERS[question.id]);
      trace(`answered ${question.id}`);
    }
    await screenshot(step.screenshot);

    // The evidence link opens its file at the cited line; the command then brings the panel back on the same step.
    if (link && !provenanceChecked) {
      const label = await link.innerText();
      const [relativePath, line] = label.split(':');
      await link.focus();
      await page.keyboard.press('Enter');
      const fileName = relativePath.split('/').pop() as string;
      await page.locator(SELECTORS.activeTab).filter({ hasText: fileName }).waitFor({ timeout: ACTION_TIMEOUT_MS });
      const cursor = page.locator('#status\\.editor\\.selection');
      await cursor.filter({ hasText: `Ln ${line},` }).waitFor({ timeout: ACTION_TIMEOUT_MS });
      await screenshot('wizard-provenance-opened');
      trace(`evidence link opened ${label}`);

      await runCommand(page, COMMAND_RUN_ASSESSMENT);
      await page.locator(SELECTORS.activeTab).filter({ hasText: 'Trust Anchor Assessment' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
      await expectStep(view, index, step.title);
      provenanceChecked = true;
    }

    await pressButton(page, view, index === STEPS.length - 1 ? 'See results' : 'Next');
    if (index < STEPS.length - 1) {
      await expectStep(view, index + 1, STEPS[index + 1].title);
      assert.equal(await focusedKey(page), 'h2', `after Next on "${step.title}", focus is not on the new step's heading`);
    }
  }
  assert.ok(provenanceChecked, 'no step showed a prefilled answer with a file:line link');

  // Results: the verdict and one bar per dimension, with the engine's scores.
  await view.locator('h2', { hasText: 'Results' }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  const verdictTitle = VERDICT_TITLES[expected.score.verdict];
  assert.equal((await view.locator('.verdict').innerText()).trim(), `Verdict: ${verdictTitle}`);
  const meters = view.locator('.bar[role="meter"]');
  assert.equal(await meters.count(), expected.score.dimensions.length, 'one bar per dimension');
  for (const [index, dimension] of expected.score.dimensions.entries()) {
    const expectedValue = dimension.score === null ? '0' : String(Math.round(dimension.score * 100));
    assert.equal(await meters.nth(index).getAttribute('aria-valuenow'), expectedValue, `bar of ${dimension.dimension}`);
  }
  const answered = (await view.locator('.answered').innerText()).trim();
  assert.equal(answered, `${expected.score.answeredCount} of ${expected.score.questionCount} answered`);
  await screenshot('wizard-8-results');
  trace(`results: ${verdictTitle}`);

  // Export Markdown: VS Code's simple file dialog takes a typed path and Enter.
  const exportPath = join(workspace, 'assessment-from-ui.md');
  await pressButton(page, view, 'Export Markdown');
  const input = page.locator(SELECTORS.quickInput);
  await input.waitFor({ timeout: ACTION_TIMEOUT_MS });

  // The dialog sets its default path a moment after it opens, which would replace a path typed earlier.
  await waitForInputValue(input, (value) => value.endsWith('/trust-anchor-assessment.md'), 'the default export path');
  await input.fill(exportPath);
  await waitForInputValue(input, (value) => value === exportPath, exportPath);
  await screenshot('wizard-export-dialog');
  await page.keyboard.press('Enter');
  const markdown = await waitForFile(exportPath);
  await view.locator('.info', { hasText: `Exported Markdown to ${exportPath}` }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  await screenshot('wizard-exported');
  trace('exported');

  assert.ok(markdown.includes(`**Verdict: ${verdictTitle}**`), `the export lacks the verdict "${verdictTitle}":\n${markdown.slice(0, 400)}`);
  assert.ok(markdown.includes('## Migration plan'), 'the export lacks the migration plan');
  for (const phase of expected.plan) assert.ok(markdown.includes(`### Phase ${phase.phase}: ${phase.title}`), `the export lacks phase ${phase.phase} "${phase.title}"`);

  // No Content Security Policy violation so far, from any frame.
  const violations = consoleMessages.filter((message) => CSP_VIOLATION.test(message.text));
  assert.deepEqual(violations, [], 'Content Security Policy violations in the console');

  // The check can fail: an image from a source the webview's policy does not list is refused and reported.
  const probe = 'http://127.0.0.1:9/trust-anchor-csp-probe.png';
  await (await webviewFrame(page)).evaluate(`(() => {
    const image = document.createElement('img');
    image.src = ${JSON.stringify(probe)};
    document.body.append(image);
  })()`);
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  while (!consoleMessages.some((message) => CSP_VIOLATION.test(message.text) && message.text.includes(probe)) && Date.now() < deadline) {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
  assert.ok(
    consoleMessages.some((message) => CSP_VIOLATION.test(message.text) && message.text.includes(probe)),
    `the console collector did not see the webview refuse ${probe}; it saw:\n${consoleMessages.map((message) => `${message.type}: ${message.text}`).join('\n')}`,
  );
}

/**
 * The demo clusters run and the server's KUBECONFIG names them, but the scenario collects no cluster
 * evidence, so the engine run here on the files alone predicts the panel's verdict and scores exactly.
 */
export const WIZARD_SCENARIO: Scenario = { name: 'guided assessment from the keyboard', demoClusters: true, run: runWizard };
