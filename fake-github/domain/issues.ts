import { HttpError, notFound, validationFailed } from "../errors.js";
import { branchRef } from "../git/refs.js";
import { nodeId } from "../ids.js";
import type { Account } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type {
  Issue,
  IssueComment,
  Label,
  Reaction,
  ReactionContent,
  ReactionSubject,
} from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { renderComment, renderIssue, renderLabel } from "../render/issues.js";
import type { State } from "../state.js";
import { emitPullEvent } from "./pull-events.js";

/** Issues (and the issue side of pull requests): state, comments, labels, reactions. */

export function requireIssue(repo: Repository, number: number): Issue {
  const issue = repo.issues.get(number);
  if (issue === undefined) throw notFound();
  return issue;
}

export function nextIssueNumber(repo: Repository): number {
  return Math.max(0, ...repo.issues.keys()) + 1;
}

function emitIssueEvent(
  state: State,
  repo: Repository,
  issue: Issue,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): void {
  state.emit({
    name: "issues",
    action,
    repo,
    sender,
    fields: { issue: renderIssue(state, repo, issue), ...extra },
  });
}

export function createIssue(
  state: State,
  repo: Repository,
  actor: Account,
  input: { title: string; body?: string | null; labels?: readonly string[]; assignees?: readonly string[] },
  viaApp?: App,
): Issue {
  const now = state.clock.now();
  const id = state.ids.next();
  const issue: Issue = {
    number: nextIssueNumber(repo),
    id,
    nodeId: nodeId("I", id),
    title: input.title,
    body: input.body ?? null,
    user: actor,
    state: "open",
    stateReason: null,
    labels: [],
    assignees: (input.assignees ?? []).flatMap((login) => state.account(login) ?? []),
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
    locked: false,
    pull: undefined,
    viaApp,
  };
  repo.issues.set(issue.number, issue);
  issue.labels.push(...(input.labels ?? []).map((name) => ensureLabel(state, repo, name).name.toLowerCase()));
  emitIssueEvent(state, repo, issue, "opened", actor);
  return issue;
}

export interface IssueEdit {
  readonly title?: string;
  readonly body?: string | null;
  readonly state?: "open" | "closed";
  readonly stateReason?: "completed" | "not_planned" | "duplicate" | "reopened" | null;
  readonly labels?: readonly string[];
}

/** PATCH semantics for issues and pull requests alike (a PR's title, body and state are its issue's). */
export function editIssue(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  edit: IssueEdit,
): void {
  const changes: Record<string, { from: unknown }> = {};
  if (edit.title !== undefined && edit.title !== issue.title) {
    changes["title"] = { from: issue.title };
    issue.title = edit.title;
  }
  if (edit.body !== undefined && edit.body !== issue.body) {
    changes["body"] = { from: issue.body ?? "" };
    issue.body = edit.body;
  }
  if (Object.keys(changes).length > 0) {
    issue.updatedAt = state.clock.now();
    if (issue.pull === undefined) emitIssueEvent(state, repo, issue, "edited", actor, { changes });
    else emitPullEvent(state, repo, issue, "edited", actor, { changes });
  }
  if (edit.labels !== undefined) setLabels(state, repo, issue, actor, edit.labels);
  if (edit.state === "closed" && issue.state === "open")
    closeIssueOrPull(
      state,
      repo,
      issue,
      actor,
      edit.stateReason === "not_planned" || edit.stateReason === "duplicate" ? "not_planned" : "completed",
    );
  if (edit.state === "open" && issue.state === "closed") reopenIssueOrPull(state, repo, issue, actor);
}

export function closeIssueOrPull(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  reason: "completed" | "not_planned" = "completed",
): void {
  if (issue.state === "closed") return;
  const now = state.clock.now();
  issue.state = "closed";
  issue.closedAt = now;
  issue.closedBy = actor;
  issue.updatedAt = now;
  const pull = issue.pull;
  if (pull === undefined) {
    issue.stateReason = reason;
    emitIssueEvent(state, repo, issue, "closed", actor);
    return;
  }
  pull.closedBaseSha = repo.refs.get(branchRef(pull.baseRef)) ?? pull.headSha;
  pull.autoMerge = null;
  emitPullEvent(state, repo, issue, "closed", actor);
}

export function reopenIssueOrPull(state: State, repo: Repository, issue: Issue, actor: Account): void {
  const pull = issue.pull;
  if (pull !== undefined) {
    if (pull.merged)
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        field: "state",
        message: "merged pull requests cannot be reopened",
      });
    const head = repo.refs.get(branchRef(pull.headRef));
    if (head === undefined || !repo.refs.has(branchRef(pull.baseRef))) {
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        field: "state",
        message: "state cannot be changed. The head branch was deleted.",
      });
    }
    pull.headSha = head;
    pull.closedBaseSha = undefined;
  }
  issue.state = "open";
  issue.stateReason = pull === undefined ? "reopened" : null;
  issue.closedAt = null;
  issue.closedBy = null;
  issue.updatedAt = state.clock.now();
  if (pull === undefined) emitIssueEvent(state, repo, issue, "reopened", actor);
  else emitPullEvent(state, repo, issue, "reopened", actor);
}

export function ensureLabel(state: State, repo: Repository, name: string): Label {
  const existing = repo.labels.get(name.toLowerCase());
  if (existing !== undefined) return existing;
  const id = state.ids.next();
  const label: Label = {
    id,
    nodeId: nodeId("LA", id),
    name,
    color: "ededed",
    description: null,
    isDefault: false,
  };
  repo.labels.set(name.toLowerCase(), label);
  return label;
}

/** Adds labels (creating unknown ones, like GitHub), sending `labeled` for each new one. */
export function addLabels(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  names: readonly string[],
): void {
  for (const name of names) {
    const label = ensureLabel(state, repo, name);
    const key = label.name.toLowerCase();
    if (issue.labels.includes(key)) continue;
    issue.labels.push(key);
    issue.updatedAt = state.clock.now();
    emitLabelEvent(state, repo, issue, "labeled", actor, label);
  }
}

export function removeLabel(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  name: string,
): void {
  const key = name.toLowerCase();
  const index = issue.labels.indexOf(key);
  const label = repo.labels.get(key);
  if (index < 0 || label === undefined) throw new HttpError(404, "Label does not exist");
  issue.labels.splice(index, 1);
  issue.updatedAt = state.clock.now();
  emitLabelEvent(state, repo, issue, "unlabeled", actor, label);
}

export function setLabels(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  names: readonly string[],
): void {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const key of [...issue.labels]) if (!wanted.has(key)) removeLabel(state, repo, issue, actor, key);
  addLabels(state, repo, issue, actor, names);
}

function emitLabelEvent(
  state: State,
  repo: Repository,
  issue: Issue,
  action: string,
  actor: Account,
  label: Label,
): void {
  const rendered = renderLabel(state, repo, label);
  if (issue.pull === undefined) emitIssueEvent(state, repo, issue, action, actor, { label: rendered });
  else emitPullEvent(state, repo, issue, action, actor, { label: rendered });
}

export function requireComment(repo: Repository, id: number): IssueComment {
  const comment = repo.comments.get(id);
  if (comment === undefined) throw notFound();
  return comment;
}

function emitCommentEvent(
  state: State,
  repo: Repository,
  comment: IssueComment,
  action: string,
  actor: Account,
  extra: Record<string, unknown> = {},
): void {
  const issue = requireIssue(repo, comment.issueNumber);
  state.emit({
    name: "issue_comment",
    action,
    repo,
    sender: actor,
    fields: {
      issue: renderIssue(state, repo, issue),
      comment: renderComment(state, repo, comment),
      ...extra,
    },
  });
}

export function createComment(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  body: string,
  viaApp?: App,
): IssueComment {
  const now = state.clock.now();
  const id = state.ids.next();
  const comment: IssueComment = {
    id,
    nodeId: nodeId("IC", id),
    issueNumber: issue.number,
    user: actor,
    body,
    createdAt: now,
    updatedAt: now,
    viaApp,
  };
  repo.comments.set(id, comment);
  issue.updatedAt = now;
  emitCommentEvent(state, repo, comment, "created", actor);
  return comment;
}

export function editComment(
  state: State,
  repo: Repository,
  comment: IssueComment,
  actor: Account,
  body: string,
): void {
  const from = comment.body;
  comment.body = body;
  comment.updatedAt = state.clock.now();
  emitCommentEvent(state, repo, comment, "edited", actor, { changes: { body: { from } } });
}

export function deleteComment(state: State, repo: Repository, comment: IssueComment, actor: Account): void {
  emitCommentEvent(state, repo, comment, "deleted", actor);
  repo.comments.delete(comment.id);
  const kept = repo.reactions.filter(
    (r) => !(r.subject.kind === "issue_comment" && r.subject.id === comment.id),
  );
  repo.reactions.splice(0, repo.reactions.length, ...kept);
}

/** Adds a reaction; an identical one from the same user is returned instead (GitHub answers 200 then). */
export function react(
  state: State,
  repo: Repository,
  subject: ReactionSubject,
  actor: Account,
  content: ReactionContent,
): { reaction: Reaction; created: boolean } {
  const same = (r: Reaction): boolean =>
    r.user.id === actor.id && r.content === content && JSON.stringify(r.subject) === JSON.stringify(subject);
  const existing = repo.reactions.find(same);
  if (existing !== undefined) return { reaction: existing, created: false };
  const id = state.ids.next();
  const reaction: Reaction = {
    id,
    nodeId: nodeId("REA", id),
    subject,
    user: actor,
    content,
    createdAt: state.clock.now(),
  };
  repo.reactions.push(reaction);
  return { reaction, created: true };
}
