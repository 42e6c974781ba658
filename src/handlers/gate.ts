import type { Context, Probot } from "probot";
import { z } from "zod";
import { CONFIG_PATH } from "../config/parse.js";
import { ConfigError } from "../core/errors.js";
import { FREEZE_LABEL } from "../core/freeze-issue.js";
import { GATE_CHECK_NAME } from "../core/render-gate.js";
import type { AppIdentity, OpenPull } from "../github/gate-port.js";
import { appInstallations, installationRepositories, readConfigs } from "../github/installation.js";
import { GateCaches, OctokitGate } from "../github/octokit-gate.js";
import { OctokitRepo, type ObjectCache } from "../github/octokit-repo.js";
import type { RepoId } from "../github/port.js";
import type { Activity } from "../usecases/activity.js";
import type { Clock } from "../usecases/clock.js";
import type { ConfigCache } from "../usecases/config-cache.js";
import { runGate, type GateOutcome } from "../usecases/gate.js";
import { GateScheduler, type PullKey } from "../usecases/gate-scheduler.js";
import type { Log } from "../usecases/log.js";
import type { MergeIfReady } from "./checks-completed.js";

/**
 * The approval gate's webhooks: each parses the few fields it uses, decides whether the gate cares,
 * and asks the scheduler to evaluate the pull requests concerned. `registerGate` wires them and, at
 * start-up, evaluates every open PR of every config repository again (which sets their timers again).
 */

export type EvaluatePull = (installationId: number, repo: RepoId, number: number) => Promise<void>;
export type ReevaluateRepo = (
  installationId: number,
  repo: RepoId,
  which?: (pull: OpenPull) => boolean,
) => Promise<void>;

function repoOf(payload: {
  repository: { name: string; owner: { login: string } | null };
}): RepoId | undefined {
  const owner = payload.repository.owner?.login;
  return owner === undefined ? undefined : { owner, name: payload.repository.name };
}

type PullEvent =
  | "pull_request.opened"
  | "pull_request.synchronize"
  | "pull_request.reopened"
  | "pull_request.ready_for_review"
  | "pull_request.converted_to_draft"
  | "pull_request.edited";

/** A PR opened, pushed to, reopened, readied, drafted, or moved to another base branch. */
export function onPullRequest(evaluate: EvaluatePull) {
  return async (context: Context<PullEvent>): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const repo = repoOf(payload);
    if (installationId === undefined || repo === undefined) return;
    // Another base means another config. Title and body edits (Stagecoach rewrites its own bodies on
    // every update) wait for the next push or review, which reads the body afresh anyway.
    if (payload.action === "edited" && payload.changes.base === undefined) return;
    await evaluate(installationId, repo, payload.pull_request.number);
  };
}

/** A PR closed or merged: its timer has nothing left to do. */
export function onPullRequestClosed(cancel: (key: PullKey) => void) {
  return (context: Context<"pull_request.closed">): void => {
    const installationId = context.payload.installation?.id;
    const repo = repoOf(context.payload);
    if (installationId === undefined || repo === undefined) return;
    cancel({ installationId, repo, number: context.payload.pull_request.number });
  };
}

type ReviewEvent =
  "pull_request_review.submitted" | "pull_request_review.dismissed" | "pull_request_review.edited";

export function onReview(evaluate: EvaluatePull) {
  return async (context: Context<ReviewEvent>): Promise<void> => {
    const installationId = context.payload.installation?.id;
    const repo = repoOf(context.payload);
    if (installationId === undefined || repo === undefined) return;
    await evaluate(installationId, repo, context.payload.pull_request.number);
  };
}

/** "Re-run" on the gate's check run (or on the whole suite): evaluate its PRs again. */
export function onGateRerequested(
  evaluate: EvaluatePull,
  pullsForCommit: (installationId: number, repo: RepoId, sha: string) => Promise<readonly number[]>,
) {
  return async (context: Context<"check_run.rerequested" | "check_suite.rerequested">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const repo = repoOf(payload);
    if (installationId === undefined || repo === undefined) return;
    const subject = "check_run" in payload ? payload.check_run : payload.check_suite;
    if ("check_run" in payload && payload.check_run.name !== GATE_CHECK_NAME) return;
    // GitHub leaves `pull_requests` empty for PRs from forks: ask which PRs have this head.
    const numbers =
      subject.pull_requests.length > 0
        ? subject.pull_requests.map((pull) => pull.number)
        : await pullsForCommit(installationId, repo, subject.head_sha);
    for (const number of numbers) await evaluate(installationId, repo, number);
  };
}

const MembershipPayload = z.object({
  scope: z.literal("team"),
  member: z.object({ login: z.string() }),
  team: z.object({ slug: z.string() }),
  organization: z.object({ login: z.string() }),
  installation: z.object({ id: z.number() }),
});

/** Someone joined or left a team: PRs whose rules name that team may have gained or lost an approval. */
export function onMembership(
  changed: (installationId: number, team: string, login: string) => Promise<void>,
  log: Log,
) {
  return async (context: Context<"membership.added" | "membership.removed">): Promise<void> => {
    const parsed = MembershipPayload.safeParse(context.payload);
    if (!parsed.success) {
      log.debug({ event: context.name }, "membership event without a team member ignored");
      return;
    }
    const { member, team, organization, installation } = parsed.data;
    await changed(installation.id, `@${organization.login}/${team.slug}`, member.login);
  };
}

type IssueEvent =
  | "issues.opened"
  | "issues.closed"
  | "issues.reopened"
  | "issues.edited"
  | "issues.labeled"
  | "issues.unlabeled"
  | "issues.deleted";

/** A `/freeze` hold issue opened, closed or relabelled: the gates of open PRs change at once. */
export function onFreezeIssue(reevaluate: ReevaluateRepo) {
  return async (context: Context<IssueEvent>): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const repo = repoOf(payload);
    if (installationId === undefined || repo === undefined) return;
    const labels = (payload.issue.labels ?? []).flatMap((label) => (label === null ? [] : [label.name]));
    const changedLabel = "label" in payload ? payload.label.name : undefined;
    if (!labels.includes(FREEZE_LABEL) && changedLabel !== FREEZE_LABEL) return;
    await reevaluate(installationId, repo);
  };
}

/** `.github/stagecoach.yml` changed on a branch: PRs into that branch answer to new rules. */
export function onConfigPush(reevaluate: ReevaluateRepo) {
  return async (context: Context<"push">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const owner = payload.repository.owner?.login;
    if (installationId === undefined || owner === undefined || !payload.ref.startsWith("refs/heads/")) return;
    const touched = payload.commits.some((commit) =>
      [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(CONFIG_PATH),
    );
    if (!touched) return;
    const branch = payload.ref.slice("refs/heads/".length);
    await reevaluate(
      installationId,
      { owner, name: payload.repository.name },
      (pull) => pull.baseRef === branch,
    );
  };
}

export interface GateWiring {
  readonly clock: Clock;
  readonly configs: ConfigCache;
  readonly objects: ObjectCache;
  readonly activity: Activity;
  readonly log: Log;
  /** Wraps a webhook handler so its work is tracked. */
  readonly tracked: <C>(handler: (context: C) => Promise<void> | void) => (context: C) => Promise<void>;
  /** Auto-merge: tries to merge Stagecoach PRs into autoMerge environments once GitHub reports them clean. */
  readonly mergeIfReady: MergeIfReady;
  /** Who this app is (read once per replica, shared with the rest of the app). */
  readonly whoAmI: () => Promise<AppIdentity>;
  /** Evaluate every open PR at start-up (default true). */
  readonly resumeAtStart?: boolean;
}

/** Subscribes the gate to its webhooks, starts the start-up pass, and returns the scheduler. */
export function registerGate(probot: Probot, wiring: GateWiring): GateScheduler {
  const { clock, configs, objects, activity, log, tracked, mergeIfReady, whoAmI } = wiring;
  const caches = new GateCaches({ now: () => clock.now() });

  const portFor = async (installationId: number, repo: RepoId): Promise<OctokitGate> => {
    const octokit = await probot.auth(installationId);
    return new OctokitGate(octokit, new OctokitRepo(octokit, repo, objects), await whoAmI(), caches);
  };

  const scheduler = new GateScheduler({
    clock,
    log,
    track: (work) => activity.track(work),
    evaluate: async (key): Promise<GateOutcome> => {
      const me = await whoAmI();
      const outcome = await runGate(await portFor(key.installationId, key.repo), key.number, {
        configs,
        clock,
        identity: me,
        log,
      });
      // The gate turning green is the moment to try auto-merge (the app's own check_run events are
      // ignored, so this is the only place that notices).
      if (
        (outcome.kind === "created" || outcome.kind === "updated") &&
        outcome.conclusion === "success" &&
        outcome.autoMerge === true
      )
        await mergeIfReady(key.installationId, key.repo, [key.number]);
      return outcome;
    },
  });

  const evaluate: EvaluatePull = (installationId, repo, number) =>
    scheduler.evaluate({ installationId, repo, number });
  const reevaluateRepo: ReevaluateRepo = async (installationId, repo, which = () => true) => {
    const pulls = await (await portFor(installationId, repo)).openPulls();
    await scheduler.evaluateAll(
      pulls.filter(which).map((pull) => ({ installationId, repo, number: pull.number })),
    );
  };
  const configRepos = async (installationId: number) => {
    const octokit = await probot.auth(installationId);
    return (await readConfigs(octokit, await installationRepositories(octokit))).flatMap((blob) =>
      blob.config === undefined ? [] : [{ repo: blob.repo, config: blob.config }],
    );
  };
  const membershipChanged = async (installationId: number, team: string, login: string): Promise<void> => {
    caches.forgetMembership(team, login);
    for (const { repo, config } of await configRepos(installationId)) {
      let names: boolean;
      try {
        const parsed = configs.parse(config.sha, config.text);
        const principals = [
          ...Object.values(parsed.environments).flatMap((env) => env.approvals?.from ?? []),
          ...(parsed.default?.approvals?.from ?? []),
        ];
        names = principals.some((principal) => principal.toLowerCase() === team.toLowerCase());
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        names = false;
      }
      if (names) await reevaluateRepo(installationId, repo);
    }
  };
  const pullsForCommit = async (installationId: number, repo: RepoId, sha: string) =>
    new OctokitRepo(await probot.auth(installationId), repo, objects).pullsForCommit(sha);

  probot.on(
    [
      "pull_request.opened",
      "pull_request.synchronize",
      "pull_request.reopened",
      "pull_request.ready_for_review",
      "pull_request.converted_to_draft",
      "pull_request.edited",
    ],
    tracked(onPullRequest(evaluate)),
  );
  probot.on(
    "pull_request.closed",
    tracked(
      onPullRequestClosed((key) => {
        scheduler.cancel(key);
      }),
    ),
  );
  probot.on(
    ["pull_request_review.submitted", "pull_request_review.dismissed", "pull_request_review.edited"],
    tracked(onReview(evaluate)),
  );
  probot.on(
    ["check_run.rerequested", "check_suite.rerequested"],
    tracked(onGateRerequested(evaluate, pullsForCommit)),
  );
  probot.on(["membership.added", "membership.removed"], tracked(onMembership(membershipChanged, log)));
  probot.on(
    [
      "issues.opened",
      "issues.closed",
      "issues.reopened",
      "issues.edited",
      "issues.labeled",
      "issues.unlabeled",
      "issues.deleted",
    ],
    tracked(onFreezeIssue(reevaluateRepo)),
  );
  probot.on("push", tracked(onConfigPush(reevaluateRepo)));

  if (wiring.resumeAtStart ?? true) {
    void activity.track(async () => {
      try {
        const keys: PullKey[] = [];
        for (const installationId of await appInstallations(await probot.auth())) {
          for (const { repo } of await configRepos(installationId)) {
            const pulls = await (await portFor(installationId, repo)).openPulls();
            keys.push(...pulls.map((pull) => ({ installationId, repo, number: pull.number })));
          }
        }
        log.info({ pulls: keys.length }, "gate: evaluating open pull requests at start-up");
        await scheduler.evaluateAll(keys);
      } catch (error) {
        log.error(
          { err: error },
          "gate: the start-up pass failed; open PRs are evaluated on their next event",
        );
      }
    });
  }
  return scheduler;
}
