import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "../core/errors.js";
import { suggest } from "../core/suggest.js";
import { crossCheck } from "./cross-check.js";
import { Config } from "./schema.js";

export const CONFIG_PATH = ".github/stagecoach.yml";
const MAX_CONFIG_BYTES = 256 * 1024;
const MAX_ALIASES = 50;

type Path = readonly PropertyKey[];

/**
 * Parses the text of `.github/stagecoach.yml`. Returns the config, or throws a `ConfigError` whose
 * problems each name file, line and column.
 */
export function parseConfig(text: string, file: string = CONFIG_PATH): Config {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError([
      { file, line: 1, col: 1, message: `is larger than ${MAX_CONFIG_BYTES / 1024} KiB` },
    ]);
  }
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);

  const docs = Array.isArray(documents) ? documents : [];
  if (docs.length > 1) {
    const second = docs[1];
    throw new ConfigError([
      { file, ...at(second?.range[0] ?? 0), message: "must hold one YAML document, not several" },
    ]);
  }
  const doc = docs[0];
  const yamlErrors = doc?.errors ?? [];
  if (yamlErrors.length > 0) {
    throw new ConfigError(
      yamlErrors.map((error) => ({
        file,
        ...at(error.pos[0]),
        message: `YAML: ${firstLine(error.message)}`,
      })),
    );
  }
  if (doc === undefined || doc.contents === null) {
    throw new ConfigError([{ file, line: 1, col: 1, message: "is empty; it needs at least `environments`" }]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new ConfigError(
      [{ file, line: 1, col: 1, message: `YAML: ${error instanceof Error ? error.message : String(error)}` }],
      {
        cause: error,
      },
    );
  }

  const result = Config.safeParse(data, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues
      .flatMap((issue) => describeIssue(issue, []))
      .map((described) => ({
        file,
        ...locate(doc, described.path, described.target, at),
        message: described.message,
      }));
    throw new ConfigError(sortProblems(dedupe(problems)));
  }
  const crossIssues = crossCheck(result.data);
  if (crossIssues.length > 0) {
    throw new ConfigError(
      sortProblems(
        crossIssues.map((issue) => ({
          file,
          ...locate(doc, issue.path, "value", at),
          message: `${dotted(issue.path)} ${issue.message}`,
        })),
      ),
    );
  }
  return result.data;
}

interface DescribedIssue {
  readonly path: Path;
  /** What to point at: the value at `path`, or the key of the last path element. */
  readonly target: "value" | "key";
  readonly message: string;
}

function describeIssue(issue: z.core.$ZodIssue, prefix: Path): DescribedIssue[] {
  const path = [...prefix, ...issue.path];
  const name = dotted(path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: [...path, key],
        target: "key",
        message: `unknown key "${key}"${hint(key, knownKeys(path))}${path.length > 0 ? ` in ${name}` : ""}`,
      }));
    case "invalid_type": {
      if (issue.input === undefined) {
        return [{ path, target: "key", message: `${name} is required` }];
      }
      return [
        {
          path,
          target: "value",
          message: `${name} must be ${article(issue.expected)}, not ${describeValue(issue.input)}`,
        },
      ];
    }
    case "invalid_value":
      return [
        {
          path,
          target: "value",
          message: `${name} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}${
            typeof issue.input === "string" ? hint(issue.input, issue.values.map(String)) : ""
          }`,
        },
      ];
    case "invalid_union": {
      const branches = issue.errors.filter((branch) => branch.length > 0);
      const best = branches.reduce<z.core.$ZodIssue[] | undefined>(
        (chosen, branch) => (chosen === undefined || branch.length < chosen.length ? branch : chosen),
        undefined,
      );
      return best === undefined
        ? [{ path, target: "value", message: `${name} is not valid` }]
        : best.flatMap((inner) => describeIssue(inner, path));
    }
    case "invalid_key":
      return [
        {
          path,
          target: "key",
          message: `"${String(path.at(-1))}" ${issue.issues.map((inner) => inner.message).join("; ")}`,
        },
      ];
    case "too_small":
      return [
        { path, target: "value", message: `${name} ${sizeMessage("at least", issue.minimum, issue.origin)}` },
      ];
    case "too_big":
      return [
        { path, target: "value", message: `${name} ${sizeMessage("at most", issue.maximum, issue.origin)}` },
      ];
    default:
      return [{ path, target: "value", message: `${name} ${issue.message}` }];
  }
}

function sizeMessage(bound: string, limit: number | bigint, origin: string): string {
  switch (origin) {
    case "array":
      return `must have ${bound} ${limit} item${limit === 1 ? "" : "s"}`;
    case "string":
      return `must be ${bound} ${limit} character${limit === 1 ? "" : "s"} long`;
    default:
      return `must be ${bound} ${limit}`;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "empty (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

function hint(value: string, candidates: readonly string[]): string {
  const best = suggest(value, candidates);
  return best === undefined ? "" : ` (did you mean "${best}"?)`;
}

function dotted(path: Path): string {
  if (path.length === 0) return "the file";
  return path.map(String).join(".");
}

/** The keys the schema allows at a path, for "did you mean" hints. */
function knownKeys(path: Path): string[] {
  let schema: z.core.$ZodType | undefined = Config;
  for (const segment of path) {
    schema = schema === undefined ? undefined : childSchema(unwrap(schema), segment);
  }
  if (schema === undefined) return [];
  const def = unwrap(schema)._zod.def;
  return def.type === "object" ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def;
    if (def.type === "optional" || def.type === "default" || def.type === "nullable") {
      current = (def as z.core.$ZodOptionalDef).innerType;
    } else {
      return current;
    }
  }
}

function childSchema(schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType | undefined {
  const def = schema._zod.def;
  if (def.type === "object") return (def as z.core.$ZodObjectDef).shape[String(segment)];
  if (def.type === "record") return (def as z.core.$ZodRecordDef).valueType;
  if (def.type === "array") return (def as z.core.$ZodArrayDef).element;
  return undefined;
}

function locate(
  doc: Document,
  path: Path,
  target: "value" | "key",
  at: (offset: number) => { line: number; col: number },
): { line: number; col: number } {
  // Walk down as far as the document goes; an issue about a missing key points at its parent mapping.
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (!isMap(node) && !(node !== null && typeof node === "object" && "items" in node)) break;
    const collection = node as { items: unknown[] };
    const next: unknown = isMap(node)
      ? node.items.find(
          (pair) => isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(segment),
        )
      : collection.items[Number(segment)];
    if (next === undefined) break;
    if (isPair(next)) {
      keyNode = next.key as Node;
      node = next.value ?? next.key;
    } else {
      keyNode = undefined;
      node = next;
    }
  }
  const chosen = target === "key" && keyNode !== undefined ? keyNode : (node as Node | null | undefined);
  const offset = chosen?.range?.[0] ?? 0;
  return at(offset);
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.line}:${problem.col}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Line and column of the value at `path` in a config file's text, for problems found after parsing. */
export function configPosition(
  text: string,
  path: readonly (string | number)[],
): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  const doc = Array.isArray(documents) ? documents[0] : undefined;
  if (doc === undefined) return { line: 1, col: 1 };
  return locate(doc, path, "value", (offset) => lineCounter.linePos(offset));
}
