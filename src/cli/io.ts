/** Where the CLI writes and what it reads from its process; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  /** Folder that relative paths on the command line and in reports are relative to. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A problem with the command line or with reading or writing a named path; exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
