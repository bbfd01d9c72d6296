import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { UsageError } from './io';

/** File names a folder walk picks up. A file named on the command line is scanned whatever its name. */
export const MANIFEST_FILE_NAME = /\.(ya?ml|ya?ml\.tmpl|tpl|golden)$/i;

/** Folders a walk never enters, whatever --exclude says. */
export const ALWAYS_SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git']);

export interface FoundFile {
  absolutePath: string;
  /** Path relative to the current folder with forward slashes: the name in reports and notices. */
  displayPath: string;
}

export interface WalkProblem {
  displayPath: string;
  message: string;
}

export interface CollectedFiles {
  files: FoundFile[];
  /** Display paths of the PATH arguments, in the order given. */
  roots: string[];
  /** Folders that could not be listed; reported as notices, not as a failed run. */
  problems: WalkProblem[];
}

/** Converts a path to the form reports use: relative to `cwd`, with `/` between segments. */
export function toDisplayPath(absolutePath: string, cwd: string): string {
  const relativePath = relative(cwd, absolutePath);
  const shown = relativePath === '' ? '.' : isAbsolute(relativePath) ? absolutePath : relativePath;
  return sep === '/' ? shown : shown.split(sep).join('/');
}

type Matcher = (path: string) => boolean;

/**
 * Builds the --exclude test. A glob without `/` matches a file or folder name anywhere (`*.golden`,
 * `templates`); a glob with `/` matches the path relative to the current folder or to the folder
 * named on the command line (`deploy/crds/**`).
 */
export function excludeMatcher(globs: readonly string[]): Matcher {
  const byName = globs.filter((glob) => !glob.includes('/'));
  const byPath = globs.filter((glob) => glob.includes('/'));
  const nameMatches = byName.length > 0 ? picomatch(byName, { dot: true, basename: true }) : () => false;
  const pathMatches = byPath.length > 0 ? picomatch(byPath, { dot: true }) : () => false;
  return (path) => nameMatches(path) || pathMatches(path);
}

/**
 * Resolves the command-line paths into the files to scan, sorted and without duplicates. Throws
 * UsageError for a path that does not exist or cannot be examined.
 */
export async function collectFiles(paths: readonly string[], cwd: string, excludes: readonly string[]): Promise<CollectedFiles> {
  const isExcluded = excludeMatcher(excludes);
  const found = new Map<string, FoundFile>();
  const problems: WalkProblem[] = [];
  const visitedFolders = new Set<string>();

  for (const given of paths) {
    const absolutePath = resolve(cwd, given);
    let info;
    try {
      info = await stat(absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new UsageError(`Path "${given}" does not exist (looked for ${absolutePath}). Pass an existing file or folder.`);
      }
      throw new UsageError(`Cannot read path "${given}": ${(error as Error).message}. Check its permissions.`);
    }

    if (info.isDirectory()) {
      const walk = { root: absolutePath, cwd, isExcluded, found, problems, visitedFolders };
      await walkFolder(walk, absolutePath);
    } else {
      found.set(absolutePath, { absolutePath, displayPath: toDisplayPath(absolutePath, cwd) });
    }
  }

  const files = [...found.values()].sort((a, b) => (a.displayPath < b.displayPath ? -1 : a.displayPath > b.displayPath ? 1 : 0));
  const roots = paths.map((given) => toDisplayPath(resolve(cwd, given), cwd));
  return { files, roots, problems };
}

interface Walk {
  root: string;
  cwd: string;
  isExcluded: Matcher;
  found: Map<string, FoundFile>;
  problems: WalkProblem[];
  /** Real paths of folders already walked, so symbolic links cannot loop. */
  visitedFolders: Set<string>;
}

async function walkFolder(walk: Walk, folder: string): Promise<void> {
  try {
    const real = await realpath(folder);
    if (walk.visitedFolders.has(real)) return;
    walk.visitedFolders.add(real);
  } catch {
    // A folder whose real path cannot be resolved is listed below and reported there if that fails too.
  }

  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    walk.problems.push({
      displayPath: toDisplayPath(folder, walk.cwd),
      message: `Could not list folder ${toDisplayPath(folder, walk.cwd)}: ${(error as Error).message}. Its files were not scanned; check its permissions.`,
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    const absolutePath = join(folder, entry.name);
    let isFolder = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(absolutePath);
        isFolder = target.isDirectory();
        isFile = target.isFile();
      } catch {
        continue;
      }
    }
    if (isFolder && ALWAYS_SKIPPED_FOLDERS.has(entry.name)) continue;
    if (!isFolder && !(isFile && MANIFEST_FILE_NAME.test(entry.name))) continue;
    if (excluded(walk, absolutePath, isFolder)) continue;

    if (isFolder) await walkFolder(walk, absolutePath);
    else walk.found.set(absolutePath, { absolutePath, displayPath: toDisplayPath(absolutePath, walk.cwd) });
  }
}

function excluded(walk: Walk, absolutePath: string, isFolder: boolean): boolean {
  const candidates = [toDisplayPath(absolutePath, walk.cwd), toDisplayPath(absolutePath, walk.root), basename(absolutePath)];
  return candidates.some((candidate) => walk.isExcluded(candidate) || (isFolder && walk.isExcluded(`${candidate}/`)));
}
