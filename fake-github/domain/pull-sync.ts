import type { Sha } from "../git/objects.js";
import type { Account } from "../model/accounts.js";
import type { Repository } from "../model/repository.js";
import type { State } from "../state.js";
import { reconcileAutoMerge } from "./auto-merge.js";
import { closeIssueOrPull } from "./issues.js";
import { emitPullEvent, openPulls } from "./pull-events.js";
import { protectionOf } from "./protection.js";
import { dismissReviewInternal } from "./reviews.js";

/** What a branch move means for the pull requests around it. */

export function onBranchMoved(
  state: State,
  repo: Repository,
  branch: string,
  before: Sha,
  after: Sha,
  actor: Account,
): void {
  for (const { issue, pull } of openPulls(repo)) {
    if (pull.headRef !== branch || pull.headSha === after) continue;
    pull.headSha = after;
    issue.updatedAt = state.clock.now();
    if (protectionOf(repo, pull.baseRef)?.dismissStaleReviews === true) {
      for (const review of repo.reviews.values()) {
        if (review.pullNumber === issue.number && review.state === "APPROVED") {
          dismissReviewInternal(state, repo, review, actor, "Stale review dismissed by a new push.");
        }
      }
    }
    emitPullEvent(state, repo, issue, "synchronize", actor, { before, after });
  }
  reconcileAutoMerge(state, repo);
}

/** GitHub closes open pull requests whose head or base branch is deleted. */
export function onBranchDeleted(state: State, repo: Repository, branch: string, actor: Account): void {
  for (const { issue, pull } of openPulls(repo)) {
    if (pull.headRef === branch || pull.baseRef === branch) closeIssueOrPull(state, repo, issue, actor);
  }
}
