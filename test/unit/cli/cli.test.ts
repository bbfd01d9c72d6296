import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLEAN_CONFIG_MAP, LEGACY_TOKEN_RULE, LEGACY_TOKEN_SECRET, makeWorkspace, PACKAGE_ROOT, runCli, sarifValidator } from './cli-harness';

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: { id: string; helpUri?: string; fullDescription: { text: string }; defaultConfiguration: { level: string }; properties: { system: string; dimension: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[];
      properties: { system: string; dimension: string };
    }[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  }[];
}

describe('trust-anchor CLI', () => {
  const workspace = makeWorkspace({
    'deploy/token.yaml': LEGACY_TOKEN_SECRET,
    'deploy/settings.yml': CLEAN_CONFIG_MAP,
    'deploy/values.yaml.tmpl': CLEAN_CONFIG_MAP,
    'deploy/rendered.golden': LEGACY_TOKEN_SECRET,
    'deploy/helpers.tpl': CLEAN_CONFIG_MAP,
    'deploy/notes.txt': LEGACY_TOKEN_SECRET,
    'deploy/binary.yaml': new Uint8Array([0x61, 0x3a, 0x00, 0x01, 0x02]),
    'vendor/third-party.yaml': LEGACY_TOKEN_SECRET,
    'node_modules/pkg/token.yaml': LEGACY_TOKEN_SECRET,
    '.git/token.yaml': LEGACY_TOKEN_SECRET,
    'clean/settings.yaml': CLEAN_CONFIG_MAP,
    'single/token.yaml': LEGACY_TOKEN_SECRET,
    'named with space/token.yaml': LEGACY_TOKEN_SECRET,
  });
  after(() => workspace.dispose());

  describe('file selection', () => {
    it('walks folders for manifest extensions and skips node_modules and .git', async () => {
      const run = await runCli(['scan', '--format', 'json', '--fail-on', 'none'], workspace.root);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { files: string[] };
      assert.deepEqual(report.files, [
        'clean/settings.yaml',
        'deploy/binary.yaml',
        'deploy/helpers.tpl',
        'deploy/rendered.golden',
        'deploy/settings.yml',
        'deploy/token.yaml',
        'deploy/values.yaml.tmpl',
        'named with space/token.yaml',
        'single/token.yaml',
        'vendor/third-party.yaml',
      ]);
    });

    it('scans a file named explicitly whatever its extension', async () => {
      const run = await runCli(['scan', 'deploy/notes.txt', '--format', 'json'], workspace.root);
      const report = JSON.parse(run.stdout) as { files: string[]; findings: { ruleId: string }[] };
      assert.deepEqual(report.files, ['deploy/notes.txt']);
      assert.equal(report.findings[0]?.ruleId, LEGACY_TOKEN_RULE);
      assert.equal(run.code, 1);
    });

    it('skips folders and files matching --exclude', async () => {
      const run = await runCli(['scan', '.', '--exclude', 'vendor', '--exclude=*.golden', '--exclude', 'deploy/*.tpl', '--format', 'json', '--fail-on', 'none'], workspace.root);
      const report = JSON.parse(run.stdout) as { files: string[] };
      assert.ok(!report.files.includes('vendor/third-party.yaml'), 'vendor folder excluded by name');
      assert.ok(!report.files.includes('deploy/rendered.golden'), '*.golden excluded anywhere');
      assert.ok(!report.files.includes('deploy/helpers.tpl'), 'path glob excluded');
      assert.ok(report.files.includes('deploy/token.yaml'));
    });

    it('rejects a missing path with exit code 2', async () => {
      const run = await runCli(['scan', 'does-not-exist'], workspace.root);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /Path "does-not-exist" does not exist/);
      assert.equal(run.stdout, '');
    });
  });

  describe('exit codes', () => {
    const cases: { name: string; args: string[]; expected: number }[] = [
      { name: 'error finding, default --fail-on', args: [], expected: 1 },
      { name: 'error finding, --fail-on none', args: ['--fail-on', 'none'], expected: 0 },
      { name: 'warning finding, --fail-on error', args: ['--rule', `${LEGACY_TOKEN_RULE}=warning`], expected: 0 },
      { name: 'warning finding, --fail-on warning', args: ['--rule', `${LEGACY_TOKEN_RULE}=warning`, '--fail-on', 'warning'], expected: 1 },
      { name: 'info finding, --fail-on warning', args: ['--rule', `${LEGACY_TOKEN_RULE}=info`, '--fail-on', 'warning'], expected: 0 },
      { name: 'info finding, --fail-on note', args: ['--rule', `${LEGACY_TOKEN_RULE}=info`, '--fail-on', 'note'], expected: 1 },
      { name: 'hint finding, --fail-on note', args: ['--rule', `${LEGACY_TOKEN_RULE}=hint`, '--fail-on', 'note'], expected: 1 },
      { name: 'rule turned off, --fail-on note', args: ['--rule', `${LEGACY_TOKEN_RULE}=off`, '--fail-on', 'note'], expected: 0 },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const run = await runCli(['scan', 'single', ...testCase.args], workspace.root);
        assert.equal(run.code, testCase.expected, run.stdout + run.stderr);
      });
    }

    it('exits 0 for clean manifests at every level', async () => {
      for (const level of ['error', 'warning', 'note', 'none']) {
        const run = await runCli(['scan', 'clean', '--fail-on', level], workspace.root);
        assert.equal(run.code, 0, `--fail-on ${level}: ${run.stdout}`);
      }
    });
  });

  describe('usage errors', () => {
    const cases: { args: string[]; message: RegExp }[] = [
      { args: ['scan', '--formt', 'json'], message: /Unknown option "--formt"\. Did you mean --format\?/ },
      { args: ['scan', '--format', 'xml'], message: /Invalid --format "xml"\. Use one of: text, json, sarif/ },
      { args: ['scan', '--fail-on', 'high'], message: /Invalid --fail-on "high"/ },
      { args: ['scan', '--max-file-size', 'big'], message: /Invalid --max-file-size "big"/ },
      { args: ['scan', '--max-file-size', '0'], message: /Invalid --max-file-size "0"/ },
      { args: ['scan', '--rule', 'no-such/rule=off'], message: /Unknown rule id "no-such\/rule"/ },
      { args: ['scan', '--rule', `${LEGACY_TOKEN_RULE}=critical`], message: /Invalid severity "critical"/ },
      { args: ['scan', '--rule', 'off'], message: /Invalid --rule "off"/ },
      { args: ['scan', '--output'], message: /Option --output needs a value/ },
      { args: ['scan', '--format', 'json', '--format', 'sarif'], message: /--format was given 2 times/ },
      { args: ['scna'], message: /Unknown command "scna"\. Did you mean "scan"\?/ },
      { args: [], message: /Missing command/ },
      { args: ['scan', '--docs-base', 'not a url'], message: /Invalid --docs-base "not a url"/ },
    ];
    for (const testCase of cases) {
      it(`rejects ${testCase.args.join(' ') || '(no arguments)'}`, async () => {
        const run = await runCli(testCase.args, workspace.root);
        assert.equal(run.code, 2);
        assert.match(run.stderr, testCase.message);
        assert.equal(run.stderr.trim().split('\n').length, 1, 'one-line message');
      });
    }

    it('explains missing cluster input with exit 2', async () => {
      const emptyKubeconfig = join(workspace.root, 'missing-kubeconfig.yaml');
      const cases: [string[], RegExp][] = [
        [['compare', '--contexts', 'prod'], /at least two contexts/],
        [['scan', '--kubeconfig', emptyKubeconfig, '--context', 'prod'], /kubeconfig/i],
      ];
      for (const [args, message] of cases) {
        const run = await runCli(args, workspace.root, { env: { HOME: workspace.root } });
        assert.equal(run.code, 2, args.join(' '));
        assert.match(run.stderr, message, args.join(' '));
      }
    });

    it('prints help and version', async () => {
      const help = await runCli(['--help'], workspace.root);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /Usage: trust-anchor scan/);
      assert.match(help.stdout, /--fail-on error\|warning\|note\|none/);
      const version = await runCli(['--version'], workspace.root);
      assert.equal(version.code, 0);
      assert.equal(version.stdout, `${PACKAGE_VERSION}\n`);
    });
  });

  describe('text format', () => {
    it('groups by file with path:line:col severity rule message and a summary', async () => {
      const run = await runCli(['scan', 'single', 'clean', 'deploy/binary.yaml'], workspace.root);
      const lines = run.stdout.split('\n');
      assert.ok(lines.includes('single/token.yaml'), run.stdout);
      const finding = lines.find((line) => line.includes(LEGACY_TOKEN_RULE));
      assert.match(finding ?? '', /^ {2}single\/token\.yaml:7:7 error service-accounts\/legacy-token-secret Secret "build-robot-token"/);
      assert.ok(lines.some((line) => /^ {2}deploy\/binary\.yaml:1:1 warning notice\/binary-file Skipped deploy\/binary\.yaml: .*NUL bytes/.test(line)), run.stdout);
      assert.ok(!run.stdout.includes('clean/settings.yaml'), 'files without findings get no heading');
      assert.match(run.stdout, /^1 error, 0 warnings, 0 info findings, 0 hints in 3 files scanned; 1 notice\.$/m);
      assert.ok(!run.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
    });

    it('colours on a terminal unless NO_COLOR is set', async () => {
      const coloured = await runCli(['scan', 'single'], workspace.root, { isTTY: true });
      assert.ok(coloured.stdout.includes('\u001b[31merror\u001b[0m'), coloured.stdout);
      const plain = await runCli(['scan', 'single'], workspace.root, { isTTY: true, env: { NO_COLOR: '1' } });
      assert.ok(!plain.stdout.includes('\u001b['), plain.stdout);
    });
  });

  describe('json format', () => {
    it('reports tool, files, findings with 1-based ranges, and notices', async () => {
      const run = await runCli(['scan', 'single', 'deploy/binary.yaml', '--format', 'json'], workspace.root);
      assert.equal(run.code, 1);
      const report = JSON.parse(run.stdout) as {
        formatVersion: number;
        tool: { name: string; version: string };
        summary: { filesScanned: number; findings: Record<string, number>; notices: number };
        files: string[];
        findings: { ruleId: string; system: string; dimension: string; severity: string; message: string; file: string; range: Record<string, number>; related: unknown[]; fixes: string[] }[];
        notices: { code: string; severity: string; file: string; message: string }[];
      };
      assert.equal(report.formatVersion, 1);
      assert.deepEqual(report.tool, { name: 'Trust Anchor Assessor', version: PACKAGE_VERSION });
      assert.deepEqual(report.files, ['deploy/binary.yaml', 'single/token.yaml']);
      assert.equal(report.summary.filesScanned, 2);
      assert.deepEqual(report.summary.findings, { error: 1, warning: 0, info: 0, hint: 0 });
      assert.equal(report.findings.length, 1);
      const finding = report.findings[0];
      assert.equal(finding.ruleId, LEGACY_TOKEN_RULE);
      assert.equal(finding.system, 'service-accounts');
      assert.equal(finding.dimension, 'credential-lifetime');
      assert.equal(finding.severity, 'error');
      assert.equal(finding.file, 'single/token.yaml');
      // `kubernetes.io/service-account-token` on line 7 starts at column 7 and is 35 characters long.
      assert.deepEqual(finding.range, { startLine: 7, startColumn: 7, endLine: 7, endColumn: 42 });
      assert.deepEqual(finding.related, []);
      assert.ok(Array.isArray(finding.fixes));
      assert.equal(report.notices.length, 1);
      assert.equal(report.notices[0].code, 'binary-file');
      assert.equal(report.notices[0].file, 'deploy/binary.yaml');
    });
  });

  describe('sarif format', () => {
    let validate: (log: unknown) => string[];
    before(() => {
      validate = sarifValidator();
    });

    it('validates against the SARIF 2.1.0 schema and maps findings', async () => {
      const run = await runCli(['scan', 'single', 'named with space', 'deploy/binary.yaml', '--format', 'sarif', '--rule', `${LEGACY_TOKEN_RULE}=hint`], workspace.root);
      assert.equal(run.code, 0);
      const log = JSON.parse(run.stdout) as SarifLog;
      assert.deepEqual(validate(log), []);
      assert.equal(log.version, '2.1.0');
      assert.ok(log.$schema.startsWith('https://'));

      const run0 = log.runs[0];
      const driver = run0.tool.driver;
      assert.equal(driver.name, 'Trust Anchor Assessor');
      assert.equal(driver.version, PACKAGE_VERSION);
      assert.match(driver.informationUri ?? '', /^file:\/\/.*\/docs\/cli\.md$/);
      const ruleIndex = driver.rules.findIndex((rule) => rule.id === LEGACY_TOKEN_RULE);
      const rule = driver.rules[ruleIndex];
      assert.ok(rule, 'the rule is listed in the driver');
      assert.equal(rule.helpUri, `file://${PACKAGE_ROOT}/docs/rules/${LEGACY_TOKEN_RULE}.md`);
      assert.equal(rule.defaultConfiguration.level, 'error');
      assert.equal(rule.properties.system, 'service-accounts');
      assert.equal(rule.properties.dimension, 'credential-lifetime');
      assert.ok(rule.fullDescription.text.length > 20);

      assert.equal(run0.results.length, 2);
      const [spaced, single] = run0.results;
      assert.equal(single.ruleId, LEGACY_TOKEN_RULE);
      assert.equal(single.ruleIndex, ruleIndex);
      assert.equal(single.level, 'note', 'hint maps to note');
      assert.equal(single.locations.length, 1);
      assert.equal(single.locations[0].physicalLocation.artifactLocation.uri, 'single/token.yaml');
      assert.deepEqual(single.locations[0].physicalLocation.region, { startLine: 7, startColumn: 7, endLine: 7, endColumn: 42 });
      assert.deepEqual(single.properties, { system: 'service-accounts', dimension: 'credential-lifetime', severity: 'hint' });
      assert.equal(spaced.locations[0].physicalLocation.artifactLocation.uri, 'named%20with%20space/token.yaml');

      const invocation = run0.invocations[0];
      assert.equal(invocation.executionSuccessful, true);
      assert.equal(invocation.toolExecutionNotifications.length, 1);
      const notification = invocation.toolExecutionNotifications[0];
      assert.equal(notification.level, 'warning');
      assert.match(notification.message.text, /deploy\/binary\.yaml/);
      assert.equal(notification.locations[0].physicalLocation.artifactLocation.uri, 'deploy/binary.yaml');
    });

    it('uses --docs-base for rule pages', async () => {
      const run = await runCli(['scan', 'clean', '--format', 'sarif', '--docs-base', 'https://docs.example.com/rules/'], workspace.root);
      const log = JSON.parse(run.stdout) as SarifLog;
      assert.deepEqual(validate(log), []);
      const rule = log.runs[0].tool.driver.rules.find((candidate) => candidate.id === LEGACY_TOKEN_RULE);
      assert.equal(rule?.helpUri, `https://docs.example.com/rules/${LEGACY_TOKEN_RULE}.md`);
    });

    it('validates with files outside the current folder', async () => {
      const run = await runCli(['scan', '../single', '--format', 'sarif'], join(workspace.root, 'clean'));
      const log = JSON.parse(run.stdout) as SarifLog;
      assert.deepEqual(validate(log), []);
      assert.equal(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, '../single/token.yaml');
    });
  });

  describe('--output', () => {
    it('writes the report to the file and nothing to stdout', async () => {
      const run = await runCli(['scan', 'single', '--format', 'json', '--output', 'report.json'], workspace.root);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /Report written to report\.json/);
      const report = JSON.parse(readFileSync(join(workspace.root, 'report.json'), 'utf8')) as { findings: unknown[] };
      assert.equal(report.findings.length, 1);
    });

    it('exits 2 when the output cannot be written', async () => {
      const run = await runCli(['scan', 'single', '--output', 'missing-folder/report.txt'], workspace.root);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /Cannot write --output "missing-folder\/report\.txt"/);
    });
  });

  describe('--max-file-size', () => {
    it('skips a file over the limit with one informational notice', async () => {
      const big = makeWorkspace({ 'big.yaml': `${CLEAN_CONFIG_MAP}# ${'x'.repeat(600 * 1024)}\n` });
      try {
        const run = await runCli(['scan', '.', '--max-file-size', '0.5', '--format', 'json'], big.root);
        assert.equal(run.code, 0);
        const report = JSON.parse(run.stdout) as { notices: { code: string; severity: string; message: string }[] };
        assert.equal(report.notices.length, 1);
        assert.equal(report.notices[0].code, 'file-too-large');
        assert.equal(report.notices[0].severity, 'info');
        assert.match(report.notices[0].message, /Skipped big\.yaml: 600\.\d KB is over the 512\.0 KB limit/);
        const raised = await runCli(['scan', '.', '--max-file-size', '1', '--format', 'json'], big.root);
        assert.equal((JSON.parse(raised.stdout) as { notices: unknown[] }).notices.length, 0);
      } finally {
        big.dispose();
      }
    });
  });

  describe('bin/trust-anchor.js', () => {
    it('runs the bundled CLI as a child process', () => {
      const bundle = join(PACKAGE_ROOT, 'dist/cli.js');
      const compiled = join(PACKAGE_ROOT, 'out/src/cli/main.js');
      if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(compiled).mtimeMs) {
        const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
        assert.equal(build.status, 0, `npm run build failed: ${build.stderr}`);
      }
      const child = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin/trust-anchor.js'), 'scan', 'single', '--format', 'sarif'], {
        cwd: workspace.root,
        encoding: 'utf8',
      });
      assert.equal(child.status, 1, child.stderr);
      const log = JSON.parse(child.stdout) as SarifLog;
      assert.deepEqual(sarifValidator()(log), []);
      assert.equal(log.runs[0].results[0].ruleId, LEGACY_TOKEN_RULE);
      assert.equal(log.runs[0].tool.driver.rules.find((rule) => rule.id === LEGACY_TOKEN_RULE)?.helpUri, `file://${PACKAGE_ROOT}/docs/rules/${LEGACY_TOKEN_RULE}.md`);

      const usage = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin/trust-anchor.js'), 'scan', '--bogus'], { cwd: workspace.root, encoding: 'utf8' });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /Unknown option "--bogus"/);
    });
  });
});
