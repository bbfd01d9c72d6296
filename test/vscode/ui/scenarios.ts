/**
 * User-facing behaviour of the installed extension in the web workbench: findings in the Problems
 * panel, the hover, a quick fix from the keyboard, and a migration snippet from the command palette. Each scenario opens its own copy of examples/ in a fresh page and saves a screenshot.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { MIGRATION_SNIPPETS, expandSnippetDefaults } from '../../../src/engine/fixes/snippets';
import {
  goToPosition,
  openFile,
  openQuickFixMenu,
  readProblemsPanel,
  runCommand,
  SELECTORS,
  showHoverAtCursor,
  waitForProblems,
} from '../harness/workbench';
import { analyseWorkspace, pickErrorFinding, pickPreferredFix } from './targets';
import { WIZARD_SCENARIO } from './wizard';

export const COMMAND_INSERT_SNIPPET = 'Trust Anchor: Insert Migration Snippet…';
const DIAGNOSTIC_SOURCE = 'Trust Anchor';

/** Folder of examples that should produce findings; the portable ones should mostly not. */
const CLUSTER_BOUND = 'cluster-bound/';

export interface ScenarioContext {
  page: Page;
  /** This scenario's own copy of examples/. */
  workspace: string;
  /** Opens the workspace in the page and waits for the workbench. */
  openWorkbench(): Promise<void>;
  /** Saves a screenshot of the page as test-results/ui/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** Notes a step; printed with its time when TRUST_ANCHOR_UI_TRACE=1. */
  trace(step: string): void;
}

export interface Scenario {
  name: string;
  /** Start the two demo clusters and give the server their kubeconfig as KUBECONFIG. */
  demoClusters?: boolean;
  run(context: ScenarioContext): Promise<void>;
}

async function waitForFileText(path: string, expected: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let actual = readFileSync(path, 'utf8');
  while (actual !== expected && Date.now() < deadline) {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    actual = readFileSync(path, 'utf8');
  }
  return actual;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'problems panel lists findings',
    async run({ page, workspace, openWorkbench, screenshot, trace }) {
      const target = pickErrorFinding(analyseWorkspace(workspace), CLUSTER_BOUND);
      assert.ok(target, `no example under ${workspace} has an error finding; the examples should show at least one`);

      await openWorkbench();
      await openFile(page, target.relativePath);
      trace(`opened ${target.relativePath}`);
      const counts = await waitForProblems(page);
      trace('problems counted');
      assert.ok(counts.errors >= 1, `status bar shows ${JSON.stringify(counts)}, expected at least one error`);

      const rows = await readProblemsPanel(page);
      for (const finding of target.fileFindings) {
        const row = rows.find((candidate) => candidate.text.includes(finding.ruleId));
        assert.ok(row, `no Problems row for ${finding.ruleId} in ${target.relativePath}; rows:\n${rows.map((candidate) => candidate.text).join('\n')}`);
        assert.ok(row.text.includes(DIAGNOSTIC_SOURCE), `row for ${finding.ruleId} does not name the source "${DIAGNOSTIC_SOURCE}": ${row.text}`);
      }
      const first = rows.find((row) => row.text.includes(target.finding.ruleId) && row.line === target.line);
      assert.ok(first, `no Problems row for ${target.finding.ruleId} at line ${target.line}`);
      assert.equal(first.column, target.column, `column of ${target.finding.ruleId}`);

      // Focus goes back to the editor, so no Problems row is selected and every row shows its severity icon.
      await page.keyboard.press('Control+1');
      await screenshot('problems-panel');
    },
  },
  {
    name: 'hover shows the finding',
    async run({ page, workspace, openWorkbench, screenshot, trace }) {
      const target = pickErrorFinding(analyseWorkspace(workspace), CLUSTER_BOUND);
      assert.ok(target, 'no example has an error finding');

      await openWorkbench();
      await openFile(page, target.relativePath);
      trace(`opened ${target.relativePath}`);
      await waitForProblems(page);
      trace('problems counted');
      await goToPosition(page, target.line, target.column + 1);
      const hover = await showHoverAtCursor(page);
      trace('hover shown');
      const messageStart = target.finding.message.slice(0, 60).replace(/\s+/g, ' ');
      // The hover is assembled from parts that arrive separately: the diagnostic (with the message)
      // and the extension's rule explanation. Wait until both are in before reading it.
      let text = '';
      const deadline = Date.now() + 10_000;
      do {
        text = (await hover.innerText()).replace(/\s+/g, ' ');
        if (text.includes(messageStart) && text.includes(target.finding.ruleId)) break;
        await page.waitForTimeout(100);
      } while (Date.now() < deadline);
      assert.ok(text.includes(messageStart), `hover does not show the finding message "${messageStart}"; hover text: ${text}`);
      assert.ok(text.includes(target.finding.ruleId), `hover does not name rule ${target.finding.ruleId}; hover text: ${text}`);

      // The hover's status line reads "Checking for quick fixes..." until the code actions arrive.
      await hover.getByText('Checking for quick fixes').waitFor({ state: 'hidden' });
      await screenshot('hover');
    },
  },
  {
    name: 'quick fix from the keyboard',
    async run({ page, workspace, openWorkbench, screenshot, trace }) {
      const target = pickPreferredFix(analyseWorkspace(workspace), CLUSTER_BOUND);
      assert.ok(target, 'no example finding has a preferred fix with edits');
      const absolutePath = join(workspace, target.relativePath);

      await openWorkbench();
      await openFile(page, target.relativePath);
      trace(`opened ${target.relativePath}`);
      await waitForProblems(page);
      trace('problems counted');
      await goToPosition(page, target.line, target.column + 1);
      const menu = await openQuickFixMenu(page);
      trace('quick fix menu shown');
      assert.ok(menu.titles.some((title) => title.includes(target.fix.title)), `quick fix menu lacks "${target.fix.title}"; offered: ${menu.titles.join(' | ')}`);
      assert.ok(menu.focused.includes(target.fix.title), `focused quick fix is "${menu.focused}", expected the preferred "${target.fix.title}"`);
      await screenshot('quick-fix-menu');

      await page.keyboard.press('Enter');
      await page.locator(SELECTORS.actionRow).first().waitFor({ state: 'hidden' });
      await page.keyboard.press('Control+S');
      const onDisk = await waitForFileText(absolutePath, target.expectedText);
      trace('fixed file saved');
      assert.equal(onDisk, target.expectedText, `${target.relativePath} on disk after "${target.fix.title}" and save`);
      await screenshot('quick-fix-applied');
    },
  },
  {
    name: 'migration snippet from the command palette',
    async run({ page, workspace, openWorkbench, screenshot, trace }) {
      const snippet = MIGRATION_SNIPPETS[0];
      assert.ok(snippet, 'no migration snippets are defined');
      const relativePath = 'migration-plan.yaml';
      const absolutePath = join(workspace, relativePath);
      writeFileSync(absolutePath, '');

      await openWorkbench();
      await openFile(page, relativePath);
      trace(`opened ${relativePath}`);
      await runCommand(page, COMMAND_INSERT_SNIPPET);
      trace('command started');
      const input = page.locator(SELECTORS.quickInput);
      await input.waitFor();
      await input.fill(snippet.title);
      await page.locator(SELECTORS.quickInputRow).filter({ hasText: snippet.title }).first().waitFor();
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden' });
      trace('snippet inserted');
      await screenshot('migration-snippet');

      // Escape leaves snippet mode, so Ctrl+S saves rather than moving to the next placeholder.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      const expected = expandSnippetDefaults(snippet.body);
      const onDisk = await waitForFileText(absolutePath, expected);
      assert.equal(onDisk.trimEnd(), expected.trimEnd(), `${relativePath} on disk after inserting "${snippet.title}"`);
    },
  },
  WIZARD_SCENARIO,
];
