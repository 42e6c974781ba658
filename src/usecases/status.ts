import type { Config } from "../config/schema.js";
import { describeVersion } from "../core/bump.js";
import { environmentFreeze, rollbackHolds } from "../core/holds.js";
import { code, escapeText } from "../core/markdown.js";
import { parseMetadata } from "../core/metadata.js";
import { deployedVersions } from "../core/versions.js";
import type { GitHubRepo, HeadState } from "../github/port.js";
import { readEnvironment } from "./environment-files.js";

export interface StatusFacts {
  readonly now: number;
  /** Whether the default branch requires the `Stagecoach / approvals` check (undefined: unknown). */
  readonly gateRequired?: boolean;
  /** Tags the policy refused lately, as this replica saw them (not stored in GitHub). */
  readonly refusals?: readonly { readonly app: string; readonly tag: string; readonly reason: string }[];
}

/**
 * `/status`: one table of what every environment runs, the open Stagecoach PRs, freezes and holds,
 * read fresh from GitHub.
 */
export async function renderStatus(
  repo: GitHubRepo,
  head: HeadState,
  config: Config,
  facts: StatusFacts,
): Promise<string> {
  const envs = Object.keys(config.environments);
  const apps = Object.keys(config.apps);
  const versions = new Map<string, ReturnType<typeof deployedVersions>>();
  for (const env of envs) {
    const { files } = await readEnvironment(repo, config, env, head.commitSha);
    versions.set(env, deployedVersions(config, env, files));
  }
  const lines: string[] = [
    `**Stagecoach status** at ${code(head.commitSha.slice(0, 7))} of ${code(head.defaultBranch)}`,
    "",
  ];
  lines.push(`| app | ${envs.map(escapeText).join(" | ")} |`, `|---|${envs.map(() => "---|").join("")}`);
  for (const app of apps) {
    const cells = envs.map((env) => {
      const version = versions.get(env)?.[app];
      if (version?.tag === undefined) return "—";
      const mixed =
        version.tags.length > 1 ? ` (also ${version.tags.slice(0, -1).map(code).join(", ")})` : "";
      return `${code(describeVersion(version.tag, version.digest))}${mixed}`;
    });
    lines.push(`| ${escapeText(app)} | ${cells.join(" | ")} |`);
  }

  const open = await repo.searchPulls(["stagecoach"], ["open"], 50);
  lines.push("", "**Open Stagecoach PRs**", "");
  if (open.length === 0) lines.push("none");
  for (const pull of open) {
    const metadata = parseMetadata(pull.body);
    lines.push(
      `- #${pull.number} ${escapeText(pull.title)}${metadata === undefined ? "" : ` (${metadata.kind} into ${escapeText(metadata.env)})`}`,
    );
  }

  const freezes = await repo.readFreezes();
  const holdLines: string[] = [];
  const freezeLines: string[] = [];
  for (const env of envs) {
    const state = environmentFreeze(config, env, freezes, facts.now);
    if (state.frozen) {
      const until =
        state.until === undefined ? "until /unfreeze" : `until ${new Date(state.until).toISOString()}`;
      const issue = freezes.find((hold) => hold.env === env);
      freezeLines.push(
        `- **${escapeText(env)}** frozen: ${escapeText(state.reason)}, ${until}${issue === undefined ? "" : ` (#${issue.issue})`}`,
      );
    } else if (state.nextStart !== undefined) {
      freezeLines.push(
        `- ${escapeText(env)}: next freeze window starts ${new Date(state.nextStart).toISOString()}`,
      );
    }
    const envPulls = await repo.searchPulls([`env:${env}`], ["open", "merged"], 50);
    for (const hold of rollbackHolds(env, envPulls).values()) {
      holdLines.push(`- **${escapeText(env)}** ${escapeText(hold.app)}: ${escapeText(hold.reason)}`);
    }
  }
  lines.push("", "**Freezes**", "", ...(freezeLines.length === 0 ? ["none"] : freezeLines));
  lines.push("", "**Holds**", "", ...(holdLines.length === 0 ? ["none"] : holdLines));
  if (facts.refusals !== undefined && facts.refusals.length > 0) {
    lines.push("", "**Tags the policy refused lately** (as this Stagecoach instance saw them)", "");
    for (const refusal of facts.refusals)
      lines.push(`- ${escapeText(refusal.app)} ${code(refusal.tag)}: ${escapeText(refusal.reason)}`);
  }
  if (facts.gateRequired === false) {
    lines.push(
      "",
      `⚠️ ${code(head.defaultBranch)} does not require the ${code("Stagecoach / approvals")} check, so approval rules are advisory. Require it in the branch protection rule (or ruleset) of ${code(head.defaultBranch)}: *Require status checks to pass* → ${code("Stagecoach / approvals")}.`,
    );
  }
  lines.push("", `<sub>Read from GitHub at ${new Date(facts.now).toISOString()}.</sub>`);
  return lines.join("\n");
}
