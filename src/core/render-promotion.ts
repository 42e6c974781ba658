import type { Config } from "../config/schema.js";
import { describeVersion } from "./bump.js";
import { cell, code, escapeText, mention, person } from "./markdown.js";
import { renderMetadata, type PrMetadata } from "./metadata.js";
import type { PromotionPlan } from "./promotion.js";
import { bumpLabels, nextSteps, type PullRequestContent } from "./render-bump.js";
import { renderTrailers } from "./trailers.js";

type Step = PrMetadata["chain"][number];

/** Where a promotion comes from: a merged PR's change, or an app version named in `/promote`. */
export interface PromotionOrigin {
  readonly sourceEnv: string;
  /** The merged PR whose change travels (absent for `/promote <env> <app>`). */
  readonly pull?: {
    readonly number: number;
    readonly title: string;
    readonly url?: string;
    readonly mergedAt?: string;
    readonly mergedBy?: string;
    readonly mergeSha?: string;
  };
  /** Steps before the source PR, from its own metadata. */
  readonly chain: readonly Step[];
  /** How the version first arrived (the original bump's source). */
  readonly source?: PrMetadata["source"];
  readonly requestedBy?: string;
}

/** One promotion PR per (source change, target environment). */
export function promotionBranch(
  target: string,
  origin: { readonly pullNumber?: number; readonly apps: readonly string[] },
): string {
  if (origin.pullNumber !== undefined) return `stagecoach/promote/${target}/pr-${origin.pullNumber}`;
  return `stagecoach/promote/${target}/${[...origin.apps].sort().join("+")}`;
}

export function renderPromotionPullRequest(
  config: Config,
  plan: PromotionPlan,
  origin: PromotionOrigin,
  skippedVersions: ReadonlyMap<string, readonly string[]>,
  superseded: readonly string[] = [],
): PullRequestContent & { readonly branch: string } {
  const applied = plan.intents.filter((intent) => !plan.notApplied.some((entry) => entry.app === intent.app));
  const versionsText = applied.map((intent) => `${intent.app} ${intent.tag}`);
  const title =
    origin.pull === undefined ||
    (applied.length > 0 && plan.files.every((file) => file.replayed.length === 0 && file.values.length > 0))
      ? `Promote ${versionsText.length <= 3 ? versionsText.join(", ") : `${versionsText.length} apps`} to ${plan.target}`
      : `Promote #${origin.pull.number} to ${plan.target}${versionsText.length > 0 ? ` (${versionsText.slice(0, 2).join(", ")}${versionsText.length > 2 ? ", …" : ""})` : ""}`;

  const chain: Step[] = [
    ...origin.chain,
    ...(origin.pull === undefined
      ? []
      : [
          {
            env: origin.sourceEnv,
            number: origin.pull.number,
            ...(origin.pull.mergedAt !== undefined && { mergedAt: origin.pull.mergedAt }),
            ...(origin.pull.mergedBy !== undefined && { mergedBy: origin.pull.mergedBy }),
            ...(origin.pull.mergeSha !== undefined && { mergeSha: origin.pull.mergeSha }),
          },
        ]),
  ];
  const metadata: PrMetadata = {
    v: 1,
    kind: "promotion",
    env: plan.target,
    versions: applied.map((intent) => {
      const image = config.apps[intent.app]?.image ?? intent.app;
      const from = plan.previous.get(intent.app);
      return {
        app: intent.app,
        image,
        tag: intent.tag,
        ...(intent.digest !== undefined && { digest: intent.digest }),
        ...(from !== undefined && { from }),
      };
    }),
    ...(origin.source !== undefined && { source: origin.source }),
    chain,
    ...(origin.requestedBy !== undefined && { requestedBy: origin.requestedBy }),
    superseded: [...superseded],
    files: plan.files
      .filter((file) => file.replayed.length > 0 || file.before === undefined || file.after === null)
      .map((file) => file.path),
  };

  const lines: string[] = [];
  const what =
    origin.pull === undefined
      ? applied.map((intent) => `**${escapeText(intent.app)}** ${code(intent.tag)}`).join(", ")
      : `the change of #${origin.pull.number}`;
  lines.push(
    `Stagecoach promotes ${what} from **${escapeText(plan.source)}** to **${escapeText(plan.target)}**${origin.requestedBy === undefined ? "." : `, as ${mention(origin.requestedBy)} asked.`}`,
    "",
  );
  if (applied.length > 0) {
    lines.push(`| App | ${escapeText(plan.target)} now | becomes |`, "|---|---|---|");
    for (const intent of applied) {
      lines.push(
        `| ${cell(intent.app)} | ${code(plan.previous.get(intent.app) ?? "—")} | ${code(describeVersion(intent.tag, intent.digest))} |`,
      );
    }
    lines.push("");
  }
  for (const [app, versions] of skippedVersions) {
    if (versions.length > 0)
      lines.push(
        `Skipped on the way: ${escapeText(plan.source)} also ran ${versions.map(code).join(", ")} of ${escapeText(app)}; ${escapeText(plan.target)} goes straight to the version above.`,
        "",
      );
  }
  if (plan.files.length > 0) {
    lines.push("| File | Change |", "|---|---|");
    for (const file of plan.files) {
      for (const change of file.values)
        lines.push(
          `| ${code(`${file.path}:${change.line}`)} | ${cell(change.where)}: ${code(change.from)} → ${code(change.to)} |`,
        );
      for (const change of file.replayed) {
        const detail =
          change.kind === "set"
            ? `${code(change.from ?? "")} → ${code(change.to ?? "")}`
            : change.kind === "add"
              ? `added ${code(change.to ?? "")}`
              : "removed";
        lines.push(`| ${code(`${file.path}:${change.line}`)} | ${cell(change.path)} ${detail} |`);
      }
      if (file.before === undefined) lines.push(`| ${code(file.path)} | new file |`);
      if (file.after === null) lines.push(`| ${code(file.path)} | deleted |`);
      if (
        file.values.length === 0 &&
        file.replayed.length === 0 &&
        file.before !== undefined &&
        file.after !== null
      )
        lines.push(`| ${code(file.path)} | replaced as a whole |`);
    }
    lines.push("");
  }
  if (plan.diverged.length > 0) {
    lines.push(
      `**Not carried over** — ${escapeText(plan.target)} differs from ${escapeText(plan.source)} here; apply by hand if it should:`,
      "",
    );
    for (const entry of plan.diverged) {
      for (const problem of entry.problems) {
        lines.push(
          `- ${code(`${entry.path}${problem.line === undefined ? "" : `:${problem.line}`}`)}${problem.path === "" ? "" : ` ${cell(problem.path)}`}: ${escapeText(problem.message)}`,
        );
      }
    }
    lines.push("");
  }
  if (plan.notApplied.length > 0) {
    lines.push(
      ...plan.notApplied.map(
        (entry) => `- ${escapeText(entry.app)} not changed: ${escapeText(entry.reason)}`,
      ),
      "",
    );
  }
  lines.push(
    "<details><summary>Provenance</summary>",
    "",
    "| Step | PR | Merged by | At |",
    "|---|---|---|---|",
  );
  if (origin.source !== undefined) {
    const from =
      origin.source.repo === undefined
        ? ""
        : ` ${code(`${origin.source.repo}${origin.source.sha === undefined ? "" : `@${origin.source.sha.slice(0, 7)}`}`)}`;
    lines.push(`| published (${escapeText(origin.source.event)})${from} | | | |`);
  }
  for (const step of chain) {
    lines.push(
      `| ${escapeText(step.env)} | #${step.number} | ${step.mergedBy === undefined ? "" : person(step.mergedBy)} | ${step.mergedAt ?? ""} |`,
    );
  }
  lines.push("", "</details>", "");
  if (superseded.length > 0) lines.push(`Supersedes ${superseded.join(", ")}.`, "");
  lines.push(`<sub>${escapeText(nextSteps(config, plan.target))}</sub>`, "", renderMetadata(metadata));

  const commitMessage = [
    title,
    "",
    ...applied.map((intent) => `${intent.app} ${describeVersion(intent.tag, intent.digest)}`),
    ...(origin.pull === undefined ? [] : [`Carries #${origin.pull.number} from ${origin.sourceEnv}`]),
    "",
    renderTrailers({
      kind: "promotion",
      env: plan.target,
      versions: applied.map((intent) => ({
        app: intent.app,
        tag: intent.tag,
        ...(intent.digest !== undefined && { digest: intent.digest }),
      })),
    }),
    ...(origin.pull === undefined ? [] : [`Stagecoach-Source: #${origin.pull.number}`]),
  ].join("\n");

  return {
    branch: promotionBranch(plan.target, {
      ...(origin.pull !== undefined && { pullNumber: origin.pull.number }),
      apps: applied.map((intent) => intent.app),
    }),
    title,
    body: lines.join("\n"),
    commitMessage,
    labels: bumpLabels(plan.target),
    metadata,
  };
}
