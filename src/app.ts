import type { ApplicationFunction, Probot } from "probot";
import { appInstallations, installationRepositories, readConfigs } from "./github/installation.js";
import { ObjectCache, OctokitRepo } from "./github/octokit-repo.js";
import { onImagePublished, type Publish } from "./handlers/image-published.js";
import { onCheckCompleted, onStatus, type MergeIfReady } from "./handlers/checks-completed.js";
import { onInstallationRepositories, onPush } from "./handlers/config-changed.js";
import type { RepoId } from "./github/port.js";
import { tryAutoMerge } from "./usecases/auto-merge.js";
import { createRegistryHandler } from "./intake/index.js";
import type { Settings } from "./settings.js";
import { runBump } from "./usecases/bump.js";
import { Activity } from "./usecases/activity.js";
import { Coalescer } from "./usecases/coalescer.js";
import { ConfigCache } from "./usecases/config-cache.js";
import { ConfigIndex } from "./usecases/config-index.js";
import { RecentKeys } from "./usecases/dedupe.js";
import { preferNewer, publishImage, type BumpJob } from "./usecases/publish.js";

export interface StagecoachOptions extends Settings {
  readonly now?: () => number;
  /** Receives every piece of work the app does, so callers can wait until it is idle. */
  readonly activity?: Activity;
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
    const now = options.now ?? Date.now;
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
        const repo = new OctokitRepo(await probot.auth(job.installationId), job.repo, objects);
        const outcome = await runBump(repo, job.request, { configs, log });
        if ((outcome.kind === "opened" || outcome.kind === "updated") && outcome.autoMerge) {
          await tryAutoMerge(repo, outcome.pull, { configs, log, sleep });
        }
      },
    });

    const mergeIfReady: MergeIfReady = async (installationId, id, pulls) => {
      const repo = new OctokitRepo(await probot.auth(installationId), id, objects);
      for (const pull of pulls) await tryAutoMerge(repo, pull, { configs, log, sleep });
    };
    const pullsForCommit = async (
      installationId: number,
      id: RepoId,
      sha: string,
    ): Promise<readonly number[]> =>
      new OctokitRepo(await probot.auth(installationId), id, objects).pullsForCommit(sha);

    const publish: Publish = async (installationIds, events) => {
      for (const event of events) await publishImage({ index, recent, bumps, log }, installationIds, event);
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
    probot.on(["check_suite.completed", "check_run.completed"], tracked(onCheckCompleted(mergeIfReady)));
    probot.on("status", tracked(onStatus(mergeIfReady, pullsForCommit)));
    probot.on(
      ["installation_repositories.added", "installation_repositories.removed"],
      tracked(onInstallationRepositories(index)),
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
