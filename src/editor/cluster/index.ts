import { setMaxListeners } from 'node:events';
import * as vscode from 'vscode';
import type { ClusterEvidence, ContextComparison, ContextSummary, MergedKubeconfig } from '../../cluster';
import { listContexts, loadKubeconfig, resolveKubeconfigPaths } from '../../cluster/kubeconfig';
import type { WorkspaceIndex } from '../../engine/workspace';
import { ClusterEvidenceTree, LIVE_OBJECT_SCHEME, OPEN_SOURCE_COMMAND, type EvidenceResult } from './tree';

/**
 * The VS Code side of cluster evidence: a status bar item with the kubeconfig context, a context
 * picker, the "Cluster Evidence" view, and the compare command. The cluster code (and with it
 * `@kubernetes/client-node`) is imported on the first command that reads a cluster.
 *
 * Called from code with arguments, the commands skip their pickers and return what they did.
 * selectContext takes a context name and returns it. compareContexts takes an array of names and
 * returns the comparison. collectClusterEvidence returns the evidence and findings the view shows.
 * In an untrusted workspace all three return undefined.
 */

export interface ClusterFeatureServices {
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** The workspace's parsed manifests, to link live objects to the files that define them. */
  workspace?: () => WorkspaceIndex | undefined;
  /** Called after each collection, for example to give the assessment the cluster findings. */
  onEvidence?: (result: { evidence: ClusterEvidence; findings: EvidenceResult['analysis']['findings'] }) => void;
}

const SELECTED_CONTEXT_KEY = 'trustAnchor.clusterContext';
export const COMMANDS = {
  selectContext: 'trustAnchor.selectContext',
  collect: 'trustAnchor.collectClusterEvidence',
  compare: 'trustAnchor.compareContexts',
} as const;

export function registerClusterFeatures(context: vscode.ExtensionContext, services: ClusterFeatureServices): void {
  const tree = new ClusterEvidenceTree(() => services.workspace?.());
  const statusBar = vscode.window.createStatusBarItem('trustAnchor.clusterContext', vscode.StatusBarAlignment.Left, 10);
  statusBar.name = 'Trust Anchor: cluster context';
  statusBar.command = COMMANDS.selectContext;
  const liveObjects = new LiveObjectDocuments();
  const freshness: EvidenceFreshness = {};
  freshnessOf.set(statusBar, freshness);
  const ageTimer = setInterval(() => updateStatusBar(context, services, statusBar), 60_000);
  context.subscriptions.push({ dispose: () => clearInterval(ageTimer) });

  context.subscriptions.push(
    statusBar,
    vscode.window.registerTreeDataProvider('trustAnchor.clusterEvidence', tree),
    vscode.workspace.registerTextDocumentContentProvider(LIVE_OBJECT_SCHEME, liveObjects),
    vscode.commands.registerCommand(COMMANDS.selectContext, (requested?: unknown) => whenTrusted(() => selectContext(context, services, statusBar, requested))),
    vscode.commands.registerCommand(COMMANDS.collect, () =>
      whenTrusted(async () => {
        const result = await collect(context, services, tree, liveObjects);
        if (result) {
          freshness.context = result.evidence.context;
          freshness.collectedAt = Date.now();
          freshness.failed = result.evidence.fatal !== undefined;
          updateStatusBar(context, services, statusBar);
        }
        return result;
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.compare, (requested?: unknown) => whenTrusted(() => compare(context, services, requested))),
    vscode.commands.registerCommand(OPEN_SOURCE_COMMAND, (source: string, offset?: number) => openSource(source, offset, services, liveObjects)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('trustAnchor.kubeconfig') || event.affectsConfiguration('vs-kubernetes.kubeconfig')) updateStatusBar(context, services, statusBar);
    }),
  );

  // Reading the kubeconfig is file I/O: it waits until activation has returned.
  setTimeout(() => updateStatusBar(context, services, statusBar), 0);
}

/**
 * Runs a cluster command only in a trusted workspace: a kubeconfig can name exec credential plugins,
 * and a workspace must not be able to make the editor run programs before the user trusts it.
 */
async function whenTrusted<T>(action: () => T | Promise<T>): Promise<T | undefined> {
  if (vscode.workspace.isTrusted) return action();

  const choice = await vscode.window.showWarningMessage(
    'Reading a cluster needs a trusted workspace, because a kubeconfig can run exec credential plugins. Manifests are still analysed in Restricted Mode.',
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return undefined;
}

/** Reads the kubeconfig from KUBECONFIG, then trustAnchor.kubeconfig, then the Kubernetes extension's setting, then ~/.kube/config. */
function readKubeconfig(): MergedKubeconfig {
  // The Kubernetes extension stores its settings as keys of one `vs-kubernetes` object, so the dotted key is read by index.
  const kubernetesExtension = (vscode.workspace.getConfiguration('vs-kubernetes') as unknown as Record<string, unknown>)['vs-kubernetes.kubeconfig'];
  return loadKubeconfig(
    resolveKubeconfigPaths({
      kubeconfigEnv: process.env.KUBECONFIG,
      setting: vscode.workspace.getConfiguration('trustAnchor').get<string>('kubeconfig'),
      kubernetesExtensionSetting: typeof kubernetesExtension === 'string' ? kubernetesExtension : undefined,
    }),
  );
}

function selectedContext(context: vscode.ExtensionContext, kubeconfig: MergedKubeconfig): string | undefined {
  const stored = context.workspaceState.get<string>(SELECTED_CONTEXT_KEY);
  return stored && kubeconfig.contexts.has(stored) ? stored : kubeconfig.currentContext;
}

/** When evidence was last collected, so the status bar can show whether it is fresh. */
interface EvidenceFreshness {
  context?: string;
  collectedAt?: number;
  failed?: boolean;
}

/** The freshness shown by each status bar item, one per registration. */
const freshnessOf = new WeakMap<vscode.StatusBarItem, EvidenceFreshness>();

/** Evidence older than this is shown as stale. */
const FRESH_FOR_MS = 15 * 60_000;

function describeFreshness(name: string | undefined, freshness: EvidenceFreshness): { label: string; detail: string } {
  if (!name || freshness.context !== name || freshness.collectedAt === undefined) {
    return { label: 'no evidence', detail: 'No evidence collected for this context yet: run "Trust Anchor: Collect Cluster Evidence".' };
  }
  const minutes = Math.floor((Date.now() - freshness.collectedAt) / 60_000);
  const age = minutes < 1 ? 'just now' : `${minutes} min ago`;
  if (freshness.failed) return { label: 'read failed', detail: `The last read (${age}) failed; see the Cluster Evidence view.` };
  if (Date.now() - freshness.collectedAt > FRESH_FOR_MS) return { label: `stale (${age})`, detail: `Evidence collected ${age}; collect again to refresh it.` };
  return { label: `fresh (${age})`, detail: `Evidence collected ${age}.` };
}

function updateStatusBar(context: vscode.ExtensionContext, services: ClusterFeatureServices, statusBar: vscode.StatusBarItem): void {
  try {
    const kubeconfig = readKubeconfig();
    const name = selectedContext(context, kubeconfig);
    const summary = listContexts(kubeconfig).find((entry) => entry.name === name);
    const freshness = describeFreshness(name, freshnessOf.get(statusBar) ?? {});
    statusBar.text = `$(server-environment) ${name ?? 'no context'} · ${freshness.label}`;
    statusBar.tooltip = summary
      ? `Trust Anchor cluster context ${summary.name}\n${summary.server ?? ''}\n${freshness.detail}\nClick to pick another context.`
      : 'No current context in the kubeconfig. Click to pick one.';
  } catch (error) {
    statusBar.text = '$(server-environment) no kubeconfig';
    statusBar.tooltip = (error as Error).message;
    services.logger.info(`Cluster context: ${(error as Error).message}`);
  }
  statusBar.show();
}

/** Stores the context `requested` by a caller, or else the one picked in a quick pick, and returns its name. */
async function selectContext(context: vscode.ExtensionContext, services: ClusterFeatureServices, statusBar: vscode.StatusBarItem, requested?: unknown): Promise<string | undefined> {
  const contexts = contextsOrShowError(services);
  if (!contexts) return undefined;

  let name: string;
  if (requested !== undefined) {
    const [known] = knownContexts(contexts, [requested]) ?? [];
    if (!known) return undefined;
    name = known;
  } else {
    const picked = await vscode.window.showQuickPick(
      contexts.list.map((entry) => ({ label: entry.name, description: entry.server, detail: entry.usesExecPlugin ? 'Authenticates with an exec credential plugin (needs a trusted workspace).' : undefined, picked: entry.name === contexts.selected })),
      { title: 'Trust Anchor: cluster context', placeHolder: `Current: ${contexts.selected ?? 'none'}` },
    );
    if (!picked) return undefined;
    name = picked.label;
  }

  await context.workspaceState.update(SELECTED_CONTEXT_KEY, name);
  updateStatusBar(context, services, statusBar);
  return name;
}

/** Returns the requested context names when the kubeconfig has every one of them; otherwise shows an error naming the others. */
function knownContexts(contexts: { kubeconfig: MergedKubeconfig; list: ContextSummary[] }, requested: readonly unknown[]): string[] | undefined {
  const available = contexts.list.map((entry) => entry.name);
  const unknown = requested.filter((name) => typeof name !== 'string' || !available.includes(name));
  if (unknown.length === 0) return requested as string[];
  void vscode.window.showErrorMessage(`Context ${unknown.map((name) => JSON.stringify(name)).join(', ')} not found in the kubeconfig (${contexts.kubeconfig.files.join(', ')}). Its contexts: ${available.join(', ')}.`);
  return undefined;
}

function contextsOrShowError(services: ClusterFeatureServices, context?: vscode.ExtensionContext): { kubeconfig: MergedKubeconfig; list: ContextSummary[]; selected?: string } | undefined {
  try {
    const kubeconfig = readKubeconfig();
    const list = listContexts(kubeconfig);
    if (list.length === 0) {
      void vscode.window.showWarningMessage(`The kubeconfig (${kubeconfig.files.join(', ')}) has no contexts.`);
      return undefined;
    }
    return { kubeconfig, list, selected: context ? selectedContext(context, kubeconfig) : kubeconfig.currentContext };
  } catch (error) {
    services.logger.warn((error as Error).message);
    void vscode.window.showErrorMessage((error as Error).message);
    return undefined;
  }
}

function clusterSettings(): { requestTimeoutMs: number; expiryWarningDays: number } {
  const configuration = vscode.workspace.getConfiguration('trustAnchor');
  const seconds = configuration.get<number>('requestTimeout') ?? 10;
  const days = configuration.get<number>('expiryWarningDays') ?? 60;
  return { requestTimeoutMs: Math.max(1, Math.min(seconds, 600)) * 1000, expiryWarningDays: Math.max(0, days) };
}

async function collect(context: vscode.ExtensionContext, services: ClusterFeatureServices, tree: ClusterEvidenceTree, liveObjects: LiveObjectDocuments): Promise<EvidenceResult | undefined> {
  const contexts = contextsOrShowError(services, context);
  if (!contexts?.selected) {
    if (contexts) void vscode.window.showWarningMessage('No cluster context is selected. Pick one with "Trust Anchor: Select Cluster Context".');
    return undefined;
  }
  const name = contexts.selected;

  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Trust Anchor: reading ${name}`, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const cluster = await import('../../cluster');
      const settings = clusterSettings();
      const evidence = await cluster.collectEvidence(contexts.kubeconfig, { context: name, allowExecPlugins: vscode.workspace.isTrusted, signal: controller.signal, ...settings, env: process.env });
      const analysis = cluster.analyzeEvidence(evidence, { expiryWarningDays: settings.expiryWarningDays });
      return { evidence, analysis };
    } finally {
      subscription.dispose();
    }
  });

  liveObjects.remember(result);
  tree.show(result);
  void vscode.commands.executeCommand('trustAnchor.clusterEvidence.focus');
  services.onEvidence?.({ evidence: result.evidence, findings: result.analysis.findings });

  const { evidence } = result;
  if (evidence.fatal) {
    services.logger.error(`Cluster evidence for ${name}: ${evidence.fatal.message}`);
    void vscode.window.showErrorMessage(`Trust Anchor could not read ${name}: ${evidence.fatal.message}`);
    return result;
  }
  const gaps = Object.values(evidence.systems).flatMap((system) => system.gaps);
  for (const gap of gaps) services.logger.warn(`Cluster evidence for ${name}: ${gap.message}`);
  services.logger.info(`Cluster evidence for ${name}: ${result.analysis.findings.length} findings from ${evidence.requestCount} requests in ${evidence.durationMs} ms.`);
  if (gaps.length > 0) void vscode.window.showWarningMessage(`Trust Anchor read ${name} with ${gaps.length} gap${gaps.length === 1 ? '' : 's'} (see the Cluster Evidence view).`);
  return result;
}

/** Compares the contexts `requested` by a caller (an array of names), or else the ones picked, and returns the comparison. */
async function compare(context: vscode.ExtensionContext, services: ClusterFeatureServices, requested?: unknown): Promise<ContextComparison | undefined> {
  const contexts = contextsOrShowError(services, context);
  if (!contexts) return undefined;
  if (contexts.list.length < 2) {
    void vscode.window.showWarningMessage('Comparing needs at least two contexts in the kubeconfig.');
    return undefined;
  }

  let names: string[] | undefined;
  if (requested !== undefined) {
    names = knownContexts(contexts, Array.isArray(requested) ? requested : [requested]);
  } else {
    const picked = await vscode.window.showQuickPick(
      contexts.list.map((entry) => ({ label: entry.name, description: entry.server })),
      { title: 'Trust Anchor: Compare Contexts', placeHolder: 'Pick two or more contexts', canPickMany: true },
    );
    names = picked?.map((entry) => entry.label);
  }
  if (!names) return undefined;
  if (names.length < 2) {
    void vscode.window.showWarningMessage('Pick at least two contexts to compare.');
    return undefined;
  }
  const selected = names;

  const { comparison, markdown } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Trust Anchor: comparing ${selected.length} contexts`, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    // Every request of every context listens on this one signal, so more than the default 10 listeners is expected.
    setMaxListeners(100, controller.signal);
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const cluster = await import('../../cluster');
      const settings = clusterSettings();
      const evidences = await Promise.all(
        selected.map((name) => cluster.collectEvidence(contexts.kubeconfig, { context: name, allowExecPlugins: vscode.workspace.isTrusted, signal: controller.signal, ...settings, env: process.env })),
      );
      const comparison = cluster.compareEvidence(evidences);
      for (const failure of comparison.failures) services.logger.error(`Compare: ${failure.context}: ${failure.message}`);
      return { comparison, markdown: cluster.formatComparison(comparison, 'markdown') };
    } finally {
      subscription.dispose();
    }
  });

  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  // The comparison opens as an untitled Markdown document that the user may save. The Markdown
  // preview cannot resolve untitled documents in code-server, so the text itself is shown.
  await vscode.window.showTextDocument(document, { preview: false });
  return comparison;
}

/** Opens the workspace file that defines a live object, or else a read-only view of the live object. */
async function openSource(source: string, offset: number | undefined, services: ClusterFeatureServices, liveObjects: LiveObjectDocuments): Promise<void> {
  const workspace = services.workspace?.();
  const { definingDocument } = await import('../../cluster/live-analysis');
  const link = workspace ? definingDocument(workspace, source) : undefined;
  if (link) {
    const uri = vscode.Uri.file(link.file);
    const document = await vscode.workspace.openTextDocument(uri);
    const position = document.positionAt(link.range.start);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
    return;
  }

  const document = await vscode.workspace.openTextDocument(liveObjects.uriOf(source));
  const position = document.positionAt(offset ?? 0);
  await vscode.window.showTextDocument(document, { preview: true, selection: new vscode.Range(position, position) });
}

/** Serves `trust-anchor-cluster:/context/namespace/kind/name.yaml` from the last collection. */
class LiveObjectDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  remember(result: EvidenceResult): void {
    this.texts.clear();
    void import('../../cluster/serialize').then(({ liveObjectYaml, livePath }) => {
      for (const system of Object.values(result.evidence.systems)) {
        for (const object of system.objects) this.texts.set(livePath(result.evidence.context, object), liveObjectYaml(object));
      }
    });
  }

  uriOf(source: string): vscode.Uri {
    return vscode.Uri.from({ scheme: LIVE_OBJECT_SCHEME, path: `/${source}.yaml` });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const source = uri.path.replace(/^\//, '').replace(/\.yaml$/, '');
    return this.texts.get(source) ?? `# ${source} is not in the last collected evidence. Run "Trust Anchor: Collect Cluster Evidence" again.\n`;
  }
}
