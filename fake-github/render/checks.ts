import type { CheckRun, CheckSuite, CommitStatus } from "../model/checks.js";
import { fullName, type Repository } from "../model/repository.js";
import { openPulls } from "../domain/pull-events.js";
import type { State } from "../state.js";
import { requireCommit, signatureDate } from "./git.js";
import { renderApp } from "./issues.js";
import { renderMinimalRepository } from "./repos.js";
import { baseSha } from "./pulls.js";
import type { Schema } from "./schemas.js";
import { iso, isoOrNull } from "./time.js";
import { renderUser } from "./users.js";

/** Check runs, check suites and commit statuses. */

function pullsForSha(state: State, repo: Repository, sha: string): Schema<"pull-request-minimal">[] {
  const mini = { id: repo.id, url: state.urls.repoApi(fullName(repo)), name: repo.name };
  return openPulls(repo)
    .filter(({ pull }) => pull.headSha === sha)
    .map(({ issue, pull }) => ({
      id: pull.id,
      number: issue.number,
      url: state.urls.repoApi(fullName(repo), `/pulls/${issue.number}`),
      head: { ref: pull.headRef, sha: pull.headSha, repo: mini },
      base: { ref: pull.baseRef, sha: baseSha(repo, pull), repo: mini },
    }));
}

export function renderCheckRun(state: State, repo: Repository, run: CheckRun): Schema<"check-run"> {
  const api = state.urls.repoApi(fullName(repo), `/check-runs/${run.id}`);
  return {
    id: run.id,
    node_id: run.nodeId,
    head_sha: run.headSha,
    external_id: run.externalId,
    url: api,
    html_url: state.urls.repoHtml(fullName(repo), `/runs/${run.id}`),
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: iso(run.startedAt),
    completed_at: isoOrNull(run.completedAt),
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotationsCount,
      annotations_url: `${api}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: renderApp(state, run.app),
    pull_requests: pullsForSha(state, repo, run.headSha),
  };
}

export function renderCheckSuite(state: State, repo: Repository, suite: CheckSuite): Schema<"check-suite"> {
  const commit = requireCommit(repo, suite.headSha);
  const runs = [...repo.checkRuns.values()].filter((run) => run.suiteId === suite.id);
  return {
    id: suite.id,
    node_id: suite.nodeId,
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status:
      suite.status === "in_progress" || suite.status === "completed" || suite.status === "queued"
        ? suite.status
        : "queued",
    conclusion: suite.conclusion,
    url: state.urls.repoApi(fullName(repo), `/check-suites/${suite.id}`),
    before: null,
    after: suite.headSha,
    pull_requests: pullsForSha(state, repo, suite.headSha),
    app: renderApp(state, suite.app),
    repository: renderMinimalRepository(state, repo),
    created_at: iso(suite.createdAt),
    updated_at: iso(suite.updatedAt),
    head_commit: {
      id: suite.headSha,
      tree_id: commit.tree,
      message: commit.message,
      timestamp: signatureDate(commit.committer),
      author: { name: commit.author.name, email: commit.author.email },
      committer: { name: commit.committer.name, email: commit.committer.email },
    },
    latest_check_runs_count: runs.length,
    check_runs_url: state.urls.repoApi(fullName(repo), `/check-suites/${suite.id}/check-runs`),
    rerequestable: true,
    runs_rerequestable: true,
  };
}

export function renderStatus(state: State, repo: Repository, status: CommitStatus): Schema<"status"> {
  return {
    url: state.urls.repoApi(fullName(repo), `/statuses/${status.sha}`),
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: status.nodeId,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: iso(status.createdAt),
    updated_at: iso(status.createdAt),
    creator: renderUser(state.urls, status.creator),
  };
}

/** The latest status per context, newest first, and GitHub's combined state. */
export function combinedStatus(
  repo: Repository,
  sha: string,
): { state: "failure" | "pending" | "success"; latest: CommitStatus[] } {
  const latest = new Map<string, CommitStatus>();
  for (const status of repo.statuses) if (status.sha === sha) latest.set(status.context, status);
  const list = [...latest.values()].reverse();
  const states = list.map((status) => status.state);
  const combined =
    states.includes("error") || states.includes("failure")
      ? "failure"
      : states.length === 0 || states.includes("pending")
        ? "pending"
        : "success";
  return { state: combined, latest: list };
}

export function renderCombinedStatus(
  state: State,
  repo: Repository,
  sha: string,
): Schema<"combined-commit-status"> {
  const { state: combined, latest } = combinedStatus(repo, sha);
  return {
    state: combined,
    statuses: latest.map((status) => {
      const full = renderStatus(state, repo, status);
      return {
        id: full.id,
        node_id: full.node_id,
        url: full.url,
        avatar_url: full.avatar_url,
        state: full.state,
        description: full.description,
        target_url: full.target_url,
        context: full.context,
        created_at: full.created_at,
        updated_at: full.updated_at,
        required: null,
      };
    }),
    sha,
    total_count: latest.length,
    repository: renderMinimalRepository(state, repo),
    commit_url: state.urls.repoApi(fullName(repo), `/commits/${sha}`),
    url: state.urls.repoApi(fullName(repo), `/commits/${sha}/status`),
  };
}
