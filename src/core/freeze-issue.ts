import { z } from "zod";
import { code, escapeText } from "./markdown.js";

/**
 * A `/freeze <env>` hold lives in GitHub as an open issue labelled `stagecoach:freeze`, one per
 * environment, with a hidden block Stagecoach reads back; `/unfreeze <env>` closes it. People see the
 * freeze in the issue list, every replica finds it after any restart, and nothing else stores it.
 */

export const FREEZE_LABEL = "stagecoach:freeze";

export const FreezeRecord = z.object({
  env: z.string(),
  by: z.string(),
  reason: z.string().optional(),
  /** ISO time the freeze started. */
  since: z.string(),
  /** The comment that asked for it. */
  commentUrl: z.string().optional(),
});
export type FreezeRecord = z.output<typeof FreezeRecord>;

const BLOCK = /<!--\s*stagecoach:freeze\s+(\{[\s\S]*?\})\s*-->/;

export function freezeIssueTitle(env: string): string {
  return `Stagecoach: ${env} is frozen`;
}

export function renderFreezeIssue(record: FreezeRecord): { title: string; body: string } {
  const json = JSON.stringify(record).replace(
    /[<>&]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  const lines = [
    `${code(record.by)} froze **${escapeText(record.env)}** at ${record.since}${record.reason === undefined ? "." : `: ${escapeText(record.reason)}`}`,
    "",
    "While this issue is open, no automatic Stagecoach PR into this environment opens and its approval gate stays red.",
    `Comment ${code(`/unfreeze ${record.env}`)} (on any issue or PR) to lift the freeze; closing this issue lifts it too.`,
    "",
    `<!-- stagecoach:freeze ${json} -->`,
  ];
  return { title: freezeIssueTitle(record.env), body: lines.join("\n") };
}

/** The freeze recorded in an issue body, or undefined when the body carries none (or it was mangled). */
export function parseFreezeIssue(body: string | null | undefined): FreezeRecord | undefined {
  const match = BLOCK.exec(body ?? "");
  if (match === null) return undefined;
  try {
    const parsed = FreezeRecord.safeParse(JSON.parse(match[1] ?? ""));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
