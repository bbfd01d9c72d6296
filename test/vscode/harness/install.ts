/**
 * Installs code-server from npm into a git-ignored cache folder keyed by version, without running its
 * postinstall (which downloads ripgrep from GitHub and fails offline). The postinstall's work is done
 * here by hand: native modules are rebuilt against this machine's Node, and Debian's `rg` stands in
 * for the downloaded one.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const CACHE_DIR = join(REPO_ROOT, 'test', 'vscode', '.cache');
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const APT_INSTALL_HINT = 'apt-get install -y --no-install-recommends chromium ripgrep libkrb5-dev';

/** Written last, so a folder without it is an interrupted install. */
const COMPLETE_MARKER = '.install-complete';

export interface CodeServerInstall {
  version: string;
  /** Folder holding node_modules/code-server. */
  root: string;
  /** node_modules/code-server/out/node/entry.js, started with this process's Node. */
  entry: string;
  /** node_modules/code-server/lib/vscode. */
  vscodeDir: string;
}

export function codeServerPaths(version = CODE_SERVER_VERSION, root = join(CACHE_DIR, `code-server-${version}`)): CodeServerInstall {
  const packageDir = join(root, 'node_modules', 'code-server');
  return { version, root, entry: join(packageDir, 'out', 'node', 'entry.js'), vscodeDir: join(packageDir, 'lib', 'vscode') };
}

/** Returns the absolute path of an executable on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * Checks the Debian packages the test layers need and returns one message per missing one.
 * Chromium is needed only when a browser drives the workbench, ripgrep whenever Quick Open is used.
 */
export function missingSystemPackages(needs: { chromium: boolean; ripgrep: boolean }): string[] {
  const missing: string[] = [];
  if (needs.chromium && !existsSync(CHROMIUM_PATH)) missing.push(`Chromium not found at ${CHROMIUM_PATH}.`);
  if (needs.ripgrep && !findOnPath('rg')) missing.push('ripgrep (`rg`) not found on PATH; Quick Open finds no files without it.');
  return missing;
}

/** Throws with the exact install command when a required system package is missing. */
export function requireSystemPackages(needs: { chromium: boolean; ripgrep: boolean }): void {
  const missing = missingSystemPackages(needs);
  if (missing.length === 0) return;
  throw new Error(`${missing.join('\n')}\nInstall the system packages (as root, after apt-get update):\n  ${APT_INSTALL_HINT}`);
}

/**
 * Environment for the npm commands of the install: without this process's npm_* variables, because
 * under `npm run` they include the project's prefix and would make npm install into the project.
 */
function installEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_')) environment[name] = value;
  }
  environment.npm_config_audit = 'false';
  environment.npm_config_fund = 'false';
  environment.npm_config_update_notifier = 'false';

  // node-gyp cannot download Node's headers offline; Debian's nodejs-dev puts them under /usr.
  if (existsSync('/usr/include/node/node.h')) environment.npm_config_nodedir = '/usr';
  return environment;
}

function runNpm(args: string[], cwd: string, log: (line: string) => void, extraEnvironment: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
  log(`  npm ${args.join(' ')}   (in ${cwd})`);
  const result = spawnSync('npm', args, {
    cwd,
    env: { ...installEnvironment(), ...extraEnvironment },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output };
}

function runNpmOrThrow(args: string[], cwd: string, log: (line: string) => void, extraEnvironment: NodeJS.ProcessEnv = {}): void {
  const result = runNpm(args, cwd, log, extraEnvironment);
  if (!result.ok) {
    throw new Error(`code-server install step failed: npm ${args.join(' ')} (in ${cwd})\n${tail(result.output, 40)}`);
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function linkIfMissing(target: string, linkPath: string): void {
  if (existsSync(linkPath)) return;
  symlinkSync(target, linkPath);
}

/** Copies Debian's `rg` into the place VS Code's search service looks for it, when it is missing there. */
export function provideRipgrep(install: CodeServerInstall): boolean {
  const target = join(install.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (existsSync(target)) return true;
  const systemRipgrep = findOnPath('rg');
  if (!systemRipgrep) return false;
  mkdirSync(join(target, '..'), { recursive: true });
  copyFileSync(systemRipgrep, target);
  return true;
}

function installInto(root: string, version: string, log: (line: string) => void): void {
  mkdirSync(root, { recursive: true });

  // A package.json of its own stops npm from walking up to the project's package.json.
  writeFileSync(join(root, 'package.json'), `${JSON.stringify({ name: 'code-server-cache', private: true }, null, 2)}\n`);
  runNpmOrThrow(['install', '--no-save', '--ignore-scripts', '--no-package-lock', `code-server@${version}`], root, log);

  const install = codeServerPaths(version, root);
  runNpmOrThrow(['install', '--omit=dev', '--ignore-scripts'], install.vscodeDir, log);

  runNpmOrThrow(['rebuild', '@parcel/watcher', '@vscode/spdlog', 'native-watchdog', '@vscode/deviceid'], install.vscodeDir, log);

  // node-pty's build script calls `npx node-gyp`, which would otherwise stop to ask.
  runNpmOrThrow(['rebuild', 'node-pty'], install.vscodeDir, log, { npm_config_yes: 'true' });

  // kerberos serves only Kerberos proxy authentication; the workbench runs without it.
  const kerberos = runNpm(['rebuild', 'kerberos'], install.vscodeDir, log);
  if (!kerberos.ok) {
    log(`  warning: building the kerberos module failed (Kerberos proxy authentication will not work; everything else does). Install libkrb5-dev to build it:\n    ${APT_INSTALL_HINT}\n${tail(kerberos.output, 5)}`);
  }

  if (!provideRipgrep(install)) {
    log(`  warning: ripgrep (\`rg\`) not found, so Quick Open and search find nothing. Install it with:\n    ${APT_INSTALL_HINT}`);
  }
  linkIfMissing('node_modules', join(install.vscodeDir, 'node_modules.asar'));
  linkIfMissing('code-linux.sh', join(install.vscodeDir, 'bin', 'remote-cli', 'code-server'));
  linkIfMissing('browser-linux.sh', join(install.vscodeDir, 'bin', 'helpers', 'browser.sh'));
  runNpmOrThrow(['install', '--omit=dev', '--ignore-scripts'], join(install.vscodeDir, 'extensions'), log);

  // argon2 is hoisted to the top folder; `npm rebuild` run anywhere else reports success and builds nothing.
  runNpmOrThrow(['rebuild', 'argon2'], root, log);

  writeFileSync(join(root, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
}

/**
 * Returns the cached code-server install, installing it first when the cache has none. The install
 * goes to a private folder that is renamed into place at the end, so an interrupted or concurrent
 * install never leaves a half-built cache behind.
 */
export function ensureCodeServer(log: (line: string) => void = (line) => console.log(line), version = CODE_SERVER_VERSION): CodeServerInstall {
  const install = codeServerPaths(version);
  if (existsSync(join(install.root, COMPLETE_MARKER)) && existsSync(install.entry)) {
    provideRipgrep(install);
    return install;
  }

  if (existsSync(install.root)) {
    log(`Removing an incomplete code-server install at ${install.root}`);
    rmSync(install.root, { recursive: true, force: true });
  }

  const started = Date.now();
  const partial = `${install.root}.partial-${process.pid}`;
  log(`Installing code-server ${version} into ${install.root} (once per version; about a minute)`);
  try {
    installInto(partial, version, log);
    renameSync(partial, install.root);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (existsSync(join(install.root, COMPLETE_MARKER))) return install;
    throw error;
  }
  log(`Installed code-server ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return install;
}
