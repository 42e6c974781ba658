import type { Config } from "../config/schema.js";
import { planBump, type BumpPlan } from "../core/bump.js";
import { environmentFreeze, rollbackHolds } from "../core/holds.js";
import { ConfigError } from "../core/errors.js";
import { normaliseImageName } from "../core/image-ref.js";
import { code } from "../core/markdown.js";
import { parseMetadata } from "../core/metadata.js";
import { bumpBranch, renderBumpPullRequest, type ChangeSource } from "../core/render-bump.js";
import { compareTags, type Candidate } from "../core/tag-policy.js";
import { parseTrailers, type ProposedVersion } from "../core/trailers.js";
import type { GitHubRepo, HeadState, PullSummary } from "../github/port.js";
import type { ConfigCache } from "./config-cache.js";
import { readEnvironment } from "./environment-files.js";
import { writeProposal } from "./write-proposal.js";
import type { Log } from "./log.js";

export interface BumpRequest {
  readonly environment: string;
  readonly app: string;
  readonly candidate: Candidate;
  readonly source: ChangeSource;
}

export type BumpOutcome =
  | {
      readonly kind: "opened" | "updated";
      readonly pull: number;
      readonly plan: BumpPlan;
      readonly autoMerge: boolean;
    }
  | { readonly kind: "repaired"; readonly pull: number }
  | { readonly kind: "skipped"; readonly reason: string };

export interface BumpDeps {
  readonly configs: ConfigCache;
  readonly log: Log;
  readonly now: () => number;
}

const MAX_ATTEMPTS = 6;

/**
 * Brings one (environment, app) to a candidate version through its bump PR: one branch, one PR, a fresh
 * commit on the current default branch. Idempotent: the same request twice, or two replicas at once,
 * end with one open PR at the newest version. The branch moves only by compare-and-swap; on conflict
 * everything is read again and planned again.
 */
export async function runBump(repo: GitHubRepo, request: BumpRequest, deps: BumpDeps): Promise<BumpOutcome> {
  const repoName = `${repo.id.owner}/${repo.id.name}`;
  const fields = { repo: repoName, env: request.environment, app: request.app, tag: request.candidate.tag };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const outcome = await attemptBump(repo, request, deps);
    if (outcome !== "conflict") {
      deps.log.info(
        {
          ...fields,
          outcome: outcome.kind,
          ...("pull" in outcome && { pull: outcome.pull }),
          ...("reason" in outcome && { reason: outcome.reason }),
        },
        "bump finished",
      );
      return outcome;
    }
    deps.log.info({ ...fields, attempt }, "bump branch moved under us; reading again");
  }
  throw new Error(
    `bump of ${request.app} in ${repoName}/${request.environment} kept conflicting after ${MAX_ATTEMPTS} attempts`,
  );
}

async function attemptBump(
  repo: GitHubRepo,
  request: BumpRequest,
  deps: BumpDeps,
): Promise<BumpOutcome | "conflict"> {
  const repoName = `${repo.id.owner}/${repo.id.name}`;
  const branch = bumpBranch(request.environment, request.app);
  const head = await repo.readHead({
    branch,
    folders: deps.configs.folders(repoName),
    env: request.environment,
  });
  if (head.config === undefined)
    return { kind: "skipped", reason: "the repository has no .github/stagecoach.yml" };
  let config: Config;
  try {
    config = deps.configs.parse(head.config.sha, head.config.text);
  } catch (error) {
    if (error instanceof ConfigError)
      return {
        kind: "skipped",
        reason: `the config is invalid: ${error.problems[0]?.message ?? error.message}`,
      };
    throw error;
  }
  deps.configs.rememberFolders(repoName, config);
  const app = config.apps[request.app];
  const environment = config.environments[request.environment];
  if (app === undefined || environment === undefined) {
    return {
      kind: "skipped",
      reason: `the config no longer has app ${request.app} or environment ${request.environment}`,
    };
  }

  const frozen = environmentFreeze(config, request.environment, head.freezes, deps.now());
  if (frozen.frozen)
    return {
      kind: "skipped",
      reason: `${request.environment} is frozen (${frozen.reason}); no automatic PR opens`,
    };
  const hold = rollbackHolds(request.environment, head.envPulls).get(request.app);
  if (hold !== undefined) return { kind: "skipped", reason: hold.reason };

  const candidate = request.candidate;
  const proposed = currentProposal(head, request);
  const openPull = head.pulls.find((pull) => pull.state === "open" && pull.headRef === branch);
  if (openPull !== undefined && head.branch !== undefined && isSomeoneElses(head.branch)) {
    // A person pushed to the PR's branch: a fresh commit would throw their work away.
    await repo.upsertComment(
      openPull.number,
      "foreign-commits",
      `Stagecoach did not update this PR to ${code(candidate.tag)}: someone else pushed to ${code(branch)}, and a fresh commit would discard their work. Merge or close this PR (and delete the branch) to let Stagecoach propose newer versions again.`,
    );
    return { kind: "skipped", reason: `${branch} has commits from someone else; not overwritten` };
  }
  if (
    proposed !== undefined &&
    openPull !== undefined &&
    !isNewer(config, request.app, candidate, proposed)
  ) {
    // The branch already proposes this version or a newer one: at most the PR body needs repairing.
    return repairBody(repo, config, head, openPull, proposed, request, deps);
  }
  // A person who closed the PR for 1.4.0 declined that version, whichever build of it comes again.
  const declined = head.pulls.find(
    (pull) => pull.state === "closed" && pullVersion(pull, request.app)?.tag === candidate.tag,
  );
  if (declined !== undefined) {
    return {
      kind: "skipped",
      reason: `a person closed PR #${declined.number} for ${candidate.tag}; it is not reopened`,
    };
  }

  const { files, modes } = await readEnvironment(
    repo,
    config,
    request.environment,
    head.commitSha,
    head.folders,
  );
  const plan = planBump({ config, environment: request.environment, app: request.app, candidate, files });
  if (plan.files.length === 0) return { kind: "skipped", reason: plan.noChangeReason ?? "nothing to change" };

  const superseded = openPull === undefined ? [] : supersededVersions(openPull, request.app);
  const content = renderBumpPullRequest(config, plan, request.source, superseded);
  const written = await writeProposal(
    repo,
    head,
    branch,
    openPull,
    content,
    plan.files.map((file) => ({ path: file.path, content: file.after, ...withMode(modes.get(file.path)) })),
  );
  if (written === "conflict") return "conflict";
  return { kind: written.kind, pull: written.pull, plan, autoMerge: environment.autoMerge };
}

/**
 * A head commit without Stagecoach's trailers that is not a merge (GitHub's "Update branch" makes
 * merges of our own commit) was pushed by someone else.
 */
function isSomeoneElses(branch: NonNullable<HeadState["branch"]>): boolean {
  return parseTrailers(branch.message) === undefined && branch.parents.length < 2;
}

/** What the bump branch proposes now, from its head commit's trailers (undefined: no usable branch). */
function currentProposal(head: HeadState, request: BumpRequest): ProposedVersion | undefined {
  if (head.branch === undefined) return undefined;
  const proposal = parseTrailers(head.branch.message);
  if (proposal?.kind !== "bump" || proposal.env !== request.environment) return undefined;
  return proposal.versions.find((version) => version.app === request.app);
}

function isNewer(config: Config, app: string, candidate: Candidate, proposed: ProposedVersion): boolean {
  const appConfig = config.apps[app];
  if (appConfig === undefined) return false;
  if (candidate.tag === proposed.tag)
    return candidate.digest !== undefined && candidate.digest !== proposed.digest;
  const order = compareTags(appConfig, candidate.tag, proposed.tag);
  return order === undefined || order > 0;
}

function sameVersion(version: ProposedVersion | undefined, candidate: Candidate): boolean {
  return (
    version !== undefined &&
    version.tag === candidate.tag &&
    (version.digest ?? "") === (candidate.digest ?? "")
  );
}

function pullVersion(pull: PullSummary, app: string): ProposedVersion | undefined {
  const metadata = parseMetadata(pull.body);
  if (metadata?.kind !== "bump") return undefined;
  const version = metadata.versions.find((candidate) => candidate.app === app);
  if (version === undefined) return undefined;
  return {
    app: version.app,
    tag: version.tag,
    ...(version.digest !== undefined && { digest: version.digest }),
  };
}

function supersededVersions(pull: PullSummary, app: string): string[] {
  const metadata = parseMetadata(pull.body);
  const previous = metadata?.versions.find((version) => version.app === app)?.tag;
  return [...(metadata?.superseded ?? []), ...(previous === undefined ? [] : [previous])];
}

/**
 * The branch is right and the PR body may lag (a replica died between moving the branch and editing the
 * PR): re-render the body from the branch's version so the PR says what it carries.
 */
async function repairBody(
  repo: GitHubRepo,
  config: Config,
  head: HeadState,
  pull: PullSummary,
  proposed: ProposedVersion,
  request: BumpRequest,
  deps: BumpDeps,
): Promise<BumpOutcome> {
  const shown = pullVersion(pull, request.app);
  if (
    shown !== undefined &&
    sameVersion(shown, {
      tag: proposed.tag,
      ...(proposed.digest !== undefined && { digest: proposed.digest }),
    })
  ) {
    return { kind: "skipped", reason: `PR #${pull.number} already proposes ${proposed.tag}` };
  }
  const candidate: Candidate = {
    tag: proposed.tag,
    ...(proposed.digest !== undefined && { digest: proposed.digest }),
  };
  const { files } = await readEnvironment(repo, config, request.environment, head.commitSha, head.folders);
  const plan = planBump({ config, environment: request.environment, app: request.app, candidate, files });
  if (plan.files.length === 0)
    return {
      kind: "skipped",
      reason: `PR #${pull.number} proposes ${proposed.tag}, which ${request.environment} already runs`,
    };
  const source = shown?.tag === proposed.tag ? request.source : { event: "repair" };
  const content = renderBumpPullRequest(config, plan, source, supersededVersions(pull, request.app));
  await repo.updatePull(pull.number, { title: content.title, body: content.body });
  deps.log.info({ pull: pull.number, tag: proposed.tag }, "bump PR body repaired to match its branch");
  return { kind: "repaired", pull: pull.number };
}

function withMode(mode: string | undefined): { mode?: string } {
  return mode === undefined ? {} : { mode };
}

/** The apps of a config whose image is `image` (canonical), with the environments a new version enters. */
export function appsForImage(config: Config, image: string): { app: string; environments: string[] }[] {
  const entries: { app: string; environments: string[] }[] = [];
  for (const [name, app] of Object.entries(config.apps)) {
    let canonical: string;
    try {
      canonical = normaliseImageName(app.image);
    } catch {
      continue;
    }
    if (canonical !== image) continue;
    entries.push({
      app: name,
      environments: Object.entries(config.environments)
        .filter(([, env]) => env.from === undefined)
        .map(([env]) => env),
    });
  }
  return entries;
}
