import { fullName, type Repository } from "../model/repository.js";
import type { State } from "../state.js";
import type { Schema } from "./schemas.js";
import { iso } from "./time.js";
import { renderUser } from "./users.js";

function repoLinks(state: State, repo: Repository) {
  const api = state.urls.repoApi(fullName(repo));
  return {
    html_url: state.urls.repoHtml(fullName(repo)),
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

function openIssues(repo: Repository): number {
  return [...repo.issues.values()].filter((issue) => issue.state === "open").length;
}

/** The `repository` object of webhooks, lists and nested PR heads. */
export function renderRepository(state: State, repo: Repository): Schema<"repository"> {
  const open = openIssues(repo);
  const html = state.urls.repoHtml(fullName(repo));
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: fullName(repo),
    private: repo.private,
    owner: renderUser(state.urls, repo.owner),
    description: repo.description,
    fork: false,
    ...repoLinks(state, repo),
    git_url: `${html.replace(/^https?:/, "git:")}.git`,
    ssh_url: `git@github.com:${fullName(repo)}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: open,
    open_issues_count: open,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    // Deprecated by GitHub but still required by the `repository` schema.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: repo.private ? "private" : "public",
    pushed_at: iso(repo.pushedAt),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.updatedAt),
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    allow_auto_merge: repo.settings.allowAutoMerge,
    delete_branch_on_merge: repo.settings.deleteBranchOnMerge,
    allow_merge_commit: repo.settings.allowMergeCommit,
    allow_squash_merge: repo.settings.allowSquashMerge,
    allow_rebase_merge: repo.settings.allowRebaseMerge,
  };
}

/** The smaller repository object nested in check suites and combined statuses. */
export function renderMinimalRepository(state: State, repo: Repository): Schema<"minimal-repository"> {
  return { ...renderRepository(state, repo), license: null };
}

/** `GET /repos/{owner}/{repo}`. */
export function renderFullRepository(state: State, repo: Repository): Schema<"full-repository"> {
  const base = renderRepository(state, repo);
  return {
    ...base,
    pushed_at: iso(repo.pushedAt),
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.updatedAt),
    has_discussions: false,
    network_count: 0,
    subscribers_count: 0,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    squash_merge_commit_message: "COMMIT_MESSAGES",
    merge_commit_title: "MERGE_MESSAGE",
    merge_commit_message: "PR_TITLE",
    ...(repo.owner.type === "Organization" ? { organization: renderUser(state.urls, repo.owner) } : {}),
  };
}
