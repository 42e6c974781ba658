import { EMPTY_TREE_SHA, type ObjectStore, type Sha, type TreeEntry } from "./objects.js";
import { requireTree } from "./trees.js";

/**
 * A file-level three-way merge: a path changed on one side only takes that side; a path changed on
 * both sides to different content is a conflict. (GitHub merges lines inside a file too; the fake
 * deliberately does not, so a test that edits the same file on both sides sees a conflict.)
 * Subtrees that are identical on two sides are taken whole, so the cost follows what changed.
 */

export type MergeResult = { readonly tree: Sha } | { readonly conflicts: readonly string[] };

export function mergeTrees(store: ObjectStore, base: Sha | undefined, ours: Sha, theirs: Sha): MergeResult {
  const conflicts: string[] = [];
  const tree = mergeDir(store, base ?? EMPTY_TREE_SHA, ours, theirs, "", conflicts);
  return conflicts.length > 0 ? { conflicts: conflicts.sort() } : { tree };
}

function same(a: TreeEntry | undefined, b: TreeEntry | undefined): boolean {
  return a?.sha === b?.sha && a?.mode === b?.mode;
}

const isTreeOrAbsent = (entry: TreeEntry | undefined): boolean =>
  entry === undefined || entry.mode === "040000";

function mergeDir(
  store: ObjectStore,
  base: Sha,
  ours: Sha,
  theirs: Sha,
  prefix: string,
  conflicts: string[],
): Sha {
  if (ours === theirs || base === theirs) return ours;
  if (base === ours) return theirs;
  const byName = (sha: Sha): Map<string, TreeEntry> =>
    new Map(requireTree(store, sha).map((entry) => [entry.name, entry]));
  const [b, o, t] = [byName(base), byName(ours), byName(theirs)];
  const merged: TreeEntry[] = [];
  for (const name of new Set([...b.keys(), ...o.keys(), ...t.keys()])) {
    const [eb, eo, et] = [b.get(name), o.get(name), t.get(name)];
    if (same(eo, et) || same(eb, et)) {
      if (eo !== undefined) merged.push(eo);
      continue;
    }
    if (same(eb, eo)) {
      if (et !== undefined) merged.push(et);
      continue;
    }
    if (isTreeOrAbsent(eb) && isTreeOrAbsent(eo) && isTreeOrAbsent(et)) {
      const child = mergeDir(
        store,
        eb?.sha ?? EMPTY_TREE_SHA,
        eo?.sha ?? EMPTY_TREE_SHA,
        et?.sha ?? EMPTY_TREE_SHA,
        `${prefix}${name}/`,
        conflicts,
      );
      if (child !== EMPTY_TREE_SHA) merged.push({ name, mode: "040000", sha: child });
      continue;
    }
    conflicts.push(`${prefix}${name}`);
  }
  return merged.length === 0 ? EMPTY_TREE_SHA : store.putTree(merged);
}
