import type { ManifestDocument, ManifestFile } from './manifest/parse';

/**
 * The parsed files of one analysis run (the CLI's paths, or the editor's workspace), indexed by
 * kind so rules can follow references across files.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, ManifestFile>();
  private kindIndex: Map<string, ManifestDocument[]> | undefined;

  constructor(files: Iterable<ManifestFile> = []) {
    for (const file of files) this.files.set(file.path, file);
  }

  set(file: ManifestFile): void {
    this.files.set(file.path, file);
    this.kindIndex = undefined;
  }

  delete(path: string): void {
    if (this.files.delete(path)) this.kindIndex = undefined;
  }

  get(path: string): ManifestFile | undefined {
    return this.files.get(path);
  }

  allFiles(): ManifestFile[] {
    return [...this.files.values()];
  }

  /** Documents of one Kubernetes kind across all files. */
  byKind(kind: string): readonly ManifestDocument[] {
    if (!this.kindIndex) {
      const index = new Map<string, ManifestDocument[]>();
      for (const file of this.files.values()) {
        for (const document of file.documents) {
          if (!document.kind) continue;
          let list = index.get(document.kind);
          if (!list) index.set(document.kind, (list = []));
          list.push(document);
        }
      }
      this.kindIndex = index;
    }
    return this.kindIndex.get(kind) ?? [];
  }

  /**
   * Documents of `kind` named `name`. With a namespace, only that namespace (documents without a
   * namespace match any, because a manifest often leaves it to `kubectl -n`). With `from`, only the
   * matches closest to that file (see `nearest`).
   */
  find(kind: string, name: string, namespace?: string, from?: string): ManifestDocument[] {
    const matches = this.byKind(kind).filter(
      (document) => document.name === name && (namespace === undefined || document.namespace === undefined || document.namespace === namespace),
    );
    return from === undefined ? matches : nearest(matches, from);
  }
}

/**
 * Keeps the candidates closest to the file `from`: those in the same file, else those sharing the
 * deepest folder with it. A repository often holds one folder per cluster or environment with
 * objects of the same names, and a reference resolves within its own folder first.
 */
export function nearest<T extends ManifestDocument>(candidates: readonly T[], from: string): T[] {
  if (candidates.length <= 1) return [...candidates];
  const fromSegments = from.split(/[\\/]/);
  let best = -1;
  let kept: T[] = [];
  for (const candidate of candidates) {
    const score = candidate.file.path === from ? Number.POSITIVE_INFINITY : sharedPrefixLength(fromSegments, candidate.file.path.split(/[\\/]/));
    if (score > best) {
      best = score;
      kept = [candidate];
    } else if (score === best) {
      kept.push(candidate);
    }
  }
  return kept;
}

function sharedPrefixLength(a: string[], b: string[]): number {
  const limit = Math.min(a.length, b.length) - 1;
  let shared = 0;
  while (shared < limit && a[shared] === b[shared]) shared++;
  return shared;
}
