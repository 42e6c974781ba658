import { HttpError } from "../errors.js";
import { commitsBetween } from "../git/history.js";
import { mergeTrees } from "../git/merge.js";
import { ZERO_SHA, type Sha } from "../git/objects.js";
import { branchRef } from "../git/refs.js";
import type { Account } from "../model/accounts.js";
import type { Issue, MergeMethod, Pull } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { requireCommit } from "../render/git.js";
import type { State } from "../state.js";
import { accountSignature, signatureOf, WEB_FLOW, writeCommit } from "./commits.js";
import { emitPullEvent, openPulls, requirePull } from "./pull-events.js";
import { mergeability, previewMerge } from "./mergeability.js";
import { updateRefs } from "./refs.js";

/**
 * `PUT /pulls/{n}/merge` (and auto-merge): real commits — a merge commit with two parents, a squash
 * commit with one, or rebased copies — then the base ref moves by compare-and-swap and GitHub's
 * webhooks follow (`push`, `pull_request.closed` with `merged: true`).
 */

export interface MergeOptions {
  readonly method: MergeMethod;
  /** The head SHA the caller saw; a different head is a 409. */
  readonly sha?: string;
  readonly commitTitle?: string;
  readonly commitMessage?: string;
}

const PROTECTED_BRANCH_DOCS = "https://docs.github.com/articles/about-protected-branches";

export function mergePull(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  options: MergeOptions,
): Sha {
  const pull = requirePull(repo, issue);
  if (issue.state !== "open" || pull.merged) throw new HttpError(405, "Pull Request is not mergeable");
  if (pull.draft) throw new HttpError(405, "Pull Request is still a draft");
  if (options.sha !== undefined && options.sha !== pull.headSha) {
    throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
  }
  checkMethodAllowed(repo, options.method);
  const status = mergeability(state, repo, issue, pull);
  if (status.mergeable !== true) throw new HttpError(405, "Pull Request is not mergeable");
  const [blocker] = status.blockers;
  if (blocker !== undefined) throw new HttpError(405, blocker, { documentationUrl: PROTECTED_BRANCH_DOCS });
  if (status.state === "behind") {
    throw new HttpError(405, "Head branch is out of date. Review and try the merge again.", {
      documentationUrl: PROTECTED_BRANCH_DOCS,
    });
  }
  const preview = previewMerge(repo, pull);
  if (preview?.tree === undefined) throw new HttpError(405, "Pull Request is not mergeable");

  const newTip = writeMergeResult(state, repo, issue, pull, actor, options, preview.baseTip, preview.tree);
  const now = state.clock.now();
  pull.closedBaseSha = preview.baseTip;
  pull.merged = true;
  pull.mergedAt = now;
  pull.mergedBy = actor;
  pull.mergeCommitSha = newTip;
  pull.autoMerge = null;
  issue.state = "closed";
  issue.closedAt = now;
  issue.closedBy = actor;
  issue.updatedAt = now;
  updateRefs(
    state,
    repo,
    [{ name: branchRef(pull.baseRef), before: preview.baseTip, after: newTip, force: false }],
    actor,
  );
  emitPullEvent(state, repo, issue, "closed", actor);
  deleteHeadIfConfigured(state, repo, pull, actor);
  return newTip;
}

function checkMethodAllowed(repo: Repository, method: MergeMethod): void {
  const allowed = {
    merge: repo.settings.allowMergeCommit,
    squash: repo.settings.allowSquashMerge,
    rebase: repo.settings.allowRebaseMerge,
  }[method];
  if (allowed) return;
  const what = { merge: "Merge commits", squash: "Squash merges", rebase: "Rebase merges" }[method];
  throw new HttpError(405, `${what} are not allowed on this repository.`);
}

function writeMergeResult(
  state: State,
  repo: Repository,
  issue: Issue,
  pull: Pull,
  actor: Account,
  options: MergeOptions,
  baseTip: Sha,
  tree: Sha,
): Sha {
  const committer = signatureOf(state, WEB_FLOW);
  const commits = commitsBetween(repo.objects, baseTip, pull.headSha).reverse();
  const message = (title: string, body: string): string =>
    body === "" ? (options.commitTitle ?? title) : `${options.commitTitle ?? title}\n\n${body}`;
  if (options.method === "merge") {
    return writeCommit(repo, {
      tree,
      parents: [baseTip, pull.headSha],
      message: message(
        `Merge pull request #${issue.number} from ${repo.owner.login}/${pull.headRef}`,
        options.commitMessage ?? issue.title,
      ),
      author: accountSignature(state, actor),
      committer,
    });
  }
  if (options.method === "squash") {
    const bullets = commits.map((sha) => `* ${requireCommit(repo, sha).message}`).join("\n\n");
    return writeCommit(repo, {
      tree,
      parents: [baseTip],
      message: message(`${issue.title} (#${issue.number})`, options.commitMessage ?? bullets),
      author: accountSignature(state, issue.user),
      committer,
    });
  }
  return rebase(repo, commits, baseTip, committer);
}

/** Replays each commit of the pull request onto the base, keeping authors; GitHub is the committer. */
function rebase(
  repo: Repository,
  commits: readonly Sha[],
  baseTip: Sha,
  committer: ReturnType<typeof signatureOf>,
): Sha {
  let tip = baseTip;
  for (const sha of commits) {
    const commit = requireCommit(repo, sha);
    const parent = commit.parents[0];
    const parentTree = parent === undefined ? undefined : requireCommit(repo, parent).tree;
    const result = mergeTrees(repo.objects, parentTree, requireCommit(repo, tip).tree, commit.tree);
    if (!("tree" in result)) throw new HttpError(405, "This branch can't be rebased");
    tip = writeCommit(repo, {
      tree: result.tree,
      parents: [tip],
      message: commit.message,
      author: commit.author,
      committer,
    });
  }
  return tip;
}

function deleteHeadIfConfigured(state: State, repo: Repository, pull: Pull, actor: Account): void {
  if (!repo.settings.deleteBranchOnMerge || pull.headRef === repo.defaultBranch) return;
  const head = repo.refs.get(branchRef(pull.headRef));
  if (head === undefined || openPulls(repo).some(({ pull: other }) => other.baseRef === pull.headRef)) return;
  updateRefs(
    state,
    repo,
    [{ name: branchRef(pull.headRef), before: head, after: ZERO_SHA, force: true }],
    actor,
  );
}
