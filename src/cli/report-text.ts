import type { Severity } from '../engine/model';
import { oneBasedRange, WHOLE_FILE_START, type ReportContext } from './report';
import { countBySeverity } from './scan';

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
};

const SEVERITY_COLOR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan, hint: ANSI.dim };

interface Line {
  start: number;
  text: string;
}

/**
 * The human-readable report: for each file with findings or notices, a heading and one
 * `path:line:col severity id message` line per item in file order, then a summary line.
 */
export function writeTextReport(context: ReportContext, color: boolean): string {
  const { result } = context;
  const paint = (code: string, text: string): string => (color ? `${code}${text}${ANSI.reset}` : text);
  const output: string[] = [];

  for (const analysis of result.analyses) {
    if (analysis.findings.length === 0 && analysis.notices.length === 0) continue;
    const lines = result.linesOf(analysis.file);
    const items: Line[] = [];

    for (const finding of analysis.findings) {
      const position = oneBasedRange(lines, finding.range) ?? WHOLE_FILE_START;
      const head = `${analysis.file}:${position.startLine}:${position.startColumn}`;
      let text = `${head} ${paint(SEVERITY_COLOR[finding.severity], finding.severity)} ${paint(ANSI.dim, finding.ruleId)} ${finding.message}`;
      for (const related of finding.related) {
        const relatedPosition = oneBasedRange(result.linesOf(related.file), related.range);
        const where = relatedPosition ? `${related.file}:${relatedPosition.startLine}:${relatedPosition.startColumn}` : related.file;
        text += `\n    ${paint(ANSI.dim, `related: ${where} ${related.message}`)}`;
      }
      items.push({ start: finding.range.start, text });
    }

    for (const notice of analysis.notices) {
      const position = oneBasedRange(lines, notice.range) ?? WHOLE_FILE_START;
      const head = `${analysis.file}:${position.startLine}:${position.startColumn}`;
      items.push({ start: notice.range?.start ?? 0, text: `${head} ${paint(SEVERITY_COLOR[notice.severity], notice.severity)} ${paint(ANSI.dim, `notice/${notice.code}`)} ${notice.message}` });
    }

    items.sort((a, b) => a.start - b.start);
    output.push(paint(ANSI.bold, analysis.file));
    for (const item of items) output.push(`  ${item.text}`);
    output.push('');
  }

  output.push(summaryLine(context));
  return `${output.join('\n')}\n`;
}

export function summaryLine(context: ReportContext): string {
  const { result } = context;
  const counts = countBySeverity(result.findings);
  const parts = [
    plural(counts.error, 'error'),
    plural(counts.warning, 'warning'),
    plural(counts.info, 'info finding'),
    plural(counts.hint, 'hint'),
  ];
  let line = `${parts.join(', ')} in ${plural(result.files.length, 'file')} scanned`;
  if (result.notices.length > 0) line += `; ${plural(result.notices.length, 'notice')}`;
  if (result.suppressedCount > 0) line += `; ${result.suppressedCount} suppressed`;
  return `${line}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
