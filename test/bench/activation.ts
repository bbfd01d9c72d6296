/**
 * Activation cost of the bundled extension (`npm run bench`): the time to load dist/extension.js and
 * run activate(), with `vscode` replaced by an inert stand-in, and the size of the packaged .vsix.
 * The design's budgets are 15 ms for require + activate and 2 MB for the .vsix. Prints, never asserts.
 */
import { existsSync, statSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(__dirname, '../../..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');
const VSIX = join(ROOT, 'dist', 'trust-anchor-assessor.vsix');

/**
 * An object on which every property is another stand-in and every call returns one, so activate()
 * can register providers and read settings without a VS Code. Settings read as undefined.
 */
function inert(): unknown {
  const target = function () {
    return undefined;
  };
  return new Proxy(target, {
    get(_target, property) {
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive) return () => '';
      if (property === 'get') return () => undefined;
      if (property === 'isTrusted') return true;
      if (property === 'workspaceFolders' || property === 'textDocuments') return [];
      return inert();
    },
    set() {
      return true;
    },
    apply() {
      return inert();
    },
    construct() {
      return inert() as object;
    },
  });
}

/** Top-level names of the `vscode` module the bundle reads (esbuild copies the module's own keys). */
const VSCODE_NAMESPACES = [
  'window', 'workspace', 'languages', 'commands', 'env', 'extensions', 'l10n', 'Uri', 'Range', 'Position', 'Selection',
  'Diagnostic', 'DiagnosticSeverity', 'DiagnosticRelatedInformation', 'DiagnosticTag', 'Location', 'CodeAction',
  'CodeActionKind', 'WorkspaceEdit', 'MarkdownString', 'Hover', 'SnippetString', 'ThemeIcon', 'ThemeColor', 'TreeItem',
  'TreeItemCollapsibleState', 'EventEmitter', 'StatusBarAlignment', 'ViewColumn', 'ProgressLocation',
  'CancellationTokenSource', 'Disposable', 'RelativePattern', 'TextEdit', 'ConfigurationTarget', 'FileType',
  'TabInputWebview', 'TabInputText', 'UIKind', 'EndOfLine', 'TextEditorRevealType',
];

/** The stand-in module: a plain object whose listed namespaces (and anything else) are inert. */
function inertModule(): object {
  return new Proxy(
    {},
    {
      get: (_target, property) => (property === '__esModule' ? false : inert()),
      ownKeys: () => VSCODE_NAMESPACES,
      getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, writable: false, value: inert() }),
    },
  );
}

function main(): void {
  if (!existsSync(BUNDLE)) {
    console.log(`Activation: ${BUNDLE} is missing; run "npm run build" first.`);
    return;
  }
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const originalLoad = loader._load;
  const standIn = inertModule();
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return standIn;
    return originalLoad.call(this, request, parent, isMain);
  };

  const requireStarted = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const extension = require(BUNDLE) as { activate(context: unknown): unknown };
  const requireMs = performance.now() - requireStarted;

  const context = { subscriptions: [], extensionUri: inert(), workspaceState: inert(), globalState: inert(), extensionPath: ROOT };
  const activateStarted = performance.now();
  extension.activate(context);
  const activateMs = performance.now() - activateStarted;
  loader._load = originalLoad;

  const clientLoaded = Object.keys(require.cache).some((path) => path.includes('@kubernetes'));
  console.log('\nExtension activation (vscode replaced by an inert stand-in; one cold run)');
  console.log(`  require dist/extension.js (${Math.round(statSync(BUNDLE).size / 1024)} KB): ${requireMs.toFixed(1)} ms`);
  console.log(`  activate(): ${activateMs.toFixed(1)} ms`);
  console.log(`  require + activate: ${(requireMs + activateMs).toFixed(1)} ms (goal <= 15 ms) ${requireMs + activateMs <= 15 ? 'within goal' : 'OVER GOAL'}`);
  console.log(`  @kubernetes/client-node loaded during activation: ${clientLoaded ? 'yes' : 'no'}`);
  if (existsSync(VSIX)) {
    const megabytes = statSync(VSIX).size / (1024 * 1024);
    console.log(`  .vsix size: ${megabytes.toFixed(2)} MB (goal <= 2 MB) ${megabytes <= 2 ? 'within goal' : 'OVER GOAL'}`);
  } else {
    console.log('  .vsix size: not built (run "npm run package")');
  }
  // The stand-in cannot stop the timers activate() scheduled, so end the process here.
  process.exit(0);
}

main();
