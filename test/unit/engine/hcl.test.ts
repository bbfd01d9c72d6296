import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHcl } from '../../../src/engine/manifest/hcl';
import { parseManifestFile } from '../../../src/engine/manifest/parse';
import type { SourceTree } from '../../../src/engine/manifest/tree';

function slice(text: string, range: { start: number; end: number } | undefined): string | undefined {
  return range ? text.slice(range.start, range.end) : undefined;
}

describe('parseHcl values', () => {
  it('maps labelled blocks to nested objects', () => {
    const result = parseHcl('plugins {\n  KeyManager "disk" {\n    plugin_data {\n      keys_path = "/k"\n    }\n  }\n  KeyManager "memory" {}\n}\n');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.value, { plugins: { KeyManager: { disk: { plugin_data: { keys_path: '/k' } }, memory: {} } } });
  });

  it('reads nested objects and lists', () => {
    const result = parseHcl('clusters = {\n  "eu1" = {\n    allow = ["spire:agent", "spire:other",]\n  }\n}\nlist = [{a = 1}, {b = -2.5}]\n');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.value, { clusters: { eu1: { allow: ['spire:agent', 'spire:other'] } }, list: [{ a: 1 }, { b: -2.5 }] });
  });

  it('skips all three comment styles', () => {
    const result = parseHcl('# hash\na = 1 // slash\n/* block\n b = 2 */\nc = true\n');
    assert.deepEqual(result.value, { a: 1, c: true });
  });

  it('reads heredocs and strips indented ones', () => {
    const result = parseHcl('plain = <<EOF\nline one\nline two\nEOF\nindented = <<-EOT\n    first\n      second\n    EOT\n');
    assert.deepEqual(result.errors, []);
    assert.equal(result.value.plain, 'line one\nline two');
    assert.equal(result.value.indented, 'first\n  second');
  });

  it('keeps quotes inside an interpolation', () => {
    assert.equal(parseHcl('a = "${file("x")}"').value.a, '${file("x")}');
  });
});

describe('parseHcl syntax errors', () => {
  const cases: { text: string; message: RegExp; at: string }[] = [
    { text: 'server {\n  a = 1\n', message: /missing "}" for "server"/, at: '{' },
    { text: 'a = [1, 2', message: /missing "]" for the list of "a"/, at: '[' },
    { text: 'a = "open\nb = 1', message: /unterminated string/, at: '"open' },
    { text: 'a = @', message: /unexpected character "@"/, at: '@' },
    { text: 'KeyManager "disk" = 1', message: /block "KeyManager" has labels \("disk"\), so it must be followed by "\{"/, at: '=' },
    { text: 'x = <<EOF\nnever closed\n', message: /heredoc "EOF" is never closed/, at: '<<EOF\n' },
  ];
  for (const { text, message, at } of cases) {
    it(`reports ${message.source.slice(0, 30)}`, () => {
      const { errors } = parseHcl(text);
      assert.equal(errors.length, 1);
      assert.match(errors[0].message, message);
      assert.equal(slice(text, errors[0].range), at);
    });
  }
});

describe('HCL inside a ConfigMap', () => {
  const text = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: spire-server',
    'data:',
    '  server.conf: |',
    '    server {',
    '      trust_domain = "prod.example.com" # organisation-wide',
    '    }',
    '    plugins {',
    '      KeyManager "disk" {',
    '        plugin_data {',
    '          keys_path = "/run/spire/data/keys.json"',
    '        }',
    '      }',
    '      NodeAttestor "k8s_psat" {',
    '        plugin_data {',
    '          clusters = {',
    '            "eu1" = {',
    '              service_account_allow_list = ["spire:spire-agent"]',
    '            }',
    '          }',
    '        }',
    '      }',
    '    }',
    '',
  ].join('\n');

  function tree(source: string): SourceTree {
    const file = parseManifestFile('cm.yaml', source);
    const embedded = file.documents[0].embedded[0];
    assert.equal(embedded.role, 'spire-server');
    assert.ok(embedded.tree);
    return embedded.tree;
  }

  it('locates values, keys and labels in the file', () => {
    const hcl = tree(text);
    assert.equal(slice(text, hcl.locate(['server', 'trust_domain'], 'value')), '"prod.example.com"');
    assert.equal(slice(text, hcl.locate(['server', 'trust_domain'], 'key')), 'trust_domain');
    assert.equal(slice(text, hcl.locate(['plugins', 'KeyManager', 'disk'], 'key')), '"disk"');
    assert.equal(slice(text, hcl.locate(['plugins', 'KeyManager', 'disk', 'plugin_data', 'keys_path'])), '"/run/spire/data/keys.json"');
    assert.equal(slice(text, hcl.locate(['plugins', 'NodeAttestor', 'k8s_psat', 'plugin_data', 'clusters', 'eu1'], 'key')), '"eu1"');
    assert.equal(slice(text, hcl.locate(['plugins', 'NodeAttestor', 'k8s_psat', 'plugin_data', 'clusters', 'eu1', 'service_account_allow_list', 0])), '"spire:spire-agent"');
  });

  it('keeps positions with CRLF line endings', () => {
    const crlf = text.replace(/\n/g, '\r\n');
    const hcl = tree(crlf);
    assert.equal(slice(crlf, hcl.locate(['plugins', 'KeyManager', 'disk', 'plugin_data', 'keys_path'])), '"/run/spire/data/keys.json"');
  });

  it('reports a syntax error at its place with the key name', () => {
    const broken = text.replace('      }\n    }\n', '      }\n');
    const file = parseManifestFile('cm.yaml', broken);
    const notice = file.notices.find((candidate) => candidate.code === 'embedded-config-error');
    assert.ok(notice, 'expected an embedded-config-error notice');
    assert.match(notice.message, /server\.conf/);
    assert.match(notice.message, /missing "}" for "plugins"/);
    assert.equal(slice(broken, notice.range), '{');
    assert.equal(broken.lastIndexOf('plugins {', notice.range!.start) + 'plugins '.length, notice.range!.start);
  });
});
