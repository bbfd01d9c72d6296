import { removeEntry } from '../../fixes/edits';
import { isRecord, lookup, type Path } from '../../manifest/tree';
import type { Rule, RuleContext } from '../types';
import { PLUG_IN_CA_SECRET } from './ca-mode';

/** The root key file that tools/certs/Makefile.selfsigned.mk writes beside root-cert.pem. */
const ROOT_KEY_FILE = 'root-key.pem';

/** Files `make -f Makefile.selfsigned.mk <cluster>-cacerts` writes into a `<cluster>/` folder. */
const MAKEFILE_CLUSTER_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'];

export const demoCaCerts: Rule = {
  id: 'istio/demo-ca-certs',
  system: 'istio',
  dimension: 'issuer-independence',
  severity: 'warning',
  title: 'Plug-in CA material carries the root key or comes from the demo certificate Makefile',
  rationale:
    'The plug-in CA is portable only when the root key stays offline. A cacerts Secret that holds root-key.pem, or one built from the Makefile that Istio documents for demos, keeps the root key next to the cluster, where a cluster compromise or a careless rebuild exposes or replaces it.',
  fixable: true,
  appliesTo: { kinds: ['Secret', 'Kustomization'] },
  check(context) {
    if (context.document.kind === 'Secret') checkSecret(context);
    else checkKustomization(context);
  },
};

function checkSecret(context: RuleContext): void {
  if (context.document.name !== PLUG_IN_CA_SECRET) return;
  for (const field of ['data', 'stringData']) {
    const entries = lookup(context.value, [field]);
    if (!isRecord(entries) || !(ROOT_KEY_FILE in entries)) continue;
    const path: Path = [field, ROOT_KEY_FILE];
    const edit = removeEntry(context.file.text, context.document.tree, path);
    context.report({
      path,
      part: 'key',
      message:
        `Secret "${PLUG_IN_CA_SECRET}" carries ${ROOT_KEY_FILE}, the private key of the mesh root. istiod never reads it; it only needs ca-cert.pem, ca-key.pem, root-cert.pem and cert-chain.pem. ` +
        'Remove the root key, keep it offline or in a KMS, and rotate the root, since this manifest has exposed it.',
      fixes: edit ? [{ title: `Remove ${ROOT_KEY_FILE} from Secret "${PLUG_IN_CA_SECRET}"`, edits: [edit], isPreferred: true, safe: true }] : [],
    });
  }
}

/** `files:` entries of a secretGenerator are `path` or `key=path`. */
function filePath(entry: string): string {
  const separator = entry.indexOf('=');
  return separator >= 0 ? entry.slice(separator + 1) : entry;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function checkKustomization(context: RuleContext): void {
  const generators = lookup(context.value, ['secretGenerator']);
  if (!Array.isArray(generators)) return;
  generators.forEach((generator, index) => {
    if (!isRecord(generator) || generator.name !== PLUG_IN_CA_SECRET || !Array.isArray(generator.files)) return;
    const files = generator.files.filter((entry): entry is string => typeof entry === 'string');

    const rootKeyIndex = files.findIndex((entry) => baseName(filePath(entry)) === ROOT_KEY_FILE);
    if (rootKeyIndex >= 0) {
      context.report({
        path: ['secretGenerator', index, 'files', rootKeyIndex],
        part: 'value',
        message: `secretGenerator "${PLUG_IN_CA_SECRET}" puts ${ROOT_KEY_FILE}, the private key of the mesh root, into the cluster. Remove it from files, keep the root key offline or in a KMS, and rotate the root.`,
      });
      return;
    }

    const clusterFolders = new Set(
      files
        .map(filePath)
        .filter((path) => MAKEFILE_CLUSTER_FILES.includes(baseName(path)) && path.includes('/'))
        .map((path) => path.slice(0, path.lastIndexOf('/'))),
    );
    const keyIndex = files.findIndex((entry) => baseName(filePath(entry)) === 'ca-key.pem');
    if (clusterFolders.size === 1 && keyIndex >= 0 && files.length >= MAKEFILE_CLUSTER_FILES.length) {
      const folder = [...clusterFolders][0];
      context.report({
        path: ['secretGenerator', index, 'files', keyIndex],
        part: 'value',
        message:
          `secretGenerator "${PLUG_IN_CA_SECRET}" reads ${folder}/ca-key.pem from this repository, the layout that Istio's demo Makefile (tools/certs/Makefile.selfsigned.mk) writes with the root key one folder up. ` +
          'That Makefile is for demos: issue the intermediate from an offline or KMS-backed root and deliver ca-key.pem from a secret manager.',
      });
    }
  });
}
