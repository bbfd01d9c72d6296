import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runAssessment, validateUserAnswers, type UserAnswers } from '../assessment/assess';
import { toJson, toMarkdown } from '../assessment/report';
import { VERDICT_TITLES, type Verdict } from '../assessment/scoring';
import { DEFAULT_MAX_FILE_SIZE_MB } from './args';
import { collectFiles } from './files';
import { EXIT_CLEAN, EXIT_FINDINGS, UsageError, type CliIo } from './io';
import { scanFiles } from './scan';

export const ASSESS_HELP = `Usage: trust-anchor assess [options] [PATH...]

Runs the trust-anchor assessment non-interactively on manifests (files or folders, default ".")
and writes a report with the verdict, per-dimension scores and a migration plan.

Options:
  --answers FILE           Answers a person gave (JSON or YAML; see docs/assessment.md)
  --format markdown|json   Report format (default: markdown)
  --output FILE            Write the report to FILE instead of standard output
  --exclude GLOB           Skip files matching GLOB (repeatable)
  --fail-on-verdict V      Exit 1 when the verdict is V or worse: cluster-bound,
                           partially-cluster-bound, or none (default: none)
  -h, --help               Show this help

All PATHs are assessed as one estate; assess one cluster's or environment's
manifests per run.
`;

export interface AssessOptions {
  paths: string[];
  answersFile?: string;
  format: 'markdown' | 'json';
  output?: string;
  excludes: string[];
  failOnVerdict: 'cluster-bound' | 'partially-cluster-bound' | 'none';
  context?: string;
  kubeconfig?: string;
  help: boolean;
}

export function parseAssessArguments(argv: readonly string[]): AssessOptions {
  const options: AssessOptions = { paths: [], format: 'markdown', excludes: [], failOnVerdict: 'none', help: false };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const value = (): string => {
      const next = inline ?? argv[++index];
      if (next === undefined || (inline === undefined && next.startsWith('--'))) throw new UsageError(`${flag} needs a value. Run "trust-anchor assess --help" for usage.`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '--answers':
        options.answersFile = value();
        break;
      case '--format': {
        const format = value();
        if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format "${format}" is not supported by assess; use markdown or json.`);
        options.format = format;
        break;
      }
      case '--output':
        options.output = value();
        break;
      case '--exclude':
        options.excludes.push(value());
        break;
      case '--fail-on-verdict': {
        const verdict = value();
        if (verdict !== 'cluster-bound' && verdict !== 'partially-cluster-bound' && verdict !== 'none') {
          throw new UsageError(`--fail-on-verdict "${verdict}" is invalid; use cluster-bound, partially-cluster-bound or none.`);
        }
        options.failOnVerdict = verdict;
        break;
      }
      case '--context':
      case '--kubeconfig':
        throw new UsageError(`${flag} is not supported by assess yet: collect cluster evidence in VS Code ("Trust Anchor: Collect Cluster Evidence"), or run "trust-anchor scan --context NAME" for cluster findings.`);
      default:
        if (argument.startsWith('-')) throw new UsageError(`Unknown option "${argument}" for assess. Run "trust-anchor assess --help" for usage.`);
        options.paths.push(argument);
    }
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

/** Reads and validates an answers file; every problem is reported with the fix. */
export async function readAnswersFile(path: string, cwd: string): Promise<UserAnswers> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --answers "${path}": ${(error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new UsageError(`--answers "${path}" is not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}.`);
  }
  const { answers, problems } = validateUserAnswers(parsed ?? {});
  if (problems.length > 0) throw new UsageError(`--answers "${path}": ${problems.join('; ')}.`);
  return answers;
}

const VERDICT_ORDER: Verdict[] = ['portable', 'undetermined', 'partially-cluster-bound', 'cluster-bound'];

/** Runs `trust-anchor assess` and returns the exit code. */
export async function runAssess(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parseAssessArguments(argv);
  if (options.help) {
    io.stdout.write(ASSESS_HELP);
    return EXIT_CLEAN;
  }
  const userAnswers = options.answersFile ? await readAnswersFile(options.answersFile, io.cwd) : {};
  const collected = await collectFiles(options.paths, io.cwd, options.excludes);
  const scan = await scanFiles(collected, { maxFileBytes: DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024, ruleOverrides: {} });
  const result = runAssessment({ workspace: scan.workspace, findings: scan.findings }, userAnswers);
  const report = options.format === 'markdown' ? toMarkdown(result) : toJson(result);

  if (options.output === undefined) io.stdout.write(report);
  else {
    try {
      await writeFile(resolve(io.cwd, options.output), report, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot write --output "${options.output}": ${(error as Error).message}. Choose a writable file in an existing folder.`);
    }
    io.stderr.write(`trust-anchor: verdict ${VERDICT_TITLES[result.score.verdict]}; report written to ${options.output}.\n`);
  }

  if (options.failOnVerdict === 'none') return EXIT_CLEAN;
  return VERDICT_ORDER.indexOf(result.score.verdict) >= VERDICT_ORDER.indexOf(options.failOnVerdict) ? EXIT_FINDINGS : EXIT_CLEAN;
}
