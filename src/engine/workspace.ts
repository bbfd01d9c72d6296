import { isTemplatePlaceholder } from './manifest/helm';
import type { ManifestDocument, ManifestFile } from './manifest/parse';

/**
 * The parsed files of one analysis run (the CLI's paths, or the editor's workspace), indexed by
 * kind so rules can follow references across files.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, ManifestFile>();
  private kindIndex: Map<string, ManifestDocument[]> | undefined;
  private estateRoots: string[] = [];
  private readonly estateViews = new Map<string, EstateView>();

  constructor(files: Iterable<ManifestFile> = []) {
    for (const file of files) this.files.set(file.path, file);
  }

  set(file: ManifestFile): void {
    this.files.set(file.path, file);
    this.invalidate();
  }

  delete(path: string): void {
    if (this.files.delete(path)) this.invalidate();
  }

  private invalidate(): void {
    this.kindIndex = undefined;
    this.estateViews.clear();
  }

  /**
   * Declares folders that each hold one estate (one cluster's or environment's manifests), such as
   * the folders of a multi-root VS Code workspace. Rules then resolve references and check for the
   * presence of objects only inside the estate of the file they analyse. No roots: one estate.
   */
  setEstateRoots(roots: readonly string[]): void {
    this.estateRoots = roots.map((root) => root.replace(/[\\/]+$/, '')).filter((root) => root !== '');
    this.invalidate();
  }

  /** Returns the estate root that contains `path` (the longest matching root), or undefined. */
  estateOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.estateRoots) {
      if ((path === root || path.startsWith(`${root}/`) || path.startsWith(`${root}\\`)) && (!best || root.length > best.length)) best = root;
    }
    return best;
  }

  /** Returns the index as the file `path` sees it: only its estate when estate roots are declared. */
  viewFrom(path: string): WorkspaceIndex {
    const estate = this.estateOf(path);
    if (estate === undefined) return this;
    let view = this.estateViews.get(estate);
    if (!view) {
      view = new EstateView(this, estate);
      this.estateViews.set(estate, view);
    }
    return view;
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
    // A name blanked from a template action is unknown; two blanked names of equal length are not the same name.
    if (isTemplatePlaceholder(name)) return [];
    const matches = this.byKind(kind).filter(
      (document) => document.name === name && (namespace === undefined || document.namespace === undefined || document.namespace === namespace),
    );
    return from === undefined ? matches : nearest(matches, from);
  }
}

/** A read-only view of the files under one estate root. */
class EstateView extends WorkspaceIndex {
  private readonly kinds = new Map<string, readonly ManifestDocument[]>();

  constructor(
    private readonly base: WorkspaceIndex,
    private readonly root: string,
  ) {
    super();
  }

  private contains(path: string): boolean {
    return this.base.estateOf(path) === this.root;
  }

  override get(path: string): ManifestFile | undefined {
    return this.contains(path) ? this.base.get(path) : undefined;
  }

  override allFiles(): ManifestFile[] {
    return this.base.allFiles().filter((file) => this.contains(file.path));
  }

  override byKind(kind: string): readonly ManifestDocument[] {
    let documents = this.kinds.get(kind);
    if (!documents) {
      documents = this.base.byKind(kind).filter((document) => this.contains(document.file.path));
      this.kinds.set(kind, documents);
    }
    return documents;
  }

  override viewFrom(): WorkspaceIndex {
    return this;
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
