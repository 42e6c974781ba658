import { HttpError, notFound, validationFailed } from "../errors.js";
import { nodeId } from "../ids.js";
import type { Account } from "../model/accounts.js";
import type { Issue, Review, ReviewState } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { renderReview } from "../render/issues.js";
import { renderPull } from "../render/pulls.js";
import type { State } from "../state.js";
import { reconcileAutoMerge } from "./auto-merge.js";
import { requirePull } from "./pull-events.js";

/** Pull request reviews: submit, dismiss, edit; each sends `pull_request_review`. */

export type ReviewEvent = "APPROVE" | "REQUEST_CHANGES" | "COMMENT";

const STATE_OF: Record<ReviewEvent, ReviewState> = {
  APPROVE: "APPROVED",
  REQUEST_CHANGES: "CHANGES_REQUESTED",
  COMMENT: "COMMENTED",
};

function emitReviewEvent(
  state: State,
  repo: Repository,
  review: Review,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): void {
  const issue = repo.issues.get(review.pullNumber);
  if (issue?.pull === undefined) return;
  state.emit({
    name: "pull_request_review",
    action,
    repo,
    sender,
    fields: {
      // Webhooks spell review states in lower case ("approved"), the REST API in upper case.
      review: { ...renderReview(state, repo, review), state: review.state.toLowerCase() },
      pull_request: renderPull(state, repo, issue, issue.pull),
      ...extra,
    },
  });
}

export function submitReview(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  input: { event: ReviewEvent; body?: string; commitId?: string },
): Review {
  const pull = requirePull(repo, issue);
  if (input.event !== "COMMENT" && actor.id === issue.user.id) {
    const verb = input.event === "APPROVE" ? "approve" : "request changes on";
    throw validationFailed({
      resource: "PullRequestReview",
      code: "custom",
      message: `Can not ${verb} your own pull request`,
    });
  }
  if ((input.event === "REQUEST_CHANGES" || input.event === "COMMENT") && (input.body ?? "") === "") {
    throw new HttpError(422, "Unprocessable Entity", {
      errors: [
        { resource: "PullRequestReview", code: "custom", message: `Body is required for ${input.event}` },
      ],
    });
  }
  const id = state.ids.next();
  const review: Review = {
    id,
    nodeId: nodeId("PRR", id),
    pullNumber: issue.number,
    user: actor,
    body: input.body ?? "",
    state: STATE_OF[input.event],
    commitId: input.commitId ?? pull.headSha,
    submittedAt: state.clock.now(),
  };
  repo.reviews.set(id, review);
  const requested = pull.requestedReviewers.findIndex((account) => account.id === actor.id);
  if (requested >= 0) pull.requestedReviewers.splice(requested, 1);
  emitReviewEvent(state, repo, review, "submitted", actor);
  reconcileAutoMerge(state, repo);
  return review;
}

export function requireReview(repo: Repository, issue: Issue, id: number): Review {
  const review = repo.reviews.get(id);
  if (review?.pullNumber !== issue.number) throw notFound();
  return review;
}

export function dismissReview(
  state: State,
  repo: Repository,
  review: Review,
  actor: Account,
  message: string,
): void {
  if (review.state !== "APPROVED" && review.state !== "CHANGES_REQUESTED") {
    throw validationFailed({
      resource: "PullRequestReview",
      code: "custom",
      message: "Can not dismiss a commented pull request review",
    });
  }
  dismissReviewInternal(state, repo, review, actor, message);
  reconcileAutoMerge(state, repo);
}

/** Dismisses without the API's checks (also used for stale approvals on push). */
export function dismissReviewInternal(
  state: State,
  repo: Repository,
  review: Review,
  actor: Account,
  _message: string,
): void {
  review.state = "DISMISSED";
  emitReviewEvent(state, repo, review, "dismissed", actor);
}

export function editReview(
  state: State,
  repo: Repository,
  review: Review,
  actor: Account,
  body: string,
): void {
  const from = review.body;
  review.body = body;
  emitReviewEvent(state, repo, review, "edited", actor, { changes: { body: { from } } });
}
