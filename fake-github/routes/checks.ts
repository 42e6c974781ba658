import {
  createCheckRun,
  requireCheckRun,
  rerequestCheckRun,
  updateCheckRun,
  type CheckRunInput,
} from "../domain/checks.js";
import { resolveCommit } from "../domain/resolve.js";
import { createStatus } from "../domain/statuses.js";
import { HttpError, unprocessable } from "../errors.js";
import { paginate } from "../http/pagination.js";
import { route, type RouteDefinition } from "../http/route.js";
import type { CheckConclusion, CheckRun, CheckStatus } from "../model/checks.js";
import type { Repository } from "../model/repository.js";
import { renderCheckRun, renderCheckSuite, renderCombinedStatus, renderStatus } from "../render/checks.js";

/** Check runs and suites (apps only) and commit statuses. */

interface CheckRunBody {
  readonly name?: string;
  readonly status?: string;
  readonly conclusion?: string;
  readonly details_url?: string;
  readonly external_id?: string;
  readonly started_at?: string;
  readonly completed_at?: string;
  readonly output?: {
    title?: string | null;
    summary?: string;
    text?: string;
    annotations?: readonly unknown[];
  };
}

function checkRunInput(body: CheckRunBody): CheckRunInput {
  const output = body.output;
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.status === undefined ? {} : { status: body.status as CheckStatus }),
    ...(body.conclusion === undefined ? {} : { conclusion: body.conclusion as CheckConclusion }),
    ...(body.details_url === undefined ? {} : { detailsUrl: body.details_url }),
    ...(body.external_id === undefined ? {} : { externalId: body.external_id }),
    ...(body.started_at === undefined ? {} : { startedAt: new Date(body.started_at) }),
    ...(body.completed_at === undefined ? {} : { completedAt: new Date(body.completed_at) }),
    ...(output === undefined
      ? {}
      : {
          output: {
            ...(output.title === undefined || output.title === null ? {} : { title: output.title }),
            ...(output.summary === undefined ? {} : { summary: output.summary }),
            ...(output.text === undefined ? {} : { text: output.text }),
            annotationsCount: output.annotations?.length ?? 0,
          },
        }),
  };
}

function commitFor(repo: Repository, ref: string): string {
  const sha = resolveCommit(repo, ref);
  if (sha === undefined) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

/** GitHub lists the latest run per name by default (`filter=latest`). */
function latestPerName(runs: readonly CheckRun[]): CheckRun[] {
  const latest = new Map<string, CheckRun>();
  for (const run of runs) latest.set(`${run.app.id}/${run.name}`, run);
  return [...latest.values()];
}

export const checkRoutes: RouteDefinition[] = [
  route(
    "post",
    "/repos/{owner}/{repo}/check-runs",
    { permissions: ["checks:write"] },
    ({ repo, body, state, caller }) => {
      const run = createCheckRun(state, repo, caller.app, body.head_sha, {
        ...checkRunInput(body),
        name: body.name,
      });
      return { status: 201, body: renderCheckRun(state, repo, run) };
    },
  ),

  route(
    "patch",
    "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    { permissions: ["checks:write"] },
    ({ repo, params, body, state, caller }) => {
      const run = requireCheckRun(repo, Number(params.check_run_id));
      if (run.app.id !== caller.app.id)
        throw new HttpError(
          403,
          "Invalid app_id `" +
            `${caller.app.id}` +
            "` - check run can only be modified by the GitHub App that created it.",
        );
      updateCheckRun(state, repo, run, checkRunInput(body));
      return { status: 200, body: renderCheckRun(state, repo, run) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    { permissions: ["checks:read"] },
    ({ repo, params, state }) => ({
      status: 200,
      body: renderCheckRun(state, repo, requireCheckRun(repo, Number(params.check_run_id))),
    }),
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest",
    { permissions: ["checks:write"] },
    ({ repo, params, state, actor, caller }) => {
      const run = requireCheckRun(repo, Number(params.check_run_id));
      if (run.app.id !== caller.app.id)
        throw new HttpError(403, "This check run can only be rerequested by the GitHub App that created it.");
      rerequestCheckRun(state, repo, run, actor);
      return { status: 201, body: {} };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    { permissions: ["checks:read"] },
    ({ repo, params, query, state, url }) => {
      const sha = commitFor(repo, params.ref);
      const matching = [...repo.checkRuns.values()].filter(
        (run) =>
          run.headSha === sha &&
          (query.check_name === undefined || run.name === query.check_name) &&
          (query.status === undefined || run.status === query.status) &&
          (query.app_id === undefined || run.app.id === query.app_id),
      );
      const runs = query.filter === "all" ? matching : latestPerName(matching);
      runs.reverse();
      const page = paginate(url, query, runs);
      return {
        status: 200,
        body: {
          total_count: runs.length,
          check_runs: page.body.map((run) => renderCheckRun(state, repo, run)),
        },
        headers: page.headers,
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits/{ref}/check-suites",
    { permissions: ["checks:read"] },
    ({ repo, params, query, state, url }) => {
      const sha = commitFor(repo, params.ref);
      const suites = [...repo.checkSuites.values()].filter(
        (suite) =>
          suite.headSha === sha &&
          (query.app_id === undefined || suite.app.id === query.app_id) &&
          (query.check_name === undefined ||
            [...repo.checkRuns.values()].some(
              (run) => run.suiteId === suite.id && run.name === query.check_name,
            )),
      );
      const page = paginate(url, query, suites);
      return {
        status: 200,
        body: {
          total_count: suites.length,
          check_suites: page.body.map((suite) => renderCheckSuite(state, repo, suite)),
        },
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/statuses/{sha}",
    { permissions: ["statuses:write"] },
    ({ repo, params, body, state, actor }) => {
      if (repo.objects.commit(params.sha) === undefined)
        throw unprocessable(`No commit found for SHA: ${params.sha}`);
      const status = createStatus(state, repo, actor, params.sha, {
        state: body.state,
        ...(body.context === undefined ? {} : { context: body.context }),
        ...(body.description === undefined ? {} : { description: body.description }),
        ...(body.target_url === undefined ? {} : { targetUrl: body.target_url }),
      });
      return { status: 201, body: renderStatus(state, repo, status) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits/{ref}/status",
    { permissions: ["statuses:read"] },
    ({ repo, params, state }) => ({
      status: 200,
      body: renderCombinedStatus(state, repo, commitFor(repo, params.ref)),
    }),
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits/{ref}/statuses",
    { permissions: ["statuses:read"] },
    ({ repo, params, query, state, url }) => {
      const sha = commitFor(repo, params.ref);
      const statuses = repo.statuses.filter((status) => status.sha === sha).reverse();
      const page = paginate(url, query, statuses);
      return {
        status: 200,
        body: page.body.map((status) => renderStatus(state, repo, status)),
        headers: page.headers,
      };
    },
  ),
];
