import { pathToFileURL } from 'node:url';
import type { Notice } from '../engine/model';
import { ruleHelpUri, TOOL_NAME, toolInformationUri } from './package-info';
import { oneBasedRange, WHOLE_FILE_START, type OneBasedRange, type ReportContext } from './report';
import { sarifLevel } from './scan';

/** SARIF 2.1.0 (OASIS standard); the mapping is described in docs/cli.md. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';

/** Base id of artifact URIs; runs[0].originalUriBaseIds maps it to the current folder. */
const SOURCE_ROOT = '%SRCROOT%';

type SarifObject = Record<string, unknown>;

export function buildSarifReport(context: ReportContext): SarifObject {
  const { result } = context;
  const ruleIndex = new Map(context.rules.map((rule, index) => [rule.id, index]));

  const rules = context.rules.map((rule) => {
    const descriptor: SarifObject = {
      id: rule.id,
      name: ruleName(rule.id),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.rationale },
      defaultConfiguration: { level: sarifLevel(rule.severity) },
      properties: { system: rule.system, dimension: rule.dimension, fixable: rule.fixable },
    };
    const helpUri = ruleHelpUri(rule.id, context.package, context.docsBase);
    if (helpUri) descriptor.helpUri = helpUri;
    return descriptor;
  });

  const results = result.findings.map((finding) => {
    const entry: SarifObject = {
      ruleId: finding.ruleId,
      level: sarifLevel(finding.severity),
      message: { text: finding.message },
      locations: [location(finding.file, oneBasedRange(result.linesOf(finding.file), finding.range) ?? WHOLE_FILE_START)],
      properties: { system: finding.system, dimension: finding.dimension, severity: finding.severity },
    };
    const index = ruleIndex.get(finding.ruleId);
    if (index !== undefined) entry.ruleIndex = index;
    if (finding.related.length > 0) {
      entry.relatedLocations = finding.related.map((related, id) => ({
        id,
        ...location(related.file, oneBasedRange(result.linesOf(related.file), related.range)),
        message: { text: related.message },
      }));
    }
    return entry;
  });

  const driver: SarifObject = {
    name: TOOL_NAME,
    version: context.package.version,
    semanticVersion: context.package.version,
    rules,
  };
  const informationUri = toolInformationUri(context.package, context.docsBase);
  if (informationUri) driver.informationUri = informationUri;

  const invocation: SarifObject = {
    executionSuccessful: true,
    toolExecutionNotifications: result.notices.map((notice) => notification(notice, context)),
  };
  const overrides = ruleConfigurationOverrides(context, ruleIndex);
  if (overrides.length > 0) invocation.ruleConfigurationOverrides = overrides;

  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: folderUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        invocations: [invocation],
        results,
      },
    ],
  };
}

export function writeSarifReport(context: ReportContext): string {
  return `${JSON.stringify(buildSarifReport(context), null, 2)}\n`;
}

/** `istio/self-signed-root` → `IstioSelfSignedRoot`, the PascalCase name SARIF viewers show. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

function location(file: string, range: OneBasedRange | undefined): SarifObject {
  const physicalLocation: SarifObject = { artifactLocation: { uri: relativeUri(file), uriBaseId: SOURCE_ROOT } };
  if (range) physicalLocation.region = { ...range };
  return { physicalLocation };
}

/** Percent-encodes each segment of a display path (already relative, with `/`). */
function relativeUri(displayPath: string): string {
  return displayPath
    .split('/')
    .map((segment) => (segment === '..' || segment === '.' ? segment : encodeURIComponent(segment)))
    .join('/');
}

function folderUri(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function notification(notice: Notice, context: ReportContext): SarifObject {
  const range = oneBasedRange(context.result.linesOf(notice.file), notice.range) ?? WHOLE_FILE_START;
  return {
    level: sarifLevel(notice.severity),
    message: { text: notice.message },
    descriptor: { id: notice.code },
    locations: [location(notice.file, range)],
  };
}

function ruleConfigurationOverrides(context: ReportContext, ruleIndex: Map<string, number>): SarifObject[] {
  const overrides: SarifObject[] = [];
  for (const [id, setting] of Object.entries(context.ruleOverrides)) {
    const index = ruleIndex.get(id);
    const descriptor: SarifObject = index === undefined ? { id } : { id, index };
    const configuration = setting === 'off' ? { enabled: false } : { level: sarifLevel(setting) };
    overrides.push({ descriptor, configuration });
  }
  return overrides;
}
