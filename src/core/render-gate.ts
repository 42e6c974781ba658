import type { EnvironmentVerdict, GateResult, RuleName } from "./gate.js";
import { code, escapeText } from "./markdown.js";

/**
 * The gate's check run, as GitHub shows it: a one-line title and a summary a reviewer reads at a glance.
 * Everything that came from users (logins, reasons, versions) is escaped: it renders as the text it is,
 * never as a link, an image, HTML or a mention.
 */

export const GATE_CHECK_NAME = "Stagecoach / approvals";

/** GitHub rejects a check run summary longer than this. */
const MAX_SUMMARY = 65_535;

export interface GateCheck {
  readonly name: typeof GATE_CHECK_NAME;
  readonly conclusion: GateResult["conclusion"];
  /** Plain text, one line. */
  readonly title: string;
  /** Markdown. */
  readonly summary: string;
}

/**
 * Plain text to inline Markdown that shows the same text: Markdown punctuation and HTML are escaped,
 * line breaks become spaces (so tables hold), and mentions, URLs and `www.` get a zero-width space so
 * GitHub neither notifies nor links.
 */
function iso(instant: number): string {
  return new Date(instant).toISOString().replace(/\.000Z$/, "Z");
}

/** `14:05 UTC` on the day of `now`, `2026-03-28 14:05 UTC` on another. */
function shortUtc(instant: number, now: number): string {
  const [date, time] = iso(instant).split("T");
  const sameDay = iso(now).startsWith(date ?? "");
  return `${sameDay ? "" : `${date ?? ""} `}${(time ?? "").slice(0, 5)} UTC`;
}

/** `Mon 30 Mar, 08:00 CEST, Europe/Berlin`: the instant as people in that zone read it. */
export function localTime(instant: number, timeZone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(instant);
  return timeZone === "UTC" ? text : `${text}, ${timeZone}`;
}

function at(instant: number, timeZone: string | undefined): string {
  return timeZone === undefined ? iso(instant) : `${iso(instant)} (${localTime(instant, timeZone)})`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function scopeName(verdict: EnvironmentVerdict): string {
  return verdict.scope === "outside" ? "other files" : verdict.env;
}

function failing(verdict: EnvironmentVerdict, rule: RuleName): boolean {
  return verdict.rules.some((result) => result.rule === rule && !result.ok);
}

function titleParts(verdict: EnvironmentVerdict, now: number, several: boolean): string[] {
  const name = scopeName(verdict);
  const parts: string[] = [];
  if (verdict.required !== undefined) {
    parts.push(`${verdict.approvedBy.length} of ${plural(verdict.required, "approval")} for ${name}`);
  }
  if (failing(verdict, "changes-requested")) parts.push(`changes requested on ${name}`);
  if (failing(verdict, "soak")) {
    const until = verdict.soak?.until;
    const prefix = several || verdict.required === undefined ? `${name} ` : "";
    parts.push(
      until === undefined ? `${name} soak not recorded` : `${prefix}soaking until ${shortUtc(until, now)}`,
    );
  }
  const freeze = verdict.freeze;
  if (freeze?.frozen === true) {
    const until =
      freeze.until !== undefined
        ? shortUtc(freeze.until, now)
        : freeze.holds === undefined
          ? "further notice"
          : "/unfreeze";
    parts.push(`${name} frozen until ${until}`);
  }
  return parts;
}

function title(result: GateResult): string {
  const several = result.environments.length > 1;
  const draft = result.environments.some((verdict) => failing(verdict, "draft")) ? ["Draft"] : [];
  const parts = [
    ...draft,
    ...result.environments.flatMap((verdict) => titleParts(verdict, result.evaluatedAt, several)),
  ];
  if (parts.length > 0) return parts.join("; ");
  if (result.environments.length === 0) return "No environment rules apply";
  return `All rules hold for ${result.environments.map(scopeName).join(", ")}`;
}

const RULE_LABEL: Readonly<Record<RuleName, string>> = {
  draft: "ready for review",
  approvals: "approvals",
  "changes-requested": "no changes requested",
  soak: "soak time",
  freeze: "no freeze",
};

function freezeDetail(verdict: EnvironmentVerdict, fallback: string): string {
  const freeze = verdict.freeze;
  if (freeze === undefined) return escapeText(fallback);
  if (!freeze.frozen) {
    return freeze.nextStart === undefined
      ? "not frozen"
      : `not frozen; the next freeze starts ${escapeText(at(freeze.nextStart, freeze.timeZone))}`;
  }
  const until =
    freeze.until !== undefined
      ? `until ${escapeText(at(freeze.until, freeze.timeZone))}`
      : freeze.holds === undefined
        ? "with no end in sight"
        : "until `/unfreeze`";
  const since = (freeze.holds ?? []).map((hold) => ` (since ${iso(hold.since)})`).join("");
  return `${escapeText(freeze.reason)}${since}, ${until}`;
}

function people(logins: readonly string[]): string {
  return logins.map((login) => code(login)).join(", ");
}

function section(verdict: EnvironmentVerdict): string {
  const heading =
    verdict.scope === "outside" ? "Files outside environment folders" : `Environment ${code(verdict.env)}`;
  const lines = [`### ${verdict.ok ? "✅" : "❌"} ${heading}`, ""];
  if (verdict.rules.length === 0) {
    lines.push("No rules apply.");
    return lines.join("\n");
  }
  lines.push("| rule | | detail |", "| --- | :-: | --- |");
  for (const rule of verdict.rules) {
    const detail = rule.rule === "freeze" ? freezeDetail(verdict, rule.detail) : escapeText(rule.detail);
    lines.push(`| ${RULE_LABEL[rule.rule]} | ${rule.ok ? "✅" : "❌"} | ${detail} |`);
  }
  lines.push("");
  if (verdict.required !== undefined) {
    lines.push(
      `- **Approved by:** ${verdict.approvedBy.length === 0 ? "nobody yet" : people(verdict.approvedBy)}`,
    );
  }
  if (verdict.staleApprovedBy.length > 0) {
    lines.push(
      `- **Stale** (approved before the latest push; approve again): ${people(verdict.staleApprovedBy)}`,
    );
  }
  if (verdict.changesRequestedBy.length > 0) {
    lines.push(`- **Changes requested by:** ${people(verdict.changesRequestedBy)}`);
  }
  if (verdict.notCounted.length > 0) {
    const entries = verdict.notCounted.map(({ login, why }) => `${code(login)} (${escapeText(why)})`);
    lines.push(`- **Not counted:** ${entries.join(", ")}`);
  }
  if (failing(verdict, "approvals")) {
    const who =
      verdict.listedApprovers === undefined
        ? "anyone with write permission"
        : verdict.couldApprove.length === 0
          ? "nobody left in `approvals.from`"
          : people(verdict.couldApprove);
    lines.push(`- **Could approve:** ${who}`);
  }
  if (verdict.missing !== "") lines.push(`- **Missing:** ${escapeText(verdict.missing)}`);
  return lines.join("\n");
}

function summary(result: GateResult): string {
  const sections =
    result.environments.length === 0
      ? ["This pull request touches no environment folder and no `default` rules apply."]
      : result.environments.map(section);
  const footer = [`Evaluated at ${iso(result.evaluatedAt)}.`];
  if (result.nextEvaluationAt !== undefined) {
    footer.push(`Evaluated again at ${iso(result.nextEvaluationAt)} (soak or freeze boundary).`);
  }
  const text = [...sections, `_${footer.join(" ")}_`].join("\n\n");
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 20)}\n\n_(truncated)_`;
}

export function renderGate(result: GateResult): GateCheck {
  return {
    name: GATE_CHECK_NAME,
    conclusion: result.conclusion,
    title: title(result),
    summary: summary(result),
  };
}
