import { sep } from 'node:path';
import * as vscode from 'vscode';
import { Analyzer } from '../engine/analyze';
import { DEFAULT_PARSE_OPTIONS, formatBytes } from '../engine/manifest/parse';
import { decodeFileBytes } from '../engine/manifest/text';
import type { FileAnalysis, Notice } from '../engine/model';
import { ruleDocsPath } from '../engine/rules';
import { forEachWithConcurrency, VersionGate } from './concurrency';
import { analysisFingerprint, diagnosticRecords, DIAGNOSTIC_SOURCE, type DiagnosticRecord, type Position, VSCODE_SEVERITY } from './convert';
import { KeyedDebouncer } from './debounce';
import { createExcludeMatcher, isYamlPath, YAML_GLOB } from './file-filter';
import type { Logger } from './log';
import { parseExcludeGlobs, type EditorSettings } from './settings';

/** Files read from disk at the same time during a workspace scan. */
const SCAN_CONCURRENCY = 8;

/** Files re-analysed between two yields to the event loop during a cross-file sweep. */
const SWEEP_CHUNK = 25;

const LANGUAGES = new Set(['yaml', 'helm']);
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

interface AnalysedFile {
  uri: vscode.Uri;
  analysis: FileAnalysis;
  /** Document version the analysis was made from; undefined for files read from disk. */
  version?: number;
  fingerprint: string;
}

/**
 * Keeps the engine's workspace index in step with open documents and workspace files and publishes
 * their findings as diagnostics. Open documents are authoritative: a file that is open is never
 * re-read from disk until it is closed.
 */
export class DiagnosticsService implements vscode.Disposable {
  readonly analyzer: Analyzer;
  private readonly collection: vscode.DiagnosticCollection;
  private readonly files = new Map<string, AnalysedFile>();
  private readonly debouncer = new KeyedDebouncer<string>();
  private readonly gate = new VersionGate<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly excludeMatchers = new Map<string, (relativePath: string) => boolean>();
  private sweepGeneration = 0;
  private scanGeneration = 0;
  private disposed = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private settings: EditorSettings,
    private readonly logger: Logger,
  ) {
    this.analyzer = new Analyzer({
      severityOverrides: settings.rules,
      parse: { ...DEFAULT_PARSE_OPTIONS, maxFileBytes: settings.maxFileSizeBytes },
    });
    this.collection = vscode.languages.createDiagnosticCollection('trust-anchor');
    this.disposables.push(this.collection);
  }

  /** Subscribes to document and file events. Call once, after construction. */
  start(): void {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.documentOpened(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.documentClosed(document)),
    );

    const watcher = vscode.workspace.createFileSystemWatcher(YAML_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.fileChangedOnDisk(uri)),
      watcher.onDidChange((uri) => this.fileChangedOnDisk(uri)),
      watcher.onDidDelete((uri) => this.fileDeleted(uri)),
    );
  }

  /** Analyses the YAML documents already open when the extension starts. */
  analyzeOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) this.documentOpened(document);
  }

  /** Applies changed settings: new severities and size limits re-analyse everything stored. */
  updateSettings(settings: EditorSettings): void {
    const previous = this.settings;
    this.settings = settings;
    this.analyzer.configure({
      severityOverrides: settings.rules,
      parse: { ...DEFAULT_PARSE_OPTIONS, maxFileBytes: settings.maxFileSizeBytes },
    });

    if (previous.maxFileSizeBytes !== settings.maxFileSizeBytes) {
      for (const document of vscode.workspace.textDocuments) {
        if (this.isEligibleDocument(document)) this.analyzer.update(this.keyOf(document.uri), document.getText());
      }
      if (settings.workspaceScan) void this.scanWorkspace();
    }

    if (previous.workspaceScan && !settings.workspaceScan) this.dropUnopenedFiles();
    if (!previous.workspaceScan && settings.workspaceScan) void this.scanWorkspace();

    this.reanalyzeStoredFiles(true);
  }

  /** Re-applies `trustAnchor.exclude`: excluded files lose their diagnostics, others are rescanned. */
  excludesChanged(): void {
    this.excludeMatchers.clear();
    for (const [key, file] of [...this.files]) {
      if (this.isExcluded(file.uri)) this.forget(key);
    }
    for (const document of vscode.workspace.textDocuments) this.documentOpened(document);
    if (this.settings.workspaceScan) void this.scanWorkspace();
  }

  /** Returns the current analysis of an open document, re-running it when the stored one is older. */
  analysisFor(document: vscode.TextDocument): FileAnalysis | undefined {
    if (!this.isEligibleDocument(document)) return undefined;
    const key = this.keyOf(document.uri);
    const stored = this.files.get(key);
    if (stored && stored.version === document.version) return stored.analysis;
    this.debouncer.cancel(key);
    return this.analyzeDocument(document);
  }

  /** Runs the rules over `text` as if it were the content of `document`, then restores the stored text. */
  analyzeHypothetical(document: vscode.TextDocument, text: string): FileAnalysis {
    const key = this.keyOf(document.uri);
    const stored = this.analyzer.workspace.get(key);
    try {
      this.analyzer.update(key, text);
      return this.analyzer.analyze(key);
    } finally {
      if (stored) this.analyzer.workspace.set(stored);
      else this.analyzer.remove(key);
    }
  }

  manifestFileOf(uri: vscode.Uri): ReturnType<Analyzer['workspace']['get']> {
    return this.analyzer.workspace.get(this.keyOf(uri));
  }

  /**
   * Finds and analyses the workspace's YAML files in the background. `files.exclude` applies through
   * `findFiles`, `trustAnchor.exclude` here. A newer scan makes an older one stop.
   */
  async scanWorkspace(): Promise<number> {
    const generation = ++this.scanGeneration;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return 0;

    const started = Date.now();
    const found = await vscode.workspace.findFiles(YAML_GLOB);
    if (generation !== this.scanGeneration || this.disposed) return 0;

    const openKeys = new Set(vscode.workspace.textDocuments.map((document) => this.keyOf(document.uri)));
    const candidates = found.filter((uri) => !this.isExcluded(uri) && !openKeys.has(this.keyOf(uri)));
    this.logger.info(`Workspace scan started: ${candidates.length} YAML files (${found.length - candidates.length} excluded or open).`);

    await forEachWithConcurrency(candidates, SCAN_CONCURRENCY, async (uri) => void (await this.loadFromDisk(uri)), {
      isCancelled: () => generation !== this.scanGeneration || this.disposed,
      onError: (uri, error) => this.logger.error(`Reading ${uri.fsPath} failed`, error),
    });
    if (generation !== this.scanGeneration || this.disposed) return 0;

    this.reanalyzeStoredFiles(false);
    this.logger.info(`Workspace scan finished: ${candidates.length} files in ${Date.now() - started} ms.`);
    return candidates.length;
  }

  dispose(): void {
    this.disposed = true;
    this.debouncer.cancelAll();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private documentOpened(document: vscode.TextDocument): void {
    if (!this.isEligibleDocument(document)) return;
    const key = this.keyOf(document.uri);
    this.gate.invalidate(key);
    const stored = this.files.get(key);
    if (stored && stored.version === document.version) return;
    this.analyzeDocument(document);
  }

  private documentChanged(event: vscode.TextDocumentChangeEvent): void {
    const document = event.document;
    if (event.contentChanges.length === 0 || !this.isEligibleDocument(document)) return;
    const key = this.keyOf(document.uri);
    this.gate.invalidate(key);
    this.debouncer.schedule(key, this.settings.analysisDelayMs, () => {
      if (document.isClosed) return;
      this.analyzeDocument(document);
    });
  }

  private documentClosed(document: vscode.TextDocument): void {
    const key = this.keyOf(document.uri);
    this.debouncer.cancel(key);
    if (!this.files.has(key) && !this.analyzer.workspace.get(key)) return;

    const onDisk = document.uri.scheme === 'file' && isYamlPath(document.uri.path) && this.isInWorkspace(document.uri);
    if (onDisk && this.settings.workspaceScan && !this.isExcluded(document.uri)) {
      // The file may hold other text on disk than the editor had (changes discarded).
      void this.reloadFromDisk(document.uri);
      return;
    }
    this.forget(key);
    this.scheduleSweep();
  }

  private fileChangedOnDisk(uri: vscode.Uri): void {
    if (!this.settings.workspaceScan || this.isOpen(uri) || this.isExcluded(uri)) return;
    const key = this.keyOf(uri);
    this.gate.invalidate(key);
    this.debouncer.schedule(key, this.settings.analysisDelayMs, () => void this.reloadFromDisk(uri));
  }

  private fileDeleted(uri: vscode.Uri): void {
    const key = this.keyOf(uri);
    if (this.isOpen(uri)) return;
    this.debouncer.cancel(key);
    this.gate.invalidate(key);
    if (!this.analyzer.workspace.get(key)) {
      // A deleted folder reports only the folder, so drop every file under it.
      const separator = uri.scheme === 'file' ? sep : '/';
      const prefix = key.endsWith(separator) ? key : `${key}${separator}`;
      for (const stored of [...this.files.keys()]) if (stored.startsWith(prefix)) this.forget(stored);
    }
    this.forget(key);
    this.scheduleSweep();
  }

  private async reloadFromDisk(uri: vscode.Uri): Promise<void> {
    const key = this.keyOf(uri);
    const loaded = await this.loadFromDisk(uri);
    if (!loaded || this.isOpen(uri)) return;
    this.publish(key, uri, this.analyzer.analyze(key));
    this.scheduleSweep();
  }

  /** Reads one file into the index. Returns false when a newer event for the file made this read stale. */
  private async loadFromDisk(uri: vscode.Uri): Promise<boolean> {
    const key = this.keyOf(uri);
    const token = this.gate.begin(key);

    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch (error) {
      if (!this.gate.isCurrent(key, token)) return false;
      this.logger.warn(`Skipped ${uri.fsPath}: it could not be read (${(error as Error).message}).`);
      this.forget(key);
      return false;
    }
    if (!this.gate.isCurrent(key, token) || this.isOpen(uri)) return false;

    if (stat.size > this.settings.maxFileSizeBytes) {
      this.analyzer.updateUnreadable(key, this.skippedNotice(key, stat.size));
      this.store(key, uri);
      return true;
    }

    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (error) {
      if (!this.gate.isCurrent(key, token)) return false;
      this.analyzer.updateUnreadable(key, {
        code: 'read-error',
        severity: 'warning',
        file: key,
        message: `Could not read ${uri.fsPath}: ${(error as Error).message}. Check the file's permissions.`,
      });
      this.store(key, uri);
      return true;
    }
    if (!this.gate.isCurrent(key, token) || this.isOpen(uri)) return false;

    const decoded = decodeFileBytes(bytes);
    if (decoded.ok) this.analyzer.update(key, decoded.text);
    else {
      this.analyzer.updateUnreadable(key, {
        code: decoded.reason === 'binary' ? 'binary-file' : 'invalid-encoding',
        severity: 'info',
        file: key,
        message: `Skipped ${uri.fsPath}: ${decoded.message}.`,
      });
    }
    this.store(key, uri);
    return true;
  }

  private skippedNotice(key: string, size: number): Notice {
    return {
      code: 'file-too-large',
      severity: 'info',
      file: key,
      message: `Skipped ${key}: ${formatBytes(size)} is over the ${formatBytes(this.settings.maxFileSizeBytes)} limit. Raise trustAnchor.maxFileSize to analyse it.`,
    };
  }

  /** Records a file loaded into the index; `publish` later sets its analysis. */
  private store(key: string, uri: vscode.Uri): void {
    if (!this.files.has(key)) {
      this.files.set(key, { uri, analysis: { file: key, findings: [], notices: [], suppressed: [] }, fingerprint: '\u0000unpublished' });
    }
  }

  private analyzeDocument(document: vscode.TextDocument): FileAnalysis {
    const key = this.keyOf(document.uri);
    const before = this.analyzer.workspace.get(key);
    const hadKinds = before?.documents.some((parsed) => parsed.kind !== undefined) ?? false;

    const started = Date.now();
    const file = this.analyzer.update(key, document.getText());
    const analysis = this.analyzer.analyze(key);
    const elapsed = Date.now() - started;
    if (elapsed > 250) this.logger.debug(`Analysing ${key} took ${elapsed} ms.`);

    this.publish(key, document.uri, analysis, document);
    const hasKinds = file.documents.some((parsed) => parsed.kind !== undefined);
    if (hadKinds || hasKinds) this.scheduleSweep(key);
    return analysis;
  }

  /**
   * Re-analyses every other stored file after a change that may alter cross-file chains (a file
   * with Kubernetes objects changed, appeared or went away). Runs in chunks, and a newer change
   * cancels a sweep in progress. Values files are not in the kind index, so they never start one.
   */
  private scheduleSweep(changedKey?: string): void {
    const delay = Math.max(this.settings.analysisDelayMs, 500);
    this.debouncer.schedule('\u0000sweep', delay, () => void this.sweep(changedKey));
  }

  private async sweep(changedKey: string | undefined): Promise<void> {
    const generation = ++this.sweepGeneration;
    const openKeys = new Set(vscode.workspace.textDocuments.map((document) => this.keyOf(document.uri)));
    const keys = [...this.files.keys()].filter((key) => key !== changedKey);
    keys.sort((a, b) => Number(openKeys.has(b)) - Number(openKeys.has(a)));

    for (let index = 0; index < keys.length; index += SWEEP_CHUNK) {
      if (generation !== this.sweepGeneration || this.disposed) return;
      for (const key of keys.slice(index, index + SWEEP_CHUNK)) {
        const stored = this.files.get(key);
        if (!stored || !this.analyzer.workspace.get(key)) continue;
        const document = this.openDocument(stored.uri);
        // An open document edited since its last analysis gets its own debounced analysis soon.
        if (document && document.version !== stored.version) continue;
        this.publish(key, stored.uri, this.analyzer.analyze(key), document);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private reanalyzeStoredFiles(force: boolean): void {
    for (const [key, stored] of [...this.files]) {
      if (!this.analyzer.workspace.get(key)) continue;
      const document = this.openDocument(stored.uri);
      if (document && document.version !== stored.version) {
        this.analyzeDocument(document);
        continue;
      }
      this.publish(key, stored.uri, this.analyzer.analyze(key), document, force);
    }
  }

  private publish(key: string, uri: vscode.Uri, analysis: FileAnalysis, document?: vscode.TextDocument, force = false): void {
    const fingerprint = analysisFingerprint(analysis);
    const previous = this.files.get(key);
    this.files.set(key, { uri, analysis, version: document?.version, fingerprint });
    if (!force && previous && previous.fingerprint === fingerprint) return;

    const positionAt = this.positionMapper(key, document);
    const diagnostics = diagnosticRecords(analysis, positionAt).map((record) => this.toDiagnostic(record));
    this.collection.set(uri, diagnostics);
  }

  private positionMapper(key: string, document?: vscode.TextDocument): (offset: number) => Position {
    if (document && !document.isClosed) return (offset) => document.positionAt(offset);
    const lines = this.analyzer.workspace.get(key)?.lines;
    return (offset) => lines?.positionAt(offset) ?? { line: 0, character: 0 };
  }

  private toDiagnostic(record: DiagnosticRecord): vscode.Diagnostic {
    const range = new vscode.Range(record.range.start.line, record.range.start.character, record.range.end.line, record.range.end.character);
    const diagnostic = new vscode.Diagnostic(range, record.message, VSCODE_SEVERITY[record.severity] as vscode.DiagnosticSeverity);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = record.ruleId
      ? { value: record.ruleId, target: vscode.Uri.joinPath(this.extensionUri, ruleDocsPath(record.ruleId)) }
      : record.code;

    const related: vscode.DiagnosticRelatedInformation[] = [];
    for (const location of record.related) {
      const target = this.files.get(location.file)?.uri ?? this.uriOfEngineFile(location.file);
      if (!target) continue;
      const positionAt = this.positionMapper(location.file, this.openDocument(target));
      const start = positionAt(location.range.start);
      const end = positionAt(location.range.end);
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(target, new vscode.Range(start.line, start.character, end.line, end.character)), location.message));
    }
    if (related.length > 0) diagnostic.relatedInformation = related;
    return diagnostic;
  }

  /** Maps an engine path back to a URI; cluster sources (`context/namespace/kind/name`) have none. */
  private uriOfEngineFile(file: string): vscode.Uri | undefined {
    if (!this.analyzer.workspace.get(file)) return undefined;
    return /^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
  }

  private forget(key: string): void {
    const stored = this.files.get(key);
    this.files.delete(key);
    this.analyzer.remove(key);
    if (stored) this.collection.delete(stored.uri);
  }

  private dropUnopenedFiles(): void {
    for (const [key, stored] of [...this.files]) if (!this.isOpen(stored.uri)) this.forget(key);
  }

  /** Returns the engine key of a URI: the file-system path for local files, the URI text otherwise. */
  keyOf(uri: vscode.Uri): string {
    return uri.scheme === 'file' ? uri.fsPath : uri.toString();
  }

  isEligibleDocument(document: vscode.TextDocument): boolean {
    if (!SCHEMES.has(document.uri.scheme)) return false;
    if (!LANGUAGES.has(document.languageId) && !isYamlPath(document.uri.path)) return false;
    return !this.isExcluded(document.uri);
  }

  private isExcluded(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return false;
    const folderKey = folder.uri.toString();
    let matcher = this.excludeMatchers.get(folderKey);
    if (!matcher) {
      const parsed = parseExcludeGlobs(vscode.workspace.getConfiguration('trustAnchor', folder.uri).get<unknown>('exclude'));
      for (const problem of parsed.problems) this.logger.warn(problem.message);
      matcher = createExcludeMatcher(parsed.globs);
      this.excludeMatchers.set(folderKey, matcher);
    }
    return matcher(vscode.workspace.asRelativePath(uri, false));
  }

  private isInWorkspace(uri: vscode.Uri): boolean {
    return vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  }

  private isOpen(uri: vscode.Uri): boolean {
    return this.openDocument(uri) !== undefined;
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const text = uri.toString();
    return vscode.workspace.textDocuments.find((document) => !document.isClosed && document.uri.toString() === text);
  }
}
