import { createTwoFilesPatch } from "diff";
import type { Config } from "../config/schema.js";
import { describeVersion, environmentFolder, planBump, type FileChange } from "../core/bump.js";
import { ConfigError } from "../core/errors.js";
import { code, escapeText, mention } from "../core/markdown.js";
import { renderMetadata, type PrMetadata } from "../core/metadata.js";
import { bumpLabels, nextSteps, type PullRequestContent } from "../core/render-bump.js";
import { parseTrailers, renderTrailers } from "../core/trailers.js";
import { deployedVersions } from "../core/versions.js";
import type { GitHubRepo } from "../github/port.js";
import type { ConfigCache } from "./config-cache.js";
import { readEnvironment } from "./environment-files.js";
import type { Log } from "./log.js";
import { writeProposal } from "./write-proposal.js";

export interface RollbackRequest {
  readonly env: string;
  readonly app?: string;
  readonly version?: string;
  readonly requestedBy: string;
  readonly dryRun?: boolean;
}

export type RollbackOutcome =
  | {
      readonly kind: "opened" | "updated";
      readonly pull: number;
      readonly url?: string;
      readonly versions: readonly Target[];
    }
  | { readonly kind: "proposed"; readonly pull: number; readonly url: string }
  | { readonly kind: "dry-run"; readonly content: PullRequestContent; readonly diff: string }
  | { readonly kind: "refused"; readonly reason: string };

interface Target {
  readonly app: string;
  readonly from: string;
  readonly tag: string;
  readonly digest?: string;
}

export interface RollbackDeps {
  readonly configs: ConfigCache;
  readonly log: Log;
}

/** How far back the environment folder's history is searched for earlier versions. */
const HISTORY_DEPTH = 30;

export function rollbackBranch(env: string): string {
  return `stagecoach/rollback/${env}`;
}

/**
 * `/rollback <env> [<app>] [to <version>]`: a PR that restores the version before the current one (from
 * the environment folder's history in git) or the named one. While it is open or merged, automatic bumps
 * and promotions leave those apps alone until someone promotes a newer version explicitly (see holds.ts).
 */
export async function runRollback(
  repo: GitHubRepo,
  request: RollbackRequest,
  deps: RollbackDeps,
): Promise<RollbackOutcome> {
  for (let attempt = 1; attempt <= 6; attempt++) {
    const outcome = await attemptRollback(repo, request, deps);
    if (outcome !== "conflict") return outcome;
  }
  throw new Error(`rollback of ${request.env} kept conflicting`);
}

async function attemptRollback(
  repo: GitHubRepo,
  request: RollbackRequest,
  deps: RollbackDeps,
): Promise<RollbackOutcome | "conflict"> {
  const branch = rollbackBranch(request.env);
  const head = await repo.readHead({
    branch,
    folders: deps.configs.folders(`${repo.id.owner}/${repo.id.name}`),
    env: request.env,
  });
  if (head.config === undefined)
    return { kind: "refused", reason: "the repository has no .github/stagecoach.yml" };
  let config: Config;
  try {
    config = deps.configs.parse(head.config.sha, head.config.text);
  } catch (error) {
    if (error instanceof ConfigError) return { kind: "refused", reason: "the config is invalid" };
    throw error;
  }
  if (config.environments[request.env] === undefined)
    return { kind: "refused", reason: `there is no environment ${request.env}` };
  if (request.version !== undefined && request.app === undefined)
    return {
      kind: "refused",
      reason: "name the app to roll back to a version: /rollback <env> <app> to <version>",
    };

  const { files, modes } = await readEnvironment(repo, config, request.env, head.commitSha, head.folders);
  const current = deployedVersions(config, request.env, files);
  const targets = await findTargets(repo, config, request, current);
  if (typeof targets === "string") return { kind: "refused", reason: targets };

  const working = new Map(files);
  const changes: FileChange[] = [];
  for (const target of targets) {
    const plan = planBump({
      config,
      environment: request.env,
      app: target.app,
      candidate: { tag: target.tag, ...(target.digest !== undefined && { digest: target.digest }) },
      files: working,
      mode: "exact",
    });
    for (const file of plan.files) {
      working.set(file.path, file.after);
      const earlier = changes.findIndex((change) => change.path === file.path);
      const merged: FileChange = {
        path: file.path,
        before: files.get(file.path) ?? file.before,
        after: file.after,
        changes: [...(changes[earlier]?.changes ?? []), ...file.changes],
      };
      if (earlier === -1) changes.push(merged);
      else changes[earlier] = merged;
    }
  }
  if (changes.length === 0)
    return {
      kind: "refused",
      reason: `${request.env} already runs ${targets.map((target) => `${target.app} ${target.tag}`).join(", ")}`,
    };

  const content = renderRollback(config, request, targets, changes);
  if (request.dryRun === true) {
    const diff = changes
      .map((file) =>
        createTwoFilesPatch(
          `a/${file.path}`,
          `b/${file.path}`,
          file.before,
          file.after,
          undefined,
          undefined,
          { context: 2 },
        ),
      )
      .join("");
    return { kind: "dry-run", content, diff };
  }
  const openPull = head.pulls.find((pull) => pull.state === "open" && pull.headRef === branch);
  const proposal = head.branch === undefined ? undefined : parseTrailers(head.branch.message);
  if (
    openPull !== undefined &&
    proposal?.kind === "rollback" &&
    proposal.versions.length === targets.length &&
    targets.every((target) =>
      proposal.versions.some((version) => version.app === target.app && version.tag === target.tag),
    )
  ) {
    return { kind: "proposed", pull: openPull.number, url: openPull.url };
  }
  const written = await writeProposal(
    repo,
    head,
    branch,
    openPull,
    content,
    changes.map((file) => ({
      path: file.path,
      content: file.after,
      ...(modes.get(file.path) !== undefined && { mode: modes.get(file.path) ?? "100644" }),
    })),
  );
  if (written === "conflict") return "conflict";
  deps.log.info(
    {
      env: request.env,
      pull: written.pull,
      versions: targets.map((target) => `${target.app}@${target.tag}`),
    },
    "rollback proposed",
  );
  return {
    kind: written.kind,
    pull: written.pull,
    ...(written.url !== undefined && { url: written.url }),
    versions: targets,
  };
}

/** The versions to go back to: named, or found in the environment folder's history. */
async function findTargets(
  repo: GitHubRepo,
  config: Config,
  request: RollbackRequest,
  current: ReturnType<typeof deployedVersions>,
): Promise<Target[] | string> {
  const apps = request.app === undefined ? Object.keys(current) : [request.app];
  for (const app of apps) {
    if (current[app]?.tag === undefined) return `${request.env} does not pin ${app}`;
  }
  const history = await repo.folderHistory(environmentFolder(config, request.env), HISTORY_DEPTH);
  for (const commit of history) {
    const { files } = await readEnvironment(repo, config, request.env, commit.sha);
    const then = deployedVersions(config, request.env, files);
    if (request.version !== undefined) {
      const app = request.app ?? "";
      const version = then[app];
      if (version?.tag === request.version) {
        return [
          {
            app,
            from: current[app]?.tag ?? "",
            tag: request.version,
            ...(version.digest !== undefined && { digest: version.digest }),
          },
        ];
      }
      continue;
    }
    const differing = apps.filter((app) => {
      const now = current[app];
      const before = then[app];
      return before?.tag !== undefined && (before.tag !== now?.tag || before.digest !== now.digest);
    });
    if (differing.length > 0) {
      return differing.map((app) => {
        const before = then[app];
        return {
          app,
          from: current[app]?.tag ?? "",
          tag: before?.tag ?? "",
          ...(before?.digest !== undefined && { digest: before.digest }),
        };
      });
    }
  }
  if (request.version !== undefined && request.app !== undefined) {
    if (config.apps[request.app]?.digest === "pin") {
      return `${request.env} did not run ${request.app} ${request.version} in its last ${HISTORY_DEPTH} changes, so its digest is unknown; roll back to a version it ran`;
    }
    return [{ app: request.app, from: current[request.app]?.tag ?? "", tag: request.version }];
  }
  return `no earlier version of ${request.app ?? "any app"} in ${request.env}'s last ${HISTORY_DEPTH} changes`;
}

function renderRollback(
  config: Config,
  request: RollbackRequest,
  targets: readonly Target[],
  changes: readonly FileChange[],
): PullRequestContent {
  const title = `Roll back ${targets.map((target) => `${target.app} to ${target.tag}`).join(", ")} in ${request.env}`;
  const metadata: PrMetadata = {
    v: 1,
    kind: "rollback",
    env: request.env,
    versions: targets.map((target) => ({
      app: target.app,
      image: config.apps[target.app]?.image ?? target.app,
      tag: target.tag,
      ...(target.digest !== undefined && { digest: target.digest }),
      from: target.from,
    })),
    chain: [],
    requestedBy: request.requestedBy,
    superseded: [],
    files: [],
  };
  const lines = [
    `Stagecoach rolls back **${escapeText(request.env)}**, as ${mention(request.requestedBy)} asked.`,
    "",
    "| App | now | back to |",
    "|---|---|---|",
    ...targets.map(
      (target) =>
        `| ${escapeText(target.app)} | ${code(target.from)} | ${code(describeVersion(target.tag, target.digest))} |`,
    ),
    "",
    "| File | Change |",
    "|---|---|",
    ...changes.flatMap((file) =>
      file.changes.map(
        (change) =>
          `| ${code(`${change.file}:${change.line}`)} | ${escapeText(change.where)}: ${code(change.from)} → ${code(change.to)} |`,
      ),
    ),
    "",
    `**Hold:** while this PR is open or merged, automatic bumps and promotions leave ${targets.map((target) => escapeText(target.app)).join(", ")} in ${escapeText(request.env)} alone, until someone promotes a newer version explicitly (${code(`/promote ${request.env} <app>@<version>`)}).`,
    "",
    `<sub>${escapeText(nextSteps(config, request.env))}</sub>`,
    "",
    renderMetadata(metadata),
  ];
  const commitMessage = [
    title,
    "",
    `Requested by ${request.requestedBy}`,
    "",
    renderTrailers({
      kind: "rollback",
      env: request.env,
      versions: targets.map((target) => ({
        app: target.app,
        tag: target.tag,
        ...(target.digest !== undefined && { digest: target.digest }),
      })),
    }),
  ].join("\n");
  return {
    branch: rollbackBranch(request.env),
    title,
    body: lines.join("\n"),
    commitMessage,
    labels: [...bumpLabels(request.env), "stagecoach:hold"],
    metadata,
  };
}
