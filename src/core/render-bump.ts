import type { Config } from "../config/schema.js";
import type { BumpPlan } from "./bump.js";
import { describeVersion } from "./bump.js";
import { cell, code, escapeText, link } from "./markdown.js";
import { renderMetadata, type PrMetadata } from "./metadata.js";
import { renderTrailers } from "./trailers.js";

export interface ChangeSource {
  /** ghcr, dispatch, dockerhub, … */
  readonly event: string;
  readonly repo?: string;
  readonly sha?: string;
  readonly url?: string;
}

export interface PullRequestContent {
  readonly branch: string;
  readonly title: string;
  readonly body: string;
  readonly commitMessage: string;
  readonly labels: readonly string[];
  readonly metadata: PrMetadata;
}

/** One branch per (environment, app): a newer version updates the same branch and PR. */
export function bumpBranch(environment: string, app: string): string {
  return `stagecoach/${environment}/${app}`;
}

export function bumpLabels(environment: string): string[] {
  return ["stagecoach", `env:${environment}`];
}

/** Title, body (with the hidden metadata block), commit message and labels of a bump PR. */
export function renderBumpPullRequest(
  config: Config,
  plan: BumpPlan,
  source: ChangeSource,
  superseded: readonly string[],
): PullRequestContent {
  const version = describeVersion(plan.candidate.tag, plan.candidate.digest);
  const title = `Bump ${plan.app} to ${plan.candidate.tag} in ${plan.environment}`;
  const reference = `${plan.image}:${plan.candidate.tag}${plan.candidate.digest === undefined ? "" : `@${plan.candidate.digest}`}`;
  const previous = plan.files.flatMap((file) => file.changes.map((change) => change.from));
  const metadata: PrMetadata = {
    v: 1,
    kind: "bump",
    env: plan.environment,
    versions: [
      {
        app: plan.app,
        image: plan.image,
        tag: plan.candidate.tag,
        ...(plan.candidate.digest !== undefined && { digest: plan.candidate.digest }),
        ...(previous[0] !== undefined && { from: previous[0] }),
      },
    ],
    source: { ...source },
    chain: [],
    superseded: [...superseded],
    files: [],
  };

  const lines: string[] = [];
  lines.push(
    `Stagecoach bumps **${escapeText(plan.app)}** to ${code(version)} in **${escapeText(plan.environment)}**.`,
    "",
  );
  lines.push("| File | Where | From | To |", "|---|---|---|---|");
  for (const file of plan.files) {
    for (const change of file.changes) {
      lines.push(
        `| ${code(`${change.file}:${change.line}`)} | ${cell(change.where)} | ${code(change.from)} | ${code(change.to)} |`,
      );
    }
  }
  lines.push("", `**Image:** ${code(reference)}`);
  lines.push(`**Source:** ${describeSource(source)}`);
  if (superseded.length > 0) {
    lines.push(`**Supersedes:** ${superseded.map(code).join(", ")} (earlier versions proposed in this PR)`);
  }
  if (plan.skipped.length > 0) {
    lines.push("", `<details><summary>Not changed (${plan.skipped.length})</summary>`, "");
    for (const skip of plan.skipped)
      lines.push(`- ${code(`${skip.file}:${skip.line}`)} ${cell(skip.where)}: ${escapeText(skip.reason)}`);
    lines.push("", "</details>");
  }
  if (plan.warnings.length > 0) {
    lines.push("", `<details><summary>Files left alone (${plan.warnings.length})</summary>`, "");
    for (const warning of plan.warnings)
      lines.push(`- ${code(`${warning.file}:${warning.line}`)}: ${escapeText(warning.message)}`);
    lines.push("", "</details>");
  }
  lines.push(
    "",
    `<sub>${escapeText(nextSteps(config, plan.environment))}</sub>`,
    "",
    renderMetadata(metadata),
  );

  const commitLines = [
    title,
    "",
    reference,
    ...plan.files.flatMap((file) =>
      file.changes.map((change) => `${change.file}:${change.line} ${change.from} -> ${change.to}`),
    ),
  ];
  if (source.repo !== undefined)
    commitLines.push("", `Source: ${source.repo}${source.sha === undefined ? "" : `@${source.sha}`}`);
  commitLines.push(
    "",
    renderTrailers({
      kind: "bump",
      env: plan.environment,
      versions: [
        {
          app: plan.app,
          tag: plan.candidate.tag,
          ...(plan.candidate.digest !== undefined && { digest: plan.candidate.digest }),
        },
      ],
    }),
  );

  return {
    branch: bumpBranch(plan.environment, plan.app),
    title,
    body: lines.join("\n"),
    commitMessage: commitLines.join("\n"),
    labels: bumpLabels(plan.environment),
    metadata,
  };
}

function describeSource(source: ChangeSource): string {
  const parts: string[] = [];
  if (source.repo !== undefined) {
    const commit = source.sha === undefined ? "" : `@${source.sha.slice(0, 7)}`;
    const url =
      source.sha === undefined
        ? `https://github.com/${source.repo}`
        : `https://github.com/${source.repo}/commit/${source.sha}`;
    parts.push(link(`${source.repo}${commit}`, /^[\w.-]+\/[\w.-]+$/.test(source.repo) ? url : undefined));
  }
  if (source.url !== undefined) parts.push(link("build", source.url));
  parts.push(`announced by ${escapeText(SOURCE_NAMES[source.event] ?? source.event)}`);
  return parts.join(", ");
}

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  ghcr: "GitHub Packages (registry_package)",
  dispatch: "repository_dispatch",
  dockerhub: "Docker Hub",
  harbor: "Harbor",
  quay: "Quay",
  acr: "Azure Container Registry",
  ecr: "Amazon ECR",
  gar: "Google Artifact Registry",
  generic: "a registry webhook",
};

/** What happens after this PR merges, for the footer. */
export function nextSteps(config: Config, environment: string): string {
  const successors = Object.entries(config.environments).filter(([, env]) => env.from === environment);
  const autoMerge =
    config.environments[environment]?.autoMerge === true
      ? "merges by itself once its checks pass"
      : "deploys when merged";
  if (successors.length === 0)
    return `Opened by Stagecoach. This PR ${autoMerge}; ${environment} is the last environment.`;
  const after = successors
    .map(([name, env]) =>
      env.promotion === "auto"
        ? `${name} gets a promotion PR automatically`
        : `${name} waits for /promote ${name}`,
    )
    .join("; ");
  return `Opened by Stagecoach. This PR ${autoMerge}; then ${after}.`;
}
