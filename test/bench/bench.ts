/**
 * Performance budgets from the design, measured on the machine that runs it (`npm run bench`).
 * Prints medians and ratios; never fails on a number.
 *
 *   1. Full analysis of the corpus ÷ parsing the same text with `yaml` parseAllDocuments (goal ≤ 1.5×).
 *   2. Re-analysis after a one-character edit in the largest corpus file (goal ≤ 25 ms median).
 *   3. Both measures again for a generated 50-document rendered install.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { Analyzer } from '../../src/engine/analyze';
import { decodeFileBytes } from '../../src/engine/manifest/text';

const CORPUS_DIR = resolve(__dirname, '../../../../shared/corpus');
const FULL_RUNS = 9;
const EDIT_RUNS = 41;
const RATIO_GOAL = 1.5;
const EDIT_GOAL_MS = 25;

interface SourceFile {
  path: string;
  text: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeMs(action: () => void): number {
  const started = performance.now();
  action();
  return performance.now() - started;
}

/** Median of `runs` timings after two warm-up runs. */
function medianMs(runs: number, action: () => void): number {
  action();
  action();
  const timings: number[] = [];
  for (let run = 0; run < runs; run++) timings.push(timeMs(action));
  return median(timings);
}

function readCorpus(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name !== 'SOURCES.md') {
        const decoded = decodeFileBytes(readFileSync(full));
        if (decoded.ok) files.push({ path: relative(CORPUS_DIR, full), text: decoded.text });
      }
    }
  };
  walk(CORPUS_DIR);
  return files;
}

function parseOnly(files: readonly SourceFile[]): void {
  for (const file of files) parseAllDocuments(file.text);
}

function analyseAll(files: readonly SourceFile[]): void {
  const analyzer = new Analyzer();
  for (const file of files) analyzer.update(file.path, file.text);
  analyzer.analyzeAll();
}

/**
 * Finds a letter inside a scalar value near the middle of `text` to edit, so the edit changes a
 * value without changing the document's structure.
 */
function editOffset(text: string): number {
  const pattern = /:[ \t]+([A-Za-z][A-Za-z0-9-]{3,})/g;
  pattern.lastIndex = text.length >> 1;
  const match = pattern.exec(text) ?? /:[ \t]+([A-Za-z][A-Za-z0-9-]{3,})/.exec(text);
  if (!match || match.index === undefined) return text.length >> 1;
  return match.index + match[0].length - 1;
}

/** Median time to store a one-character edit of `target` and analyse that file, with `others` loaded. */
function editMedianMs(target: SourceFile, others: readonly SourceFile[]): number {
  const analyzer = new Analyzer();
  for (const file of others) analyzer.update(file.path, file.text);
  analyzer.update(target.path, target.text);
  analyzer.analyzeAll();

  const offset = editOffset(target.text);
  const original = target.text[offset];
  const replacement = original === 'x' ? 'y' : 'x';
  const edited = target.text.slice(0, offset) + replacement + target.text.slice(offset + 1);
  let useEdited = true;
  return medianMs(EDIT_RUNS, () => {
    analyzer.update(target.path, useEdited ? edited : target.text);
    analyzer.analyze(target.path);
    useEdited = !useEdited;
  });
}

function report(label: string, files: readonly SourceFile[], editTarget: SourceFile): void {
  const bytes = files.reduce((total, file) => total + Buffer.byteLength(file.text), 0);
  const parseMs = medianMs(FULL_RUNS, () => parseOnly(files));
  const fullMs = medianMs(FULL_RUNS, () => analyseAll(files));
  const ratio = fullMs / parseMs;
  const editMs = editMedianMs(editTarget, files.filter((file) => file !== editTarget));

  console.log(`\n${label}: ${files.length} files, ${(bytes / 1024).toFixed(0)} KB`);
  console.log(`  parse only (yaml parseAllDocuments): ${parseMs.toFixed(1)} ms median of ${FULL_RUNS}`);
  console.log(`  full analysis (parse, rules, suppressions): ${fullMs.toFixed(1)} ms median of ${FULL_RUNS}`);
  console.log(`  ratio full / parse: ${ratio.toFixed(2)}x (goal <= ${RATIO_GOAL}x) ${ratio <= RATIO_GOAL ? 'within goal' : 'OVER GOAL'}`);
  console.log(
    `  re-analysis after a one-character edit in ${editTarget.path} (${(Buffer.byteLength(editTarget.text) / 1024).toFixed(0)} KB): ` +
      `${editMs.toFixed(2)} ms median of ${EDIT_RUNS} (goal <= ${EDIT_GOAL_MS} ms) ${editMs <= EDIT_GOAL_MS ? 'within goal' : 'OVER GOAL'}`,
  );
}

/**
 * Generates `documentCount` documents in the shape `helm template` prints: per application a
 * ServiceAccount, Deployment, Service, Certificate and NetworkPolicy, then a SPIRE server ConfigMap.
 */
function generateRenderedInstall(documentCount: number): string {
  const applicationDocuments = documentCount - 1;
  const documents: string[] = [];
  for (let index = 0; documents.length < applicationDocuments; index++) {
    const name = `app-${index}`;
    documents.push(
      `# Source: platform/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: apps\n  labels:\n    app.kubernetes.io/name: ${name}\n    app.kubernetes.io/part-of: platform\n`,
      `# Source: platform/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: apps\n  labels:\n    app.kubernetes.io/name: ${name}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: ${name}\n    spec:\n      serviceAccountName: ${name}\n      containers:\n        - name: server\n          image: registry.example.com/${name}:1.4.${index}\n          args: ["--port=8443", "--tls-cert=/certs/tls.crt", "--tls-key=/certs/tls.key"]\n          ports:\n            - containerPort: 8443\n              name: https\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n          volumeMounts:\n            - name: certs\n              mountPath: /certs\n              readOnly: true\n            - name: token\n              mountPath: /var/run/secrets/tokens\n      volumes:\n        - name: certs\n          secret:\n            secretName: ${name}-tls\n        - name: token\n          projected:\n            sources:\n              - serviceAccountToken:\n                  audience: vault\n                  expirationSeconds: 3600\n                  path: vault-token\n`,
      `# Source: platform/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  selector:\n    app.kubernetes.io/name: ${name}\n  ports:\n    - name: https\n      port: 443\n      targetPort: https\n`,
      `# Source: platform/templates/certificate.yaml\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: ${name}-tls\n  namespace: apps\nspec:\n  secretName: ${name}-tls\n  duration: 24h\n  renewBefore: 8h\n  dnsNames:\n    - ${name}.apps.svc\n  issuerRef:\n    name: platform-ca\n    kind: ClusterIssuer\n  privateKey:\n    algorithm: ECDSA\n    size: 256\n    rotationPolicy: Always\n`,
      `# Source: platform/templates/networkpolicy.yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: ${name}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 10.${index % 250}.0.0/16\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: gateways\n`,
    );
  }
  documents.length = applicationDocuments;
  documents.push(
    `# Source: platform/templates/spire-server-config.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: spire-server\n  namespace: spire\ndata:\n  server.conf: |\n    server {\n      bind_address = "0.0.0.0"\n      bind_port = "8081"\n      trust_domain = "prod.example.com"\n      data_dir = "/run/spire/data"\n      ca_ttl = "24h"\n      default_x509_svid_ttl = "1h"\n    }\n    plugins {\n      DataStore "sql" {\n        plugin_data {\n          database_type = "postgres"\n          connection_string = "dbname=spire host=db.example.com"\n        }\n      }\n      KeyManager "disk" {\n        plugin_data {\n          keys_path = "/run/spire/data/keys.json"\n        }\n      }\n    }\n`,
  );
  return documents.join('---\n');
}

function main(): void {
  console.log(`Trust Anchor Assessor benchmark (node ${process.version}, ${process.platform}/${process.arch}); numbers are reported, never asserted.`);

  const install: SourceFile = { path: 'rendered-install.yaml', text: generateRenderedInstall(50) };
  report('Generated rendered install (50 documents)', [install], install);

  if (!existsSync(CORPUS_DIR)) {
    console.log(`\nCorpus: skipped, ${CORPUS_DIR} not found.`);
    return;
  }
  const corpus = readCorpus();
  const largest = corpus.reduce((best, file) => (file.text.length > best.text.length ? file : best));
  report('Corpus', corpus, largest);
}

main();
