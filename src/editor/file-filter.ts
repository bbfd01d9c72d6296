import picomatch from 'picomatch';

/** File names the workspace scan and the watchers pick up. */
export const YAML_GLOB = '**/*.{yaml,yml}';

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Builds a matcher for `trustAnchor.exclude`. Paths are relative to their workspace folder, with
 * `/` or `\` separators; dot files and folders match too, as they do in `files.exclude`.
 */
export function createExcludeMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const matchers = globs.map((glob) => picomatch(glob, { dot: true }));
  return (relativePath) => {
    const normalised = relativePath.replace(/\\/g, '/');
    return matchers.some((matches) => matches(normalised));
  };
}
