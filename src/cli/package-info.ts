import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDocsPath } from '../engine/rules';

export const TOOL_NAME = 'Trust Anchor Assessor';
const PACKAGE_NAME = 'trust-anchor-assessor';

export interface PackageInfo {
  /** Folder of the installed package (holding package.json and docs/), when it can be found. */
  root?: string;
  version: string;
}

/**
 * Finds the package folder by walking up from `start` to the package.json named
 * trust-anchor-assessor. From the bundle (dist/cli.js) that is one level up; from the compiled
 * sources (out/src/cli) three.
 */
export function findPackageInfo(start: string = __dirname): PackageInfo {
  let folder = start;
  for (;;) {
    const manifestPath = join(folder, 'package.json');
    if (existsSync(manifestPath)) {
      try {
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown; version?: unknown };
        if (manifest.name === PACKAGE_NAME) {
          return { root: folder, version: typeof manifest.version === 'string' ? manifest.version : '0.0.0' };
        }
      } catch {
        // An unreadable package.json belongs to some other package; keep walking up.
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return { version: '0.0.0' };
    folder = parent;
  }
}

/** URL of a rule's page: under `docsBase` when given, else the file in the installed package. */
export function ruleHelpUri(ruleId: string, info: PackageInfo, docsBase?: string): string | undefined {
  if (docsBase) return `${docsBase.replace(/\/+$/, '')}/${ruleId}.md`;
  if (!info.root) return undefined;
  return pathToFileURL(join(info.root, ruleDocsPath(ruleId))).href;
}

/** URL of the CLI's own documentation, for SARIF's tool.driver.informationUri. */
export function toolInformationUri(info: PackageInfo, docsBase?: string): string | undefined {
  if (docsBase) return `${docsBase.replace(/\/+$/, '')}/`;
  if (!info.root) return undefined;
  return pathToFileURL(join(info.root, 'docs', 'cli.md')).href;
}
