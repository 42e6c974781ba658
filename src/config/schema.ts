import semver from "semver";
import { z } from "zod";
import { parseDuration } from "../core/duration.js";
import { parseImageRef } from "../core/image-ref.js";
import { checkUserPattern } from "../core/user-regex.js";

/**
 * The schema of `.github/stagecoach.yml`. Field-local rules live here; rules that relate fields to each
 * other (unknown `from`, cycles, overlapping paths) live in `cross-check.ts`. Everything is strict: a
 * typo is an error, never a silently ignored key.
 */

const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;
const USER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?$/;

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const PERMISSIONS = ["read", "triage", "write", "maintain", "admin"] as const;
export const COMMAND_NAMES = ["promote", "rollback", "freeze", "unfreeze", "status", "help"] as const;

export const EnvironmentName = z
  .string()
  .regex(NAME, "must be lowercase letters, digits, '.', '_' or '-' (it becomes part of branch names)");

export const AppName = EnvironmentName;

/** `@org/team-slug` or a GitHub user login. */
export const Principal = z
  .string()
  .refine((value) => TEAM.test(value) || USER.test(value), "must be a team (@org/team-slug) or a user login");

const RepoPath = z
  .string()
  .min(1)
  .refine(
    (value) => !value.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(value),
    "must be relative to the repository root, not absolute",
  )
  .refine((value) => !value.split(/[\\/]/).includes(".."), "must not leave the repository ('..')")
  .refine((value) => !value.includes("\\"), "use '/' between folders")
  .refine(
    (value) => value.split("/").filter((part) => part !== "").length > 0 && !value.split("/").includes("."),
    "must name a folder, like envs/dev",
  );

const Duration = z
  .string()
  .refine((value) => (parseDuration(value) ?? 0) > 0, "must be a duration like 30m, 2h, 1d or 1h30m");

const TimeZone = z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin or UTC");

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const RecurringFreeze = z.strictObject({
  days: z.array(z.enum(DAYS)).min(1).describe("Days on which the window starts."),
  from: z.string().regex(CLOCK, "must be a time of day HH:MM (24h)"),
  to: z
    .string()
    .regex(CLOCK, "must be a time of day HH:MM (24h)")
    .describe("End of the window; earlier than `from` means the window runs past midnight."),
  timezone: TimeZone.default("UTC"),
  reason: z.string().max(200).optional(),
});

export const DatedFreeze = z.strictObject({
  start: z
    .string()
    .regex(DATE_OR_DATETIME, "must be a date (2026-12-20) or date and time (2026-12-20T18:00)"),
  end: z.string().regex(DATE_OR_DATETIME, "must be a date (2027-01-04) or date and time (2027-01-04T08:00)"),
  timezone: TimeZone.default("UTC"),
  reason: z.string().max(200).optional(),
});

export const FreezeWindow = z.union([RecurringFreeze, DatedFreeze]);

export const Approvals = z.strictObject({
  required: z.number().int().min(0).max(10).describe("How many approvals the environment needs."),
  from: z
    .array(Principal)
    .min(1, "list at least one team or user, or leave `from` out so anyone with write access counts")
    .optional()
    .describe("Teams (@org/slug) and users whose approvals count. None means anyone with write access."),
  allowStale: z
    .boolean()
    .default(false)
    .describe("Count approvals given before the latest push to the pull request."),
});

export const Environment = z.strictObject({
  path: RepoPath.describe("The environment's folder in this repository, e.g. envs/dev."),
  from: EnvironmentName.optional().describe("The environment this one is promoted from."),
  promotion: z
    .enum(["auto", "manual"])
    .optional()
    .describe("auto: open the promotion PR as soon as the change merges upstream; manual: on `/promote`."),
  autoMerge: z
    .boolean()
    .default(false)
    .describe("Stagecoach PRs into this environment merge once everything is green."),
  approvals: Approvals.optional(),
  soak: Duration.optional().describe("How long a version must have been in the `from` environment."),
  freeze: z.array(FreezeWindow).optional().describe("Windows in which nothing merges into this environment."),
});

export const SemverTags = z.strictObject({
  semver: z
    .string()
    .refine(
      (value) => semver.validRange(value.replace(/(^|\s|[<>=~^])v(?=\d)/g, "$1")) !== null,
      "must be a semver range such as ^1.0.0 or >=2.3 <3",
    )
    .describe("A semver range; tags with or without a leading v."),
  prerelease: z.boolean().default(false).describe("Allow pre-release versions such as 1.5.0-rc.1."),
});

const UserPattern = z.string().superRefine((value, ctx) => {
  const problem = checkUserPattern(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
});

export const PatternTags = z.strictObject({
  pattern: UserPattern.describe("A regular expression (RE2 syntax) that tags must match in full."),
  order: z
    .enum(["numerical", "alphabetical", "semver"])
    .default("numerical")
    .describe("How matching tags are ordered to find the newest."),
  by: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe("The named capture group to order by."),
});

export const TagPolicy = z.union([SemverTags, PatternTags]);

export const App = z.strictObject({
  image: z
    .string()
    .superRefine((value, ctx) => {
      try {
        const ref = parseImageRef(value);
        if (ref.tag !== undefined || ref.digest !== undefined) {
          ctx.addIssue({ code: "custom", message: "name the image without a tag or digest" });
        }
      } catch (error) {
        ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      }
    })
    .describe("The image, without tag: ghcr.io/acme/api."),
  tags: TagPolicy.optional().describe("Which tags may be deployed. Default: any semver release."),
  digest: z.literal("pin").optional().describe("pin: write tag@sha256:… so the exact image is deployed."),
});

export const Command = z.strictObject({
  allow: z.array(Principal).optional().describe("Teams and users who may run the command."),
  permission: z
    .enum(PERMISSIONS)
    .optional()
    .describe("The least repository permission needed (default: write)."),
});

export const Config = z.strictObject({
  _extends: z.string().optional().describe("Inherit from another repository's config (Probot _extends)."),
  environments: z.record(EnvironmentName, Environment).describe("One entry per environment folder."),
  apps: z.record(AppName, App).default({}).describe("The images Stagecoach keeps up to date."),
  promote: z
    .strictObject({
      include: z.array(z.string().min(1)).default(["**/*.yaml", "**/*.yml"]),
      exclude: z.array(z.string().min(1)).default([]),
    })
    .default({ include: ["**/*.yaml", "**/*.yml"], exclude: [] })
    .describe("Which non-image changes travel down the chain (globs relative to the environment folder)."),
  commands: z
    .strictObject({
      promote: Command.optional(),
      rollback: Command.optional(),
      freeze: Command.optional(),
      unfreeze: Command.optional(),
      status: Command.optional(),
      help: Command.optional(),
    })
    .default({})
    .describe("Who may run each comment command."),
  default: z
    .strictObject({ approvals: Approvals.optional() })
    .optional()
    .describe("Rules for files outside every environment folder."),
});

export type Config = z.output<typeof Config>;
export type Environment = z.output<typeof Environment>;
export type App = z.output<typeof App>;
export type TagPolicy = z.output<typeof TagPolicy>;
export type Approvals = z.output<typeof Approvals>;
export type FreezeWindow = z.output<typeof FreezeWindow>;
export type RecurringFreeze = z.output<typeof RecurringFreeze>;
export type DatedFreeze = z.output<typeof DatedFreeze>;
export type CommandName = (typeof COMMAND_NAMES)[number];
export type Permission = (typeof PERMISSIONS)[number];
export type Day = (typeof DAYS)[number];
