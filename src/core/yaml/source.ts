import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from "yaml";

/** Files larger than this are left alone: config repos hold manifests, not data dumps. */
export const MAX_YAML_BYTES = 1024 * 1024;

/** A parsed YAML file that remembers its text, so every edit can be a splice of the original bytes. */
export interface YamlSource {
  readonly path: string;
  readonly text: string;
  readonly documents: readonly Document.Parsed[];
  position(offset: number): { line: number; col: number };
}

export interface YamlProblem {
  readonly path: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export type ParsedYaml =
  { readonly ok: true; readonly source: YamlSource } | { readonly ok: false; readonly problem: YamlProblem };

/**
 * Parses every document of a file, keeping source ranges. A file that does not parse, is too large, or
 * is a Helm template is reported as a problem (with its line) rather than half-understood.
 */
export function parseYaml(path: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  if (text.length > MAX_YAML_BYTES) {
    return {
      ok: false,
      problem: { path, line: 1, col: 1, message: `larger than ${MAX_YAML_BYTES / 1024} KiB; left alone` },
    };
  }
  const template = findTemplateLine(text);
  if (template !== undefined) {
    return {
      ok: false,
      problem: {
        path,
        line: template,
        col: 1,
        message: "Helm/Go template ({{ }}); left alone, edit it by hand or add a values file",
      },
    };
  }
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(documents)) {
    // An empty stream (only comments) parses to an EmptyStream: nothing to find.
    return { ok: true, source: { path, text, documents: [], position } };
  }
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) {
      const at = position(error.pos[0]);
      return {
        ok: false,
        problem: { path, ...at, message: `does not parse as YAML: ${error.message.split("\n")[0] ?? ""}` },
      };
    }
  }
  return { ok: true, source: { path, text, documents, position } };
}

/**
 * The first line that holds an unquoted template action. Quoted `"{{ … }}"` strings are ordinary values
 * in Helm values files and do not count.
 */
function findTemplateLine(text: string): number | undefined {
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    const code = stripQuoted(line).replace(/(?:^|\s)#.*$/, "");
    if (code.includes("{{")) return index + 1;
  }
  return undefined;
}

function stripQuoted(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""');
}

/** The source text of a scalar's value, quotes included (no trailing comment or space). */
export function scalarSource(source: YamlSource, node: Scalar): string {
  const [start, end] = node.range ?? [0, 0];
  return source.text.slice(start, end);
}

/**
 * The scalar's value as a string the way the user wrote it: plain `1.20` stays "1.20" (YAML would read
 * the number 1.2), quoted values are unquoted.
 */
export function scalarText(source: YamlSource, node: Scalar): string {
  if (node.type === "PLAIN") return scalarSource(source, node);
  return typeof node.value === "string" ? node.value : String(node.value);
}

export type KeyPath = readonly (string | number)[];

/** The pair of a map whose key is `key`, if any. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

/** The value node at `key`, with aliases resolved to the node they point at. */
export function getNode(document: Document, map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  const value = findPair(map, key)?.value;
  return resolve(document, value);
}

/** Follows an alias to its anchored node; any other node is returned as is. */
export function resolve(document: Document, node: unknown): Node | undefined {
  if (isAlias(node)) {
    const target = node.resolve(document);
    return target === undefined ? undefined : target;
  }
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

/** A string scalar at `key` (aliases resolved), or undefined. */
export function getScalar(document: Document, map: unknown, key: string): Scalar | undefined {
  const node = getNode(document, map, key);
  return isScalar(node) ? node : undefined;
}

/** Plain string value at `key`, for reading `kind`, `apiVersion` and the like. */
export function getString(document: Document, map: unknown, key: string): string | undefined {
  const node = getScalar(document, map, key);
  return typeof node?.value === "string" ? node.value : undefined;
}

/**
 * Walks every map in a node tree, depth first, with its key path. Aliases are not followed (an anchored
 * node is visited where it is defined, once), so alias bombs cost nothing.
 */
export function walkMaps(node: unknown, path: KeyPath, visit: (map: YAMLMap, path: KeyPath) => void): void {
  if (isMap(node)) {
    visit(node, path);
    for (const pair of node.items) {
      if (isPair(pair) && isScalar(pair.key)) walkMaps(pair.value, [...path, String(pair.key.value)], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      walkMaps(item, [...path, index], visit);
    });
  }
}
