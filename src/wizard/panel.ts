import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { runAssessment, validateUserAnswers, type AssessmentResult, type UserAnswers } from '../assessment/assess';
import type { AssessmentEvidence, Provenance } from '../assessment/evidence';
import { QUESTIONS } from '../assessment/questions';
import { toJson, toMarkdown } from '../assessment/report';
import { parseWebviewMessage, type ExportFormat, type ExtensionMessage, type WebviewMessage, type WizardState } from './protocol';

export const ASSESSMENT_VIEW_TYPE = 'trustAnchor.assessment';
const STATE_KEY = 'trustAnchor.assessment.v1';

interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface AssessmentServices {
  extensionUri: vscode.Uri;
  log: Logger;
  /** Collects manifest findings (and cluster evidence when available) for the assessment. */
  collectEvidence(): Promise<{ evidence: AssessmentEvidence; summary: string }>;
}

/** What survives a window reload: the person's answers, the open step and the last result. */
interface StoredAssessment {
  userAnswers: UserAnswers;
  step: number;
  lastResult?: AssessmentResult;
}

/**
 * Drives the open assessment panel without clicking, for the extension-host tests. Messages go
 * through the same validation and handling as messages from the webview.
 */
export interface AssessmentTestAccess {
  /** True while an assessment panel is open. */
  isOpen(): boolean;
  /** Resolves once the open panel has collected evidence and computed a result; rejects when no panel is open. */
  whenReady(): Promise<void>;
  /** Handles `message` as if the open panel's webview had sent it. Resolves to false when the message is rejected. */
  receive(message: unknown): Promise<boolean>;
  /** The state last sent to the open panel's webview. */
  lastState(): WizardState | undefined;
  /** The assessment as stored in workspaceState under trustAnchor.assessment.v1. */
  storedState(): unknown;
}

/** Registers "Trust Anchor: Run Assessment" and the serializer that restores the panel after a reload. */
export function registerAssessment(context: vscode.ExtensionContext, services: AssessmentServices): AssessmentTestAccess {
  let current: AssessmentPanel | undefined;
  const open = (panel?: vscode.WebviewPanel): AssessmentPanel => {
    const created = new AssessmentPanel(context, services, panel);
    current = created;
    created.onDidDispose(() => {
      if (current === created) current = undefined;
    });
    return created;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('trustAnchor.runAssessment', () => {
      if (current) current.reveal();
      else open();
    }),
    vscode.window.registerWebviewPanelSerializer(ASSESSMENT_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        open(panel);
      },
    }),
  );

  const requireOpen = (): AssessmentPanel => {
    if (!current) throw new Error('No assessment panel is open. Run "Trust Anchor: Run Assessment" first.');
    return current;
  };
  return {
    isOpen: () => current !== undefined,
    whenReady: async () => requireOpen().ready,
    receive: async (message) => requireOpen().receive(message),
    lastState: () => current?.lastState,
    storedState: () => context.workspaceState.get<unknown>(STATE_KEY),
  };
}

class AssessmentPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeListeners: (() => void)[] = [];
  private stored: StoredAssessment;
  private evidence: AssessmentEvidence | undefined;
  private summary = 'Collecting evidence…';
  private result: AssessmentResult | undefined;
  private busy = false;
  /** Settles when the first evidence collection has finished, whether it succeeded or not. */
  readonly ready: Promise<void>;
  /** The state last sent to the webview. */
  lastState: WizardState | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly services: AssessmentServices,
    restored?: vscode.WebviewPanel,
  ) {
    const webviewRoot = vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview');
    this.panel =
      restored ??
      vscode.window.createWebviewPanel(ASSESSMENT_VIEW_TYPE, 'Trust Anchor Assessment', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [webviewRoot],
      });
    this.panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot] };
    this.panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.svg');
    this.stored = this.readStored();
    this.panel.webview.html = renderHtml(this.panel.webview, webviewRoot);

    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      this.panel.onDidDispose(() => this.dispose()),
    );
    this.ready = this.collect();
  }

  onDidDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  reveal(): void {
    this.panel.reveal();
  }

  private readStored(): StoredAssessment {
    const raw = this.context.workspaceState.get<unknown>(STATE_KEY);
    if (typeof raw !== 'object' || raw === null) return { userAnswers: {}, step: 0 };
    const value = raw as Partial<StoredAssessment>;
    const { answers, problems } = validateUserAnswers(value.userAnswers ?? {});
    if (problems.length) this.services.log.warn(`Dropped ${problems.length} stored assessment answer(s) that no longer match the questions: ${problems.join('; ')}`);
    const step = Number.isInteger(value.step) ? (value.step as number) : 0;
    return { userAnswers: answers, step, lastResult: value.lastResult };
  }

  private async save(): Promise<void> {
    await this.context.workspaceState.update(STATE_KEY, this.stored);
  }

  private async collect(): Promise<void> {
    this.busy = true;
    this.post();
    try {
      const collected = await this.services.collectEvidence();
      this.evidence = collected.evidence;
      this.summary = collected.summary;
      this.recompute();
    } catch (error) {
      this.services.log.error('Collecting evidence for the assessment failed', error);
      this.send({ type: 'error', message: `Collecting evidence failed: ${(error as Error).message}` });
    } finally {
      this.busy = false;
      this.post();
    }
  }

  private recompute(): void {
    if (!this.evidence) return;
    this.result = runAssessment(this.evidence, this.stored.userAnswers, this.stored.lastResult);
    relabelFileProvenance(this.result);
  }

  private post(): void {
    if (!this.result) return;
    const state: WizardState = {
      questions: [...QUESTIONS],
      userAnswers: this.stored.userAnswers,
      result: this.result,
      step: this.stored.step,
      evidenceSummary: this.summary,
      busy: this.busy,
    };
    this.lastState = state;
    this.send({ type: 'state', state });
  }

  private send(message: ExtensionMessage): void {
    void this.panel.webview.postMessage(message);
  }

  /** Validates and handles one webview message. Resolves to false when it was rejected; an action that fails is logged and reported to the webview. */
  async receive(raw: unknown): Promise<boolean> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.services.log.warn(`Rejected a malformed or unknown message from the assessment webview: ${describeRaw(raw)}`);
      return false;
    }
    try {
      return await this.handle(message);
    } catch (error) {
      this.services.log.error(`Assessment action "${message.type}" failed`, error);
      this.send({ type: 'error', message: (error as Error).message });
      return true;
    }
  }

  /** Acts on a message that passed the protocol check; returns false when its question or option is not in the catalogue. */
  private async handle(message: WebviewMessage): Promise<boolean> {
    switch (message.type) {
      case 'ready':
        this.post();
        return true;
      case 'answer': {
        const { answers, problems } = validateUserAnswers({ [message.questionId]: { option: message.option, note: message.note } });
        if (problems.length) {
          this.services.log.warn(`Rejected assessment answer: ${problems.join('; ')}`);
          return false;
        }
        this.stored.userAnswers = { ...this.stored.userAnswers, ...answers };
        break;
      }
      case 'clearAnswer': {
        if (!QUESTIONS.some((question) => question.id === message.questionId)) {
          this.services.log.warn(`Rejected clearing an answer of unknown question "${message.questionId}"`);
          return false;
        }
        const { [message.questionId]: _removed, ...rest } = this.stored.userAnswers;
        this.stored.userAnswers = rest;
        break;
      }
      case 'step':
        this.stored.step = message.step;
        await this.save();
        return true;
      case 'openProvenance':
        await openProvenance(message.provenance);
        return true;
      case 'openRule':
        await vscode.commands.executeCommand('trustAnchor.showRuleDocumentation', message.ruleId);
        return true;
      case 'insertSnippet':
        await vscode.commands.executeCommand('trustAnchor.insertMigrationSnippet');
        return true;
      case 'refresh':
        await this.collect();
        return true;
      case 'export':
        await this.export(message.format);
        return true;
    }
    this.recompute();
    await this.save();
    this.post();
    return true;
  }

  private async export(format: ExportFormat): Promise<void> {
    if (!this.result) return;
    const extension = format === 'markdown' ? 'md' : 'json';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export trust anchor assessment as ${format === 'markdown' ? 'Markdown' : 'JSON'}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, `trust-anchor-assessment.${extension}`) : undefined,
      filters: format === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] },
      saveLabel: 'Export',
    });
    if (!target) {
      this.send({ type: 'exported', format });
      return;
    }
    const content = format === 'markdown' ? toMarkdown(this.result) : toJson(this.result);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    this.stored.lastResult = this.result;
    await this.save();
    this.services.log.info(`Exported the assessment to ${target.fsPath}`);
    this.send({ type: 'exported', format, path: target.fsPath });
  }

  private dispose(): void {
    if (this.result) this.stored.lastResult = this.result;
    void this.save();
    for (const disposable of this.disposables) disposable.dispose();
    for (const listener of this.disposeListeners) listener();
  }
}

async function openProvenance(provenance: Provenance): Promise<void> {
  if (provenance.kind === 'cluster') {
    await vscode.commands.executeCommand('trustAnchor.revealClusterObject', provenance.source).then(undefined, () =>
      vscode.window.showInformationMessage(`Cluster object ${provenance.source}`),
    );
    return;
  }
  const uri = /^[a-z][a-z0-9+.-]*:/i.test(provenance.file) && !/^[a-z]:[\\/]/i.test(provenance.file) ? vscode.Uri.parse(provenance.file) : vscode.Uri.file(provenance.file);
  const position = new vscode.Position(Math.max(0, provenance.line - 1), Math.max(0, provenance.column - 1));
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
}

/** Shows file provenance relative to the workspace, as people and pull-request reports expect. */
function relabelFileProvenance(value: unknown, depth = 0): void {
  if (depth > 12 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) relabelFileProvenance(item, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if (record.kind === 'file' && typeof record.file === 'string' && typeof record.line === 'number') {
    record.label = `${vscode.workspace.asRelativePath(record.file, false)}:${record.line}`;
    return;
  }
  for (const child of Object.values(record)) relabelFileProvenance(child, depth + 1);
}

function describeRaw(raw: unknown): string {
  try {
    const text = JSON.stringify(raw);
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(raw);
  }
}

function renderHtml(webview: vscode.Webview, webviewRoot: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, 'main.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Trust Anchor Assessment</title>
</head>
<body>
<main id="app" aria-live="polite"><p>Loading the assessment…</p></main>
<script nonce="${nonce}">window.litNonce = ${JSON.stringify(nonce)};</script>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
