import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  analyzeEvidence,
  collectEvidence,
  compareEvidence,
  formatComparison,
  loadKubeconfig,
  resolveKubeconfigPaths,
  type ClusterEvidence,
  type ContextComparison,
  type LiveAnalysis,
  type MergedKubeconfig,
} from '../cluster';
import { ClusterError } from '../cluster/errors';
import type { FileAnalysis } from '../engine/model';
import { KNOWN_RULES } from '../engine/rules';
import type { ScanOptions } from './args';
import { collectFiles } from './files';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, UsageError, type CliIo } from './io';
import { findPackageInfo, TOOL_NAME } from './package-info';
import type { ReportContext } from './report';
import { writeJsonReport } from './report-json';
import { writeSarifReport } from './report-sarif';
import { summaryLine, writeTextReport } from './report-text';
import { failsAt, scanFiles, type ScanResult } from './scan';

/** A request that needs a live cluster: the `compare` command, or `scan` with --context or --kubeconfig. */
export interface ClusterRequest {
  command: 'scan' | 'compare';
  options: ScanOptions;
}

/** Exit code when a cluster could not be read at all (unreachable, 401, TLS, exec plugin). */
/** A cluster that cannot be read is an I/O error, reported with the usage/I-O exit code. */
export const EXIT_CLUSTER = EXIT_USAGE;

export function needsCluster(command: 'scan' | 'compare', options: ScanOptions): boolean {
  return command === 'compare' || options.context !== undefined || options.kubeconfig !== undefined;
}

/** Runs `scan` with cluster evidence, or `compare` with the contexts given as `--context a,b`. */
export async function runClusterRequest(request: ClusterRequest, io: CliIo): Promise<number> {
  if (request.command === 'compare') {
    const contexts = (request.options.context ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    return compareContexts({ contexts, kubeconfig: request.options.kubeconfig, timeoutSeconds: 10, format: 'text' }, io);
  }
  return scanWithCluster(request.options, io);
}

const COMPARE_HELP = `Usage: trust-anchor compare --contexts NAME,NAME[,...] [options]

Compares the trust anchors of kubeconfig contexts, per system: root
fingerprints and trust domains side by side, and whether the clusters share a
root, federate, or are isolated. Reads public objects only (Secrets as
metadata).

Options:
  --contexts A,B,...   contexts to compare (at least two)
  --kubeconfig FILE    kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  --timeout SECONDS    time limit for each API request (default 10)
  --format text|markdown|json
                       output format (default text)
  -h, --help           show this help

Exit codes: 0 compared, 2 invalid command line, 3 a context could not be read.
`;

interface CompareOptions {
  contexts: string[];
  kubeconfig?: string;
  timeoutSeconds: number;
  format: 'text' | 'markdown' | 'json';
}

/** `trust-anchor compare ...`: `argv` is everything after the word `compare`. */
export async function runCompare(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CompareOptions | 'help';
  try {
    options = parseCompareArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${TOOL_NAME}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (options === 'help') {
    io.stdout.write(COMPARE_HELP);
    return EXIT_CLEAN;
  }
  return compareContexts(options, io);
}

function parseCompareArguments(argv: readonly string[]): CompareOptions | 'help' {
  const options: CompareOptions = { contexts: [], timeoutSeconds: 10, format: 'text' };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '-h' || argument === '--help') return 'help';
    const equals = argument.indexOf('=');
    const name = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : argument;
    const takeValue = (): string => {
      const value = equals > 0 ? argument.slice(equals + 1) : argv[++index];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`Option ${name} needs a value.`);
      return value;
    };

    if (name === '--contexts' || name === '--context') options.contexts.push(...takeValue().split(',').map((entry) => entry.trim()).filter(Boolean));
    else if (name === '--kubeconfig') options.kubeconfig = takeValue();
    else if (name === '--timeout') {
      const value = takeValue();
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new UsageError(`--timeout "${value}" is invalid; give seconds between 1 and 600.`);
      options.timeoutSeconds = seconds;
    } else if (name === '--format') {
      const value = takeValue();
      if (value !== 'text' && value !== 'markdown' && value !== 'json') throw new UsageError(`--format "${value}" is invalid for compare; use text, markdown or json.`);
      options.format = value;
    } else throw new UsageError(`Unknown option "${argument}" for compare. Run "${TOOL_NAME} compare --help".`);
  }
  return options;
}

async function compareContexts(options: CompareOptions, io: CliIo): Promise<number> {
  if (options.contexts.length < 2) {
    io.stderr.write(`${TOOL_NAME}: compare needs at least two contexts: --contexts NAME,NAME.\n`);
    return EXIT_USAGE;
  }

  let kubeconfig: MergedKubeconfig;
  try {
    kubeconfig = loadKubeconfigFor(options.kubeconfig, io);
  } catch (error) {
    io.stderr.write(`${TOOL_NAME}: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }

  const evidences = await Promise.all(
    options.contexts.map((context) => collectEvidence(kubeconfig, { context, allowExecPlugins: true, requestTimeoutMs: options.timeoutSeconds * 1000, env: io.env })),
  );
  const comparison: ContextComparison = compareEvidence(evidences);
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else io.stdout.write(`${formatComparison(comparison, options.format)}\n`);
  writeGaps(evidences, io);
  return comparison.failures.length > 0 ? EXIT_CLUSTER : EXIT_CLEAN;
}

function loadKubeconfigFor(file: string | undefined, io: CliIo): MergedKubeconfig {
  const location = file ? { paths: [resolve(io.cwd, file)], origin: 'KUBECONFIG' as const } : resolveKubeconfigPaths({ kubeconfigEnv: io.env.KUBECONFIG, home: io.env.HOME });
  return loadKubeconfig(location);
}

export interface ClusterScan {
  evidence: ClusterEvidence;
  analysis: LiveAnalysis;
}

/**
 * The scan hook: collects evidence from `--context` (or the current context) of `--kubeconfig` (or
 * KUBECONFIG) and runs the rules on the live objects. Throws UsageError for kubeconfig problems;
 * cluster failures are in `evidence.fatal` and `evidence.systems[*].gaps`.
 */
export async function scanClusterEvidence(options: Pick<ScanOptions, 'context' | 'kubeconfig' | 'ruleOverrides'>, io: CliIo, timeoutSeconds = 10): Promise<ClusterScan> {
  let kubeconfig: MergedKubeconfig;
  try {
    kubeconfig = loadKubeconfigFor(options.kubeconfig, io);
  } catch (error) {
    if (error instanceof ClusterError) throw new UsageError(error.message);
    throw error;
  }
  const evidence = await collectEvidence(kubeconfig, { context: options.context, allowExecPlugins: true, requestTimeoutMs: timeoutSeconds * 1000, env: io.env });
  if (evidence.fatal?.kind === 'config') throw new UsageError(evidence.fatal.message);
  const analysis = analyzeEvidence(evidence, { analysis: { severityOverrides: options.ruleOverrides } });
  return { evidence, analysis };
}

/** Adds the cluster findings to a manifest scan result, so every report format shows them. */
export function mergeClusterFindings(result: ScanResult, scan: ClusterScan): ScanResult {
  const files = [...new Set(scan.analysis.findings.map((finding) => finding.file))].sort();
  const analyses: FileAnalysis[] = files.map((file) => ({ file, findings: scan.analysis.findings.filter((finding) => finding.file === file), notices: [], suppressed: [] }));
  return {
    ...result,
    files: [...result.files, ...files],
    analyses: [...result.analyses, ...analyses],
    findings: [...result.findings, ...scan.analysis.findings],
    linesOf: (file) => result.linesOf(file) ?? scan.analysis.linesOf(file),
  };
}

async function scanWithCluster(options: ScanOptions, io: CliIo): Promise<number> {
  const collected = await collectFiles(options.paths, io.cwd, options.excludes);
  const manifestResult = await scanFiles(collected, {
    maxFileBytes: Math.round(options.maxFileSizeMb * 1024 * 1024),
    ruleOverrides: options.ruleOverrides,
    estateRoots: options.estatePerPath ? collected.roots : undefined,
  });
  const cluster = await scanClusterEvidence(options, io);
  const result = mergeClusterFindings(manifestResult, cluster);

  const context: ReportContext = { result, package: findPackageInfo(), rules: KNOWN_RULES, ruleOverrides: options.ruleOverrides, cwd: io.cwd };
  if (options.docsBase !== undefined) context.docsBase = options.docsBase;
  const report = options.format === 'json' ? writeJsonReport(context) : options.format === 'sarif' ? writeSarifReport(context) : writeTextReport(context, false);

  if (options.output === undefined) {
    io.stdout.write(report);
  } else {
    try {
      await writeFile(resolve(io.cwd, options.output), report, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot write --output "${options.output}": ${(error as Error).message}. Choose a writable file in an existing folder.`);
    }
    io.stderr.write(`${TOOL_NAME}: ${summaryLine(context)} Report written to ${options.output}.\n`);
  }
  writeGaps([cluster.evidence], io);

  if (cluster.evidence.fatal) return EXIT_CLUSTER;
  return result.findings.some((finding) => failsAt(finding.severity, options.failOn)) ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Writes what could not be read to stderr, one line each, so reports on stdout stay parseable. */
function writeGaps(evidences: readonly ClusterEvidence[], io: CliIo): void {
  for (const evidence of evidences) {
    if (evidence.fatal) {
      io.stderr.write(`${TOOL_NAME}: context ${evidence.context}: ${evidence.fatal.message}\n`);
      continue;
    }
    const seen = new Set<string>();
    for (const system of Object.values(evidence.systems)) {
      for (const gap of system.gaps) {
        if (seen.has(gap.message)) continue;
        seen.add(gap.message);
        io.stderr.write(`${TOOL_NAME}: context ${evidence.context}: ${system.system} evidence incomplete: ${gap.message}\n`);
      }
    }
  }
}
