import type { ApplicationFunction, Probot } from "probot";
import { appInstallations, installationRepositories, readConfigs } from "./github/installation.js";
import type { AppIdentity } from "./github/gate-port.js";
import { gateRequired, readAppIdentity } from "./github/octokit-gate.js";
import { ObjectCache, OctokitRepo } from "./github/octokit-repo.js";
import { onImagePublished, type Publish } from "./handlers/image-published.js";
import { onCheckCompleted, onStatus, type MergeIfReady } from "./handlers/checks-completed.js";
import { onInstallationRepositories, onPush } from "./handlers/config-changed.js";
import { registerGate } from "./handlers/gate.js";
import { onIssueComment } from "./handlers/issue-comment.js";
import { onPullRequestMerged } from "./handlers/pull-request-merged.js";
import { handleComment } from "./usecases/command.js";
import { promoteMergedPull } from "./usecases/promote-merged.js";
import type { RepoId } from "./github/port.js";
import { tryAutoMerge } from "./usecases/auto-merge.js";
import { createRegistryHandler } from "./intake/index.js";
import type { Settings } from "./settings.js";
import { runBump } from "./usecases/bump.js";
import { Activity } from "./usecases/activity.js";
import { Coalescer } from "./usecases/coalescer.js";
import { ConfigCache } from "./usecases/config-cache.js";
import { ConfigIndex } from "./usecases/config-index.js";
import { TimerClock, type Clock } from "./usecases/clock.js";
import { RecentKeys } from "./usecases/dedupe.js";
import { RecentRefusals } from "./usecases/refusals.js";
import { preferNewer, publishImage, type BumpJob } from "./usecases/publish.js";

export interface StagecoachOptions extends Settings {
  readonly now?: () => number;
  /** Receives every piece of work the app does, so callers can wait until it is idle. */
  readonly activity?: Activity;
  /** The approval gate's clock and timers (soak and freeze boundaries); tests move it forward. */
  readonly clock?: Clock;
}

const INSTALLATIONS_TTL_MS = 10 * 60 * 1000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * The Probot app: builds the services once, then wires each webhook (and the registry endpoint) to its
 * handler. No logic lives here.
 */
export function createStagecoach(options: StagecoachOptions): ApplicationFunction {
  return (probot: Probot, { addHandler }) => {
    // One clock for everything: freeze checks, soak, timers (tests move it).
    const clock = options.clock ?? new TimerClock(options.now ?? Date.now);
    const now = (): number => clock.now();
    const log = probot.log;
    const activity = options.activity ?? new Activity();
    const tracked =
      <C>(handler: (context: C) => Promise<void> | void) =>
      (context: C): Promise<void> =>
        activity.track(async () => {
          await handler(context);
        });
    const objects = new ObjectCache();
    const configs = new ConfigCache();
    const recent = new RecentKeys();
    const refusals = new RecentRefusals();
    const repoFor = async (installationId: number, id: RepoId): Promise<OctokitRepo> =>
      new OctokitRepo(await probot.auth(installationId), id, objects);

    const index = new ConfigIndex({
      readAll: async (installationId) => {
        const octokit = await probot.auth(installationId);
        return readConfigs(octokit, await installationRepositories(octokit));
      },
      readOne: async (installationId, repo) => {
        const [blob] = await readConfigs(await probot.auth(installationId), [repo]);
        return blob ?? { repo };
      },
      configs,
      log,
      now,
      ttlMs: options.indexTtlMs,
    });

    const bumps = new Coalescer<BumpJob>({
      delayMs: options.coalesceMs,
      prefer: preferNewer,
      run: async (_key, job) => {
        const repo = await repoFor(job.installationId, job.repo);
        const outcome = await runBump(repo, job.request, { configs, log, now });
        if ((outcome.kind === "opened" || outcome.kind === "updated") && outcome.autoMerge) {
          await tryAutoMerge(repo, outcome.pull, { configs, log, sleep });
        }
      },
    });

    const mergeIfReady: MergeIfReady = async (installationId, id, pulls) => {
      const repo = await repoFor(installationId, id);
      for (const pull of pulls) await tryAutoMerge(repo, pull, { configs, log, sleep });
    };
    const pullsForCommit = async (
      installationId: number,
      id: RepoId,
      sha: string,
    ): Promise<readonly number[]> => (await repoFor(installationId, id)).pullsForCommit(sha);

    // Who this app is (its id and bot login), read once per replica; a failed read is tried again.
    let identity: Promise<AppIdentity> | undefined;
    const whoAmI = (): Promise<AppIdentity> => {
      if (identity === undefined) {
        const reading = probot.auth().then(readAppIdentity);
        reading.catch(() => {
          identity = undefined;
        });
        identity = reading;
      }
      return identity;
    };
    const ownSlug = async (): Promise<string> => (await whoAmI()).botLogin.replace(/\[bot\]$/, "");

    // Approval gates: the check run `Stagecoach / approvals`, its webhooks, timers and start-up pass.
    registerGate(probot, {
      whoAmI,
      clock,
      configs,
      objects,
      activity,
      log,
      tracked,
      mergeIfReady,
    });

    const publish: Publish = async (installationIds, events) => {
      for (const event of events)
        await publishImage({ index, recent, bumps, log, refusals }, installationIds, event);
    };

    let installations: { ids: number[]; at: number } | undefined;
    const everyInstallation = async (): Promise<number[]> => {
      if (installations === undefined || now() - installations.at > INSTALLATIONS_TTL_MS) {
        installations = { ids: await appInstallations(await probot.auth()), at: now() };
      }
      return installations.ids;
    };

    probot.on(
      ["registry_package.published", "package.published", "repository_dispatch"],
      tracked(onImagePublished(publish)),
    );
    probot.on("push", tracked(onPush(index)));
    probot.on(
      ["check_suite.completed", "check_run.completed"],
      tracked(onCheckCompleted(mergeIfReady, ownSlug)),
    );
    probot.on("status", tracked(onStatus(mergeIfReady, pullsForCommit)));
    probot.on(
      ["installation_repositories.added", "installation_repositories.removed"],
      tracked(onInstallationRepositories(index)),
    );

    // Comment commands; /status also asks whether the default branch requires the gate.
    probot.on(
      "issue_comment.created",
      tracked(
        onIssueComment(async (installationId, id, event) => {
          const octokit = await probot.auth(installationId);
          await handleComment(new OctokitRepo(octokit, id, objects), event, {
            configs,
            log,
            now,
            appLogin: (await whoAmI()).botLogin,
            statusFacts: async (_repo, head) => ({
              gateRequired: await gateRequired(octokit, id, head.defaultBranch),
              refusals: refusals.list(`${id.owner}/${id.name}`),
            }),
          });
        }),
      ),
    );
    // Promotion down the chain when a PR merges.
    probot.on(
      "pull_request.closed",
      tracked(
        onPullRequestMerged(async (installationId, id, number) => {
          await promoteMergedPull(await repoFor(installationId, id), number, { configs, log, now });
        }),
      ),
    );

    addHandler(
      createRegistryHandler({
        secrets: options.registrySecrets,
        publish: (events) => activity.track(async () => publish(await everyInstallation(), events)),
        log,
      }),
    );
  };
}
