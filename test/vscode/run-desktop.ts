/**
 * Runs the same extension-host suite in a desktop VS Code with @vscode/test-electron. It never
 * downloads VS Code: it uses the executable named by VSCODE_EXECUTABLE or one found in the usual
 * install locations, and stops with instructions when there is none.
 *
 * Usage: VSCODE_EXECUTABLE=/path/to/code node out/test/vscode/run-desktop.js [--grep PATTERN]   (npm run test:desktop)
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './harness/install';
import { PeakMemorySampler, printLayerSummary, type LayerCounts } from './harness/report';
import { FIXTURE_WORKSPACE, prepareRunDir, writeEmptyKubeconfig } from './harness/workspace';
import { GREP_VARIABLE, RESULT_FILE_VARIABLE } from './suite/index';

const LAYER = 'extension host (desktop VS Code, @vscode/test-electron)';
export const EXECUTABLE_VARIABLE = 'VSCODE_EXECUTABLE';

/** Returns the desktop VS Code executable (the Electron binary, not the `code` shell script) for this platform. */
function findDesktopVSCode(): string | undefined {
  const configured = process.env[EXECUTABLE_VARIABLE];
  if (configured) return configured;

  const candidates: string[] = [];
  if (process.platform === 'linux') {
    candidates.push('/usr/share/code/code', '/opt/visual-studio-code/code', '/snap/code/current/usr/share/code/code');
  } else if (process.platform === 'darwin') {
    for (const applications of ['/Applications', join(homedir(), 'Applications')]) {
      // VS Code 1.110 renamed the macOS binary from Electron to the product name.
      candidates.push(join(applications, 'Visual Studio Code.app', 'Contents', 'MacOS', 'Code'));
      candidates.push(join(applications, 'Visual Studio Code.app', 'Contents', 'MacOS', 'Electron'));
    }
  } else if (process.platform === 'win32') {
    const localAppData = process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local');
    candidates.push(join(localAppData, 'Programs', 'Microsoft VS Code', 'Code.exe'));
    if (process.env.ProgramFiles) candidates.push(join(process.env.ProgramFiles, 'Microsoft VS Code', 'Code.exe'));
  }
  return candidates.find((candidate) => existsSync(candidate));
}

async function main(): Promise<number> {
  const started = Date.now();
  const memory = new PeakMemorySampler();
  const counts: LayerCounts = { passed: 0, failed: 0, skipped: 0 };
  const grepIndex = process.argv.indexOf('--grep');

  const executable = findDesktopVSCode();
  if (!executable || !existsSync(executable)) {
    const named = process.env[EXECUTABLE_VARIABLE] ? ` (${EXECUTABLE_VARIABLE}=${process.env[EXECUTABLE_VARIABLE]} does not exist)` : '';
    console.error(
      `test:desktop needs a local desktop VS Code and found none${named}. It does not download one.\n` +
        `Install VS Code, or set ${EXECUTABLE_VARIABLE} to its executable, for example:\n` +
        `  Linux:   ${EXECUTABLE_VARIABLE}=/usr/share/code/code npm run test:desktop\n` +
        `  macOS:   ${EXECUTABLE_VARIABLE}="/Applications/Visual Studio Code.app/Contents/MacOS/Code" npm run test:desktop\n` +
        `  Windows: set ${EXECUTABLE_VARIABLE}=%LOCALAPPDATA%\\Programs\\Microsoft VS Code\\Code.exe\n` +
        'On a machine without a desktop VS Code, run the same suite with "npm run test:vscode" (code-server).',
    );
    counts.failed = 1;
    printLayerSummary(LAYER, counts, Date.now() - started, memory.stop());
    return 1;
  }

  // The suite edits files, and a profile of its own keeps the user's settings and extensions out.
  const { runDir, workspace } = prepareRunDir('desktop', FIXTURE_WORKSPACE);
  const resultFile = join(runDir, 'result.json');

  try {
    const extensionTestsEnv: Record<string, string> = { [RESULT_FILE_VARIABLE]: resultFile, KUBECONFIG: writeEmptyKubeconfig(runDir) };
    if (grepIndex >= 0) extensionTestsEnv[GREP_VARIABLE] = process.argv[grepIndex + 1];
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${join(runDir, 'user-data')}`, `--extensions-dir=${join(runDir, 'extensions')}`],
      extensionTestsEnv,
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
  }

  if (existsSync(resultFile)) Object.assign(counts, JSON.parse(readFileSync(resultFile, 'utf8')) as LayerCounts);
  else {
    console.error(`The suite wrote no result file (${resultFile}), so it did not load or VS Code did not start it.`);
    counts.failed = Math.max(1, counts.failed);
  }
  rmSync(runDir, { recursive: true, force: true });

  printLayerSummary(LAYER, counts, Date.now() - started, memory.stop());
  return counts.failed === 0 ? 0 : 1;
}

void main().then((code) => process.exit(code));
