import type { SeveritySetting } from '../engine/analyze';
import { SEVERITIES } from '../engine/model';
import { UsageError } from './io';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `--fail-on` levels use SARIF's names: `note` covers the engine's `info` and `hint`. */
export const FAIL_LEVELS = ['error', 'warning', 'note', 'none'] as const;
export type FailLevel = (typeof FAIL_LEVELS)[number];

export const COMMANDS = ['scan', 'compare'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface ScanOptions {
  /** Files and folders as given; `.` when none. */
  paths: string[];
  format: OutputFormat;
  /** Report file; the report goes to stdout when unset. */
  output?: string;
  failOn: FailLevel;
  excludes: string[];
  maxFileSizeMb: number;
  ruleOverrides: Record<string, SeveritySetting>;
  /** Base URL of the rule pages, replacing the file:// URL of the installed package's docs/rules. */
  docsBase?: string;
  /** Cluster evidence: kubeconfig context name. */
  context?: string;
  /** Cluster evidence: kubeconfig file. */
  kubeconfig?: string;
  /** Treat each PATH as a separate estate: references resolve only inside their own PATH. */
  estatePerPath: boolean;
}

export type Command = { name: 'help' } | { name: 'version' } | { name: CommandName; options: ScanOptions };

export const DEFAULT_MAX_FILE_SIZE_MB = 5;

const RULE_SETTINGS: readonly SeveritySetting[] = [...SEVERITIES, 'off'];

interface OptionSpec {
  /** Placeholder shown in messages, such as `FILE`. */
  value?: string;
}

const OPTIONS: Record<string, OptionSpec> = {
  '--format': { value: 'text|json|sarif' },
  '--output': { value: 'FILE' },
  '--fail-on': { value: 'error|warning|note|none' },
  '--exclude': { value: 'GLOB' },
  '--max-file-size': { value: 'MB' },
  '--rule': { value: 'ID=SEVERITY|off' },
  '--docs-base': { value: 'URL' },
  '--context': { value: 'NAME' },
  '--kubeconfig': { value: 'FILE' },
  '--estate-per-path': {},
  '--help': {},
  '--version': {},
};

const SHORT_OPTIONS: Record<string, string> = { '-h': '--help' };

export const HELP_TEXT = `Usage: trust-anchor scan [options] [PATH...]
       trust-anchor assess [options] [PATH...]   (see trust-anchor assess --help)

Finds workload-identity trust anchors (SPIRE, cert-manager, Istio, Linkerd,
service-account issuers, network policy) that are bound to one cluster.

PATH is a file or folder (default "."). Folders are searched for *.yaml, *.yml,
*.yaml.tmpl, *.yml.tmpl, *.tpl and *.golden files, skipping node_modules and
.git; a file named on the command line is always scanned.

Options:
  --format text|json|sarif    report format (default text)
  --output FILE               write the report to FILE instead of stdout
  --fail-on error|warning|note|none
                              exit with 1 when a finding is at or above this
                              level (default error; info and hint count as note)
  --exclude GLOB              skip files and folders matching GLOB (repeatable)
  --max-file-size MB          skip files larger than MB megabytes (default 5)
  --rule ID=SEVERITY|off      set a rule's severity (error, warning, info, hint)
                              or turn it off (repeatable)
  --docs-base URL             link rule pages under URL instead of the installed
                              package's docs/rules folder
  --estate-per-path           treat each PATH as its own estate (one cluster or
                              environment): references between files resolve
                              only inside the same PATH
  --context NAME              add evidence from this kubeconfig context
  --kubeconfig FILE           kubeconfig to read (default: KUBECONFIG, then
                              ~/.kube/config)
  -h, --help                  show this help
  --version                   show the version

       trust-anchor compare --contexts A,B[,...] [--kubeconfig FILE] [--format text|json]
                              compare the trust anchors of kubeconfig contexts

Exit codes: 0 no findings at or above --fail-on, 1 findings at or above
--fail-on, 2 invalid command line, a path that cannot be read or written,
or a cluster that cannot be read.
`;

/**
 * Parses the arguments after the program name. Throws UsageError with a message that names the
 * offending value and the fix.
 */
export function parseCommandLine(argv: readonly string[], knownRuleIds: ReadonlySet<string>): Command {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  let onlyPositionals = false;

  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (onlyPositionals || !argument.startsWith('-') || argument === '-') {
      positionals.push(argument);
      continue;
    }
    if (argument === '--') {
      onlyPositionals = true;
      continue;
    }

    const equals = argument.indexOf('=');
    const rawName = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : argument;
    const name = SHORT_OPTIONS[rawName] ?? rawName;
    const spec = OPTIONS[name];
    if (!spec) throw new UsageError(unknownOptionMessage(rawName));

    let value: string | undefined;
    if (spec.value) {
      if (equals > 0 && rawName.startsWith('--')) value = argument.slice(equals + 1);
      else if (i + 1 < argv.length && !OPTIONS[argv[i + 1]] && argv[i + 1] !== '--') value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`Option ${name} needs a value: ${name} ${spec.value}.`);
    } else if (equals > 0) {
      throw new UsageError(`Option ${name} takes no value; remove "${argument.slice(equals)}".`);
    }
    const list = values.get(name) ?? [];
    list.push(value ?? '');
    values.set(name, list);
  }

  if (values.has('--help')) return { name: 'help' };
  if (values.has('--version')) return { name: 'version' };

  const [commandName, ...paths] = positionals;
  if (commandName === undefined) {
    throw new UsageError('Missing command. Run "trust-anchor scan [PATH...]", or "trust-anchor --help" for the options.');
  }
  if (!(COMMANDS as readonly string[]).includes(commandName)) {
    const suggestion = closest(commandName, COMMANDS);
    const hint = suggestion ? `Did you mean "${suggestion}"?` : `Run "trust-anchor scan ${commandName}" to scan a path.`;
    throw new UsageError(`Unknown command "${commandName}". ${hint} Run "trust-anchor --help" for the commands.`);
  }

  const options = readScanOptions(values, paths, knownRuleIds);
  return { name: commandName as CommandName, options };
}

function readScanOptions(values: Map<string, string[]>, paths: string[], knownRuleIds: ReadonlySet<string>): ScanOptions {
  const single = (name: string): string | undefined => {
    const given = values.get(name);
    if (!given) return undefined;
    if (given.length > 1) throw new UsageError(`Option ${name} was given ${given.length} times ("${given.join('", "')}"); give it once.`);
    return given[0];
  };

  const format = single('--format') ?? 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Invalid --format "${format}". Use one of: ${OUTPUT_FORMATS.join(', ')}.`);
  }

  const failOn = single('--fail-on') ?? 'error';
  if (!(FAIL_LEVELS as readonly string[]).includes(failOn)) {
    throw new UsageError(`Invalid --fail-on "${failOn}". Use one of: ${FAIL_LEVELS.join(', ')} (info and hint findings count as note).`);
  }

  const sizeText = single('--max-file-size');
  let maxFileSizeMb = DEFAULT_MAX_FILE_SIZE_MB;
  if (sizeText !== undefined) {
    maxFileSizeMb = Number(sizeText);
    if (!/^\d+(\.\d+)?$/.test(sizeText.trim()) || !Number.isFinite(maxFileSizeMb) || maxFileSizeMb <= 0) {
      throw new UsageError(`Invalid --max-file-size "${sizeText}". Give the limit in megabytes as a positive number, such as 5 or 0.5.`);
    }
  }

  const docsBase = single('--docs-base');
  if (docsBase !== undefined && !URL.canParse(docsBase)) {
    throw new UsageError(`Invalid --docs-base "${docsBase}". Give an absolute URL, such as https://example.com/trust-anchor/rules.`);
  }

  const options: ScanOptions = {
    paths: paths.length > 0 ? paths : ['.'],
    format: format as OutputFormat,
    failOn: failOn as FailLevel,
    excludes: values.get('--exclude') ?? [],
    maxFileSizeMb,
    ruleOverrides: readRuleOverrides(values.get('--rule') ?? [], knownRuleIds),
    estatePerPath: values.has('--estate-per-path'),
  };
  const output = single('--output');
  if (output !== undefined) options.output = output;
  if (docsBase !== undefined) options.docsBase = docsBase;
  const context = single('--context');
  if (context !== undefined) options.context = context;
  const kubeconfig = single('--kubeconfig');
  if (kubeconfig !== undefined) options.kubeconfig = kubeconfig;
  return options;
}

function readRuleOverrides(settings: readonly string[], knownRuleIds: ReadonlySet<string>): Record<string, SeveritySetting> {
  const overrides: Record<string, SeveritySetting> = {};
  for (const setting of settings) {
    const equals = setting.lastIndexOf('=');
    if (equals <= 0) {
      throw new UsageError(`Invalid --rule "${setting}". Write --rule RULE-ID=SEVERITY, such as --rule istio/self-signed-root=warning, or RULE-ID=off.`);
    }
    const id = setting.slice(0, equals).trim();
    const level = setting.slice(equals + 1).trim();
    if (!knownRuleIds.has(id)) {
      const suggestion = closest(id, [...knownRuleIds]);
      throw new UsageError(`Unknown rule id "${id}" in --rule ${setting}.${suggestion ? ` Did you mean "${suggestion}"?` : ''} Rule ids are listed in docs/rules.`);
    }
    if (!(RULE_SETTINGS as readonly string[]).includes(level)) {
      throw new UsageError(`Invalid severity "${level}" in --rule ${setting}. Use one of: ${RULE_SETTINGS.join(', ')}.`);
    }
    overrides[id] = level as SeveritySetting;
  }
  return overrides;
}

function unknownOptionMessage(option: string): string {
  const suggestion = closest(option, Object.keys(OPTIONS));
  const hint = suggestion ? ` Did you mean ${suggestion}?` : '';
  return `Unknown option "${option}".${hint} Run "trust-anchor --help" for the options.`;
}

/** The candidate within edit distance 2 of `word`, for "did you mean" hints. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
