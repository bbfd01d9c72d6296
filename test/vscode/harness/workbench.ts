/**
 * Keyboard-driven actions on the VS Code 1.100 web workbench served by code-server. Selectors and
 * key sequences were checked against code-server 4.100.3; pointer hovers and clicks are avoided
 * because the workbench swallows them until the mouse moves.
 */
import type { Locator, Page } from 'playwright-core';

const READY_TIMEOUT_MS = 60_000;
const ACTION_TIMEOUT_MS = 15_000;

export const SELECTORS = {
  workbench: '.monaco-workbench',
  explorerRow: '.explorer-folders-view .monaco-list-row',
  quickInput: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .monaco-list-row',
  problemsStatus: '#status\\.problems',
  problemsRow: '.markers-panel .monaco-list-row',
  hover: '.monaco-hover:not(.hidden)',
  actionRow: '.action-widget .monaco-list-row',
  activeTab: '.tabs-container .tab.active',
  activeEditor: '.editor-group-container.active .monaco-editor',
} as const;

/** Waits until the workbench is drawn and the Explorer lists the workspace folder's first entry. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator(SELECTORS.workbench).waitFor({ timeout: READY_TIMEOUT_MS });
  await page.locator(SELECTORS.explorerRow).first().waitFor({ timeout: READY_TIMEOUT_MS });
}

/** Opens a workspace file with Quick Open (Ctrl+P) by its path relative to the workspace folder. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const fileName = relativePath.split('/').pop() as string;
  await page.keyboard.press('Control+P');
  const input = page.locator(SELECTORS.quickInput);
  await input.waitFor({ timeout: ACTION_TIMEOUT_MS });

  await input.fill(relativePath);

  // Quick Open fills its list from a ripgrep file search on the server, so rows arrive after a moment.
  await page.locator(SELECTORS.quickInputRow).filter({ hasText: fileName }).first().waitFor({ timeout: ACTION_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator(SELECTORS.activeTab).filter({ hasText: fileName }).waitFor({ timeout: ACTION_TIMEOUT_MS });
  await page.locator(`${SELECTORS.activeEditor} .view-lines`).waitFor({ timeout: ACTION_TIMEOUT_MS });
}

/** Reads the error, warning and info counts from the aria-label of the status bar's problems item. */
export async function problemCounts(page: Page): Promise<{ errors: number; warnings: number; infos: number }> {
  const label = (await page.locator(SELECTORS.problemsStatus).getAttribute('aria-label')) ?? '';
  const count = (name: string): number => Number(new RegExp(`${name}: (\\d+)`, 'i').exec(label)?.[1] ?? 0);
  return { errors: count('Errors'), warnings: count('Warnings'), infos: count('Infos') };
}

/** Waits until the status bar counts at least one problem, and returns the counts. */
export async function waitForProblems(page: Page, timeoutMs = 30_000): Promise<{ errors: number; warnings: number; infos: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await problemCounts(page);
    if (counts.errors + counts.warnings + counts.infos > 0) return counts;
    if (Date.now() > deadline) throw new Error(`No problems appeared in the status bar within ${timeoutMs / 1000} s.`);
    await page.waitForTimeout(200);
  }
}

export interface ProblemRow {
  /** The row's full text: message, source, code and position. */
  text: string;
  line?: number;
  column?: number;
}

/** Opens the Problems panel (Ctrl+Shift+M) and returns the rows that carry a position (the markers, not the file rows). */
export async function readProblemsPanel(page: Page): Promise<ProblemRow[]> {
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator(SELECTORS.problemsRow);
  await rows.first().waitFor({ timeout: ACTION_TIMEOUT_MS });

  const problems: ProblemRow[] = [];
  for (const text of await rows.allInnerTexts()) {
    const flattened = text.replace(/\s+/g, ' ').trim();
    const position = /\[Ln (\d+), Col (\d+)\]/.exec(flattened);
    if (!position) continue;
    problems.push({ text: flattened, line: Number(position[1]), column: Number(position[2]) });
  }
  return problems;
}

/** Moves the cursor with Go to Line (Ctrl+G); line and column are one-based, as the Problems panel shows them. */
export async function goToPosition(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator(SELECTORS.quickInput);
  await input.waitFor({ timeout: ACTION_TIMEOUT_MS });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: ACTION_TIMEOUT_MS });
}

/** Shows the hover at the cursor with the keyboard (Ctrl+K Ctrl+I) and returns a locator for it. */
export async function showHoverAtCursor(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator(SELECTORS.hover).first();
  await hover.waitFor({ timeout: ACTION_TIMEOUT_MS });
  return hover;
}

/** Opens the quick fix menu (Ctrl+.) and returns the titles of its actions and the focused one. */
export async function openQuickFixMenu(page: Page): Promise<{ titles: string[]; focused: string }> {
  await page.keyboard.press('Control+.');
  const rows = page.locator(SELECTORS.actionRow);
  await rows.first().waitFor({ timeout: ACTION_TIMEOUT_MS });
  const titles = (await rows.allInnerTexts()).map((title) => title.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const focused = ((await page.locator(`${SELECTORS.actionRow}.focused`).first().innerText().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
  return { titles, focused };
}

/** Runs a command from the command palette (F1) by its full title, such as "Trust Anchor: Analyze Workspace". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator(SELECTORS.quickInput);
  await input.waitFor({ timeout: ACTION_TIMEOUT_MS });
  await input.fill(`>${title}`);
  await page.locator(SELECTORS.quickInputRow).filter({ hasText: title }).first().waitFor({ timeout: ACTION_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}
