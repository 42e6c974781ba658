import type { Context } from "probot";

export type MergeIfReady = (
  installationId: number,
  repo: { owner: string; name: string },
  pulls: readonly number[],
) => Promise<void>;

type CheckEvent = "check_suite.completed" | "check_run.completed";

/**
 * A check suite or run finished: Stagecoach PRs it belongs to may now be mergeable. Only same-repository
 * PRs on `stagecoach/` branches are looked at, so CI of other PRs costs no API request. Stagecoach's own
 * gate run is skipped: the gate asks for the merge itself when it turns green.
 */
export function onCheckCompleted(mergeIfReady: MergeIfReady, ownSlug: () => Promise<string>) {
  return async (context: Context<CheckEvent>): Promise<void> => {
    const installationId = context.payload.installation?.id;
    const owner = context.payload.repository.owner.login;
    if (installationId === undefined) return;
    const app =
      "check_suite" in context.payload ? context.payload.check_suite.app : context.payload.check_run.app;
    if (app?.slug !== undefined && app.slug === (await ownSlug())) return;
    const pulls =
      "check_suite" in context.payload
        ? context.payload.check_suite.pull_requests
        : context.payload.check_run.pull_requests;
    const mine = pulls.filter((pull) => pull.head.ref.startsWith("stagecoach/")).map((pull) => pull.number);
    if (mine.length > 0)
      await mergeIfReady(installationId, { owner, name: context.payload.repository.name }, mine);
  };
}

/** A commit status changed: find the open PRs of that commit (statuses carry no PR list). */
export function onStatus(
  mergeIfReady: MergeIfReady,
  pullsForCommit: (
    installationId: number,
    repo: { owner: string; name: string },
    sha: string,
  ) => Promise<readonly number[]>,
) {
  return async (context: Context<"status">): Promise<void> => {
    const installationId = context.payload.installation?.id;
    const owner = context.payload.repository.owner.login;
    if (installationId === undefined || context.payload.state === "pending") return;
    if (!context.payload.branches.some((branch) => branch.name.startsWith("stagecoach/"))) return;
    const repo = { owner, name: context.payload.repository.name };
    const pulls = await pullsForCommit(installationId, repo, context.payload.sha);
    if (pulls.length > 0) await mergeIfReady(installationId, repo, pulls);
  };
}
