import { createTwoFilesPatch } from "diff";
import type { Config } from "../config/schema.js";
import { environmentFolder } from "../core/bump.js";
import { ConfigError } from "../core/errors.js";
import { environmentFreeze, rollbackHolds } from "../core/holds.js";
import { parseMetadata, type PrMetadata } from "../core/metadata.js";
import { planPromotion, type Intent, type PromotionPlan } from "../core/promotion.js";
import type { PullRequestContent } from "../core/render-bump.js";
import {
  promotionBranch,
  renderPromotionPullRequest,
  type PromotionOrigin,
} from "../core/render-promotion.js";
import { compareTags } from "../core/tag-policy.js";
import { parseTrailers } from "../core/trailers.js";
import type { GitHubRepo, HeadState, MergedPull, PullSummary } from "../github/port.js";
import type { ConfigCache } from "./config-cache.js";
import { readEnvironment } from "./environment-files.js";
import type { Log } from "./log.js";
import { writeProposal } from "./write-proposal.js";

export interface PromoteRequest {
  readonly target: string;
  /** Carry this merged PR's change. */
  readonly sourcePull?: number;
  /** Or carry these app versions from the predecessor (`/promote prod api@1.4.0`). */
  readonly intents?: readonly Intent[];
  /** The `/promote` commenter; absent for automatic promotions. */
  readonly requestedBy?: string;
  readonly dryRun?: boolean;
}

export type PromoteOutcome =
  | {
      readonly kind: "opened" | "updated";
      readonly pull: number;
      readonly url?: string;
      readonly plan: PromotionPlan;
      readonly superseded: readonly number[];
    }
  | { readonly kind: "proposed"; readonly pull: number; readonly url: string }
  | {
      readonly kind: "dry-run";
      readonly content: PullRequestContent;
      readonly diff: string;
      readonly plan: PromotionPlan;
    }
  /** Nothing to carry (already there, nothing applies); `diverged` lists what could not apply. */
  | { readonly kind: "nothing"; readonly reason: string; readonly plan?: PromotionPlan }
  /** Not done, with a reason for the person who asked (frozen, not merged, skipping a stage…). */
  | { readonly kind: "refused"; readonly reason: string };

export interface PromoteDeps {
  readonly configs: ConfigCache;
  readonly log: Log;
  readonly now: () => number;
}

const MAX_ATTEMPTS = 6;

/**
 * Carries a merged change (or named app versions) from an environment's predecessor into it, through
 * one PR per (source change, target environment). Idempotent like the bump: the branch moves only by
 * compare-and-swap, and an identical proposal already open is left as it is.
 */
export async function runPromotion(
  repo: GitHubRepo,
  request: PromoteRequest,
  deps: PromoteDeps,
): Promise<PromoteOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const outcome = await attemptPromotion(repo, request, deps);
    if (outcome !== "conflict") {
      deps.log.info(
        {
          repo: `${repo.id.owner}/${repo.id.name}`,
          target: request.target,
          source: request.sourcePull,
          outcome: outcome.kind,
          ...("reason" in outcome && { reason: outcome.reason }),
        },
        "promotion finished",
      );
      return outcome;
    }
  }
  throw new Error(`promotion to ${request.target} kept conflicting after ${MAX_ATTEMPTS} attempts`);
}

async function attemptPromotion(
  repo: GitHubRepo,
  request: PromoteRequest,
  deps: PromoteDeps,
): Promise<PromoteOutcome | "conflict"> {
  const target = request.target;
  const explicit = request.requestedBy !== undefined;
  const branch = promotionBranch(target, {
    ...(request.sourcePull !== undefined && { pullNumber: request.sourcePull }),
    apps: (request.intents ?? []).map((intent) => intent.app),
  });
  const head = await repo.readHead({
    branch,
    folders: deps.configs.folders(`${repo.id.owner}/${repo.id.name}`),
    env: target,
  });
  const config = readConfig(head, deps);
  if (typeof config === "string") return { kind: "refused", reason: config };
  const environment = config.environments[target];
  if (environment === undefined) return { kind: "refused", reason: `there is no environment ${target}` };
  const sourceEnv = environment.from;
  if (sourceEnv === undefined)
    return {
      kind: "refused",
      reason: `${target} is a first environment: image bumps land there, nothing is promoted into it`,
    };

  const frozen = environmentFreeze(config, target, head.freezes, deps.now());
  if (frozen.frozen && !request.dryRun) {
    const until =
      frozen.until === undefined
        ? "until someone runs /unfreeze"
        : `until ${new Date(frozen.until).toISOString()}`;
    return { kind: "refused", reason: `${target} is frozen (${frozen.reason}) ${until}` };
  }

  // 1. What travels: a merged PR's change, or named versions.
  let origin: PromotionOrigin;
  let before = new Map<string, string>();
  let after = new Map<string, string>();
  let sourcePull: MergedPull | undefined;
  if (request.sourcePull !== undefined) {
    sourcePull = await repo.readPull(request.sourcePull);
    if (sourcePull === undefined)
      return { kind: "refused", reason: `#${request.sourcePull} is not a pull request` };
    if (!sourcePull.merged || sourcePull.mergeCommit === undefined)
      return {
        kind: "refused",
        reason: `#${sourcePull.number} is not merged; only a merged change is promoted`,
      };
    if (sourcePull.fromFork)
      return {
        kind: "refused",
        reason: `#${sourcePull.number} comes from a fork; changes from forks are never promoted`,
      };
    const folder = environmentFolder(config, sourceEnv);
    if (!sourcePull.files.some((path) => path.startsWith(`${folder}/`))) {
      return {
        kind: "refused",
        reason: `#${sourcePull.number} did not change ${sourceEnv} (${folder}), the environment ${target} is promoted from`,
      };
    }
    const beforeSha = await changeBase(repo, sourcePull);
    before = (await readEnvironment(repo, config, sourceEnv, beforeSha)).files;
    after = (await readEnvironment(repo, config, sourceEnv, sourcePull.mergeCommit.sha)).files;
    const metadata = parseMetadata(sourcePull.body);
    origin = {
      sourceEnv,
      pull: {
        number: sourcePull.number,
        title: sourcePull.title,
        url: sourcePull.url,
        ...(sourcePull.mergedAt !== undefined && { mergedAt: sourcePull.mergedAt }),
        ...(sourcePull.mergedBy !== undefined && { mergedBy: sourcePull.mergedBy }),
        mergeSha: sourcePull.mergeCommit.sha,
      },
      chain: metadata?.chain ?? [],
      ...(metadata?.source !== undefined && { source: metadata.source }),
      ...(request.requestedBy !== undefined && { requestedBy: request.requestedBy }),
    };
  } else {
    origin = {
      sourceEnv,
      chain: await arrivalChain(repo, sourceEnv, request.intents ?? []),
      ...(request.requestedBy !== undefined && { requestedBy: request.requestedBy }),
    };
  }

  // 2. Plan against the target's current files.
  const { files: targetFiles, modes } = await readEnvironment(
    repo,
    config,
    target,
    head.commitSha,
    head.folders,
  );
  const held = explicit
    ? new Map<string, string>()
    : new Map([...rollbackHolds(target, head.envPulls)].map(([app, hold]) => [app, hold.reason]));
  const plan = planPromotion({
    config,
    source: sourceEnv,
    target,
    before,
    after,
    targetFiles,
    ...(request.intents !== undefined && { intents: request.intents }),
    replay: request.sourcePull !== undefined,
    held,
  });
  if (plan.files.length === 0) {
    const reasons = [
      ...plan.notApplied.map((entry) => `${entry.app}: ${entry.reason}`),
      ...plan.diverged.map(
        (entry) => `${entry.path}: ${entry.problems.map((problem) => problem.message).join("; ")}`,
      ),
    ];
    return {
      kind: "nothing",
      reason: reasons.length === 0 ? `nothing to carry to ${target}` : reasons.join("; "),
      plan,
    };
  }

  // 3. Is it proposed already? Declined before?
  const openPull = head.pulls.find((pull) => pull.state === "open" && pull.headRef === branch);
  const proposal = head.branch === undefined ? undefined : parseTrailers(head.branch.message);
  if (
    openPull !== undefined &&
    head.branch !== undefined &&
    proposal === undefined &&
    head.branch.parents.length < 2
  ) {
    return { kind: "nothing", reason: `${branch} has commits from someone else; not overwritten` };
  }
  const wanted = plan.intents.filter((intent) => !plan.notApplied.some((entry) => entry.app === intent.app));
  if (openPull !== undefined && proposal?.kind === "promotion" && sameVersions(proposal.versions, wanted)) {
    return { kind: "proposed", pull: openPull.number, url: openPull.url };
  }
  const declined = head.pulls.find((pull) => pull.state === "closed" && pull.headRef === branch);
  if (declined !== undefined && !explicit) {
    return {
      kind: "nothing",
      reason: `a person closed #${declined.number} for this promotion; it is not reopened automatically`,
    };
  }

  // 4. Write it, and close what it supersedes.
  const skipped = await skippedVersions(repo, config, sourceEnv, plan);
  const successorOf = supersededBy(head.envPulls, branch, wanted, config);
  const content = renderPromotionPullRequest(
    config,
    plan,
    origin,
    skipped,
    successorOf.map((pull) => `#${pull.number}`),
  );
  if (request.dryRun === true) {
    const diff = plan.files
      .map((file) =>
        createTwoFilesPatch(
          `a/${file.path}`,
          `b/${file.path}`,
          file.before ?? "",
          file.after ?? "",
          undefined,
          undefined,
          { context: 2 },
        ),
      )
      .join("");
    return { kind: "dry-run", content, diff, plan };
  }
  const written = await writeProposal(
    repo,
    head,
    branch,
    openPull,
    content,
    plan.files.map((file) => ({
      path: file.path,
      content: file.after,
      ...(modes.get(file.path) !== undefined && { mode: modes.get(file.path) ?? "100644" }),
    })),
  );
  if (written === "conflict") return "conflict";
  for (const older of successorOf) {
    await repo.upsertComment(
      older.number,
      "superseded",
      `Superseded by #${written.pull}, which promotes a newer version to ${target}.`,
    );
    await repo.updatePull(older.number, { state: "closed" });
  }
  return {
    kind: written.kind,
    pull: written.pull,
    ...(written.url !== undefined && { url: written.url }),
    plan,
    superseded: successorOf.map((pull) => pull.number),
  };
}

function readConfig(head: HeadState, deps: PromoteDeps): Config | string {
  if (head.config === undefined) return "the repository has no .github/stagecoach.yml";
  try {
    return deps.configs.parse(head.config.sha, head.config.text);
  } catch (error) {
    if (error instanceof ConfigError)
      return `the config is invalid: ${error.problems[0]?.message ?? error.message}`;
    throw error;
  }
}

/**
 * The commit the merged change applies to. A merge commit's first parent; a squash commit's parent; for
 * a rebase merge of N commits, the commit N steps back (its messages match the PR's own commits).
 */
async function changeBase(repo: GitHubRepo, pull: MergedPull): Promise<string> {
  const merge = pull.mergeCommit;
  if (merge === undefined) throw new Error(`#${pull.number} has no merge commit`);
  const firstParent = merge.parents[0];
  if (firstParent === undefined) throw new Error(`merge commit ${merge.sha} has no parent`);
  const count = pull.commitMessages.length;
  if (merge.parents.length > 1 || count <= 1) return firstParent;
  const ancestors = await repo.readAncestors(merge.sha, count + 1);
  const rebased = ancestors
    .slice(0, count)
    .every((commit, index) => commit.message.trim() === pull.commitMessages[count - 1 - index]?.trim());
  return rebased ? (ancestors[count]?.sha ?? firstParent) : firstParent;
}

function sameVersions(
  proposed: readonly { app: string; tag: string; digest?: string }[],
  wanted: readonly Intent[],
): boolean {
  if (proposed.length !== wanted.length) return false;
  return wanted.every((intent) =>
    proposed.some(
      (version) =>
        version.app === intent.app &&
        version.tag === intent.tag &&
        (version.digest ?? "") === (intent.digest ?? ""),
    ),
  );
}

/**
 * Open promotion PRs into the same environment that carry only image versions, all of them older than
 * (or equal to) what this promotion brings: they are closed in favour of this one. PRs that carry file
 * changes are left open — closing them would drop their change.
 */
function supersededBy(
  envPulls: readonly PullSummary[],
  branch: string,
  wanted: readonly Intent[],
  config: Config,
): PullSummary[] {
  return envPulls.filter((pull) => {
    if (pull.state !== "open" || pull.headRef === branch) return false;
    const metadata = parseMetadata(pull.body);
    if (metadata?.kind !== "promotion" || metadata.files.length > 0 || metadata.versions.length === 0)
      return false;
    return metadata.versions.every((version) => {
      const newer = wanted.find((intent) => intent.app === version.app);
      const app = config.apps[version.app];
      if (newer === undefined || app === undefined) return false;
      return (compareTags(app, newer.tag, version.tag) ?? 0) >= 0;
    });
  });
}

/** Versions the source environment ran between the target's version and the promoted one. */
async function skippedVersions(
  repo: GitHubRepo,
  config: Config,
  sourceEnv: string,
  plan: PromotionPlan,
): Promise<Map<string, string[]>> {
  const skipped = new Map<string, string[]>();
  const wanted = plan.intents.filter((intent) => !plan.notApplied.some((entry) => entry.app === intent.app));
  if (wanted.length === 0) return skipped;
  const merged = await repo.searchPulls([`env:${sourceEnv}`], ["merged"], 50);
  for (const intent of wanted) {
    const app = config.apps[intent.app];
    const previous = plan.previous.get(intent.app);
    if (app === undefined) continue;
    const between = new Set<string>();
    for (const pull of merged) {
      for (const version of parseMetadata(pull.body)?.versions ?? []) {
        if (version.app !== intent.app || version.tag === intent.tag) continue;
        const belowNew = (compareTags(app, version.tag, intent.tag) ?? 1) < 0;
        const abovePrevious = previous === undefined || (compareTags(app, version.tag, previous) ?? -1) > 0;
        if (belowNew && abovePrevious) between.add(version.tag);
      }
    }
    const sorted = [...between].sort((a, b) => compareTags(app, a, b) ?? a.localeCompare(b));
    if (sorted.length > 0) skipped.set(intent.app, sorted);
  }
  return skipped;
}

/**
 * For `/promote <env> <app>@<version>`: the journey that brought each version into the source
 * environment (its merged Stagecoach PR, with its own chain), so soak time and provenance stay known.
 */
async function arrivalChain(
  repo: GitHubRepo,
  sourceEnv: string,
  intents: readonly Intent[],
): Promise<PrMetadata["chain"]> {
  const merged = await repo.searchPulls([`env:${sourceEnv}`], ["merged"], 50);
  for (const pull of merged) {
    const metadata = parseMetadata(pull.body);
    if (metadata === undefined || metadata.env !== sourceEnv) continue;
    if (
      !intents.every((intent) =>
        metadata.versions.some((version) => version.app === intent.app && version.tag === intent.tag),
      )
    )
      continue;
    return [
      ...metadata.chain,
      {
        env: sourceEnv,
        number: pull.number,
        ...(pull.mergedAt !== undefined && { mergedAt: pull.mergedAt }),
        ...(pull.mergedBy !== undefined && { mergedBy: pull.mergedBy }),
      },
    ];
  }
  return [];
}
