import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from "yaml";

/**
 * One step of a semantic path: a map key, a list item found by its identity key (`[name=web]`), or a
 * list item by position in lists whose items have no identity.
 */
export type Segment =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "item"; readonly by: string; readonly value: string }
  | { readonly kind: "index"; readonly index: number };

export type SemanticPath = readonly Segment[];

/**
 * Keys that identify the items of a list, tried in order. A key is used only when every item of the
 * lists involved is a map that has it as a scalar and no two items share a value: `name` for containers,
 * env vars, volumes and named ports; `mountPath` for volume mounts that mount one volume twice;
 * `containerPort`/`port` for unnamed ports; `key`/`path`/`id`/`ip` for configMap items, ingress paths,
 * host aliases and the like.
 */
export const IDENTITY_KEYS = [
  "name",
  "key",
  "id",
  "mountPath",
  "devicePath",
  "containerPort",
  "port",
  "path",
  "ip",
] as const;

export function formatPath(path: SemanticPath): string {
  if (path.length === 0) return "the document";
  return path
    .map((segment) => {
      switch (segment.kind) {
        case "key":
          return `.${segment.key}`;
        case "item":
          return `[${segment.by}=${segment.value}]`;
        case "index":
          return `[${segment.index}]`;
      }
    })
    .join("")
    .replace(/^\./, "");
}

/** The last step of a path, for sentences: `replicas`, `env[name=UI_THEME]`. */
export function lastName(path: SemanticPath): string {
  const last = path.at(-1);
  if (last === undefined) return "the document";
  if (last.kind === "key") return last.key;
  const start = path.findLastIndex((segment) => segment.kind === "key");
  return formatPath(path.slice(Math.max(start, 0)));
}

/** The identity value of a list item (a map) under `by`, as a string, if it has one. */
export function identityOf(item: unknown, by: string): string | undefined {
  if (!isMap(item)) return undefined;
  const pair = item.items.find((entry) => isScalar(entry.key) && String(entry.key.value) === by);
  if (pair === undefined || !isScalar(pair.value)) return undefined;
  const value: unknown = pair.value.value;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** The first identity key that every item of every list has, uniquely within its list. */
export function chooseIdentity(lists: readonly YAMLSeq[]): string | undefined {
  if (!lists.every((list) => list.items.every((item) => isMap(item)))) return undefined;
  return IDENTITY_KEYS.find((by) =>
    lists.every((list) => {
      const values = list.items.map((item) => identityOf(item, by));
      return values.every((value) => value !== undefined) && new Set(values).size === values.length;
    }),
  );
}

/** Items of `seq` matched by a segment (several when the target repeats an identity). */
export function findItems(seq: YAMLSeq, segment: Segment): number[] {
  if (segment.kind === "index") return segment.index < seq.items.length ? [segment.index] : [];
  if (segment.kind === "key") return [];
  const found: number[] = [];
  seq.items.forEach((item, index) => {
    if (identityOf(item, segment.by) === segment.value) found.push(index);
  });
  return found;
}

export function findPairIndex(map: YAMLMap, key: string): number {
  return map.items.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === key);
}

export function isCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return isMap(node) || isSeq(node);
}

/* Plain data (from `Document.toJS`) navigated by the same paths, to compute the expected result. */

type Data = unknown;

function isRecord(value: Data): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function dataIndex(list: readonly unknown[], segment: Segment): number {
  if (segment.kind === "index") return segment.index;
  if (segment.kind === "key") return -1;
  return list.findIndex((item) => isRecord(item) && dataIdentity(item[segment.by]) === segment.value);
}

function dataIdentity(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** Where a new list item goes, relative to an item that is already there. */
export type Anchor =
  | { readonly kind: "after"; readonly segment: Segment }
  | { readonly kind: "before"; readonly segment: Segment }
  | { readonly kind: "end" };

/** An edit of plain data, mirroring one text edit, for verification. */
export type DataEdit =
  | { readonly kind: "set"; readonly path: SemanticPath; readonly value: unknown }
  | { readonly kind: "add"; readonly path: SemanticPath; readonly value: unknown; readonly anchor: Anchor }
  | { readonly kind: "remove"; readonly path: SemanticPath };

/**
 * Applies data edits to a document's plain data (mutating it). Every edit finds its place in the data as
 * it was before any edit, so renaming an item does not hide it from the edits inside it; new list items
 * that share an anchor go in the order they are given, as their text does.
 */
export function applyDataEdits(root: unknown, edits: readonly DataEdit[]): unknown {
  const holder: Record<string, unknown> = { root };
  const located = edits.map((edit) => {
    let container: unknown = holder;
    let step: Segment = { kind: "key", key: "root" };
    for (const segment of edit.path.slice(0, -1)) {
      container = child(container, step);
      step = segment;
    }
    container = edit.path.length === 0 ? holder : child(container, step);
    const last: Segment = edit.path.at(-1) ?? { kind: "key", key: "root" };
    const list = Array.isArray(container) ? container : [];
    const element: unknown = list[dataIndex(list, last)];
    const neighbour: unknown =
      edit.kind === "add" && edit.anchor.kind !== "end"
        ? list[dataIndex(list, edit.anchor.segment)]
        : undefined;
    return { edit, container, last, element, neighbour };
  });
  const inserted = new Map<unknown, number>();
  for (const { edit, container, last, element, neighbour } of located) {
    if (isRecord(container) && last.kind === "key") {
      if (edit.kind === "remove") Reflect.deleteProperty(container, last.key);
      else container[last.key] = edit.value;
    } else if (Array.isArray(container)) {
      if (edit.kind === "set") container[container.indexOf(element)] = edit.value;
      else if (edit.kind === "remove") container.splice(container.indexOf(element), 1);
      else if (edit.anchor.kind === "end") container.push(edit.value);
      else {
        const already = inserted.get(neighbour) ?? 0;
        const at = container.indexOf(neighbour) + (edit.anchor.kind === "after" ? 1 + already : 0);
        container.splice(at, 0, edit.value);
        inserted.set(neighbour, already + 1);
      }
    }
  }
  return holder["root"];
}

function child(parent: unknown, segment: Segment): unknown {
  if (segment.kind === "key") return isRecord(parent) ? parent[segment.key] : undefined;
  return Array.isArray(parent) ? parent[dataIndex(parent, segment)] : undefined;
}
