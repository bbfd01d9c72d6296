/**
 * The assessment webview: a stepper over the question catalogue with evidence beside each
 * question, and a results page. It renders only from validated `state` messages and sends only
 * protocol messages; all text is set through textContent, never parsed as HTML.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { ResolvedAnswer } from '../src/assessment/assess';
import type { Provenance } from '../src/assessment/evidence';
import type { Question } from '../src/assessment/questions';
import { DIMENSION_TITLES, DIMENSIONS } from '../src/engine/model';
import { DECISION_TITLES, VERDICT_TITLES } from '../src/assessment/scoring';
import { parseExtensionMessage, type WebviewMessage, type WizardState } from '../src/wizard/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

const DIMENSION_ORDER = ['context', ...DIMENSIONS] as const;
const STEP_TITLES: Record<string, string> = { context: 'Context', ...DIMENSION_TITLES };
const RESULTS_STEP = DIMENSION_ORDER.length;

/** Attribute naming a focusable element, so focus can be put back on it after the page is rebuilt. */
const FOCUS_KEY = 'data-focus-key';
const ARROW_KEYS = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'];

let state: WizardState | undefined;
let notice: { kind: 'info' | 'error'; text: string } | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, options: { text?: string; className?: string; attributes?: Record<string, string> } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.text !== undefined) node.textContent = options.text;
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attributes ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function custom(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** vscode-button turns Enter and Space into a click itself, so a keydown handler here would act twice. */
function button(label: string, onClick: () => void, attributes: Record<string, string> = {}): HTMLElement {
  const node = custom('vscode-button', { [FOCUS_KEY]: `button:${label}`, ...attributes }, label);
  node.addEventListener('click', onClick);
  return node;
}

/** Appends `text` with a line-break opportunity after each slash, so a long path wraps between its parts. */
function appendPath(parent: HTMLElement, text: string): void {
  const parts = text.split('/');
  parts.forEach((part, index) => {
    parent.append(document.createTextNode(index < parts.length - 1 ? `${part}/` : part));
    if (index < parts.length - 1) parent.append(document.createElement('wbr'));
  });
}

function provenanceLink(provenance: Provenance): HTMLElement {
  const link = element('a', { className: 'provenance', attributes: { href: '#', role: 'button', [FOCUS_KEY]: `provenance:${provenance.label}` } });
  appendPath(link, provenance.kind === 'cluster' ? `cluster: ${provenance.label}` : provenance.label);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    vscode.postMessage({ type: 'openProvenance', provenance });
  });
  return link;
}

function goTo(step: number): void {
  if (!state) return;
  state.step = Math.max(0, Math.min(RESULTS_STEP, step));
  vscode.setState({ step: state.step });
  vscode.postMessage({ type: 'step', step: state.step });
  render();
  (app.querySelector('h2') as HTMLElement | null)?.focus();
}

/** True when every question of the step has an answer other than unknown, from evidence or a person. */
function isStepAnswered(current: WizardState, dimension: string): boolean {
  const ids = new Set(current.questions.filter((question) => question.dimension === dimension).map((question) => question.id));
  return current.result.answers.filter((answer) => ids.has(answer.questionId)).every((answer) => answer.option !== 'unknown');
}

function renderProgress(current: WizardState): HTMLElement {
  const { step } = current;
  const list = element('ol', { className: 'steps', attributes: { 'aria-label': 'Assessment steps' } });
  [...DIMENSION_ORDER, 'results'].forEach((id, index) => {
    // The check mark means answered, not visited: a step left with unknowns gets none.
    const done = id !== 'results' && isStepAnswered(current, id);
    let className = '';
    if (index === step) className = 'current';
    else if (done) className = 'done';
    const item = element('li', { className });
    const link = element('a', { text: id === 'results' ? 'Results' : STEP_TITLES[id], attributes: { href: '#', [FOCUS_KEY]: `step:${id}` } });
    if (index === step) link.setAttribute('aria-current', 'step');
    link.addEventListener('click', (event) => {
      event.preventDefault();
      goTo(index);
    });
    item.append(link);
    list.append(item);
  });
  return element('nav', {}, element('p', { text: `Step ${step + 1} of ${RESULTS_STEP + 1}`, className: 'step-count' }), list);
}

function renderQuestion(question: Question, resolved: ResolvedAnswer | undefined): HTMLElement {
  const section = element('section', { className: 'question', attributes: { 'aria-labelledby': `q-${question.id}` } });
  section.append(element('h3', { text: question.text, attributes: { id: `q-${question.id}` } }));
  section.append(element('p', { text: question.help, className: 'help' }));

  const group = custom('vscode-radio-group', { variant: 'vertical', 'aria-labelledby': `q-${question.id}` });
  const radios: HTMLElement[] = [];
  let shownOption = resolved?.option;
  const answer = (optionId: string): void => {
    if (optionId === shownOption) return;
    shownOption = optionId;
    vscode.postMessage({ type: 'answer', questionId: question.id, option: optionId });
  };
  for (const option of question.options) {
    const radio = custom('vscode-radio', { name: question.id, value: option.id, label: option.label, [FOCUS_KEY]: `radio:${question.id}:${option.id}` }, option.label);
    if (resolved?.option === option.id) radio.setAttribute('checked', '');
    radio.addEventListener('change', () => {
      if (isChecked(radio)) answer(option.id);
    });
    radios.push(radio);
    group.append(radio);
  }

  // The group checks the next radio on an arrow key without firing `change`, so the answer is sent
  // here. This listener runs after the group's own, which it registers when it is created.
  group.addEventListener('keydown', (event) => {
    if (!ARROW_KEYS.includes((event as KeyboardEvent).key)) return;
    const checked = radios.find(isChecked);
    if (checked) answer(checked.getAttribute('value') as string);
  });
  section.append(group);

  const evidence = element('aside', { className: 'evidence', attributes: { 'aria-label': 'Evidence' } });
  if (resolved?.origin === 'evidence') {
    evidence.append(element('p', { text: `Prefilled from evidence: ${resolved.reason ?? ''}`, className: 'origin' }));
  } else if (resolved?.origin === 'override') {
    evidence.append(element('p', { text: `Your answer overrides the evidence, which suggested "${resolved.evidenceOption}": ${resolved.reason ?? ''}`, className: 'origin override' }));
    evidence.append(button('Use the evidence', () => vscode.postMessage({ type: 'clearAnswer', questionId: question.id }), { secondary: '' }));
  } else if (resolved?.origin === 'person') {
    evidence.append(element('p', { text: 'Your answer.', className: 'origin' }));
    evidence.append(button('Clear my answer', () => vscode.postMessage({ type: 'clearAnswer', questionId: question.id }), { secondary: '' }));
  } else {
    evidence.append(element('p', { text: question.peopleOnly ? 'Only people can answer this; no manifest or cluster shows it.' : 'No evidence found: unknown until you answer.', className: 'origin' }));
  }
  if (resolved && resolved.provenance.length > 0) {
    const list = element('ul', { className: 'provenance-list' });
    for (const provenance of resolved.provenance) list.append(element('li', {}, provenanceLink(provenance)));
    evidence.append(list);
  }
  const references = element('p', { className: 'references' });
  references.textContent = question.references.map((reference) => `${reference.framework} ${reference.control}`).join(' · ');
  evidence.append(references);
  section.append(evidence);
  return section;
}

function isChecked(radio: HTMLElement): boolean {
  return (radio as unknown as { checked: boolean }).checked;
}

/**
 * Makes Tab enter each radio group on its checked radio, as the WAI-ARIA radio group pattern describes.
 * The group gives the first radio tab stop 0 when its slot fills, so this runs after that.
 */
function focusCheckedRadiosFirst(): void {
  for (const group of app.querySelectorAll('vscode-radio-group')) {
    const radios = [...group.querySelectorAll<HTMLElement>('vscode-radio')];
    if (!radios.some(isChecked)) continue;
    for (const radio of radios) radio.tabIndex = isChecked(radio) ? 0 : -1;
  }
}

function renderQuestionStep(current: WizardState): HTMLElement {
  const dimension = DIMENSION_ORDER[current.step];
  const container = element('div');
  container.append(element('h2', { text: STEP_TITLES[dimension], attributes: { tabindex: '-1' } }));
  const resolvedById = new Map(current.result.answers.map((answer) => [answer.questionId, answer]));
  for (const question of current.questions.filter((candidate) => candidate.dimension === dimension)) {
    container.append(renderQuestion(question, resolvedById.get(question.id)));
  }
  return container;
}

function meter(label: string, score: number | null): HTMLElement {
  const percent = score === null ? 0 : Math.round(score * 100);
  const bar = element('div', { className: score === null ? 'bar unknown' : 'bar', attributes: { role: 'meter', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent), 'aria-valuetext': score === null ? 'unknown' : `${percent}% portable` } });
  const fill = element('div', { className: 'fill' });
  fill.style.width = `${percent}%`;
  bar.append(fill);
  return element('div', { className: 'meter' }, element('span', { text: label, className: 'meter-label' }), bar, element('span', { text: score === null ? 'unknown' : `${percent}%`, className: 'meter-value' }));
}

function renderResults(current: WizardState): HTMLElement {
  const { result } = current;
  const container = element('div', { className: 'results' });
  container.append(element('h2', { text: 'Results', attributes: { tabindex: '-1' } }));
  container.append(element('p', { text: `Verdict: ${VERDICT_TITLES[result.score.verdict]}`, className: `verdict verdict-${result.score.verdict}` }));
  container.append(element('p', { text: DECISION_TITLES[result.score.decision], className: 'decision' }));
  if (result.score.renewalWarning) container.append(element('p', { text: result.score.renewalWarning, className: 'warning', attributes: { role: 'note' } }));

  container.append(element('h3', { text: 'Dimensions' }));
  for (const dimension of result.score.dimensions) container.append(meter(STEP_TITLES[dimension.dimension], dimension.score));

  if (result.score.reasons.length) {
    container.append(element('h3', { text: 'Why' }));
    const list = element('ul');
    for (const reason of result.score.reasons) list.append(element('li', { text: reason }));
    container.append(list);
  }

  container.append(element('h3', { text: 'What breaks if this cluster is rebuilt' }));
  const impact = element('ul');
  for (const anchor of result.rebuildImpact.regeneratedAnchors) impact.append(element('li', { text: `Regenerated: ${anchor.description} ` }, provenanceLink(anchor.provenance)));
  for (const party of result.rebuildImpact.relyingParties) {
    const item = element('li', { text: `Loses trust (${party.kind}): ${party.description} ` });
    for (const provenance of party.provenance) item.append(provenanceLink(provenance), document.createTextNode(' '));
    impact.append(item);
  }
  if (!impact.childElementCount) impact.append(element('li', { text: 'No evidence of an anchor that a rebuild would regenerate.' }));
  container.append(impact);

  container.append(element('h3', { text: 'Migration plan' }));
  for (const phase of result.plan) {
    const section = element('section', { className: 'phase' });
    section.append(element('h4', { text: `Phase ${phase.phase}: ${phase.title}` }), element('p', { text: phase.goal, className: 'help' }));
    const steps = element('ul');
    for (const step of phase.steps) {
      const item = element('li');
      const docs = element('a', { text: step.ruleId, attributes: { href: '#', [FOCUS_KEY]: `rule:${step.ruleId}` } });
      docs.addEventListener('click', (event) => {
        event.preventDefault();
        vscode.postMessage({ type: 'openRule', ruleId: step.ruleId });
      });
      item.append(docs, document.createTextNode(`: ${step.title} (${step.occurrences}×${step.quickFix ? ', quick fix available' : ''}) `));
      for (const provenance of step.provenance.slice(0, 3)) item.append(provenanceLink(provenance), document.createTextNode(' '));
      steps.append(item);
    }
    if (!steps.childElementCount) steps.append(element('li', { text: phase.dimensions.includes('event-validation') ? 'Schedule the drills and record their outcome.' : 'Nothing found in this phase.' }));
    section.append(steps);
    container.append(section);
  }
  container.append(element('p', {}, button('Insert Migration Snippet…', () => vscode.postMessage({ type: 'insertSnippet' }), { secondary: '' })));

  container.append(element('h3', { text: 'Identity inventory' }));
  const { inventory } = result;
  container.append(
    inventoryTable(
      'Service accounts',
      ['Service account', 'Federation', 'Defined at'],
      inventory.serviceAccounts.map((account) => [`${account.namespace ? `${account.namespace}/` : ''}${account.name}`, account.federation.join(', ') || 'none', account.provenance]),
    ),
    inventoryTable('SPIFFE ID templates', ['Template', 'Source', 'Defined at'], inventory.spiffeIdTemplates.map((template) => [template.template, template.source, template.provenance])),
    inventoryTable(
      'Certificates',
      ['Certificate', 'CA', 'Duration', 'Rotation policy', 'Issuer', 'Defined at'],
      inventory.certificates.map((certificate) => [
        `${certificate.namespace ? `${certificate.namespace}/` : ''}${certificate.name}`,
        certificate.isCA ? 'yes' : 'no',
        certificate.duration,
        certificate.rotationPolicy,
        certificate.issuer,
        certificate.provenance,
      ]),
    ),
  );

  if (result.changes) {
    container.append(element('h3', { text: 'Changes since the last assessment' }));
    const list = element('ul');
    list.append(element('li', { text: `Verdict: ${VERDICT_TITLES[result.changes.verdictBefore]} → ${VERDICT_TITLES[result.changes.verdictAfter]}` }));
    for (const change of result.changes.answers) list.append(element('li', { text: `${change.questionId}: ${change.before} → ${change.after}` }));
    container.append(list);
  }

  const exports = element('div', { className: 'actions' });
  exports.append(button('Export Markdown', () => vscode.postMessage({ type: 'export', format: 'markdown' })), button('Export JSON', () => vscode.postMessage({ type: 'export', format: 'json' }), { secondary: '' }));
  container.append(exports);
  return container;
}

/** A table of inventory rows; a Provenance cell becomes a link that opens the defining line. */
function inventoryTable(caption: string, headers: string[], rows: (string | Provenance)[][]): HTMLElement {
  if (rows.length === 0) return element('p', { text: `${caption}: none found.`, className: 'help' });
  const table = element('table', { className: 'inventory' });
  table.append(element('caption', { text: `${caption} (${rows.length})` }));
  const head = element('tr');
  for (const header of headers) head.append(element('th', { text: header, attributes: { scope: 'col' } }));
  table.append(element('thead', {}, head));
  const body = element('tbody');
  for (const row of rows) {
    const line = element('tr');
    for (const cell of row) line.append(element('td', {}, typeof cell === 'string' ? document.createTextNode(cell) : provenanceLink(cell)));
    body.append(line);
  }
  table.append(body);
  return table;
}

function render(): void {
  if (!state) return;
  const current = state;
  const header = element('header');
  header.append(element('h1', { text: 'Trust anchor assessment' }));
  header.append(element('p', { text: current.evidenceSummary, className: 'summary' }));
  const toolbar = element('div', { className: 'actions' });
  toolbar.append(button('Collect evidence again', () => vscode.postMessage({ type: 'refresh' }), { secondary: '' }));
  if (current.busy) toolbar.append(custom('vscode-progress-ring', { 'aria-label': 'Collecting evidence' }));
  toolbar.append(element('span', { text: `${current.result.score.answeredCount} of ${current.result.score.questionCount} answered`, className: 'answered' }));
  header.append(toolbar);
  if (notice) header.append(element('p', { text: notice.text, className: notice.kind === 'error' ? 'error' : 'info', attributes: { role: notice.kind === 'error' ? 'alert' : 'status' } }));

  const body = current.step >= RESULTS_STEP ? renderResults(current) : renderQuestionStep(current);
  const navigation = element('div', { className: 'navigation' });
  if (current.step > 0) navigation.append(button('Back', () => goTo(current.step - 1), { secondary: '' }));
  if (current.step < RESULTS_STEP) navigation.append(button(current.step === RESULTS_STEP - 1 ? 'See results' : 'Next', () => goTo(current.step + 1)));

  // Rebuilding the page drops the focus, so it goes back to the element with the same key. The
  // vscode-elements components become focusable only after their first update, hence the timeout.
  const focusKey = document.activeElement?.closest(`[${FOCUS_KEY}]`)?.getAttribute(FOCUS_KEY);
  app.replaceChildren(header, renderProgress(current), body, navigation);
  setTimeout(() => {
    focusCheckedRadiosFirst();
    if (focusKey && document.activeElement === document.body) app.querySelector<HTMLElement>(`[${FOCUS_KEY}="${CSS.escape(focusKey)}"]`)?.focus();
  }, 0);
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseExtensionMessage(event.data);
  if (!message) {
    console.warn('Ignored a malformed message from the extension');
    return;
  }
  if (message.type === 'state') {
    const local = vscode.getState() as { step?: number } | undefined;
    state = message.state;
    if (state.step === 0 && typeof local?.step === 'number') state.step = local.step;
    render();
  } else if (message.type === 'exported') {
    notice = message.path ? { kind: 'info', text: `Exported ${message.format === 'markdown' ? 'Markdown' : 'JSON'} to ${message.path}` } : undefined;
    render();
  } else {
    notice = { kind: 'error', text: message.message };
    render();
  }
});

vscode.postMessage({ type: 'ready' });
