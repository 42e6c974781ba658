import type { Commit, ObjectStore, Sha } from "./objects.js";
import { lookupPath } from "./trees.js";

/** Commit graph queries: ancestry, merge bases, ranges and path history. */

function requireCommit(store: ObjectStore, sha: Sha): Commit {
  const commit = store.commit(sha);
  if (commit === undefined) throw new Error(`commit ${sha} is not in the object store`);
  return commit;
}

export function ancestors(store: ObjectStore, start: Sha): Set<Sha> {
  const seen = new Set<Sha>();
  const stack = [start];
  for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
    if (seen.has(sha)) continue;
    seen.add(sha);
    stack.push(...requireCommit(store, sha).parents);
  }
  return seen;
}

export function isAncestor(store: ObjectStore, ancestor: Sha, descendant: Sha): boolean {
  return ancestors(store, descendant).has(ancestor);
}

/** The best common ancestor (like `git merge-base`): a common ancestor no other common ancestor descends from. */
export function mergeBase(store: ObjectStore, a: Sha, b: Sha): Sha | undefined {
  const fromA = ancestors(store, a);
  const common = [...ancestors(store, b)].filter((sha) => fromA.has(sha));
  const belowCommon = new Set<Sha>();
  const stack = common.flatMap((sha) => requireCommit(store, sha).parents);
  for (let sha = stack.pop(); sha !== undefined; sha = stack.pop()) {
    if (belowCommon.has(sha)) continue;
    belowCommon.add(sha);
    stack.push(...requireCommit(store, sha).parents);
  }
  const best = common.filter((sha) => !belowCommon.has(sha));
  best.sort((x, y) => requireCommit(store, y).committer.seconds - requireCommit(store, x).committer.seconds);
  return best[0];
}

/** Commits reachable from `head` but not from `base`, newest first (like `git log base..head`). */
export function commitsBetween(store: ObjectStore, base: Sha | undefined, head: Sha): Sha[] {
  const excluded = base === undefined ? new Set<Sha>() : ancestors(store, base);
  return log(store, head).filter((sha) => !excluded.has(sha));
}

/**
 * Commits reachable from `start`, newest first by committer date (ties keep graph order), like
 * `git log`. With `path`, only commits that changed what lives at that path (a file or a folder)
 * compared with every parent (a merge that kept one parent's version is skipped, as git does).
 */
export function log(store: ObjectStore, start: Sha, options: { path?: string } = {}): Sha[] {
  const order: Sha[] = [];
  const seen = new Set<Sha>([start]);
  const queue: Sha[] = [start];
  while (queue.length > 0) {
    queue.sort(
      (x, y) => requireCommit(store, y).committer.seconds - requireCommit(store, x).committer.seconds,
    );
    const sha = queue.shift();
    if (sha === undefined) break;
    order.push(sha);
    for (const parent of requireCommit(store, sha).parents) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  const path = options.path;
  if (path === undefined || path === "") return order;
  return order.filter((sha) => touchesPath(store, sha, path));
}

function touchesPath(store: ObjectStore, sha: Sha, path: string): boolean {
  const commit = requireCommit(store, sha);
  const here = lookupPath(store, commit.tree, path)?.sha;
  if (commit.parents.length === 0) return here !== undefined;
  return commit.parents.every(
    (parent) => lookupPath(store, requireCommit(store, parent).tree, path)?.sha !== here,
  );
}
