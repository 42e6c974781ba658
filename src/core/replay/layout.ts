import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Document,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { scalarSource, type YamlSource } from "../yaml/source.js";
import { lineEnding } from "../yaml/splice.js";
import { isBlock } from "./diff.js";

/** A value Stagecoach cannot write in the target's style without guessing; `reason` is for people. */
export class Unrenderable extends Error {
  override readonly name = "Unrenderable";
}

/** How a file lays out YAML, so new lines look like their neighbours. */
export interface Style {
  /** Columns one level of map nesting adds. */
  readonly indent: number;
  /** Columns from a key to the dashes of its block sequence: 0 for `key:\n- a`, 2 for `key:\n  - a`. */
  readonly sequenceIndent: number;
  /** Columns from a dash to the item's content: 2 for `- name: x`. */
  readonly itemIndent: number;
  readonly eol: string;
  /** The quote style the file uses, when it uses only one. */
  readonly quote: "'" | '"' | undefined;
}

/* Text geometry. Offsets are into `source.text`; columns are 0-based. */

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Offset of the line break ending the line of `offset` (`\r` of a CRLF), or the text's length. */
export function lineEnd(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  if (newline === -1) return text.length;
  return text[newline - 1] === "\r" ? newline - 1 : newline;
}

/** Offset where the next line starts, or the text's length on the last line. */
export function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}

export function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Is `offset` the first non-blank character of its line? */
export function leadsLine(text: string, offset: number): boolean {
  return text.slice(lineStart(text, offset), offset).trim() === "";
}

function lineAt(text: string, start: number): string {
  return text.slice(start, lineEnd(text, start));
}

function isCommentLine(line: string): boolean {
  return line.trimStart().startsWith("#");
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}

/** Where the last character of a node's content is (trailing comments and blank lines excluded). */
export function contentEnd(node: unknown): number {
  if (isMap(node) && node.flow !== true) {
    const last = node.items.at(-1);
    return last === undefined ? (node.range?.[1] ?? 0) : pairEnd(last);
  }
  if (isSeq(node) && node.flow !== true) {
    const last = node.items.at(-1);
    return last === undefined ? (node.range?.[1] ?? 0) : contentEnd(last);
  }
  if (isScalar(node) || isAlias(node) || isMap(node) || isSeq(node)) return node.range?.[1] ?? 0;
  return 0;
}

function pairEnd(pair: Pair): number {
  const keyEnd = isScalar(pair.key) ? (pair.key.range?.[1] ?? 0) : 0;
  return Math.max(keyEnd, contentEnd(pair.value));
}

/** Where the dash of a block sequence item is. */
export function dashOf(text: string, item: unknown): number | undefined {
  if (!(isScalar(item) || isMap(item) || isSeq(item) || isAlias(item))) return undefined;
  let at = (item.range?.[0] ?? 0) - 1;
  while (at >= 0 && (text[at] === " " || text[at] === "\t")) at -= 1;
  return text[at] === "-" ? at : undefined;
}

/** A whole element (a block map pair or a block sequence item) as lines of the text. */
export interface Extent {
  /** Where the element starts: its key, or its dash. */
  readonly start: number;
  readonly column: number;
  /** Start of the comment lines directly above that belong to it (or of its own line). */
  readonly attached: number;
  /** Start of the line after its last line, comment lines indented deeper than it included. */
  readonly end: number;
}

/** The start of the line after the one `offset` ends: block scalars end after their line break already. */
export function lineAfter(text: string, offset: number): number {
  return offset > 0 && text[offset - 1] === "\n" ? offset : nextLineStart(text, offset);
}

export function extentOf(text: string, start: number, last: number): Extent {
  const col = column(text, start);
  let end = lineAfter(text, last);
  while (end < text.length) {
    const line = lineAt(text, end);
    if (!isCommentLine(line) || indentation(line) <= col) break;
    end = nextLineStart(text, end);
  }
  let attached = lineStart(text, start);
  while (attached > 0) {
    const previous = lineStart(text, attached - 1);
    const line = lineAt(text, previous);
    if (!isCommentLine(line) || indentation(line) !== col) break;
    attached = previous;
  }
  return { start, column: col, attached, end };
}

export function pairExtent(text: string, pair: Pair): Extent {
  const start = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
  return extentOf(text, start, pairEnd(pair));
}

export function itemExtent(text: string, item: unknown): Extent | undefined {
  const dash = dashOf(text, item);
  return dash === undefined ? undefined : extentOf(text, dash, contentEnd(item));
}

/* Style detection. */

function mode(samples: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const sample of samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  let best: number | undefined;
  for (const [value, count] of counts) {
    if (best === undefined || count > (counts.get(best) ?? 0)) best = value;
  }
  return best;
}

interface Samples {
  indent: number[];
  sequenceIndent: number[];
  itemIndent: number[];
  single: number;
  double: number;
}

function collect(source: YamlSource, node: unknown, samples: Samples): void {
  const text = source.text;
  if (isScalar(node)) {
    if (node.type === "QUOTE_SINGLE") samples.single += 1;
    if (node.type === "QUOTE_DOUBLE") samples.double += 1;
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const value = pair.value;
      if (keyStart !== undefined && isMap(value) && value.flow !== true) {
        const first = value.items[0]?.key;
        const childStart = isScalar(first) ? first.range?.[0] : undefined;
        if (childStart !== undefined && leadsLine(text, childStart))
          samples.indent.push(column(text, childStart) - column(text, keyStart));
      }
      if (keyStart !== undefined && isSeq(value) && value.flow !== true) {
        const dash = dashOf(text, value.items[0]);
        if (dash !== undefined && leadsLine(text, dash))
          samples.sequenceIndent.push(column(text, dash) - column(text, keyStart));
      }
      collect(source, value, samples);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const dash = node.flow === true ? undefined : dashOf(text, item);
      const first = isMap(item) ? item.items[0]?.key : undefined;
      const keyStart = isScalar(first) ? first.range?.[0] : undefined;
      if (dash !== undefined && keyStart !== undefined && !leadsLine(text, keyStart))
        samples.itemIndent.push(keyStart - dash);
      collect(source, item, samples);
    }
  }
}

/** The layout a file uses; where it has no example (a flat file), `fallback`'s choice stands. */
export function detectStyle(source: YamlSource, fallback?: Style): Style {
  const samples: Samples = { indent: [], sequenceIndent: [], itemIndent: [], single: 0, double: 0 };
  for (const document of source.documents) collect(source, document.contents, samples);
  const quote =
    samples.single > 0 && samples.double === 0
      ? "'"
      : samples.double > 0 && samples.single === 0
        ? '"'
        : undefined;
  return {
    indent: mode(samples.indent.filter((width) => width > 0)) ?? fallback?.indent ?? 2,
    sequenceIndent:
      mode(samples.sequenceIndent.filter((width) => width >= 0)) ?? fallback?.sequenceIndent ?? 2,
    itemIndent: mode(samples.itemIndent.filter((width) => width >= 2)) ?? fallback?.itemIndent ?? 2,
    eol: lineEnding(source.text),
    quote: quote ?? fallback?.quote,
  };
}

/* Rendering source nodes as lines in a target's style. */

const pad = (width: number): string => " ".repeat(width);

/** Tabs, line breaks and the like, which only double quotes with escapes can hold. */
export function hasControlCharacters(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A scalar as the source wrote it, in the target's quote style when the file sticks to one. */
export function scalarText(source: YamlSource, node: Scalar, style: Style): string {
  const written = scalarSource(source, node);
  const value = node.value;
  if (typeof value !== "string" || hasControlCharacters(value)) return written;
  if (node.type === "QUOTE_DOUBLE" && style.quote === "'") return `'${value.replace(/'/g, "''")}'`;
  if (node.type === "QUOTE_SINGLE" && style.quote === '"')
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return written;
}

function ensureWritable(source: YamlSource, node: unknown): void {
  if (isAlias(node)) throw new Unrenderable("it uses an alias (*name)");
  if (isScalar(node) || isMap(node) || isSeq(node)) {
    if (node.anchor !== undefined) throw new Unrenderable(`it defines an anchor (&${node.anchor})`);
  }
  if (isBlock(node)) throw new Unrenderable("it holds a block scalar (| or >)");
  if (isScalar(node) || ((isMap(node) || isSeq(node)) && node.flow === true)) {
    const [start = 0, end = 0] = node.range ?? [];
    if (/[\r\n]/.test(source.text.slice(start, end)))
      throw new Unrenderable("a value in it spans several lines");
  }
}

/** The rest of the line from `from`, with `value` (on that line) in the target's quote style. */
function restOfLine(source: YamlSource, from: number, value: unknown, style: Style): string {
  const text = source.text;
  const end = lineEnd(text, from);
  const [start = -1, stop = -1] = isScalar(value) ? (value.range ?? []) : [];
  if (isScalar(value) && start >= from && stop <= end) {
    return (text.slice(from, start) + scalarText(source, value, style) + text.slice(stop, end)).trimEnd();
  }
  return text.slice(from, end).trimEnd();
}

/** Comment and blank lines of the source between `from` and `to`, re-indented to `col`. */
function gapLines(source: YamlSource, from: number, to: number, col: number): string[] {
  if (to <= from) return [];
  const lines = source.text
    .slice(from, to)
    .replace(/\r?\n$/, "")
    .split(/\r?\n/);
  return lines.map((line) => {
    if (line.trim() === "") return "";
    if (!isCommentLine(line)) throw new Unrenderable("its layout is not one key or item per line");
    return pad(col) + line.trim();
  });
}

/** `key: value` (and its nested lines) at column `col`, copied from the source line by line. */
export function renderPair(source: YamlSource, pair: Pair, col: number, style: Style): string[] {
  if (!isScalar(pair.key)) throw new Unrenderable("it has a complex key");
  const keyStart = pair.key.range?.[0] ?? 0;
  const value = pair.value;
  ensureWritable(source, pair.key);
  ensureWritable(source, value);
  const first = pad(col) + restOfLine(source, keyStart, value, style);
  if (isMap(value) && value.flow !== true) {
    return [
      first,
      ...renderChildren(source, nextLineStart(source.text, keyStart), value, col + style.indent, style),
    ];
  }
  if (isSeq(value) && value.flow !== true) {
    const children = renderChildren(
      source,
      nextLineStart(source.text, keyStart),
      value,
      col + style.sequenceIndent,
      style,
    );
    return [first, ...children];
  }
  if (lineEnd(source.text, keyStart) < contentEnd(value))
    throw new Unrenderable("a value in it spans several lines");
  return [first];
}

/** The lines of a block collection's children, its keys at `keyCol` + the style's indentation. */
export function renderBlock(
  source: YamlSource,
  node: YAMLMap | YAMLSeq,
  keyCol: number,
  style: Style,
): string[] {
  const first = node.items[0];
  const start = isPair(first)
    ? isScalar(first.key)
      ? first.key.range?.[0]
      : undefined
    : dashOf(source.text, first);
  if (start === undefined) return [];
  const col = keyCol + (isMap(node) ? style.indent : style.sequenceIndent);
  return renderChildren(source, lineStart(source.text, start), node, col, style);
}

function renderChildren(
  source: YamlSource,
  from: number,
  node: YAMLMap | YAMLSeq,
  col: number,
  style: Style,
): string[] {
  const text = source.text;
  const lines: string[] = [];
  let cursor = from;
  for (const child of node.items) {
    const start = isPair(child)
      ? isScalar(child.key)
        ? (child.key.range?.[0] ?? 0)
        : 0
      : (dashOf(text, child) ?? -1);
    if (start < cursor || !leadsLine(text, start))
      throw new Unrenderable("its layout is not one key or item per line");
    lines.push(...gapLines(source, cursor, lineStart(text, start), col));
    lines.push(
      ...(isPair(child) ? renderPair(source, child, col, style) : renderItem(source, child, col, style)),
    );
    cursor = lineAfter(text, isPair(child) ? pairEnd(child) : contentEnd(child));
  }
  return lines;
}

/** `- item` (and its nested lines) with the dash at column `dashCol`. */
export function renderItem(source: YamlSource, item: unknown, dashCol: number, style: Style): string[] {
  const text = source.text;
  ensureWritable(source, item);
  const dash = dashOf(text, item);
  if (dash === undefined) throw new Unrenderable("its layout is not one key or item per line");
  const lead = `${pad(dashCol)}-${pad(style.itemIndent - 1)}`;
  if (isMap(item) && item.flow !== true) {
    const firstKey = item.items[0]?.key;
    const firstStart = isScalar(firstKey) ? (firstKey.range?.[0] ?? 0) : 0;
    if (leadsLine(text, firstStart)) throw new Unrenderable("a list item starts on the line after its dash");
    const contentCol = dashCol + style.itemIndent;
    const [head, ...rest] = item.items;
    if (head === undefined) return [lead.trimEnd()];
    const lines = renderPair(source, head, contentCol, style);
    lines[0] = lead + (lines[0] ?? "").trimStart();
    let cursor = lineAfter(text, pairEnd(head));
    for (const pair of rest) {
      const start = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
      if (start < cursor || !leadsLine(text, start))
        throw new Unrenderable("its layout is not one key or item per line");
      lines.push(...gapLines(source, cursor, lineStart(text, start), contentCol));
      lines.push(...renderPair(source, pair, contentCol, style));
      cursor = lineAfter(text, pairEnd(pair));
    }
    return lines;
  }
  if (isSeq(item) && item.flow !== true) throw new Unrenderable("it nests a list directly in a list");
  if (lineEnd(text, dash) < contentEnd(item)) throw new Unrenderable("a value in it spans several lines");
  const start = isScalar(item) || isMap(item) || isSeq(item) ? (item.range?.[0] ?? dash + 1) : dash + 1;
  return [lead + restOfLine(source, start, item, style)];
}

/** A whole document (a block map) as lines, its comments above the first key included. */
export function renderDocument(source: YamlSource, document: Document.Parsed, style: Style): string[] {
  const root = document.contents;
  if (!isMap(root) || root.flow === true) throw new Unrenderable("it is not a map of keys");
  ensureWritable(source, root);
  let start = document.range[0];
  if (source.text.startsWith("---", start)) start = nextLineStart(source.text, start);
  return renderChildren(source, start, root, 0, style);
}

/** A list of scalars as a flow sequence: `[a, "b"]`. */
export function renderFlowScalars(source: YamlSource, items: readonly unknown[], style: Style): string {
  return `[${items
    .map((item) => {
      if (!isScalar(item)) throw new Unrenderable("a list item is not a plain value");
      ensureWritable(source, item);
      return scalarText(source, item, style);
    })
    .join(", ")}]`;
}

/** A list of scalars as block items with the dash at `dashCol`. */
export function renderBlockScalars(
  source: YamlSource,
  items: readonly unknown[],
  dashCol: number,
  style: Style,
): string[] {
  return items.map((item) => {
    if (!isScalar(item)) throw new Unrenderable("a list item is not a plain value");
    ensureWritable(source, item);
    return `${pad(dashCol)}-${pad(style.itemIndent - 1)}${scalarText(source, item, style)}`;
  });
}

/** Lines joined for insertion at a line start (`at`) of `text`, keeping a missing final newline missing. */
export function insertionAt(text: string, at: number, lines: readonly string[], eol: string): string {
  const body = lines.join(eol);
  if (at === text.length && text.length > 0 && !text.endsWith("\n")) return eol + body;
  return body + eol;
}
