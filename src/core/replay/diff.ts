import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Pair, type Scalar } from "yaml";
import type { YamlSource } from "../yaml/source.js";
import { chooseIdentity, identityOf, isCollection, type Segment, type SemanticPath } from "./path.js";

/** One side of a comparison: a parsed document and the image scalars whose changes are not replayed. */
export interface Side {
  readonly source: YamlSource;
  readonly document: Document.Parsed;
  /** Scalars that hold image references, tags or digests (empty when images are replayed too). */
  readonly images: ReadonlySet<unknown>;
  /** Embedded Helm values (`helm.values: |`) by their host block scalar, compared with images masked. */
  readonly embedded: ReadonlyMap<unknown, { readonly side: Side }>;
}

/** A change of the source file's data, path by path. */
export type SourceChange =
  /** A scalar changed value. */
  | {
      readonly kind: "set";
      readonly path: SemanticPath;
      readonly before: Scalar;
      readonly after: Scalar;
    }
  /** A whole value changed: its type, a scalar list, or a positional list that changed length. */
  | {
      readonly kind: "replace";
      readonly path: SemanticPath;
      readonly before: unknown;
      readonly after: unknown;
    }
  /** A key or list item appeared; `pair` is set for map keys. Neighbours are keys/items that were there before. */
  | {
      readonly kind: "add";
      readonly path: SemanticPath;
      readonly after: unknown;
      readonly pair?: Pair;
      readonly previous: readonly Segment[];
      readonly following: readonly Segment[];
    }
  | { readonly kind: "remove"; readonly path: SemanticPath; readonly before: unknown }
  /** Something Stagecoach will not replay (anchors, aliases, block scalars); `message` says why ("it is …"). */
  | { readonly kind: "unsupported"; readonly path: SemanticPath; readonly message: string };

export interface SourceDiff {
  readonly changes: SourceChange[];
  /** How many image values changed (and were left to the bump engine). */
  imageChanges: number;
}

/** The semantic change of one document, before → after. */
export function diffDocument(before: Side, after: Side, diff: SourceDiff): void {
  diffNode(before.document.contents, after.document.contents, [], before, after, diff);
}

function diffNode(
  a: unknown,
  b: unknown,
  path: SemanticPath,
  before: Side,
  after: Side,
  diff: SourceDiff,
): void {
  if (sameData(a, before, b, after)) {
    if (!sameData(a, noImages(before), b, noImages(after))) diff.imageChanges += 1;
    return;
  }
  const unsupported = (message: string): void => {
    diff.changes.push({ kind: "unsupported", path, message });
  };
  if (isAlias(a) || isAlias(b)) {
    unsupported("it is an alias (*name)");
    return;
  }
  // Changing an anchored node changes every alias of it too; replaying that is not a local edit.
  const anchor = anchorOf(a) ?? anchorOf(b);
  if (anchor !== undefined) {
    unsupported(`it is anchored (&${anchor}) and its aliases would change with it`);
    return;
  }
  if (isScalarLike(a) && isScalarLike(b) && isScalar(a) && isScalar(b)) {
    const embeddedBefore = before.embedded.get(a);
    const embeddedAfter = after.embedded.get(b);
    if (embeddedBefore !== undefined && embeddedAfter !== undefined) {
      const nested: SourceDiff = { changes: [], imageChanges: 0 };
      diffDocument(embeddedBefore.side, embeddedAfter.side, nested);
      if (nested.changes.length === 0) {
        diff.imageChanges += nested.imageChanges;
        return;
      }
    }
    if (isBlock(a) || isBlock(b)) {
      unsupported("it is a block scalar (| or >)");
      return;
    }
    diff.changes.push({ kind: "set", path, before: a, after: b });
    return;
  }
  if (isMap(a) && isMap(b)) {
    // Emptying or filling an empty map rewrites it whole (`{}` has no lines to add to or keep).
    if (a.items.length === 0 || b.items.length === 0) {
      diff.changes.push({ kind: "replace", path, before: a, after: b });
      return;
    }
    const keysBefore = new Map<string, Pair>();
    const keysAfter: string[] = [];
    for (const pair of a.items) if (isScalar(pair.key)) keysBefore.set(String(pair.key.value), pair);
    for (const pair of b.items) if (isScalar(pair.key)) keysAfter.push(String(pair.key.value));
    if (keysBefore.size !== a.items.length || keysAfter.length !== b.items.length) {
      unsupported("it has a complex key");
      return;
    }
    for (const [key, pair] of keysBefore) {
      if (!keysAfter.includes(key))
        diff.changes.push({ kind: "remove", path: [...path, { kind: "key", key }], before: pair.value });
    }
    const kept = keysAfter.map((key) => keysBefore.has(key));
    b.items.forEach((pair, index) => {
      const key = keysAfter[index] ?? "";
      const segment: Segment = { kind: "key", key };
      const old = keysBefore.get(key);
      if (old === undefined) {
        diff.changes.push({
          kind: "add",
          path: [...path, segment],
          after: pair.value,
          pair,
          ...neighbours(
            keysAfter.map((name) => ({ kind: "key", key: name }) as const),
            kept,
            index,
          ),
        });
      } else {
        diffNode(old.value, pair.value, [...path, segment], before, after, diff);
      }
    });
    return;
  }
  if (isSeq(a) && isSeq(b) && a.items.length > 0 && b.items.length > 0) {
    const by = chooseIdentity([a, b]);
    if (by !== undefined) {
      diffKeyedList(a.items, b.items, by, path, before, after, diff);
      return;
    }
    if (a.items.length === b.items.length && [...a.items, ...b.items].every(isCollection)) {
      a.items.forEach((item, index) => {
        diffNode(item, b.items[index], [...path, { kind: "index", index }], before, after, diff);
      });
      return;
    }
  }
  diff.changes.push({ kind: "replace", path, before: a, after: b });
}

function diffKeyedList(
  itemsBefore: readonly unknown[],
  itemsAfter: readonly unknown[],
  by: string,
  path: SemanticPath,
  before: Side,
  after: Side,
  diff: SourceDiff,
): void {
  const valuesBefore = itemsBefore.map((item) => identityOf(item, by) ?? "");
  const valuesAfter = itemsAfter.map((item) => identityOf(item, by) ?? "");
  const segment = (value: string): Segment => ({ kind: "item", by, value });
  const renamed = renames(itemsBefore, valuesBefore, itemsAfter, valuesAfter);
  valuesBefore.forEach((value, index) => {
    if (!valuesAfter.includes(value) && ![...renamed.values()].includes(index))
      diff.changes.push({ kind: "remove", path: [...path, segment(value)], before: itemsBefore[index] });
  });
  // A renamed item is still there for its neighbours, under its old name (the target's).
  const old = valuesAfter.map((value, index) => {
    const at = renamed.get(index) ?? valuesBefore.indexOf(value);
    return at === -1 ? undefined : at;
  });
  const siblings = valuesAfter.map((value, index) => segment(valuesBefore[old[index] ?? -1] ?? value));
  const kept = old.map((at) => at !== undefined);
  itemsAfter.forEach((item, index) => {
    const at = old[index];
    const mine = siblings[index] ?? segment("");
    if (at === undefined) {
      diff.changes.push({
        kind: "add",
        path: [...path, mine],
        after: item,
        ...neighbours(siblings, kept, index),
      });
    } else {
      diffNode(itemsBefore[at], item, [...path, mine], before, after, diff);
    }
  });
}

/**
 * Items that were renamed rather than replaced: a removed and an added item alone between the same
 * neighbours, with the same keys. Replaying them as a change of the identity key edits one line instead
 * of rewriting the item. Maps after-index to before-index.
 */
function renames(
  itemsBefore: readonly unknown[],
  valuesBefore: readonly string[],
  itemsAfter: readonly unknown[],
  valuesAfter: readonly string[],
): Map<number, number> {
  const gaps = new Map<string, { removed: number[]; added: number[] }>();
  const gapOf = (values: readonly string[], others: readonly string[], index: number): string => {
    for (let at = index - 1; at >= 0; at -= 1) {
      const value = values[at] ?? "";
      if (others.includes(value)) return `after ${value}`;
    }
    return "first";
  };
  const gap = (key: string): { removed: number[]; added: number[] } => {
    const found = gaps.get(key) ?? { removed: [], added: [] };
    gaps.set(key, found);
    return found;
  };
  valuesBefore.forEach((value, index) => {
    if (!valuesAfter.includes(value)) gap(gapOf(valuesBefore, valuesAfter, index)).removed.push(index);
  });
  valuesAfter.forEach((value, index) => {
    if (!valuesBefore.includes(value)) gap(gapOf(valuesAfter, valuesBefore, index)).added.push(index);
  });
  const keys = (item: unknown): string =>
    isMap(item)
      ? item.items
          .map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""))
          .sort()
          .join("\u0000")
      : "";
  const found = new Map<number, number>();
  for (const { removed, added } of gaps.values()) {
    const [from] = removed;
    const [to] = added;
    if (removed.length !== 1 || added.length !== 1 || from === undefined || to === undefined) continue;
    if (keys(itemsBefore[from]) === keys(itemsAfter[to])) found.set(to, from);
  }
  return found;
}

/** Siblings of item `index` that were there before the change: nearest first, on each side. */
function neighbours(
  siblings: readonly Segment[],
  kept: readonly boolean[],
  index: number,
): { previous: Segment[]; following: Segment[] } {
  const previous: Segment[] = [];
  const following: Segment[] = [];
  for (let at = index - 1; at >= 0; at -= 1) {
    const segment = siblings[at];
    if (kept[at] === true && segment !== undefined) previous.push(segment);
  }
  for (let at = index + 1; at < siblings.length; at += 1) {
    const segment = siblings[at];
    if (kept[at] === true && segment !== undefined) following.push(segment);
  }
  return { previous, following };
}

function noImages(side: Side): Side {
  return { ...side, images: new Set(), embedded: new Map() };
}

function anchorOf(node: unknown): string | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node)) return node.anchor ?? undefined;
  return undefined;
}

function isScalarLike(node: unknown): boolean {
  return node === null || node === undefined || isScalar(node);
}

export function isBlock(node: unknown): boolean {
  return isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED");
}

/** The value of a scalar node, a missing value read as null. */
function scalarValue(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  return isScalar(node) ? node.value : node;
}

/**
 * Do two nodes hold the same data? Image scalars (on either side) count as equal to any scalar, since
 * environments run different versions; embedded values blocks are compared with their images masked too.
 * Anchors are not data and do not count.
 */
export function sameData(a: unknown, sideA: Side, b: unknown, sideB: Side, depth = 0): boolean {
  // Aliases are compared by name, never expanded, so an alias bomb costs nothing.
  if (isAlias(a) || isAlias(b)) return isAlias(a) && isAlias(b) && a.source === b.source;
  if (depth > 256) return false;
  const left = a;
  const right = b;
  if (isPair(left) || isPair(right)) return false;
  if (isScalarLike(left) && isScalarLike(right)) {
    if (isScalar(left) && sideA.images.has(left) && isScalar(right)) return true;
    if (isScalar(right) && sideB.images.has(right) && isScalar(left)) return true;
    const embeddedA = sideA.embedded.get(left);
    const embeddedB = sideB.embedded.get(right);
    if (embeddedA !== undefined && embeddedB !== undefined) {
      return sameData(
        embeddedA.side.document.contents,
        embeddedA.side,
        embeddedB.side.document.contents,
        embeddedB.side,
        depth + 1,
      );
    }
    return scalarValue(left) === scalarValue(right);
  }
  if (isMap(left) && isMap(right)) {
    if (left.items.length !== right.items.length) return false;
    return left.items.every((pair) => {
      const other = right.items.find(
        (candidate) =>
          isScalar(candidate.key) && isScalar(pair.key) && candidate.key.value === pair.key.value,
      );
      return other !== undefined && sameData(pair.value, sideA, other.value, sideB, depth + 1);
    });
  }
  if (isSeq(left) && isSeq(right)) {
    return (
      left.items.length === right.items.length &&
      left.items.every((item, index) => sameData(item, sideA, right.items[index], sideB, depth + 1))
    );
  }
  return false;
}

/** Where inside two differing nodes the first difference is (keys path), and the values there. */
export function firstDifference(
  a: unknown,
  sideA: Side,
  b: unknown,
  sideB: Side,
  path: readonly string[] = [],
): { path: readonly string[]; a: unknown; b: unknown } | undefined {
  if (sameData(a, sideA, b, sideB)) return undefined;
  if (isMap(a) && isMap(b)) {
    const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : "?");
    for (const pair of a.items) {
      const other = b.items.find((candidate) => keyOf(candidate) === keyOf(pair));
      if (other === undefined) return { path: [...path, keyOf(pair)], a: pair.value, b: undefined };
      const found = firstDifference(pair.value, sideA, other.value, sideB, [...path, keyOf(pair)]);
      if (found !== undefined) return found;
    }
    const extra = b.items.find((pair) => !a.items.some((candidate) => keyOf(candidate) === keyOf(pair)));
    if (extra !== undefined) return { path: [...path, keyOf(extra)], a: undefined, b: extra.value };
  }
  if (isSeq(a) && isSeq(b) && a.items.length === b.items.length) {
    for (const [index, item] of a.items.entries()) {
      const found = firstDifference(item, sideA, b.items[index], sideB, [...path, `[${index}]`]);
      if (found !== undefined) return found;
    }
  }
  return { path, a, b };
}
