import { ConfigError } from "../core/errors.js";
import { parseMetadata } from "../core/metadata.js";
import { GATE_CHECK_NAME } from "../core/render-gate.js";
import type { GitHubRepo, PullDetail } from "../github/port.js";
import type { ConfigCache } from "./config-cache.js";
import type { Log } from "./log.js";

export type AutoMergeOutcome =
  | { readonly kind: "merged"; readonly method: string }
  | { readonly kind: "waiting"; readonly reason: string }
  | { readonly kind: "not-eligible"; readonly reason: string };

export interface AutoMergeDeps {
  readonly configs: ConfigCache;
  readonly log: Log;
  /** Waits before asking again while GitHub computes mergeability. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** GitHub's states in which a PR merges with every check green and every rule met. */
const READY = new Set(["clean", "has_hooks"]);
const UNKNOWN_RETRIES = [500, 1_000, 2_000];

/**
 * Merges a Stagecoach PR into an environment with `autoMerge: true` once GitHub reports it mergeable
 * with everything green. Branch protection stays GitHub's to enforce: the merge names the head it
 * checked, and a PR that is blocked, behind, failing or still running waits for the next event.
 */
export async function tryAutoMerge(
  repo: GitHubRepo,
  number: number,
  deps: AutoMergeDeps,
): Promise<AutoMergeOutcome> {
  const fields = { repo: `${repo.id.owner}/${repo.id.name}`, pull: number };
  let pull = await repo.getPull(number);
  const metadata = parseMetadata(pull.body);
  if (pull.state !== "open" || metadata === undefined || !pull.headRef.startsWith("stagecoach/")) {
    return { kind: "not-eligible", reason: "not an open Stagecoach PR" };
  }
  if (pull.draft) return { kind: "not-eligible", reason: "draft" };

  const head = await repo.readHead({ folders: [] });
  if (head.config === undefined) return { kind: "not-eligible", reason: "no config" };
  try {
    const environment = deps.configs.parse(head.config.sha, head.config.text).environments[metadata.env];
    if (environment?.autoMerge !== true)
      return { kind: "not-eligible", reason: `${metadata.env} does not merge automatically` };
  } catch (error) {
    if (error instanceof ConfigError) return { kind: "not-eligible", reason: "the config is invalid" };
    throw error;
  }
  const method = head.mergeMethods[0];
  if (method === undefined) return { kind: "not-eligible", reason: "the repository allows no merge method" };

  for (const delay of UNKNOWN_RETRIES) {
    if (pull.mergeableState !== "unknown") break;
    await deps.sleep(delay);
    pull = await repo.getPull(number);
  }
  // The gate must have spoken, and said yes, even where branch protection does not require it.
  const gate = await repo.checkConclusion(pull.headSha, GATE_CHECK_NAME);
  if (gate !== "success") {
    deps.log.info({ ...fields, gate }, "auto-merge waits for the approval gate");
    return { kind: "waiting", reason: `the ${GATE_CHECK_NAME} check is ${gate}` };
  }
  if (!READY.has(pull.mergeableState)) {
    deps.log.info({ ...fields, state: pull.mergeableState }, "auto-merge waits for the PR to be mergeable");
    return { kind: "waiting", reason: describeState(pull) };
  }
  const result = await repo.mergePull(number, pull.headSha, method);
  if (result !== "merged") {
    deps.log.info({ ...fields, result }, "auto-merge not possible yet");
    return {
      kind: "waiting",
      reason:
        result === "head-moved" ? "the PR changed while merging" : "GitHub refused the merge (protection)",
    };
  }
  deps.log.info({ ...fields, method }, "auto-merged");
  return { kind: "merged", method };
}

function describeState(pull: PullDetail): string {
  switch (pull.mergeableState) {
    case "blocked":
      return "required checks or reviews are not satisfied";
    case "unstable":
      return "a check is failing or still running";
    case "behind":
      return "the branch is behind its base";
    case "dirty":
      return "the PR has conflicts";
    default:
      return `GitHub reports ${pull.mergeableState}`;
  }
}
