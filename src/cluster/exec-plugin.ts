import { spawn } from 'node:child_process';
import { ClusterError } from './errors';

/**
 * Runs a kubeconfig `exec` credential plugin (client.authentication.k8s.io) with a time limit.
 * The Kubernetes client's own runner has no time limit, so a plugin that waits for a browser login
 * would hang collection; this runner kills it and names the command in the error.
 */

export interface ExecCredential {
  token?: string;
  /** PEM text, as the ExecCredential status carries it. */
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export interface ExecPluginOptions {
  userName: string;
  contextName: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
}

const MAX_OUTPUT_BYTES = 1024 * 1024;

export function execCommandOf(exec: Record<string, unknown>): string {
  return typeof exec.command === 'string' ? exec.command : '(no command)';
}

export function runExecPlugin(exec: Record<string, unknown>, options: ExecPluginOptions): Promise<ExecCredential> {
  const command = execCommandOf(exec);
  const where = `exec credential plugin "${command}" of user "${options.userName}" (context "${options.contextName}")`;
  const installHint = typeof exec.installHint === 'string' && exec.installHint.trim() ? ` ${exec.installHint.trim()}` : '';

  if (typeof exec.command !== 'string' || exec.command === '') {
    return Promise.reject(new ClusterError('exec-plugin', `The exec credential plugin of user "${options.userName}" has no command. Fix users[].user.exec.command in the kubeconfig.`));
  }

  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  if (Array.isArray(exec.env)) {
    for (const entry of exec.env as { name?: unknown; value?: unknown }[]) {
      if (typeof entry?.name === 'string') env[entry.name] = String(entry.value ?? '');
    }
  }
  const apiVersion = typeof exec.apiVersion === 'string' ? exec.apiVersion : 'client.authentication.k8s.io/v1';
  env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });

  return new Promise<ExecCredential>((resolve, reject) => {
    let settled = false;
    let stdout = '';
    let stderr = '';
    const child = spawn(exec.command as string, args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });

    const finish = (error: ClusterError | undefined, credential?: ExecCredential): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(error);
      } else {
        resolve(credential!);
      }
    };

    const timer = setTimeout(() => {
      finish(new ClusterError('exec-plugin', `The ${where} did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped. It may be waiting for an interactive login: log in with it in a terminal first.`));
    }, options.timeoutMs);
    const onAbort = (): void => finish(new ClusterError('cancelled', `Cancelled while the ${where} was running.`));
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) onAbort();

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > MAX_OUTPUT_BYTES) finish(new ClusterError('exec-plugin', `The ${where} printed more than 1 MiB; that is not an ExecCredential.`));
    });
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        finish(new ClusterError('exec-plugin', `The ${where} was not found. Install it or put it on PATH.${installHint}`));
      } else if (error.code === 'EACCES') {
        finish(new ClusterError('exec-plugin', `The ${where} is not executable (EACCES). Check its file permissions.`));
      } else {
        finish(new ClusterError('exec-plugin', `The ${where} could not be started: ${error.message}.`));
      }
    });

    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        const reason = firstLine(stderr);
        finish(new ClusterError('exec-plugin', `The ${where} failed (${signal ? `signal ${signal}` : `exit code ${code}`})${reason ? `: ${reason}` : ''}. Run it in a terminal to see why.`));
        return;
      }
      finish(undefined, parseCredential(stdout, where));
    });
  }).catch((error: unknown) => {
    throw error instanceof ClusterError ? error : new ClusterError('exec-plugin', `The ${where} failed: ${(error as Error).message}`);
  });
}

function parseCredential(stdout: string, where: string): ExecCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new ClusterError('exec-plugin', `The ${where} did not print an ExecCredential as JSON (got ${stdout.length} characters that are not JSON).`);
  }
  const status = (parsed as { status?: Record<string, unknown> } | null)?.status;
  if (!status || typeof status !== 'object') {
    throw new ClusterError('exec-plugin', `The ${where} printed JSON without a status; an ExecCredential needs status.token or status.clientCertificateData.`);
  }
  const credential: ExecCredential = {};
  if (typeof status.token === 'string') credential.token = status.token;
  if (typeof status.clientCertificateData === 'string') credential.clientCertificateData = status.clientCertificateData;
  if (typeof status.clientKeyData === 'string') credential.clientKeyData = status.clientKeyData;
  if (typeof status.expirationTimestamp === 'string') credential.expirationTimestamp = status.expirationTimestamp;
  if (!credential.token && !credential.clientCertificateData) {
    throw new ClusterError('exec-plugin', `The ${where} returned neither a token nor a client certificate.`);
  }
  return credential;
}

function firstLine(text: string): string {
  const line = text.split('\n').map((entry) => entry.trim()).find(Boolean) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
