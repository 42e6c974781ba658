import type { App } from "../config/schema.js";
import type { ChangeSource } from "../core/render-bump.js";
import { acceptTag, compareTags, type Candidate } from "../core/tag-policy.js";
import type { ImagePublished } from "../intake/index.js";
import type { RepoId } from "../github/port.js";
import type { BumpRequest } from "./bump.js";
import type { Coalescer } from "./coalescer.js";
import type { ConfigIndex } from "./config-index.js";
import type { RecentKeys } from "./dedupe.js";
import type { Log } from "./log.js";
import type { RecentRefusals } from "./refusals.js";

export interface BumpJob {
  readonly installationId: number;
  readonly repo: RepoId;
  readonly appConfig: App;
  readonly request: BumpRequest;
}

export interface PublishDeps {
  readonly index: ConfigIndex;
  readonly recent: RecentKeys;
  readonly bumps: Coalescer<BumpJob>;
  readonly log: Log;
  /** Where refused tags are remembered for `/status`. */
  readonly refusals?: RecentRefusals;
}

export type PublishOutcome =
  { readonly kind: "duplicate" } | { readonly kind: "routed"; readonly jobs: number };

/**
 * One image version was published: find every (config repo, first environment) whose config declares
 * the image, and bring each to the version through its bump PR. Duplicate events (a redelivery, or the
 * same image, tag and digest again) do nothing the second time.
 */
export async function publishImage(
  deps: PublishDeps,
  installationIds: readonly number[],
  event: ImagePublished,
): Promise<PublishOutcome> {
  const fields = { image: event.image, tag: event.tag, source: event.source, deliveryId: event.deliveryId };
  const keys = [`delivery:${event.deliveryId}`, `image:${event.image}:${event.tag}@${event.digest ?? ""}`];
  if (deps.recent.seen(...keys)) {
    deps.log.info(fields, "image event already handled; ignored");
    return { kind: "duplicate" };
  }
  try {
    const candidate: Candidate = {
      tag: event.tag,
      ...(event.digest !== undefined && { digest: event.digest }),
    };
    const source: ChangeSource = {
      event: event.source,
      ...(event.sourceRepo !== undefined && { repo: event.sourceRepo }),
      ...(event.sourceSha !== undefined && { sha: event.sourceSha }),
      ...(event.sourceUrl !== undefined && { url: event.sourceUrl }),
    };
    const jobs: Promise<void>[] = [];
    for (const installationId of installationIds) {
      for (const route of await deps.index.routes(installationId, event.image)) {
        const appConfig = route.config.apps[route.app];
        if (appConfig === undefined) continue;
        const accepted = acceptTag(appConfig, candidate);
        if (!accepted.ok) {
          deps.log.info(
            {
              ...fields,
              repo: `${route.repo.owner}/${route.repo.name}`,
              app: route.app,
              reason: accepted.reason,
            },
            "published tag refused by the tag policy",
          );
          deps.refusals?.add(`${route.repo.owner}/${route.repo.name}`, {
            app: route.app,
            tag: event.tag,
            reason: accepted.reason,
          });
          continue;
        }
        for (const environment of route.environments) {
          if (event.env !== undefined && event.env !== environment) continue;
          const job: BumpJob = {
            installationId,
            repo: route.repo,
            appConfig,
            request: { environment, app: route.app, candidate, source },
          };
          jobs.push(deps.bumps.submit(jobKey(job), job));
        }
        if (event.env !== undefined && !route.environments.includes(event.env)) {
          deps.log.warn(
            { ...fields, env: event.env, entry: route.environments },
            "image events enter at first environments only; use /promote for the others",
          );
        }
      }
    }
    if (jobs.length === 0) deps.log.info(fields, "no config repository declares this image");
    await Promise.all(jobs);
    return { kind: "routed", jobs: jobs.length };
  } catch (error) {
    // Let a redelivery try again.
    deps.recent.forget(...keys);
    throw error;
  }
}

export function jobKey(job: BumpJob): string {
  return `${job.installationId}/${job.repo.owner}/${job.repo.name}/${job.request.environment}/${job.request.app}`.toLowerCase();
}

/** Of two versions waiting for one branch, the one to run: the newer under the app's policy. */
export function preferNewer(current: BumpJob, incoming: BumpJob): BumpJob {
  const a = current.request.candidate;
  const b = incoming.request.candidate;
  if (a.tag === b.tag) return incoming;
  const order = compareTags(incoming.appConfig, b.tag, a.tag);
  if (order === undefined) return incoming;
  return order > 0 ? incoming : current;
}
