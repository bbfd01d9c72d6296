import * as vscode from 'vscode';
import { RULES_BY_ID } from './engine/rules';
import { TrustAnchorCodeActions } from './editor/code-actions';
import { registerCommands } from './editor/commands';
import { DiagnosticsService } from './editor/diagnostics';
import { TrustAnchorHover } from './editor/hover';
import { Logger } from './editor/log';
import { readEditorSettings, type EditorSettings } from './editor/settings';
import { registerAssessment, type AssessmentTestAccess } from './wizard/panel';
import { registerClusterFeatures } from './editor/cluster';
import type { Finding } from './engine/model';

/** Delay before the background workspace scan, so it never runs on the activation path. */
const WORKSPACE_SCAN_DELAY_MS = 1500;

const YAML_SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { language: 'helm' }];

/** Services the editor features share; cluster features receive the same object. */
export interface EditorServices {
  context: vscode.ExtensionContext;
  channel: vscode.LogOutputChannel;
  logger: Logger;
  diagnostics: DiagnosticsService;
}

/** The value activate() returns, which the extension-host tests read through `Extension.exports`. */
export interface TrustAnchorApi extends EditorServices {
  /** Feeds messages to the open assessment panel through the webview's validation path, for tests. */
  assessment: AssessmentTestAccess;
}

let activeLogger: Logger | undefined;

export function activate(context: vscode.ExtensionContext): TrustAnchorApi {
  const channel = vscode.window.createOutputChannel('Trust Anchor', { log: true });
  const logger = new Logger(channel);
  activeLogger = logger;
  context.subscriptions.push(channel);

  const diagnostics = new DiagnosticsService(context.extensionUri, readSettings(logger), logger);
  context.subscriptions.push(diagnostics);
  diagnostics.start();

  const services: EditorServices = { context, channel, logger, diagnostics };

  // Each folder of a multi-root workspace is one estate: references resolve inside their own folder.
  const updateEstates = (): void => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    diagnostics.analyzer.workspace.setEstateRoots(folders.length > 1 ? folders.filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath) : []);
  };
  updateEstates();
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      updateEstates();
      diagnostics.analyzeOpenDocuments();
    }),
  );

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(YAML_SELECTOR, new TrustAnchorHover(diagnostics)),
    vscode.languages.registerCodeActionsProvider(YAML_SELECTOR, new TrustAnchorCodeActions(diagnostics, logger), TrustAnchorCodeActions.metadata),
    ...registerCommands({ context, diagnostics, logger, channel }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('trustAnchor.exclude')) diagnostics.excludesChanged();
      if (['rules', 'maxFileSize', 'analysisDelay', 'workspaceScan'].some((name) => event.affectsConfiguration(`trustAnchor.${name}`))) {
        diagnostics.updateSettings(readSettings(logger));
      }
    }),
  );

  // The cluster code loads @kubernetes/client-node on the first command that reads a cluster.
  let clusterEvidence: { context: string; findings: Finding[] } | undefined;
  registerClusterFeatures(context, {
    logger,
    workspace: () => diagnostics.analyzer.workspace,
    onEvidence: ({ evidence, findings }) => {
      clusterEvidence = { context: evidence.context, findings };
    },
  });

  const startupScan = scheduleStartupWork(context, diagnostics, logger);
  const assessment = registerAssessment(context, {
    extensionUri: context.extensionUri,
    log: logger,
    collectEvidence: async () => {
      // An assessment opened right after start-up would otherwise see only the files scanned so far.
      await startupScan();
      const analyses = diagnostics.analyzer.analyzeAll();
      const findings = analyses.flatMap((analysis) => analysis.findings);
      const files = analyses.length;
      const cluster = clusterEvidence
        ? ` and cluster context "${clusterEvidence.context}" (${clusterEvidence.findings.length} finding${clusterEvidence.findings.length === 1 ? '' : 's'})`
        : '; run "Trust Anchor: Collect Cluster Evidence" to add a cluster';
      return {
        evidence: { workspace: diagnostics.analyzer.workspace, findings, clusterFindings: clusterEvidence?.findings ?? [] },
        summary: `Evidence from ${files} YAML file${files === 1 ? '' : 's'} in this workspace (${findings.length} finding${findings.length === 1 ? '' : 's'})${cluster}.`,
      };
    },
  });

  return { ...services, assessment };
}

export function deactivate(): void {
  activeLogger?.flush();
  activeLogger = undefined;
}

function readSettings(logger: Logger): EditorSettings {
  const configuration = vscode.workspace.getConfiguration('trustAnchor');
  const { settings, problems } = readEditorSettings((key) => configuration.get(key), new Set(RULES_BY_ID.keys()));
  for (const problem of problems) logger.warn(problem.message);
  return settings;
}

/**
 * Analyses open editors on the next tick and scans the workspace a little later, off the activation
 * path. Returns a function that starts the startup scan at once if it has not started yet and
 * resolves when it has finished (at once when `trustAnchor.workspaceScan` is off).
 */
function scheduleStartupWork(context: vscode.ExtensionContext, diagnostics: DiagnosticsService, logger: Logger): () => Promise<void> {
  let startupScan: Promise<void> | undefined;
  const runStartupScan = (): Promise<void> => {
    if (!vscode.workspace.getConfiguration('trustAnchor').get<boolean>('workspaceScan', true)) return Promise.resolve();
    startupScan ??= diagnostics.scanWorkspace().then(
      () => undefined,
      (error: unknown) => logger.error('Workspace scan failed', error),
    );
    return startupScan;
  };

  const openDocuments = setTimeout(() => diagnostics.analyzeOpenDocuments(), 0);
  const scan = setTimeout(() => void runStartupScan(), WORKSPACE_SCAN_DELAY_MS);
  context.subscriptions.push({ dispose: () => (clearTimeout(openDocuments), clearTimeout(scan)) });
  return runStartupScan;
}
