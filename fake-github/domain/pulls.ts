import { validationFailed } from "../errors.js";
import { commitsBetween } from "../git/history.js";
import { branchRef } from "../git/refs.js";
import { nodeId } from "../ids.js";
import type { Account, Team } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type { Issue, Pull } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { renderTeam, renderUser } from "../render/users.js";
import type { State } from "../state.js";
import { reconcileAutoMerge } from "./auto-merge.js";
import { editIssue, nextIssueNumber, type IssueEdit } from "./issues.js";
import { emitPullEvent, openPulls, requirePull } from "./pull-events.js";

/** Opening and changing pull requests. Merging lives in `merge.ts`. */

export interface OpenPullInput {
  readonly title: string;
  /** `branch` or `owner:branch`. */
  readonly head: string;
  readonly base: string;
  readonly body?: string | null;
  readonly draft?: boolean;
  readonly maintainerCanModify?: boolean;
  /** Report the PR as coming from this fork (see `Pull.headRepo`). */
  readonly fromFork?: Repository;
}

function headBranch(repo: Repository, head: string): string {
  const [owner, branch] = head.includes(":") ? head.split(":", 2) : [repo.owner.login, head];
  if (owner?.toLowerCase() !== repo.owner.login.toLowerCase() || branch === undefined) {
    throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
  }
  return branch;
}

export function openPull(
  state: State,
  repo: Repository,
  actor: Account,
  input: OpenPullInput,
  viaApp?: App,
): Issue {
  const head = headBranch(repo, input.head);
  const headSha = repo.refs.get(branchRef(head));
  const baseSha = repo.refs.get(branchRef(input.base));
  if (baseSha === undefined)
    throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
  if (headSha === undefined)
    throw validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
  if (openPulls(repo).some(({ pull }) => pull.headRef === head && pull.baseRef === input.base)) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${repo.owner.login}:${head}.`,
    });
  }
  if (commitsBetween(repo.objects, baseSha, headSha).length === 0) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `No commits between ${input.base} and ${head}`,
    });
  }
  const now = state.clock.now();
  const issueId = state.ids.next();
  const pullId = state.ids.next();
  const pull: Pull = {
    id: pullId,
    nodeId: nodeId("PR", pullId),
    headRef: head,
    headSha,
    baseRef: input.base,
    closedBaseSha: undefined,
    draft: input.draft ?? false,
    merged: false,
    mergedAt: null,
    mergedBy: null,
    mergeCommitSha: null,
    ...(input.fromFork !== undefined && { headRepo: input.fromFork }),
    requestedReviewers: [],
    requestedTeams: [],
    autoMerge: null,
    maintainerCanModify: input.maintainerCanModify ?? false,
  };
  const issue: Issue = {
    number: nextIssueNumber(repo),
    id: issueId,
    nodeId: nodeId("I", issueId),
    title: input.title,
    body: input.body ?? null,
    user: actor,
    state: "open",
    stateReason: null,
    labels: [],
    assignees: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    locked: false,
    pull,
    viaApp,
  };
  repo.issues.set(issue.number, issue);
  emitPullEvent(state, repo, issue, "opened", actor);
  return issue;
}

export interface PullEdit extends IssueEdit {
  readonly base?: string;
  readonly maintainerCanModify?: boolean;
}

export function editPull(state: State, repo: Repository, issue: Issue, actor: Account, edit: PullEdit): void {
  const pull = requirePull(repo, issue);
  if (edit.maintainerCanModify !== undefined) pull.maintainerCanModify = edit.maintainerCanModify;
  if (edit.base !== undefined && edit.base !== pull.baseRef) {
    const newBase = repo.refs.get(branchRef(edit.base));
    if (newBase === undefined)
      throw validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
    const from = { ref: pull.baseRef, sha: repo.refs.get(branchRef(pull.baseRef)) ?? "" };
    pull.baseRef = edit.base;
    issue.updatedAt = state.clock.now();
    emitPullEvent(state, repo, issue, "edited", actor, {
      changes: { base: { ref: { from: from.ref }, sha: { from: from.sha } } },
    });
  }
  editIssue(state, repo, issue, actor, edit);
  reconcileAutoMerge(state, repo);
}

export function markReadyForReview(state: State, repo: Repository, issue: Issue, actor: Account): void {
  const pull = requirePull(repo, issue);
  if (!pull.draft) return;
  pull.draft = false;
  issue.updatedAt = state.clock.now();
  emitPullEvent(state, repo, issue, "ready_for_review", actor);
  reconcileAutoMerge(state, repo);
}

export function convertToDraft(state: State, repo: Repository, issue: Issue, actor: Account): void {
  const pull = requirePull(repo, issue);
  if (pull.draft) return;
  pull.draft = true;
  issue.updatedAt = state.clock.now();
  emitPullEvent(state, repo, issue, "converted_to_draft", actor);
}

export function requestReviewers(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  reviewers: readonly Account[],
  teams: readonly Team[],
): void {
  const pull = requirePull(repo, issue);
  for (const reviewer of reviewers) {
    if (reviewer.id === issue.user.id) {
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: "Review cannot be requested from pull request author.",
      });
    }
    if (pull.requestedReviewers.some((existing) => existing.id === reviewer.id)) continue;
    pull.requestedReviewers.push(reviewer);
    emitPullEvent(state, repo, issue, "review_requested", actor, {
      requested_reviewer: renderUser(state.urls, reviewer),
    });
  }
  for (const team of teams) {
    if (pull.requestedTeams.some((existing) => existing.id === team.id)) continue;
    pull.requestedTeams.push(team);
    emitPullEvent(state, repo, issue, "review_requested", actor, {
      requested_team: renderTeam(state.urls, team),
    });
  }
}
