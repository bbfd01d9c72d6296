import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

/** Root of this package (out/test/unit/cli → four levels up). */
export const PACKAGE_ROOT = resolve(__dirname, '../../../..');

const SARIF_SCHEMA_PATH = join(PACKAGE_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/**
 * Validates a SARIF log against the SARIF 2.1.0 schema, checking the formats it uses too. The schema's
 * language pattern is not valid with the u flag, so patterns compile without it.
 */
export function sarifValidator(): (log: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as object);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI through main() with `cwd` as its current folder, capturing what it writes. */
export async function runCli(argv: string[], cwd: string, options: { isTTY?: boolean; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.isTTY ?? false },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: options.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Creates a temporary folder with the given files (relative path → content); `dispose` removes it. */
export function makeWorkspace(files: Record<string, string | Uint8Array>): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'trust-anchor-cli-'));
  for (const [relativePath, content] of Object.entries(files)) {
    const target = join(root, relativePath);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A legacy service-account token Secret: one `service-accounts/legacy-token-secret` finding (error) on line 7. */
export const LEGACY_TOKEN_SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: build-robot-token',
  '  annotations:',
  '    kubernetes.io/service-account.name: build-robot',
  'type: kubernetes.io/service-account-token',
  '',
].join('\n');

export const LEGACY_TOKEN_RULE = 'service-accounts/legacy-token-secret';

/** A manifest no rule reports on. */
export const CLEAN_CONFIG_MAP = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  mode: strict', ''].join('\n');
