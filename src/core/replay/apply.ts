import { isAlias, isMap, isScalar, isSeq, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { scalarSource, scalarText as writtenValue, type YamlSource } from "../yaml/source.js";
import { replaceScalar, type Splice } from "../yaml/splice.js";
import { firstDifference, isBlock, sameData, type Side, type SourceChange } from "./diff.js";
import {
  column,
  dashOf,
  hasControlCharacters,
  insertionAt,
  itemExtent,
  leadsLine,
  lineEnd,
  nextLineStart,
  pairExtent,
  renderBlockScalars,
  renderFlowScalars,
  renderItem,
  renderPair,
  renderBlock,
  scalarText,
  Unrenderable,
  type Extent,
  type Style,
} from "./layout.js";
import {
  findItems,
  findPairIndex,
  formatPath,
  lastName,
  type Anchor,
  type DataEdit,
  type Segment,
  type SemanticPath,
} from "./path.js";

/** Where a change lands in the target, and the names used in sentences. */
export interface TargetContext {
  readonly side: Side;
  readonly style: Style;
  readonly sourceName: string;
  readonly targetName: string;
}

/** The source file around a change: its document before and after. */
export interface SourceContext {
  readonly before: Side;
  readonly after: Side;
}

export type Planned =
  | {
      readonly kind: "edit";
      readonly splices: readonly Splice[];
      readonly data: DataEdit;
      readonly change: {
        readonly kind: "set" | "add" | "remove";
        readonly path: SemanticPath;
        readonly from?: string;
        readonly to?: string;
      };
      /** Offset of the change: in the new text for inserted/edited text, in the old text for removals. */
      readonly at: number;
      /** The target container a removal takes an element from, to catch removals that empty it. */
      readonly removesFrom?: YAMLMap | YAMLSeq;
      readonly addsTo?: YAMLMap | YAMLSeq;
    }
  | { readonly kind: "already" }
  | {
      readonly kind: "diverged";
      readonly path: SemanticPath;
      readonly at?: number;
      readonly message: string;
    };

type Located =
  | {
      readonly ok: true;
      readonly node: unknown;
      readonly parent: YAMLMap | YAMLSeq | undefined;
      readonly pair: Pair | undefined;
      /** An anchor on the node or on a collection that holds it: editing there changes its aliases too. */
      readonly anchor: string | undefined;
    }
  | { readonly ok: false; readonly depth: number; readonly why: "missing" | "alias" | "repeated" };

/** Follows a semantic path through the target document. */
export function locate(side: Side, path: SemanticPath): Located {
  let node: unknown = side.document.contents;
  let parent: YAMLMap | YAMLSeq | undefined;
  let pair: Pair | undefined;
  let anchor: string | undefined;
  for (const [depth, segment] of path.entries()) {
    if (isAlias(node)) return { ok: false, depth, why: "alias" };
    if (isMap(node) || isSeq(node)) anchor ??= node.anchor;
    if (segment.kind === "key") {
      if (!isMap(node)) return { ok: false, depth: depth + 1, why: "missing" };
      const index = findPairIndex(node, segment.key);
      if (index === -1) return { ok: false, depth: depth + 1, why: "missing" };
      parent = node;
      pair = node.items[index];
      node = pair?.value;
    } else {
      if (!isSeq(node)) return { ok: false, depth: depth + 1, why: "missing" };
      const found = findItems(node, segment);
      if (found.length === 0) return { ok: false, depth: depth + 1, why: "missing" };
      if (found.length > 1) return { ok: false, depth: depth + 1, why: "repeated" };
      parent = node;
      pair = undefined;
      node = node.items[found[0] ?? 0];
    }
  }
  if (isAlias(node)) return { ok: false, depth: path.length, why: "alias" };
  if (isScalar(node) || isMap(node) || isSeq(node)) anchor ??= node.anchor;
  return { ok: true, node, parent, pair, anchor };
}

/** A value for sentences: a scalar as written (quotes kept), a collection as compact JSON. */
export function show(source: YamlSource, node: unknown): string {
  const text =
    node === null || node === undefined
      ? "nothing"
      : isScalar(node)
        ? scalarSource(source, node) || "null"
        : JSON.stringify(isMap(node) || isSeq(node) ? node.toJSON() : null);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value for change lists: a scalar's value (unquoted), a collection as compact JSON. */
function valueText(source: YamlSource, node: unknown): string {
  if (isScalar(node)) return node.value === null ? "null" : writtenValue(source, node);
  return show(source, node);
}

function toData(node: unknown): unknown {
  if (isScalar(node)) return node.value;
  if (isMap(node) || isSeq(node)) return node.toJSON();
  return null;
}

function hasAnchorsOrAliases(node: unknown): boolean {
  if (isAlias(node)) return true;
  if (isScalar(node)) return node.anchor !== undefined;
  if (isMap(node)) {
    return (
      node.anchor !== undefined ||
      node.items.some((pair) => hasAnchorsOrAliases(pair.key) || hasAnchorsOrAliases(pair.value))
    );
  }
  if (isSeq(node)) return node.anchor !== undefined || node.items.some(hasAnchorsOrAliases);
  return false;
}

/** Plans one source change against the target document. */
export function planChange(change: SourceChange, source: SourceContext, target: TargetContext): Planned {
  const { targetName: T } = target;
  const diverged = (message: string, at?: number): Planned => ({
    kind: "diverged",
    path: change.path,
    message,
    ...(at !== undefined && { at }),
  });
  const located = locate(target.side, change.path);
  if (change.kind === "unsupported") {
    return diverged(
      `${target.sourceName} changed ${lastName(change.path)}, but ${change.message}; edit ${T} by hand`,
      located.ok ? startOf(located.node) : undefined,
    );
  }
  if (!located.ok) {
    if (change.kind === "remove" && located.why === "missing") return { kind: "already" };
    const prefix = formatPath(change.path.slice(0, located.depth));
    if (located.why === "alias") return diverged(`${T} uses an alias (*name) at ${prefix}; edit it by hand`);
    if (located.why === "repeated") return diverged(`${T} lists ${prefix} more than once; left alone`);
    if (change.kind === "add" && located.depth === change.path.length) return planAdd(change, source, target);
    return diverged(`${T} has no ${prefix}; left alone`);
  }
  switch (change.kind) {
    case "set":
      return planSet(change, located, source, target);
    case "replace":
      return planReplace(change, located, source, target);
    case "add": {
      if (sameData(located.node, target.side, change.after, source.after)) return { kind: "already" };
      const { where, had } = contrast(change.path, located.node, target, change.after, source.after);
      return diverged(
        `${T} already has ${where} where ${target.sourceName} added ${had}; left alone`,
        startOf(located.node),
      );
    }
    case "remove":
      return planRemove(change, located, source, target);
  }
}

function startOf(node: unknown): number | undefined {
  return isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range?.[0] : undefined;
}

/**
 * The target's value against the source's, for sentences. Inside a map or list, the value that differs
 * is named rather than both printed whole: `env[name=X] with value: "5"` against `"3"`.
 */
function contrast(
  path: SemanticPath,
  node: unknown,
  target: TargetContext,
  other: unknown,
  otherSide: Side,
): { where: string; had: string } {
  const found = firstDifference(node, target.side, other, otherSide);
  const inner = found !== undefined && found.path.length > 0 ? found : undefined;
  if (inner === undefined)
    return {
      where: `${lastName(path)}: ${show(target.side.source, node)}`,
      had: show(otherSide.source, other),
    };
  const within = inner.path.join(".").replace(/\.\[/g, "[");
  return {
    where: `${lastName(path)} with ${within}: ${show(target.side.source, inner.a)}`,
    had: show(otherSide.source, inner.b),
  };
}

function differs(
  change: { readonly path: SemanticPath; readonly before: unknown },
  located: Extract<Located, { ok: true }>,
  source: SourceContext,
  target: TargetContext,
  action: string,
): Planned {
  const at = startOf(located.node);
  const { where, had } = contrast(change.path, located.node, target, change.before, source.before);
  return {
    kind: "diverged",
    path: change.path,
    message: `${target.targetName} has ${where} where ${target.sourceName} had ${had} ${action}; left alone`,
    ...(at !== undefined && { at }),
  };
}

function anchored(path: SemanticPath, anchor: string, target: TargetContext, at?: number): Planned {
  return {
    kind: "diverged",
    path,
    message: `${target.targetName} anchors ${formatPath(path)} or what holds it (&${anchor}), so changing it would change its aliases too; edit it by hand`,
    ...(at !== undefined && { at }),
  };
}

function planSet(
  change: Extract<SourceChange, { kind: "set" }>,
  located: Extract<Located, { ok: true }>,
  source: SourceContext,
  target: TargetContext,
): Planned {
  const node = located.node;
  if (sameData(node, target.side, change.after, source.after)) return { kind: "already" };
  if (!sameData(node, target.side, change.before, source.before))
    return differs(change, located, source, target, "before the change");
  if (!isScalar(node)) return differs(change, located, source, target, "before the change");
  const at = node.range?.[0] ?? 0;
  if (located.anchor !== undefined) return anchored(change.path, located.anchor, target, at);
  const insert = scalarReplacement(node, change.after, source.after.source, target.side.source);
  if (!insert.ok) {
    return {
      kind: "diverged",
      path: change.path,
      at,
      message: `${target.targetName}'s ${lastName(change.path)}: ${insert.reason}`,
    };
  }
  return {
    kind: "edit",
    splices: [insert.splice],
    data: { kind: "set", path: change.path, value: toData(change.after) },
    change: {
      kind: "set",
      path: change.path,
      from: valueText(target.side.source, node),
      to: valueText(source.after.source, change.after),
    },
    at,
  };
}

/**
 * The splice that gives a target scalar the source's new value. A plain value replacing a plain value
 * is copied as dev wrote it (so `5` stays a number, `1.20` keeps its zero and `yes` means what it meant
 * to dev's readers); a string goes into the target's own quotes, a plain target gaining quotes only when
 * YAML would otherwise read a number or boolean; a number or boolean replacing a quoted string is written
 * plain, because the data type is what dev changed.
 */
function scalarReplacement(
  node: Scalar,
  after: Scalar,
  afterSource: YamlSource,
  targetSource: YamlSource,
): { ok: true; splice: Splice } | { ok: false; reason: string } {
  const [start = 0, end = 0] = node.range ?? [];
  if (isBlock(node) || /[\r\n]/.test(targetSource.text.slice(start, end)))
    return { ok: false, reason: "the value is a block or multi-line scalar; edit it by hand" };
  if (after.tag !== undefined || node.tag !== undefined)
    return { ok: false, reason: "the value carries an explicit tag (!!str, …); edit it by hand" };
  const written = scalarSource(afterSource, after);
  if (/[\r\n]/.test(written))
    return { ok: false, reason: "the new value spans several lines; edit it by hand" };
  let insert: string;
  if (node.type === "PLAIN" && after.type === "PLAIN") insert = written === "" ? "null" : written;
  else if (typeof after.value === "string") {
    if (hasControlCharacters(after.value))
      return { ok: false, reason: "the new value holds control characters; edit it by hand" };
    const edit = replaceScalar(targetSource, node, after.value);
    if (!edit.ok) return edit;
    return { ok: true, splice: edit.splice };
  } else insert = written === "" ? "null" : written;
  if (start === end) {
    // `key:` with nothing after it: the value goes after the colon, before any comment.
    const text = targetSource.text;
    insert = (text[start - 1] === ":" ? " " : "") + insert + (text[start] === "#" ? " " : "");
  }
  return { ok: true, splice: { start, end, insert } };
}

function isInline(source: YamlSource, node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (isBlock(node)) return false;
  if (isScalar(node) || ((isMap(node) || isSeq(node)) && node.flow === true)) {
    const [start = 0, end = 0] = node.range ?? [];
    return !/[\r\n]/.test(source.text.slice(start, end));
  }
  return false;
}

function planReplace(
  change: Extract<SourceChange, { kind: "replace" }>,
  located: Extract<Located, { ok: true }>,
  source: SourceContext,
  target: TargetContext,
): Planned {
  const node = located.node;
  const targetSource = target.side.source;
  const text = targetSource.text;
  if (sameData(node, target.side, change.after, source.after)) return { kind: "already" };
  if (!sameData(node, target.side, change.before, source.before))
    return differs(change, located, source, target, "before the change");
  const at = startOf(node) ?? 0;
  const diverged = (message: string): Planned => ({ kind: "diverged", path: change.path, at, message });
  if (located.anchor !== undefined || hasAnchorsOrAliases(node))
    return anchored(change.path, located.anchor ?? "…", target, at);
  const pair = located.pair;
  const key = pair?.key;
  if (change.path.at(-1)?.kind !== "key" || pair === undefined || !isScalar(key))
    return diverged(`replacing a whole list item or document is left to a person; edit it by hand`);
  if (!isInline(targetSource, node) && !(isMap(node) || isSeq(node)))
    return diverged(
      `${target.targetName}'s ${lastName(change.path)} is a block or multi-line scalar; edit it by hand`,
    );
  if (isFlow(node) && !isInline(targetSource, node))
    return diverged(
      `${target.targetName} writes ${lastName(change.path)} in flow style over several lines; edit it by hand`,
    );
  const after = change.after;
  const afterSource = source.after.source;
  const keyStart = key.range?.[0] ?? 0;
  const keyEnd = key.range?.[1] ?? keyStart;
  const eol = target.style.eol;
  let splice: Splice;
  try {
    const rendering = chooseRendering(afterSource, after, node, column(text, keyStart), target.style);
    if (isInline(targetSource, node)) {
      const [start = 0, end = 0] = isScalar(node) || isMap(node) || isSeq(node) ? (node.range ?? []) : [];
      if (start === 0 && end === 0)
        return diverged(`${lastName(change.path)} cannot be located; edit it by hand`);
      splice =
        "inline" in rendering
          ? { start, end, insert: (start === end && text[start - 1] === ":" ? " " : "") + rendering.inline }
          : // The new value needs lines of its own: they follow the key, the old value's rest of line goes.
            { start: keyEnd, end: lineEnd(text, keyEnd), insert: `:${eol}${rendering.lines.join(eol)}` };
    } else {
      // A block value: the key's line stays, the lines under it are rewritten.
      const extent = pairExtent(text, pair);
      splice =
        "inline" in rendering
          ? { start: keyEnd, end: extentTextEnd(text, extent), insert: `: ${rendering.inline}` }
          : {
              start: nextLineStart(text, keyStart),
              end: extent.end,
              insert: rendering.lines.join(eol) + eol,
            };
    }
  } catch (error) {
    if (error instanceof Unrenderable)
      return diverged(
        `${target.sourceName}'s new ${lastName(change.path)} cannot be written in ${target.targetName}'s layout: ${error.message}; edit it by hand`,
      );
    throw error;
  }
  return {
    kind: "edit",
    splices: [splice],
    data: { kind: "set", path: change.path, value: toData(after) },
    change: {
      kind: "set",
      path: change.path,
      from: valueText(targetSource, node),
      to: valueText(afterSource, after),
    },
    at: keyStart,
  };
}

function isFlow(node: unknown): boolean {
  return (isMap(node) || isSeq(node)) && node.flow === true;
}

/**
 * How a replacing value is written: on the key's line (scalars, flow collections where the target
 * writes flow) or as lines under it, in the target's layout. A list of plain values follows the target's
 * choice of flow (`[a, b]`) or block (`- a`) style.
 */
function chooseRendering(
  source: YamlSource,
  node: unknown,
  old: unknown,
  keyCol: number,
  style: Style,
): { inline: string } | { lines: string[] } {
  const targetBlock = (isMap(old) || isSeq(old)) && old.flow !== true;
  if (node === null || node === undefined) return { inline: "null" };
  if (isScalar(node)) {
    if (!isInline(source, node)) throw new Unrenderable("it is a block or multi-line scalar");
    return { inline: scalarSource(source, node) === "" ? "null" : scalarText(source, node, style) };
  }
  const scalarList = isSeq(node) && node.items.every((item) => isScalar(item));
  if (isMap(node) || isSeq(node)) {
    if (node.flow !== true) {
      if (isFlow(old) && scalarList) return { inline: renderFlowScalars(source, node.items, style) };
      return { lines: renderBlock(source, node, keyCol, style) };
    }
    if (targetBlock && scalarList)
      return { lines: renderBlockScalars(source, node.items, keyCol + style.sequenceIndent, style) };
    if (scalarList) return { inline: renderFlowScalars(source, node.items, style) };
    if (!isInline(source, node)) throw new Unrenderable("a value in it spans several lines");
    return { inline: source.text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0) };
  }
  throw new Unrenderable("it cannot be laid out");
}

/** The end of an extent's last line, before its line break. */
function extentTextEnd(text: string, extent: Extent): number {
  if (extent.end === text.length && !text.endsWith("\n")) return text.length;
  return lineEnd(text, Math.max(extent.start, extent.end - 1));
}

function planAdd(
  change: Extract<SourceChange, { kind: "add" }>,
  source: SourceContext,
  target: TargetContext,
): Planned {
  const { targetName: T } = target;
  const parentPath = change.path.slice(0, -1);
  const last = change.path.at(-1);
  const diverged = (message: string, at?: number): Planned => ({
    kind: "diverged",
    path: change.path,
    message,
    ...(at !== undefined && { at }),
  });
  const parent = locate(target.side, parentPath);
  if (!parent.ok || last === undefined) return diverged(`${T} has no ${formatPath(parentPath)}; left alone`);
  const container = parent.node;
  const text = target.side.source.text;
  const at = startOf(container);
  if (parent.anchor !== undefined) return anchored(parentPath, parent.anchor, target, at);
  const wanted = last.kind === "key" ? "a map" : "a list";
  const fits = last.kind === "key" ? isMap(container) : isSeq(container);
  if (!fits || !(isMap(container) || isSeq(container)) || container.items.length === 0) {
    return diverged(
      `${T} has ${formatPath(parentPath)}: ${show(target.side.source, container)} where ${target.sourceName} had ${wanted}; left alone`,
      at,
    );
  }
  if (container.flow === true) {
    return diverged(
      `${T} writes ${formatPath(parentPath)} in flow style (${isMap(container) ? "{…}" : "[…]"}); add ${lastName(change.path)} by hand`,
      at,
    );
  }
  const extents = isMap(container)
    ? container.items.map((pair) => ({ segment: keySegment(pair), extent: pairExtent(text, pair) }))
    : container.items.map((item) => ({ segment: undefined, node: item, extent: itemExtent(text, item) }));
  const extentOf = (segment: Segment): Extent | undefined => {
    if (isMap(container)) {
      const index = segment.kind === "key" ? findPairIndex(container, segment.key) : -1;
      return index === -1 ? undefined : extents[index]?.extent;
    }
    const [index, ...others] = findItems(container, segment);
    return index === undefined || others.length > 0 ? undefined : extents[index]?.extent;
  };
  let position: { offset: number; anchor: Anchor } | undefined;
  for (const segment of change.previous) {
    const extent = extentOf(segment);
    if (extent !== undefined) {
      position = { offset: extent.end, anchor: { kind: "after", segment } };
      break;
    }
  }
  if (position === undefined) {
    for (const segment of change.following) {
      const extent = extentOf(segment);
      // A key that shares its line with a list dash cannot have a line inserted above it.
      if (extent !== undefined && leadsLine(text, extent.start)) {
        position = { offset: extent.attached, anchor: { kind: "before", segment } };
        break;
      }
    }
  }
  const lastExtent = extents.at(-1)?.extent;
  if (lastExtent === undefined)
    return diverged(
      `${T}'s ${formatPath(parentPath)} has a layout Stagecoach cannot extend; add ${lastName(change.path)} by hand`,
      at,
    );
  position ??= { offset: lastExtent.end, anchor: { kind: "end" } };

  let lines: string[];
  try {
    if (isMap(container)) {
      const firstKey = container.items[0]?.key;
      if (change.pair === undefined || !isScalar(firstKey))
        throw new Unrenderable("the new key cannot be read");
      lines = renderPair(
        source.after.source,
        change.pair,
        column(text, firstKey.range?.[0] ?? 0),
        target.style,
      );
    } else {
      const first = container.items[0];
      const dash = dashOf(text, first);
      if (dash === undefined || !leadsLine(text, dash))
        throw new Unrenderable(`${T}'s list has a layout Stagecoach cannot extend`);
      const firstKey = isMap(first) ? first.items[0]?.key : undefined;
      const keyStart = isScalar(firstKey) ? firstKey.range?.[0] : undefined;
      const itemIndent =
        keyStart !== undefined && !leadsLine(text, keyStart) ? keyStart - dash : target.style.itemIndent;
      lines = renderItem(source.after.source, change.after, column(text, dash), {
        ...target.style,
        itemIndent,
      });
    }
  } catch (error) {
    if (error instanceof Unrenderable)
      return diverged(
        `${target.sourceName}'s new ${lastName(change.path)} cannot be written in ${T}'s layout: ${error.message}; add it by hand`,
        at,
      );
    throw error;
  }
  const insert = insertionAt(text, position.offset, lines, target.style.eol);
  return {
    kind: "edit",
    splices: [{ start: position.offset, end: position.offset, insert }],
    data: { kind: "add", path: change.path, value: toData(change.after), anchor: position.anchor },
    change: { kind: "add", path: change.path, to: valueText(source.after.source, change.after) },
    at: position.offset,
    addsTo: container,
  };
}

function keySegment(pair: Pair): Segment | undefined {
  return isScalar(pair.key) ? { kind: "key", key: String(pair.key.value) } : undefined;
}

function planRemove(
  change: Extract<SourceChange, { kind: "remove" }>,
  located: Extract<Located, { ok: true }>,
  source: SourceContext,
  target: TargetContext,
): Planned {
  const { targetName: T } = target;
  const node = located.node;
  const text = target.side.source.text;
  if (!sameData(node, target.side, change.before, source.before))
    return differs(change, located, source, target, "before removing it");
  const container = located.parent;
  const last = change.path.at(-1);
  const extent =
    last?.kind === "key"
      ? located.pair === undefined
        ? undefined
        : pairExtent(text, located.pair)
      : itemExtent(text, node);
  const at = extent?.start ?? startOf(node);
  const diverged = (message: string): Planned => ({
    kind: "diverged",
    path: change.path,
    message,
    ...(at !== undefined && { at }),
  });
  if (located.anchor !== undefined || hasAnchorsOrAliases(node))
    return anchored(change.path, located.anchor ?? "…", target, at);
  if (container === undefined) return diverged(`removing the whole document is left to a person`);
  if (container.flow === true)
    return diverged(
      `${T} writes ${formatPath(change.path.slice(0, -1))} in flow style (${isMap(container) ? "{…}" : "[…]"}); remove ${lastName(change.path)} by hand`,
    );
  if (extent === undefined)
    return diverged(`${lastName(change.path)} cannot be located in ${T}; remove it by hand`);
  let splice: Splice = { start: extent.attached, end: extent.end, insert: "" };
  if (!leadsLine(text, extent.start)) {
    // The first key of a list item (`- name: x`): the next key moves up behind the dash.
    const next =
      isMap(container) && container.items[0] === located.pair ? container.items[1]?.key : undefined;
    const nextStart = isScalar(next) ? next.range?.[0] : undefined;
    if (nextStart === undefined || !leadsLine(text, nextStart))
      return diverged(
        `${lastName(change.path)} shares its line with other content in ${T}; remove it by hand`,
      );
    splice = { start: extent.start, end: nextStart, insert: "" };
  }
  return {
    kind: "edit",
    splices: [splice],
    data: { kind: "remove", path: change.path },
    change: { kind: "remove", path: change.path, from: valueText(target.side.source, node) },
    at: extent.start,
    removesFrom: container,
  };
}
