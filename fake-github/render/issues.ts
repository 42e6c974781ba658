import type { Account } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type { Issue, IssueComment, Label, Reaction, Review } from "../model/issues.js";
import { fullName, type Repository } from "../model/repository.js";
import type { State } from "../state.js";
import type { Schema } from "./schemas.js";
import { iso, isoOrNull } from "./time.js";
import { renderUser } from "./users.js";

/** Issues, comments, labels, reactions and reviews. */

export type AuthorAssociation = Schema<"author-association">;

export function authorAssociation(repo: Repository, account: Account): AuthorAssociation {
  if (account.id === repo.owner.id) return "OWNER";
  if (repo.collaborators.has(account.login.toLowerCase())) return "COLLABORATOR";
  return "NONE";
}

export function repoLabels(repo: Repository, keys: readonly string[]): Label[] {
  return keys.flatMap((key) => {
    const label = repo.labels.get(key);
    return label === undefined ? [] : [label];
  });
}

export function renderLabel(state: State, repo: Repository, label: Label): Schema<"label"> {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: state.urls.repoApi(fullName(repo), `/labels/${encodeURIComponent(label.name)}`),
    name: label.name,
    color: label.color,
    description: label.description,
    default: label.isDefault,
  };
}

export function renderApp(state: State, app: App): Schema<"integration"> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.nodeId,
    client_id: app.clientId,
    owner: renderUser(state.urls, app.owner),
    name: app.name,
    description: null,
    external_url: state.urls.htmlUrl(`/apps/${app.slug}`),
    html_url: state.urls.htmlUrl(`/apps/${app.slug}`),
    created_at: iso(app.createdAt),
    updated_at: iso(app.createdAt),
    permissions: { ...app.permissions },
    events: [...app.events],
  };
}

function reactionRollup(
  repo: Repository,
  url: string,
  matches: (reaction: Reaction) => boolean,
): Schema<"reaction-rollup"> {
  const reactions = repo.reactions.filter(matches);
  const count = (content: Reaction["content"]): number =>
    reactions.filter((r) => r.content === content).length;
  return {
    url,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    confused: count("confused"),
    heart: count("heart"),
    hooray: count("hooray"),
    eyes: count("eyes"),
    rocket: count("rocket"),
  };
}

export function renderIssue(state: State, repo: Repository, issue: Issue): Schema<"issue"> {
  const api = state.urls.repoApi(fullName(repo), `/issues/${issue.number}`);
  const html = state.urls.repoHtml(
    fullName(repo),
    `/${issue.pull === undefined ? "issues" : "pull"}/${issue.number}`,
  );
  const comments = [...repo.comments.values()].filter(
    (comment) => comment.issueNumber === issue.number,
  ).length;
  const pull = issue.pull;
  return {
    id: issue.id,
    node_id: issue.nodeId,
    url: api,
    repository_url: state.urls.repoApi(fullName(repo)),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: renderUser(state.urls, issue.user),
    labels: repoLabels(repo, issue.labels).map((label) => renderLabel(state, repo, label)),
    assignee: issue.assignees[0] === undefined ? null : renderUser(state.urls, issue.assignees[0]),
    assignees: issue.assignees.map((account) => renderUser(state.urls, account)),
    milestone: null,
    locked: issue.locked,
    active_lock_reason: null,
    comments,
    ...(pull === undefined
      ? {}
      : {
          pull_request: {
            url: state.urls.repoApi(fullName(repo), `/pulls/${issue.number}`),
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: isoOrNull(pull.mergedAt),
          },
          draft: pull.draft,
        }),
    closed_at: isoOrNull(issue.closedAt),
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_by: issue.closedBy === null ? null : renderUser(state.urls, issue.closedBy),
    author_association: authorAssociation(repo, issue.user),
    reactions: reactionRollup(
      repo,
      `${api}/reactions`,
      (r) => r.subject.kind === "issue" && r.subject.number === issue.number,
    ),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: issue.viaApp === undefined ? null : renderApp(state, issue.viaApp),
  };
}

export function renderComment(
  state: State,
  repo: Repository,
  comment: IssueComment,
): Schema<"issue-comment"> {
  const api = state.urls.repoApi(fullName(repo), `/issues/comments/${comment.id}`);
  const issue = repo.issues.get(comment.issueNumber);
  const kind = issue?.pull === undefined ? "issues" : "pull";
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url: api,
    html_url: state.urls.repoHtml(
      fullName(repo),
      `/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    ),
    body: comment.body,
    user: renderUser(state.urls, comment.user),
    created_at: iso(comment.createdAt),
    updated_at: iso(comment.updatedAt),
    issue_url: state.urls.repoApi(fullName(repo), `/issues/${comment.issueNumber}`),
    author_association: authorAssociation(repo, comment.user),
    performed_via_github_app: comment.viaApp === undefined ? null : renderApp(state, comment.viaApp),
    reactions: reactionRollup(
      repo,
      `${api}/reactions`,
      (r) => r.subject.kind === "issue_comment" && r.subject.id === comment.id,
    ),
  };
}

export function renderReaction(state: State, reaction: Reaction): Schema<"reaction"> {
  return {
    id: reaction.id,
    node_id: reaction.nodeId,
    user: renderUser(state.urls, reaction.user),
    content: reaction.content,
    created_at: iso(reaction.createdAt),
  };
}

export function renderReview(state: State, repo: Repository, review: Review): Schema<"pull-request-review"> {
  const pullUrl = state.urls.repoApi(fullName(repo), `/pulls/${review.pullNumber}`);
  const html = state.urls.repoHtml(
    fullName(repo),
    `/pull/${review.pullNumber}#pullrequestreview-${review.id}`,
  );
  return {
    id: review.id,
    node_id: review.nodeId,
    user: renderUser(state.urls, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: iso(review.submittedAt),
    commit_id: review.commitId,
    author_association: authorAssociation(repo, review.user),
  };
}
