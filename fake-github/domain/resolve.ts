import { isSha, type Sha } from "../git/objects.js";
import { lookupPath } from "../git/trees.js";
import type { Repository } from "../model/repository.js";

/** Turning what callers write (SHAs, branch and tag names, `ref:path`) into objects, as GitHub does. */

/** A commit SHA for a full or abbreviated SHA, a branch, a tag, `heads/x` or `refs/heads/x`. */
export function resolveCommit(repo: Repository, ref: string): Sha | undefined {
  const candidates = [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`];
  for (const name of candidates) {
    const sha = repo.refs.get(name);
    if (sha !== undefined) return peel(repo, sha);
  }
  const expanded = repo.objects.expand(ref.toLowerCase());
  return expanded !== undefined && repo.objects.commit(expanded) !== undefined ? expanded : undefined;
}

function peel(repo: Repository, sha: Sha): Sha | undefined {
  return repo.objects.commit(sha) === undefined ? undefined : sha;
}

/** A tree SHA for a tree SHA, a commit-ish, or `commit-ish:path`. */
export function resolveTree(repo: Repository, treeish: string): Sha | undefined {
  const colon = treeish.indexOf(":");
  if (colon >= 0) {
    const base = resolveTree(repo, treeish.slice(0, colon));
    if (base === undefined) return undefined;
    const entry = lookupPath(repo.objects, base, treeish.slice(colon + 1));
    return entry?.mode === "040000" ? entry.sha : undefined;
  }
  if (isSha(treeish) && repo.objects.tree(treeish) !== undefined) return treeish;
  const commit = resolveCommit(repo, treeish);
  return commit === undefined ? undefined : repo.objects.commit(commit)?.tree;
}
