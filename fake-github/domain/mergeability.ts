import { mergeBase } from "../git/history.js";
import { mergeTrees } from "../git/merge.js";
import { branchRef } from "../git/refs.js";
import type { Sha } from "../git/objects.js";
import type { Issue, Pull } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { requireCommit } from "../render/git.js";
import type { State } from "../state.js";
import { checkVerdict, evaluateProtection } from "./protection.js";

/**
 * Whether and how a pull request can merge. GitHub computes this in the background and reports
 * `mergeable: null` for a moment; the fake computes it at once, so it is never null while open.
 */

export type MergeableState = "clean" | "dirty" | "blocked" | "behind" | "unstable" | "draft" | "unknown";

export interface Mergeability {
  readonly mergeable: boolean | null;
  readonly state: MergeableState;
  readonly blockers: readonly string[];
  readonly conflicts: readonly string[];
}

export interface MergePreview {
  readonly baseTip: Sha;
  readonly mergeBase: Sha | undefined;
  /** The merged tree, when there is no conflict. */
  readonly tree: Sha | undefined;
  readonly conflicts: readonly string[];
}

export function previewMerge(repo: Repository, pull: Pull): MergePreview | undefined {
  const baseTip = repo.refs.get(branchRef(pull.baseRef));
  if (baseTip === undefined) return undefined;
  const base = mergeBase(repo.objects, baseTip, pull.headSha);
  const baseTree = base === undefined ? undefined : requireCommit(repo, base).tree;
  const result = mergeTrees(
    repo.objects,
    baseTree,
    requireCommit(repo, baseTip).tree,
    requireCommit(repo, pull.headSha).tree,
  );
  return "tree" in result
    ? { baseTip, mergeBase: base, tree: result.tree, conflicts: [] }
    : { baseTip, mergeBase: base, tree: undefined, conflicts: result.conflicts };
}

export function mergeability(state: State, repo: Repository, issue: Issue, pull: Pull): Mergeability {
  if (issue.state === "closed") return { mergeable: null, state: "unknown", blockers: [], conflicts: [] };
  const preview = previewMerge(repo, pull);
  if (preview === undefined) return { mergeable: false, state: "dirty", blockers: [], conflicts: [] };
  const { blockers, behind } = evaluateProtection(state, repo, issue, pull);
  const result = (mergeableState: MergeableState): Mergeability => ({
    mergeable: preview.conflicts.length === 0,
    state: mergeableState,
    blockers,
    conflicts: preview.conflicts,
  });
  if (pull.draft) return result("draft");
  if (preview.conflicts.length > 0) return result("dirty");
  if (blockers.length > 0) return result("blocked");
  if (behind) return result("behind");
  if (hasFailingChecks(repo, pull.headSha)) return result("unstable");
  return result("clean");
}

function hasFailingChecks(repo: Repository, sha: Sha): boolean {
  const names = new Set(
    [...repo.checkRuns.values()].filter((run) => run.headSha === sha).map((run) => run.name),
  );
  const contexts = new Set(repo.statuses.filter((s) => s.sha === sha).map((s) => s.context));
  return [...names, ...contexts].some((context) => {
    const verdict = checkVerdict(repo, sha, { context });
    return verdict === "failing" || verdict === "pending";
  });
}
