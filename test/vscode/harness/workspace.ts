/** Throwaway run folders and the fixture workspace the extension-host suite opens. */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './install';

export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test', 'vscode', 'fixtures', 'workspace');

/** A kubeconfig with no clusters, so nothing a test starts can read the user's ~/.kube/config. */
export const EMPTY_KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\npreferences: {}\n';

/** Writes the empty kubeconfig into `folder` and returns its path. */
export function writeEmptyKubeconfig(folder: string): string {
  const path = join(folder, 'kubeconfig');
  writeFileSync(path, EMPTY_KUBECONFIG, { mode: 0o600 });
  return path;
}

/** Creates a temporary run folder holding a copy of `source` as `workspace/`. */
export function prepareRunDir(prefix: string, source: string): { runDir: string; workspace: string } {
  const runDir = mkdtempSync(join(tmpdir(), `trust-anchor-${prefix}-`));
  const workspace = join(runDir, 'workspace');
  cpSync(source, workspace, { recursive: true });
  return { runDir, workspace };
}
