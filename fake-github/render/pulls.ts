import { diffTrees, type FileChange } from "../git/diff.js";
import { commitsBetween, mergeBase } from "../git/history.js";
import { branchRef } from "../git/refs.js";
import type { Issue, Pull } from "../model/issues.js";
import { fullName, type Repository } from "../model/repository.js";
import { mergeability } from "../domain/mergeability.js";
import type { State } from "../state.js";
import { changeStats } from "../git/diff.js";
import { requireCommit } from "./git.js";
import { authorAssociation, renderLabel, repoLabels } from "./issues.js";
import { renderRepository } from "./repos.js";
import type { Schema } from "./schemas.js";
import { iso, isoOrNull } from "./time.js";
import { renderTeam, renderUser } from "./users.js";

/** Pull requests, in the list shape (`pull-request-simple`) and the full shape (`pull-request`). */

export function baseSha(repo: Repository, pull: Pull): string {
  return pull.closedBaseSha ?? repo.refs.get(branchRef(pull.baseRef)) ?? pull.headSha;
}

/** The commits and file changes a pull request brings, measured from the merge base. */
export function pullChanges(repo: Repository, pull: Pull): { commits: string[]; changes: FileChange[] } {
  const base = baseSha(repo, pull);
  const since = mergeBase(repo.objects, base, pull.headSha);
  const commits = commitsBetween(repo.objects, since, pull.headSha).reverse();
  const changes = diffTrees(
    repo.objects,
    since === undefined ? undefined : requireCommit(repo, since).tree,
    requireCommit(repo, pull.headSha).tree,
  );
  return { commits, changes };
}

export function renderPullSimple(
  state: State,
  repo: Repository,
  issue: Issue,
  pull: Pull,
): Schema<"pull-request-simple"> {
  return pullCore(state, repo, issue, pull);
}

/** The fields both shapes share, typed narrowly enough for either. */
function pullCore(state: State, repo: Repository, issue: Issue, pull: Pull) {
  const name = fullName(repo);
  const api = state.urls.repoApi(name, `/pulls/${issue.number}`);
  const html = state.urls.repoHtml(name, `/pull/${issue.number}`);
  const issueApi = state.urls.repoApi(name, `/issues/${issue.number}`);
  const repository = renderRepository(state, repo);
  const ref = (branch: string, sha: string, from: Repository = repo): Schema<"pull-request">["head"] => ({
    label: `${from.owner.login}:${branch}`,
    ref: branch,
    sha,
    user: renderUser(state.urls, from.owner),
    repo: from === repo ? repository : renderRepository(state, from),
  });
  return {
    url: api,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: state.urls.repoApi(name, "/pulls/comments{/number}"),
    comments_url: `${issueApi}/comments`,
    statuses_url: state.urls.repoApi(name, `/statuses/${pull.headSha}`),
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: renderUser(state.urls, issue.user),
    body: issue.body,
    labels: repoLabels(repo, issue.labels).map((label) => ({
      ...renderLabel(state, repo, label),
      description: label.description ?? "",
    })),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(issue.createdAt),
    updated_at: iso(issue.updatedAt),
    closed_at: isoOrNull(issue.closedAt),
    merged_at: isoOrNull(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: issue.assignees[0] === undefined ? null : renderUser(state.urls, issue.assignees[0]),
    assignees: issue.assignees.map((account) => renderUser(state.urls, account)),
    requested_reviewers: pull.requestedReviewers.map((account) => renderUser(state.urls, account)),
    requested_teams: pull.requestedTeams.map((team) => renderTeam(state.urls, team)),
    head: ref(pull.headRef, pull.headSha, pull.headRepo),
    base: ref(pull.baseRef, baseSha(repo, pull)),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: state.urls.repoApi(name, "/pulls/comments{/number}") },
      commits: { href: `${api}/commits` },
      statuses: { href: state.urls.repoApi(name, `/statuses/${pull.headSha}`) },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge:
      pull.autoMerge === null
        ? null
        : {
            enabled_by: renderUser(state.urls, pull.autoMerge.enabledBy),
            merge_method: pull.autoMerge.method,
            commit_title: pull.autoMerge.commitTitle ?? "",
            commit_message: pull.autoMerge.commitMessage ?? "",
          },
    draft: pull.draft,
  };
}

export function renderPull(state: State, repo: Repository, issue: Issue, pull: Pull): Schema<"pull-request"> {
  const simple = pullCore(state, repo, issue, pull);
  const { commits, changes } = pullChanges(repo, pull);
  const stats = changes.map((change) => changeStats(repo.objects, change));
  const merge = mergeability(state, repo, issue, pull);
  return {
    ...simple,
    merged: pull.merged,
    mergeable: merge.mergeable,
    rebaseable: merge.mergeable,
    mergeable_state: merge.state,
    merged_by: pull.mergedBy === null ? null : renderUser(state.urls, pull.mergedBy),
    comments: [...repo.comments.values()].filter((comment) => comment.issueNumber === issue.number).length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: commits.length,
    additions: stats.reduce((sum, s) => sum + s.additions, 0),
    deletions: stats.reduce((sum, s) => sum + s.deletions, 0),
    changed_files: changes.length,
  };
}
