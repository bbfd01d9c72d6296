import type { Finding, Fix, TextEdit } from '../engine/model';
import { applyEdits } from '../engine/fixes/edits';

/** True when two edits touch the same text, or insert at the same offset (their order would be arbitrary). */
export function editsConflict(a: TextEdit, b: TextEdit): boolean {
  if (a.range.start === b.range.start) return true;
  return a.range.start < b.range.end && b.range.start < a.range.end;
}

function sameEdits(a: Fix, b: Fix): boolean {
  if (a.edits.length !== b.edits.length) return false;
  return a.edits.every((edit, index) => {
    const other = b.edits[index];
    return edit.range.start === other.range.start && edit.range.end === other.range.end && edit.newText === other.newText;
  });
}

/**
 * Chooses the safe fixes that can be applied together: per finding its preferred safe fix (else its
 * first safe fix), skipping duplicates and any fix whose edits conflict with one already chosen.
 * Findings are taken in document order, so the result is deterministic.
 */
export function selectSafeFixes(findings: readonly Finding[]): Fix[] {
  const chosen: Fix[] = [];
  const sorted = [...findings].sort((a, b) => a.range.start - b.range.start || a.ruleId.localeCompare(b.ruleId));

  for (const finding of sorted) {
    const safe = finding.fixes.filter((fix) => fix.safe && fix.edits.length > 0);
    const fix = safe.find((candidate) => candidate.isPreferred) ?? safe[0];
    if (!fix) continue;
    if (chosen.some((other) => sameEdits(other, fix))) continue;
    const conflicts = chosen.some((other) => other.edits.some((edit) => fix.edits.some((candidate) => editsConflict(edit, candidate))));
    if (conflicts) continue;
    chosen.push(fix);
  }
  return chosen;
}

/** Returns one edit that turns `before` into `after`, spanning the text between their common prefix and suffix. */
export function minimalEdit(before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;

  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  return { range: { start: prefix, end: before.length - suffix }, newText: after.slice(prefix, after.length - suffix) };
}

export interface FixAllResult {
  /** Edits against the original text; empty when nothing applies. */
  edits: TextEdit[];
  /** Titles of the fixes applied, in order. */
  applied: string[];
  text: string;
}

/**
 * Applies safe fixes in rounds. After each round `findingsOf` re-analyses the new text, because a
 * fix can uncover or replace another finding, and fixes skipped for overlapping get another chance.
 * Stops when a round applies nothing or after `maxRounds`. One round returns the fixes' own edits;
 * more rounds return one edit spanning the changed region.
 */
export function computeFixAll(text: string, findingsOf: (text: string) => readonly Finding[], maxRounds = 3): FixAllResult {
  let current = text;
  const applied: string[] = [];
  let firstRoundEdits: TextEdit[] = [];
  let rounds = 0;

  for (let round = 0; round < maxRounds; round++) {
    const fixes = selectSafeFixes(findingsOf(current));
    if (fixes.length === 0) break;
    const edits = fixes.flatMap((fix) => fix.edits);
    const next = applyEdits(current, edits);
    if (next === current) break;
    if (round === 0) firstRoundEdits = edits;
    applied.push(...fixes.map((fix) => fix.title));
    current = next;
    rounds++;
  }

  if (rounds === 0) return { edits: [], applied, text };
  if (rounds === 1) return { edits: firstRoundEdits, applied, text: current };
  const combined = minimalEdit(text, current);
  return { edits: combined ? [combined] : [], applied, text: current };
}
