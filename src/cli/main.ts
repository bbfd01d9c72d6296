import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KNOWN_RULES } from '../engine/rules';
import { runAssess } from './assess';
import { HELP_TEXT, parseCommandLine, type ScanOptions } from './args';
import { needsCluster, runClusterRequest, runCompare } from './cluster';
import { collectFiles } from './files';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, processIo, UsageError, type CliIo } from './io';
import { findPackageInfo, TOOL_NAME } from './package-info';
import type { ReportContext } from './report';
import { writeJsonReport } from './report-json';
import { writeSarifReport } from './report-sarif';
import { summaryLine, writeTextReport } from './report-text';
import { failsAt, scanFiles } from './scan';

/**
 * Runs the CLI with the arguments after the program name and returns the exit code: 0 clean,
 * 1 findings at or above --fail-on, 2 invalid usage or a path that cannot be read or written.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    if (argv[0] === 'assess') return await runAssess(argv.slice(1), io);
    if (argv[0] === 'compare') return await runCompare(argv.slice(1), io);
    const command = parseCommandLine(argv, new Set(KNOWN_RULES.map((rule) => rule.id)));

    if (command.name === 'help') {
      io.stdout.write(HELP_TEXT);
      return EXIT_CLEAN;
    }
    if (command.name === 'version') {
      io.stdout.write(`${findPackageInfo().version}\n`);
      return EXIT_CLEAN;
    }
    if (needsCluster(command.name, command.options)) {
      return await runClusterRequest({ command: command.name, options: command.options }, io);
    }
    return await runScan(command.options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`trust-anchor: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function runScan(options: ScanOptions, io: CliIo): Promise<number> {
  const collected = await collectFiles(options.paths, io.cwd, options.excludes);
  const result = await scanFiles(collected, {
    maxFileBytes: Math.round(options.maxFileSizeMb * 1024 * 1024),
    ruleOverrides: options.ruleOverrides,
    estateRoots: options.estatePerPath ? collected.roots : undefined,
  });

  const context: ReportContext = {
    result,
    package: findPackageInfo(),
    rules: KNOWN_RULES,
    ruleOverrides: options.ruleOverrides,
    cwd: io.cwd,
  };
  if (options.docsBase !== undefined) context.docsBase = options.docsBase;

  const report = renderReport(options, context, io);
  if (options.output === undefined) {
    io.stdout.write(report);
  } else {
    const target = resolve(io.cwd, options.output);
    try {
      await writeFile(target, report, 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot write --output "${options.output}": ${(error as Error).message}. Choose a writable file in an existing folder.`);
    }
    io.stderr.write(`${TOOL_NAME}: ${summaryLine(context)} Report written to ${options.output}.\n`);
  }

  const failing = result.findings.some((finding) => failsAt(finding.severity, options.failOn));
  return failing ? EXIT_FINDINGS : EXIT_CLEAN;
}

function renderReport(options: ScanOptions, context: ReportContext, io: CliIo): string {
  switch (options.format) {
    case 'json':
      return writeJsonReport(context);
    case 'sarif':
      return writeSarifReport(context);
    case 'text':
      return writeTextReport(context, options.output === undefined && wantsColor(io));
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
function wantsColor(io: CliIo): boolean {
  const noColor = io.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return io.stdout.isTTY === true;
}
