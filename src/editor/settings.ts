import type { SeveritySetting } from '../engine/analyze';
import { SEVERITIES } from '../engine/model';

/** The `trustAnchor.*` settings the editor reads, already validated. */
export interface EditorSettings {
  /** Per-rule severity overrides; `off` disables the rule. */
  rules: Record<string, SeveritySetting>;
  maxFileSizeBytes: number;
  analysisDelayMs: number;
  workspaceScan: boolean;
}

export const DEFAULT_SETTINGS: EditorSettings = {
  rules: {},
  maxFileSizeBytes: 5 * 1024 * 1024,
  analysisDelayMs: 300,
  workspaceScan: true,
};

/** An invalid setting value, with a message that names the value and the fix. */
export interface SettingsProblem {
  setting: string;
  message: string;
}

const SEVERITY_SETTINGS: readonly string[] = [...SEVERITIES, 'off'];

/**
 * Validates `trustAnchor.rules`. Unknown rule ids and invalid levels are reported and skipped, so
 * one typo never disables the other overrides.
 */
export function parseRuleSeverities(raw: unknown, knownRuleIds: ReadonlySet<string>): { rules: Record<string, SeveritySetting>; problems: SettingsProblem[] } {
  const rules: Record<string, SeveritySetting> = {};
  const problems: SettingsProblem[] = [];
  if (raw === undefined || raw === null) return { rules, problems };

  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({
      setting: 'trustAnchor.rules',
      message: `trustAnchor.rules must be an object that maps rule ids to a level, such as {"spire/memory-key-manager": "warning"}; got ${JSON.stringify(raw)}.`,
    });
    return { rules, problems };
  }

  for (const [ruleId, level] of Object.entries(raw as Record<string, unknown>)) {
    if (!knownRuleIds.has(ruleId)) {
      problems.push({
        setting: 'trustAnchor.rules',
        message: `trustAnchor.rules names unknown rule id "${ruleId}"; it is ignored. Use an id shown in a Trust Anchor diagnostic (command "Trust Anchor: Show Rule Documentation" lists them).`,
      });
      continue;
    }
    if (typeof level !== 'string' || !SEVERITY_SETTINGS.includes(level)) {
      problems.push({
        setting: 'trustAnchor.rules',
        message: `trustAnchor.rules["${ruleId}"] is ${JSON.stringify(level)}, which is not a level; use one of ${SEVERITY_SETTINGS.map((name) => `"${name}"`).join(', ')}.`,
      });
      continue;
    }
    rules[ruleId] = level as SeveritySetting;
  }
  return { rules, problems };
}

/** Reads a number setting, falling back to the default (and reporting why) when it is out of range. */
export function parseNumberSetting(
  setting: string,
  raw: unknown,
  fallback: number,
  minimum: number,
  maximum: number,
  unit: string,
): { value: number; problem?: SettingsProblem } {
  if (raw === undefined || raw === null) return { value: fallback };
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < minimum || raw > maximum) {
    return {
      value: fallback,
      problem: {
        setting,
        message: `${setting} is ${JSON.stringify(raw)}; it must be a number of ${unit} from ${minimum} to ${maximum}. Using ${fallback}.`,
      },
    };
  }
  return { value: raw };
}

/** Validates `trustAnchor.exclude`: an array of glob strings. */
export function parseExcludeGlobs(raw: unknown): { globs: string[]; problems: SettingsProblem[] } {
  if (raw === undefined || raw === null) return { globs: [], problems: [] };
  if (!Array.isArray(raw)) {
    return {
      globs: [],
      problems: [{ setting: 'trustAnchor.exclude', message: `trustAnchor.exclude must be an array of glob patterns such as ["**/charts/**"]; got ${JSON.stringify(raw)}.` }],
    };
  }
  const globs: string[] = [];
  const problems: SettingsProblem[] = [];
  for (const entry of raw) {
    if (typeof entry === 'string' && entry.trim() !== '') globs.push(entry.trim());
    else problems.push({ setting: 'trustAnchor.exclude', message: `trustAnchor.exclude contains ${JSON.stringify(entry)}, which is not a glob pattern; it is ignored.` });
  }
  return { globs, problems };
}

/** Reads every editor setting through `get` (a `WorkspaceConfiguration.get` for section `trustAnchor`). */
export function readEditorSettings(get: (key: string) => unknown, knownRuleIds: ReadonlySet<string>): { settings: EditorSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];

  const rules = parseRuleSeverities(get('rules'), knownRuleIds);
  problems.push(...rules.problems);

  const maxFileSize = parseNumberSetting('trustAnchor.maxFileSize', get('maxFileSize'), 5, 0.001, 1024, 'megabytes');
  if (maxFileSize.problem) problems.push(maxFileSize.problem);

  const analysisDelay = parseNumberSetting('trustAnchor.analysisDelay', get('analysisDelay'), 300, 0, 10_000, 'milliseconds');
  if (analysisDelay.problem) problems.push(analysisDelay.problem);

  const workspaceScanRaw = get('workspaceScan');
  const workspaceScan = typeof workspaceScanRaw === 'boolean' ? workspaceScanRaw : DEFAULT_SETTINGS.workspaceScan;

  return {
    settings: {
      rules: rules.rules,
      maxFileSizeBytes: Math.round(maxFileSize.value * 1024 * 1024),
      analysisDelayMs: analysisDelay.value,
      workspaceScan,
    },
    problems,
  };
}
