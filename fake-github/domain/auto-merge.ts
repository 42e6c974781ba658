import { HttpError } from "../errors.js";
import type { Account } from "../model/accounts.js";
import type { Issue, MergeMethod } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import type { State } from "../state.js";
import { mergeability } from "./mergeability.js";
import { mergePull } from "./merge.js";
import { emitPullEvent, openPulls, requirePull } from "./pull-events.js";

/**
 * Auto-merge, as GitHub runs it: enabling it on a pull request that could merge right now is refused
 * ("Pull request is in clean status"); once enabled, the pull request merges by itself as soon as its
 * required checks and reviews pass. Every state change that can unblock a merge calls `reconcileAutoMerge`.
 */

export function enableAutoMerge(
  state: State,
  repo: Repository,
  issue: Issue,
  actor: Account,
  options: {
    method: MergeMethod;
    commitTitle?: string | null;
    commitMessage?: string | null;
    expectedHeadOid?: string;
  },
): void {
  const pull = requirePull(repo, issue);
  if (!repo.settings.allowAutoMerge)
    throw new HttpError(422, "Pull request Auto merge is not allowed for this repository");
  if (issue.state !== "open") throw new HttpError(422, "Pull request Pull request is closed");
  if (options.expectedHeadOid !== undefined && options.expectedHeadOid !== pull.headSha) {
    throw new HttpError(
      422,
      "Pull request The expected head OID does not match the head of the pull request",
    );
  }
  const status = mergeability(state, repo, issue, pull).state;
  if (status === "clean" || status === "unstable")
    throw new HttpError(422, `Pull request Pull request is in ${status} status`);
  pull.autoMerge = {
    enabledBy: actor,
    method: options.method,
    commitTitle: options.commitTitle ?? null,
    commitMessage: options.commitMessage ?? null,
    enabledAt: state.clock.now(),
  };
  emitPullEvent(state, repo, issue, "auto_merge_enabled", actor);
}

export function disableAutoMerge(state: State, repo: Repository, issue: Issue, actor: Account): void {
  const pull = requirePull(repo, issue);
  if (pull.autoMerge === null) return;
  pull.autoMerge = null;
  emitPullEvent(state, repo, issue, "auto_merge_disabled", actor);
}

const running = new WeakSet<Repository>();
const rerun = new WeakSet<Repository>();

export function reconcileAutoMerge(state: State, repo: Repository): void {
  if (running.has(repo)) {
    rerun.add(repo);
    return;
  }
  running.add(repo);
  try {
    do {
      rerun.delete(repo);
      mergeReadyPulls(state, repo);
    } while (rerun.has(repo));
  } finally {
    running.delete(repo);
  }
}

function mergeReadyPulls(state: State, repo: Repository): void {
  for (const { issue, pull } of openPulls(repo)) {
    const auto = pull.autoMerge;
    if (auto === null) continue;
    const status = mergeability(state, repo, issue, pull).state;
    if (status !== "clean" && status !== "unstable") continue;
    mergePull(state, repo, issue, auto.enabledBy, {
      method: auto.method,
      ...(auto.commitTitle === null ? {} : { commitTitle: auto.commitTitle }),
      ...(auto.commitMessage === null ? {} : { commitMessage: auto.commitMessage }),
    });
  }
}
