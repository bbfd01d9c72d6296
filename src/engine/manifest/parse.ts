import { Composer, isCollection, isMap, isScalar, parseAllDocuments, Parser, visit, type Document, type DocumentOptions, type ParseOptions as YamlParseOptions, type SchemaOptions } from 'yaml';
import type { Notice, SourceRange } from '../model';
import { embeddedRole, parseEmbedded, type EmbeddedConfig } from './embedded';
import { neutraliseTemplate } from './helm';
import { recogniseValuesCharts, type ChartId } from './recognize';
import { LineIndex } from './text';
import { isRecord, YamlTree } from './tree';

type ParseOptionsForYaml = YamlParseOptions & DocumentOptions & SchemaOptions;

export interface ParseOptions {
  /** Files larger than this many bytes are skipped with one informational notice. */
  maxFileBytes: number;
  /**
   * Files whose collections (block and flow together) nest deeper than this are rejected before
   * parsing. The `yaml` parser recurses per level and overflows the stack at about 700 flow or 900
   * block levels. After that overflow a later parse in the same process can abort it (seen with
   * yaml 2.9.1 on Node 20), so the limit keeps a wide margin.
   */
  maxNestingDepth: number;
}

export const DEFAULT_PARSE_OPTIONS: ParseOptions = {
  maxFileBytes: 5 * 1024 * 1024,
  maxNestingDepth: 256,
};

export interface ManifestDocument {
  file: ManifestFile;
  index: number;
  tree: YamlTree;
  range: SourceRange;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** Helm charts whose values this document looks like (empty for Kubernetes objects). */
  charts: ChartId[];
  embedded: EmbeddedConfig[];
}

export interface ManifestFile {
  path: string;
  text: string;
  lines: LineIndex;
  /** True when Go template actions were blanked before parsing. */
  isTemplate: boolean;
  templateActions: SourceRange[];
  documents: ManifestDocument[];
  notices: Notice[];
}

const TEMPLATE_EXTENSIONS = /\.(tmpl|tpl|gotmpl)$/i;

/**
 * A `{{` where YAML expects a key, a value or a list item. There it is a template action, because
 * a flow mapping whose key is another flow mapping never occurs in a real manifest. A `{{` inside a
 * plain value (`spiffe://{{ .TrustDomain }}/ns/...`) is text and does not match.
 */
const TEMPLATE_ACTION_IN_YAML_POSITION = /(^[ \t]*|:[ \t]+|^[ \t]*-[ \t]+)\{\{/m;

/** True for paths that hold Helm or Go templates by convention. */
export function isTemplatePath(path: string): boolean {
  return /(^|[\\/])templates[\\/]/.test(path) || TEMPLATE_EXTENSIONS.test(path) || /\.ya?ml\.tmpl$/i.test(path);
}

/**
 * Parses every YAML document of a file with source ranges. Never throws: problems become notices.
 * Helm templates are parsed after their `{{ }}` actions are blanked in place; a template that still
 * does not parse gets one informational notice, and its documents that did parse are still analysed.
 */
export function parseManifestFile(path: string, text: string, options: ParseOptions = DEFAULT_PARSE_OPTIONS): ManifestFile {
  const file: ManifestFile = {
    path,
    text,
    lines: new LineIndex(text),
    isTemplate: false,
    templateActions: [],
    documents: [],
    notices: [],
  };

  const byteLength = Buffer.byteLength(text, 'utf8');
  if (byteLength > options.maxFileBytes) {
    file.notices.push({
      code: 'file-too-large',
      severity: 'info',
      file: path,
      message: `Skipped ${path}: ${formatBytes(byteLength)} is over the ${formatBytes(options.maxFileBytes)} limit (setting trustAnchor.maxFileSize, CLI --max-file-size).`,
    });
    return file;
  }

  const depth = exceedsNestingDepth(text, options.maxNestingDepth);
  if (depth.exceeded) {
    file.notices.push({
      code: 'analysis-limit',
      severity: 'warning',
      file: path,
      range: { start: depth.offset, end: depth.offset + 1 },
      message: `Skipped ${path}: collections are nested more than ${options.maxNestingDepth} levels deep, which no Kubernetes manifest needs.`,
    });
    return file;
  }

  const looksTemplated = TEMPLATE_ACTION_IN_YAML_POSITION.test(text);
  const templatePath = isTemplatePath(path);
  let source = text;
  let documents: Document.Parsed[] | undefined;
  // A template file with actions in YAML positions is neutralised without a raw parse first: the
  // raw parse would only produce thousands of errors, and building them dominated the parse time.
  let templated = looksTemplated && templatePath;
  if (!templated) {
    documents = parseDocumentsSafely(source);
    const rawHasErrors = documents === undefined || documents.some((document) => hasBlockingErrors(document));
    templated = (looksTemplated && (rawHasErrors || hasCollectionKeys(documents ?? []))) || (rawHasErrors && templatePath && text.includes('{{'));
  }
  if (templated) {
    const neutralised = neutraliseTemplate(text);
    source = neutralised.text;
    file.isTemplate = true;
    file.templateActions = neutralised.actions;
    documents = parseDocumentsSafely(source, true);
  }
  if (documents?.some((document) => hasBlockingErrors(document))) documents = parseEachDocumentSafely(source, file.isTemplate) ?? documents;

  if (documents === undefined) {
    file.notices.push({
      code: 'parse-error',
      severity: 'warning',
      file: path,
      message: `Could not parse ${path}: the YAML parser ran out of stack space. Check for runaway nesting.`,
    });
    return file;
  }

  let reportedTemplateProblem = false;
  documents.forEach((document, index) => {
    const blocking = document.errors.filter((error) => error.code !== 'DUPLICATE_KEY');
    const stackError = blocking.find((error) => /Maximum call stack size exceeded/.test(error.message));
    if (stackError) {
      file.notices.push({
        code: 'analysis-limit',
        severity: 'warning',
        file: path,
        range: { start: stackError.pos[0], end: Math.max(stackError.pos[1], stackError.pos[0] + 1) },
        message: `Skipped document ${index + 1} of ${path}: it nests too deeply for the YAML parser. Flatten the nesting; no Kubernetes manifest needs it.`,
      });
      return;
    }
    if (blocking.length > 0) {
      if (file.isTemplate) {
        if (!reportedTemplateProblem) {
          reportedTemplateProblem = true;
          const first = blocking[0];
          file.notices.push({
            code: 'template-not-parsed',
            severity: 'info',
            file: path,
            range: { start: first.pos[0], end: Math.max(first.pos[1], first.pos[0] + 1) },
            message: `Parts of the template ${path} are not valid YAML even with its {{ }} actions blanked (${firstLine(first.message)}); findings cover only the documents that parse. Render it with "helm template" for a full check.`,
          });
        }
      } else {
        for (const error of blocking.slice(0, 3)) {
          file.notices.push({
            code: 'parse-error',
            severity: 'warning',
            file: path,
            range: { start: error.pos[0], end: Math.max(error.pos[1], error.pos[0] + 1) },
            message: `Invalid YAML in ${path} (document ${index + 1}): ${firstLine(error.message)}. Fix the syntax to analyse this document.`,
          });
        }
      }
      return;
    }
    for (const warning of document.errors.filter((error) => error.code === 'DUPLICATE_KEY')) {
      const key = keyTextAt(source, warning.pos[0]);
      const line = file.lines.positionAt(warning.pos[0]).line + 1;
      file.notices.push({
        code: 'parse-error',
        severity: 'warning',
        file: path,
        range: { start: warning.pos[0], end: key ? warning.pos[0] + key.length : Math.max(warning.pos[1], warning.pos[0] + 1) },
        message: key
          ? `Duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`} in ${path} (line ${line}): Kubernetes keeps only one of the values; remove the other.`
          : `Duplicate key in ${path} (line ${line}): ${firstLine(warning.message)}. Kubernetes keeps only one of the values; remove the other.`,
      });
    }
    const built = buildDocument(file, document, source, index);
    if (built) file.documents.push(built);
  });
  return file;
}

function buildDocument(file: ManifestFile, document: Document.Parsed, source: string, index: number): ManifestDocument | undefined {
  const tree = new YamlTree(document, source);
  let value: unknown;
  try {
    value = tree.value;
  } catch (error) {
    const message = (error as Error).message;
    const aliasProblem = /alias/i.test(message);
    file.notices.push({
      code: aliasProblem ? 'analysis-limit' : 'parse-error',
      severity: 'warning',
      file: file.path,
      range: { start: document.range[0], end: Math.min(document.range[1], document.range[0] + 1) },
      message: aliasProblem
        ? `Skipped document ${index + 1} of ${file.path}: its aliases expand to too many nodes (${message}). This is how "billion laughs" documents exhaust memory; remove the nested aliases.`
        : `Could not read document ${index + 1} of ${file.path}: ${message}`,
    });
    return undefined;
  }
  if (value === null || value === undefined) return undefined;

  const manifestDocument: ManifestDocument = {
    file,
    index,
    tree,
    range: { start: document.range[0], end: document.range[1] },
    charts: [],
    embedded: [],
  };
  if (isRecord(value)) {
    if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') {
      manifestDocument.apiVersion = value.apiVersion;
      manifestDocument.kind = value.kind;
    }
    const metadata = value.metadata;
    if (isRecord(metadata)) {
      if (typeof metadata.name === 'string') manifestDocument.name = metadata.name;
      if (typeof metadata.namespace === 'string') manifestDocument.namespace = metadata.namespace;
    }
    if (!manifestDocument.kind) manifestDocument.charts = recogniseValuesCharts(value);
    if (manifestDocument.kind === 'ConfigMap') collectEmbedded(manifestDocument, source);
  }
  return manifestDocument;
}

function collectEmbedded(document: ManifestDocument, source: string): void {
  const data = document.tree.nodeAt(['data']);
  if (!data || !isMap(data.node)) return;
  for (const pair of data.node.items) {
    if (!isScalar(pair.key) || !pair.value) continue;
    const key = String(pair.key.value);
    const role = embeddedRole(document.name, key);
    if (!role) continue;
    const embedded = parseEmbedded(source, role, key, pair.value as never);
    document.embedded.push(embedded);
    if (embedded.error && !document.file.isTemplate) {
      document.file.notices.push({
        code: 'embedded-config-error',
        severity: 'warning',
        file: document.file.path,
        range: embedded.error.range,
        message: `Could not parse ${key} in ConfigMap ${document.name ?? '(unnamed)'}: ${embedded.error.message}. Rules for this config are skipped where it does not parse.`,
      });
    }
  }
}

function yamlOptions(template: boolean): ParseOptionsForYaml {
  return { uniqueKeys: !template, prettyErrors: false, strict: false, logLevel: 'error' };
}

function parseDocumentsSafely(source: string, template = false): Document.Parsed[] | undefined {
  try {
    return parseAllDocuments(source, yamlOptions(template)) as Document.Parsed[];
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function parseEachDocumentSafely(source: string, template: boolean): Document.Parsed[] | undefined {
  try {
    return parseEachDocument(source, yamlOptions(template));
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/**
 * Parses each `---`-separated part of a broken file on its own, so that one broken document (an
 * unterminated quote, say) cannot swallow the documents after it. Offsets stay file offsets because
 * the parser starts counting at the part's start. Returns undefined when the file has one part.
 */
function parseEachDocument(source: string, options: ParseOptionsForYaml): Document.Parsed[] | undefined {
  const starts = [0];
  for (const match of source.matchAll(DOCUMENT_START)) if (match.index > 0) starts.push(match.index);
  if (starts.length < 2) return undefined;

  const documents: Document.Parsed[] = [];
  starts.forEach((start, index) => {
    const end = index + 1 < starts.length ? starts[index + 1] : source.length;
    const parser = new Parser();
    parser.offset = start;
    const composer = new Composer(options);
    for (const document of composer.compose(parser.parse(source.slice(start, end)), false, end)) {
      documents.push(document as Document.Parsed);
    }
  });
  return documents;
}

/** `key: {{ .Values.x }}` parses as a flow map used as a key; real manifests never have one. */
function hasCollectionKeys(documents: Document.Parsed[]): boolean {
  let found = false;
  for (const document of documents) {
    visit(document, {
      Pair(_, pair) {
        if (isCollection(pair.key)) {
          found = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return true;
  }
  return false;
}

function hasBlockingErrors(document: Document.Parsed): boolean {
  return document.errors.some((error) => error.code !== 'DUPLICATE_KEY');
}

/**
 * Estimates how deep collections nest and stops at the first place past `limit`. Block depth is the
 * number of open indentation levels plus the compact `- ` and `? ` indicators (and a `key:` after
 * them) on a line; flow depth counts `[` and `{` outside quotes and comments. The sum of the deepest
 * of each over-estimates the real depth, which is the safe side for a guard.
 */
function exceedsNestingDepth(text: string, limit: number): { exceeded: boolean; offset: number } {
  const flow = maxFlowDepth(text, limit);
  if (flow.exceeded) return flow;
  return maxBlockDepth(text, limit - flow.depth);
}

/** Finds the deepest nesting of flow collections (`[`, `{`) outside quotes and comments. */
function maxFlowDepth(text: string, limit: number): { exceeded: boolean; offset: number; depth: number } {
  let depth = 0;
  let deepest = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote && text[i - 1] !== '\\') quote = '';
      else if (char === '\n') quote = '';
      continue;
    }
    if (char === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const lineEnd = text.indexOf('\n', i);
      if (lineEnd < 0) break;
      i = lineEnd;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') {
      depth++;
      if (depth > deepest) deepest = depth;
      if (depth > limit) return { exceeded: true, offset: i, depth };
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return { exceeded: false, offset: 0, depth: deepest };
}

function maxBlockDepth(text: string, limit: number): { exceeded: boolean; offset: number } {
  const openIndents: number[] = [];
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;

    let position = lineStart;
    while (position < lineEnd && text.charCodeAt(position) === 32) position++;
    const indent = position - lineStart;
    const first = text[position];
    const isContent = position < lineEnd && first !== '#' && first !== '\r';
    if (isContent) {
      while (openIndents.length > 0 && openIndents[openIndents.length - 1] > indent) openIndents.pop();
      if (openIndents.length === 0 || openIndents[openIndents.length - 1] < indent) openIndents.push(indent);

      let compact = 0;
      while (position < lineEnd && (text[position] === '-' || text[position] === '?') && /[ \t\r]|^$/.test(text[position + 1] ?? '')) {
        compact++;
        position += 1;
        while (position < lineEnd && (text[position] === ' ' || text[position] === '\t')) position++;
        if (openIndents.length + compact > limit) return { exceeded: true, offset: position };
      }
      if (compact > 0 && /^[^\s#][^\n]*?:(\s|$)/.test(text.slice(position, Math.min(lineEnd, position + 256)))) compact++;
      if (openIndents.length + compact > limit) return { exceeded: true, offset: position };
    }
    lineStart = lineEnd + 1;
  }
  return { exceeded: false, offset: 0 };
}

/** Returns the text of the mapping key (quoted or plain) that starts at `offset`, if one does. */
function keyTextAt(source: string, offset: number): string | undefined {
  const match = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s:#,[\]{}][^:#\r\n]*?)[ \t]*:(?:[ \t\r\n]|$)/.exec(source.slice(offset, offset + 1024));
  return match ? match[1] : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
