/**
 * Starts one hermetic code-server on 127.0.0.1: a free port, throwaway user-data, extensions and
 * config folders, no marketplace, no telemetry, no update check, and its own process group so that
 * stopping it also ends every extension host it spawned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeServerInstall } from './install';
import { writeEmptyKubeconfig } from './workspace';
import { dropTeardown, onTeardown, processGroupAlive, trackProcessGroup, untrackProcessGroup } from './processes';

/** User settings that keep the workbench predictable for tests and screenshots. */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'editor.stickyScroll.enabled': false,
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'git.enabled': false,
  'json.schemaDownload.enable': false,
  'npm.fetchOnlinePackageInfo': false,
  'chat.commandCenter.enabled': false,
};

export interface ServerOptions {
  install: CodeServerInstall;
  /** Folder the workbench opens. */
  workspace: string;
  /** Folder for user data, extensions, config and logs; a fresh temporary folder when omitted. */
  runDir?: string;
  /** Remove runDir when the server stops (default: only when it was created here). */
  removeRunDir?: boolean;
  userSettings?: Record<string, unknown>;
  /** Keep a settings.json that already exists (a sandbox the user has changed) instead of rewriting it. */
  preserveUserSettings?: boolean;
  /** .vsix files installed into the server's extensions folder before it starts. */
  extensions?: string[];
  /** Extensions folder to use instead of a fresh one in runDir, such as one prepared once for several servers. */
  extensionsDir?: string;
  /** Pass --disable-workspace-trust; leave it off only where trust is what is tested. */
  disableWorkspaceTrust?: boolean;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /**
   * Kubeconfig file the server and its extension hosts get as KUBECONFIG; an empty kubeconfig in
   * runDir when omitted, so nothing started here reads ~/.kube/config.
   */
  kubeconfig?: string;
  /** Extra environment for the server and so for its extension hosts; set KUBECONFIG through `kubeconfig`. */
  environment?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface RunningServer {
  port: number;
  baseUrl: string;
  runDir: string;
  workspace: string;
  logFile: string;
  /** The server's process id, which is also its process group id. */
  processGroupId: number;
  /** Workbench URL that opens a folder, with an optional VS Code `payload` (extension development and tests). */
  workbenchUrl(folder?: string, payload?: Array<[string, string]>): string;
  /** `vscode-remote://` URI of a path on this machine, as the remote extension host expects it. */
  remoteUri(path: string): string;
  /** Resolves with the exit code (or signal) when the server process ends, for whatever reason. */
  exited: Promise<number | string>;
  /** Ends the whole process group and removes the throwaway folders. Safe to call more than once. */
  stop(): Promise<void>;
  /** True once stop() was called, so an exit that follows is expected. */
  stopRequested(): boolean;
}

/** Returns a port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const request = get(url, (response) => {
      response.resume();
      resolveStatus(response.statusCode ?? 0);
    });
    request.setTimeout(2000, () => request.destroy());
    request.on('error', () => resolveStatus(0));
  });
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, milliseconds));
}

/** Installs .vsix files with the server's own CLI into the given folders. */
export function installExtensions(install: CodeServerInstall, userDataDir: string, extensionsDir: string, vsixFiles: string[]): void {
  for (const vsix of vsixFiles) {
    const result = spawnSync(
      process.execPath,
      [install.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
      { encoding: 'utf8', env: { ...process.env, EXTENSIONS_GALLERY: '{}', VSCODE_CLI: '1' } },
    );
    if (result.status !== 0) {
      throw new Error(`Installing ${vsix} into code-server failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    }
  }
}

async function waitForHealthy(baseUrl: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it answered /healthz. Its log (${logFile}):\n${readLog(logFile)}`);
    }
    if ((await httpStatus(`${baseUrl}/healthz`)) === 200) return;
    await delay(100);
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within ${timeoutMs / 1000} s. Its log (${logFile}):\n${readLog(logFile)}`);
}

function readLog(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function endProcessGroup(processGroupId: number, child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  try {
    process.kill(-processGroupId, 'SIGTERM');
  } catch {
    return;
  }

  // The group leader exits first; extension hosts and watchers may need a moment longer.
  const deadline = Date.now() + 5000;
  await Promise.race([exited, delay(5000)]);
  while (processGroupAlive(processGroupId) && Date.now() < deadline) await delay(50);
  if (processGroupAlive(processGroupId)) {
    try {
      process.kill(-processGroupId, 'SIGKILL');
    } catch {
      // It ended between the check and the kill.
    }
    while (processGroupAlive(processGroupId)) await delay(20);
  }
}

/** Starts code-server and resolves once GET /healthz returns 200. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.environment?.KUBECONFIG !== undefined) {
    throw new Error(`startServer: environment.KUBECONFIG (${options.environment.KUBECONFIG}) would be ignored; pass the file as the kubeconfig option instead.`);
  }
  if (options.kubeconfig !== undefined && !existsSync(options.kubeconfig)) {
    throw new Error(`Kubeconfig ${options.kubeconfig} not found; startServer needs an existing file to pass as KUBECONFIG.`);
  }

  const createdRunDir = !options.runDir;
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), 'trust-anchor-code-server-'));
  const removeRunDir = options.removeRunDir ?? createdRunDir;
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(runDir, 'extensions');
  const configFile = join(runDir, 'config.yaml');
  const logFile = join(runDir, 'code-server.log');

  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!options.preserveUserSettings || !existsSync(settingsFile)) {
    writeFileSync(settingsFile, `${JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }, null, 2)}\n`);
  }
  const kubeconfig = options.kubeconfig ?? writeEmptyKubeconfig(runDir);

  if (options.extensions?.length) installExtensions(options.install, userDataDir, extensionsDir, options.extensions);

  const port = options.port ?? (await freePort());
  const host = '127.0.0.1';
  const baseUrl = `http://${host}:${port}`;

  // Without a config file of its own, code-server writes one with a password into ~/.config/code-server.
  writeFileSync(configFile, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);

  const args = [
    options.install.entry,
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--config', configFile,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (options.disableWorkspaceTrust) args.push('--disable-workspace-trust');
  args.push(options.workspace);

  // Variables of an enclosing VS Code (its IPC handles, its CLI) would connect the server to that editor.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VSCODE_')));
  const environment: NodeJS.ProcessEnv = {
    ...inherited,
    // An empty gallery turns the marketplace off.
    EXTENSIONS_GALLERY: '{}',
    ...options.environment,
    // Stops the server from merging the login shell's environment over this one, so a KUBECONFIG
    // exported in ~/.profile cannot replace the one below in the extension host. The shell
    // environment resolver of code-server 4.100 returns nothing when VSCODE_CLI is "1".
    VSCODE_CLI: '1',
    KUBECONFIG: kubeconfig,
  };

  const logStream = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { cwd: runDir, env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(logStream);
  child.stderr?.pipe(logStream);
  if (child.pid === undefined) throw new Error('code-server did not start (no process id).');
  const processGroupId = child.pid;
  trackProcessGroup(processGroupId);
  const exited = new Promise<number | string>((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown')));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    dropTeardown(teardownId);
    await endProcessGroup(processGroupId, child);
    untrackProcessGroup(processGroupId);
    logStream.end();
    if (removeRunDir) rmSync(runDir, { recursive: true, force: true });
  };
  const teardownId = onTeardown(stop);

  try {
    await waitForHealthy(baseUrl, child, logFile, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`code-server ${options.install.version} is listening on ${baseUrl} (process group ${processGroupId})`);

  const remoteUri = (path: string): string => `vscode-remote://${host}:${port}${path}`;
  const workbenchUrl = (folder = options.workspace, payload?: Array<[string, string]>): string => {
    const query = [`folder=${encodeURIComponent(folder)}`];
    if (payload?.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    return `${baseUrl}/?${query.join('&')}`;
  };

  return { port, baseUrl, runDir, workspace: options.workspace, logFile, processGroupId, workbenchUrl, remoteUri, exited, stop, stopRequested: () => stopped };
}
