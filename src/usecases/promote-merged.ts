import { ConfigError } from "../core/errors.js";
import { code, escapeText } from "../core/markdown.js";
import type { GitHubRepo } from "../github/port.js";
import type { Log } from "./log.js";
import { runPromotion, type PromoteDeps, type PromoteOutcome } from "./promote.js";

export type MergedOutcome =
  | { readonly kind: "not-promotable"; readonly reason: string }
  | { readonly kind: "handled"; readonly lines: readonly string[] };

/**
 * A PR merged into the default branch: for every environment folder it changed, each successor gets
 * the change — a follow-up PR at once on an `auto` edge, a note on a `manual` one. The merged PR gets
 * one comment (edited in place on redelivery) saying what happened where.
 */
export async function promoteMergedPull(
  repo: GitHubRepo,
  number: number,
  deps: PromoteDeps & { readonly log: Log },
): Promise<MergedOutcome> {
  const pull = await repo.readPull(number);
  if (pull === undefined || !pull.merged) return { kind: "not-promotable", reason: "not merged" };
  if (pull.fromFork) return { kind: "not-promotable", reason: "from a fork: never promoted" };
  const head = await repo.readHead({ folders: [] });
  if (head.config === undefined || pull.baseRef !== head.defaultBranch)
    return { kind: "not-promotable", reason: "not merged into a config repo's default branch" };
  let config;
  try {
    config = deps.configs.parse(head.config.sha, head.config.text);
  } catch (error) {
    if (error instanceof ConfigError) return { kind: "not-promotable", reason: "the config is invalid" };
    throw error;
  }
  const changed = Object.entries(config.environments)
    .filter(([, env]) => {
      const folder = env.path
        .split("/")
        .filter((part) => part !== "")
        .join("/");
      return pull.files.some((path) => path.startsWith(`${folder}/`));
    })
    .map(([name]) => name);
  const lines: string[] = [];
  for (const source of changed) {
    for (const [target, env] of Object.entries(config.environments)) {
      if (env.from !== source) continue;
      if (env.promotion !== "auto") {
        lines.push(
          `- **${escapeText(target)}** is promoted by hand: comment ${code(`/promote ${target}`)} on this PR to open its PR.`,
        );
        continue;
      }
      const outcome = await runPromotion(repo, { target, sourcePull: number }, deps);
      lines.push(`- **${escapeText(target)}**: ${describe(outcome, target)}`);
    }
  }
  if (lines.length > 0)
    await repo.upsertComment(number, "promotion", ["**Stagecoach promotion**", "", ...lines].join("\n"));
  return { kind: "handled", lines };
}

function describe(outcome: PromoteOutcome, target: string): string {
  switch (outcome.kind) {
    case "opened":
    case "updated":
    case "proposed":
      return `#${outcome.pull} carries this change.`;
    case "nothing":
      return `nothing to carry (${escapeText(outcome.reason)}).`;
    case "refused":
      return `not promoted: ${escapeText(outcome.reason)}. Comment ${code(`/promote ${target}`)} when it can go.`;
    case "dry-run":
      return "dry run only.";
  }
}
