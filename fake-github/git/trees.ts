import {
  EMPTY_TREE_SHA,
  type EntryMode,
  type FileMode,
  type ObjectStore,
  type Sha,
  type TreeEntry,
} from "./objects.js";

/**
 * Trees as flat maps of path -> file. Git trees are nested; most operations (edits, diffs, merges)
 * are simpler on the flat view, and building a tree back from it hashes exactly as git does.
 */

export interface FileEntry {
  readonly mode: FileMode;
  readonly sha: Sha;
}

export type FileMap = ReadonlyMap<string, FileEntry>;

export interface PathEntry {
  readonly path: string;
  readonly mode: EntryMode;
  readonly sha: Sha;
}

/** Every entry under a tree, depth first, trees before their contents (as `?recursive=1` lists them). */
export function walkTree(store: ObjectStore, treeSha: Sha): PathEntry[] {
  const entries: PathEntry[] = [];
  const walk = (sha: Sha, base: string): void => {
    for (const entry of requireTree(store, sha)) {
      const path = base === "" ? entry.name : `${base}/${entry.name}`;
      entries.push({ path, mode: entry.mode, sha: entry.sha });
      if (entry.mode === "040000") walk(entry.sha, path);
    }
  };
  walk(treeSha, "");
  return entries;
}

interface DirNode {
  readonly files: Map<string, FileEntry>;
  readonly dirs: Map<string, DirNode>;
}

/** Builds (and stores) the nested trees for a flat file map; returns the root tree's SHA. */
export function buildTree(store: ObjectStore, files: FileMap): Sha {
  const root: DirNode = { files: new Map(), dirs: new Map() };
  for (const [path, file] of files) {
    const segments = path.split("/");
    const name = segments.pop();
    if (name === undefined) continue;
    let node = root;
    for (const segment of segments) {
      if (node.files.has(segment)) throw new PathConflict(path);
      let child = node.dirs.get(segment);
      if (child === undefined) {
        child = { files: new Map(), dirs: new Map() };
        node.dirs.set(segment, child);
      }
      node = child;
    }
    if (node.dirs.has(name)) throw new PathConflict(path);
    node.files.set(name, file);
  }
  return storeDir(store, root);
}

function storeDir(store: ObjectStore, node: DirNode): Sha {
  const entries: TreeEntry[] = [];
  for (const [name, file] of node.files) entries.push({ name, mode: file.mode, sha: file.sha });
  for (const [name, dir] of node.dirs) entries.push({ name, mode: "040000", sha: storeDir(store, dir) });
  return entries.length === 0 ? EMPTY_TREE_SHA : store.putTree(entries);
}

/** A file (blob or submodule) or a whole subtree (`040000`) to put at a path; `null` deletes the path. */
export type PathValue = { readonly mode: EntryMode; readonly sha: Sha } | null;

/**
 * Puts (or deletes) one path in a tree and returns the new root; only the trees along that path are
 * rebuilt, so the cost does not grow with the size of the repository. Empty folders disappear.
 */
export function editTree(store: ObjectStore, root: Sha, path: string, value: PathValue): Sha {
  const segments = path.split("/").filter((segment) => segment !== "");
  if (segments.length === 0) throw new Error("cannot edit the root itself");
  return editAt(store, root, segments, value);
}

function editAt(store: ObjectStore, treeSha: Sha, segments: readonly string[], value: PathValue): Sha {
  const [name, ...rest] = segments;
  if (name === undefined) throw new Error("empty path");
  const entries = [...requireTree(store, treeSha)];
  const index = entries.findIndex((entry) => entry.name === name);
  const existing = entries[index];
  let replacement: TreeEntry | undefined;
  if (rest.length === 0) {
    replacement = value === null ? undefined : { name, mode: value.mode, sha: value.sha };
  } else {
    if (existing !== undefined && existing.mode !== "040000") {
      if (value === null) return treeSha;
      throw new PathConflict(segments.join("/"));
    }
    const child = editAt(store, existing?.sha ?? EMPTY_TREE_SHA, rest, value);
    replacement = child === EMPTY_TREE_SHA ? undefined : { name, mode: "040000", sha: child };
  }
  if (index >= 0) entries.splice(index, 1);
  if (replacement !== undefined) entries.push(replacement);
  return entries.length === 0 ? EMPTY_TREE_SHA : store.putTree(entries);
}

/** A path is both a file and a directory. */
export class PathConflict extends Error {
  override readonly name = "PathConflict";
  readonly path: string;

  constructor(path: string) {
    super(`"${path}" is both a file and a directory`);
    this.path = path;
  }
}

/** Looks a path up in a tree; `""` is the tree itself. */
export function lookupPath(store: ObjectStore, treeSha: Sha, path: string): PathEntry | undefined {
  const clean = path.replace(/^\/+|\/+$/g, "");
  if (clean === "") return { path: "", mode: "040000", sha: treeSha };
  let current: PathEntry = { path: "", mode: "040000", sha: treeSha };
  for (const segment of clean.split("/")) {
    if (current.mode !== "040000") return undefined;
    const entry = store.tree(current.sha)?.find((candidate) => candidate.name === segment);
    if (entry === undefined) return undefined;
    current = {
      path: current.path === "" ? segment : `${current.path}/${segment}`,
      mode: entry.mode,
      sha: entry.sha,
    };
  }
  return current;
}

export function requireTree(store: ObjectStore, sha: Sha): readonly TreeEntry[] {
  const tree = store.tree(sha);
  if (tree === undefined) throw new Error(`tree ${sha} is not in the object store`);
  return tree;
}
