import { notFound, unprocessable } from "../errors.js";
import { branchOf } from "../git/refs.js";
import { nodeId } from "../ids.js";
import type { Account } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type { CheckConclusion, CheckOutput, CheckRun, CheckStatus, CheckSuite } from "../model/checks.js";
import type { Repository } from "../model/repository.js";
import { renderCheckRun, renderCheckSuite } from "../render/checks.js";
import type { State } from "../state.js";
import { reconcileAutoMerge } from "./auto-merge.js";

/**
 * Check runs, grouped in one check suite per (app, commit). `created`/`completed` go to every
 * subscribed installation; `rerequested` only to the app that owns the run, as on GitHub.
 */

export interface CheckRunInput {
  readonly name?: string;
  readonly status?: CheckStatus;
  readonly conclusion?: CheckConclusion;
  readonly detailsUrl?: string;
  readonly externalId?: string;
  readonly startedAt?: Date;
  readonly completedAt?: Date;
  readonly output?: { title?: string; summary?: string; text?: string; annotationsCount?: number };
}

const SUITE_PRIORITY: readonly CheckConclusion[] = [
  "action_required",
  "cancelled",
  "timed_out",
  "failure",
  "neutral",
  "success",
  "skipped",
];

function suiteFor(state: State, repo: Repository, app: App, headSha: string): CheckSuite {
  const existing = [...repo.checkSuites.values()].find(
    (suite) => suite.app.id === app.id && suite.headSha === headSha,
  );
  if (existing !== undefined) return existing;
  const id = state.ids.next();
  const branch = [...repo.refs].find(([name, sha]) => sha === headSha && branchOf(name) !== undefined)?.[0];
  const now = state.clock.now();
  const suite: CheckSuite = {
    id,
    nodeId: nodeId("CS", id),
    app,
    headSha,
    headBranch: branch === undefined ? null : (branchOf(branch) ?? null),
    status: "queued",
    conclusion: null,
    createdAt: now,
    updatedAt: now,
  };
  repo.checkSuites.set(id, suite);
  return suite;
}

function mergeOutput(current: CheckOutput, input: CheckRunInput["output"]): CheckOutput {
  if (input === undefined) return current;
  return {
    title: input.title ?? current.title,
    summary: input.summary ?? current.summary,
    text: input.text ?? current.text,
    annotationsCount: current.annotationsCount + (input.annotationsCount ?? 0),
  };
}

export function createCheckRun(
  state: State,
  repo: Repository,
  app: App,
  headSha: string,
  input: CheckRunInput & { name: string },
): CheckRun {
  if (repo.objects.commit(headSha) === undefined) throw unprocessable(`No commit found for SHA: ${headSha}`);
  const suite = suiteFor(state, repo, app, headSha);
  const id = state.ids.next();
  const now = state.clock.now();
  const completed = input.conclusion !== undefined || input.status === "completed";
  const run: CheckRun = {
    id,
    nodeId: nodeId("CR", id),
    app,
    suiteId: suite.id,
    name: input.name,
    headSha,
    status: completed ? "completed" : (input.status ?? "queued"),
    conclusion: input.conclusion ?? null,
    startedAt: input.startedAt ?? now,
    completedAt: completed ? (input.completedAt ?? now) : null,
    externalId: input.externalId ?? null,
    detailsUrl: input.detailsUrl ?? null,
    output: mergeOutput({ title: null, summary: null, text: null, annotationsCount: 0 }, input.output),
  };
  if (completed && run.conclusion === null)
    throw unprocessable("Invalid request.\n\nconclusion is required when status is completed.");
  repo.checkRuns.set(id, run);
  emitCheckRun(state, repo, run, "created");
  if (completed) emitCheckRun(state, repo, run, "completed");
  refreshSuite(state, repo, suite);
  reconcileAutoMerge(state, repo);
  return run;
}

export function requireCheckRun(repo: Repository, id: number): CheckRun {
  const run = repo.checkRuns.get(id);
  if (run === undefined) throw notFound();
  return run;
}

export function updateCheckRun(state: State, repo: Repository, run: CheckRun, input: CheckRunInput): void {
  const wasCompleted = run.status === "completed";
  if (input.name !== undefined) run.name = input.name;
  if (input.detailsUrl !== undefined) run.detailsUrl = input.detailsUrl;
  if (input.externalId !== undefined) run.externalId = input.externalId;
  if (input.startedAt !== undefined) run.startedAt = input.startedAt;
  run.output = mergeOutput(run.output, input.output);
  if (input.conclusion !== undefined || input.status === "completed") {
    if (input.conclusion === undefined && run.conclusion === null) {
      throw unprocessable("Invalid request.\n\nconclusion is required when status is completed.");
    }
    run.status = "completed";
    run.conclusion = input.conclusion ?? run.conclusion;
    run.completedAt = input.completedAt ?? state.clock.now();
  } else if (input.status !== undefined) {
    run.status = input.status;
    run.conclusion = null;
    run.completedAt = null;
  }
  if (run.status === "completed" && !wasCompleted) emitCheckRun(state, repo, run, "completed");
  const suite = repo.checkSuites.get(run.suiteId);
  if (suite !== undefined) refreshSuite(state, repo, suite);
  reconcileAutoMerge(state, repo);
}

/** Someone pressed "Re-run": the owning app hears `check_run.rerequested`. */
export function rerequestCheckRun(state: State, repo: Repository, run: CheckRun, sender: Account): void {
  state.emit({
    name: "check_run",
    action: "rerequested",
    repo,
    sender,
    onlyApp: run.app,
    fields: { check_run: checkRunPayload(state, repo, run) },
  });
}

function checkRunPayload(state: State, repo: Repository, run: CheckRun): Record<string, unknown> {
  const suite = repo.checkSuites.get(run.suiteId);
  return {
    ...renderCheckRun(state, repo, run),
    check_suite: suite === undefined ? { id: run.suiteId } : renderCheckSuite(state, repo, suite),
  };
}

function emitCheckRun(state: State, repo: Repository, run: CheckRun, action: "created" | "completed"): void {
  state.emit({
    name: "check_run",
    action,
    repo,
    sender: run.app.bot,
    fields: { check_run: checkRunPayload(state, repo, run) },
  });
}

function refreshSuite(state: State, repo: Repository, suite: CheckSuite): void {
  const runs = [...repo.checkRuns.values()].filter((run) => run.suiteId === suite.id);
  const wasCompleted = suite.status === "completed";
  const allDone = runs.length > 0 && runs.every((run) => run.status === "completed");
  suite.updatedAt = state.clock.now();
  if (!allDone) {
    suite.status = runs.some((run) => run.status === "in_progress") ? "in_progress" : "queued";
    suite.conclusion = null;
    return;
  }
  suite.status = "completed";
  const conclusions = runs.map((run) => run.conclusion);
  suite.conclusion = SUITE_PRIORITY.find((conclusion) => conclusions.includes(conclusion)) ?? "success";
  if (!wasCompleted) {
    state.emit({
      name: "check_suite",
      action: "completed",
      repo,
      sender: suite.app.bot,
      fields: { check_suite: renderCheckSuite(state, repo, suite) },
    });
  }
}
