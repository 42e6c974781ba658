import type { Approvals, Config } from "../config/schema.js";
import { formatDuration, parseDuration } from "./duration.js";
import { isListed, permissionAtLeast, type RepoPermission } from "./authorise.js";
import { freezeState, type FreezeState, type Hold } from "./freeze.js";

/**
 * The approval gate: one check run per pull request, red until every environment the PR touches has its
 * approvals, no outstanding change request, its soak time served and no freeze in force. Pure: the wiring
 * gathers the facts below (reviews, permissions, memberships that `teamsToResolve` names), calls
 * `evaluateGate` once and writes the check run.
 */

export interface Review {
  readonly id: number;
  readonly login: string;
  readonly type: "User" | "Bot";
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  /** The commit the review was given on. */
  readonly commitId: string;
  readonly submittedAt: number;
}

/** What the wiring looked up about a reviewer. */
export interface Person {
  readonly permission: RepoPermission;
  /** Teams (`@org/slug`) they belong to, among those `teamsToResolve` asked about. */
  readonly teams: readonly string[];
}

export interface SoakFact {
  /** When the version this PR carries merged into the predecessor environment. */
  readonly mergedIntoPredecessorAt?: number;
  readonly version?: string;
}

export interface GatePullRequest {
  readonly number: number;
  readonly author: string;
  readonly headSha: string;
  readonly draft: boolean;
  /** Who commented `/promote`, from the PR's metadata: their own request is not a review. */
  readonly requestedBy?: string;
}

export interface GateInput {
  readonly now: number;
  readonly config: Config;
  readonly pr: GatePullRequest;
  /** Environments whose folders the PR's files touch, and whether any file lies outside every folder. */
  readonly touched: { readonly environments: readonly string[]; readonly outside: boolean };
  readonly reviews: readonly Review[];
  /** Keyed by login (any case). */
  readonly people: Readonly<Record<string, Person>>;
  /** Per touched environment that has `soak`. */
  readonly soak: Readonly<Record<string, SoakFact>>;
  /** `/freeze` holds in force, of any environment. */
  readonly holds: readonly Hold[];
}

export type RuleName = "approvals" | "changes-requested" | "soak" | "freeze" | "draft";

export interface RuleResult {
  readonly rule: RuleName;
  readonly ok: boolean;
  /** Plain text. */
  readonly detail: string;
}

export interface SoakStatus {
  readonly predecessor: string;
  readonly duration: number;
  readonly version?: string;
  readonly mergedAt?: number;
  /** When the soak is served; absent when the merge time is unknown. */
  readonly until?: number;
}

export interface EnvironmentVerdict {
  /** `outside`: the rules in `default` for files outside every environment folder. */
  readonly scope: "environment" | "outside";
  /** The environment, or `OUTSIDE` for files outside every folder. */
  readonly env: string;
  readonly ok: boolean;
  readonly rules: readonly RuleResult[];
  /** Required approvals, when the scope has approval rules. */
  readonly required?: number;
  readonly approvedBy: readonly string[];
  /** Approvals that would count but were given before the latest push. */
  readonly staleApprovedBy: readonly string[];
  /** Approvals that do not count, and why (author, bot, not listed, …). */
  readonly notCounted: readonly { readonly login: string; readonly why: string }[];
  readonly changesRequestedBy: readonly string[];
  /** `approvals.from`, when it lists anyone; otherwise anyone with write permission counts. */
  readonly listedApprovers?: readonly string[];
  /** Principals in `approvals.from` who have not approved (teams stay: other members may). */
  readonly couldApprove: readonly string[];
  /** Plain text: what is still needed, or "" when nothing. */
  readonly missing: string;
  readonly soak?: SoakStatus;
  readonly freeze?: FreezeState;
}

export interface GateResult {
  readonly conclusion: "success" | "failure";
  readonly environments: readonly EnvironmentVerdict[];
  readonly evaluatedAt: number;
  /** Soak end or freeze start/end: when to evaluate again without a new event. */
  readonly nextEvaluationAt?: number;
}

/** The `env` of the verdict for files outside every environment folder (not a valid environment name). */
export const OUTSIDE = "(outside environment folders)";

function iso(instant: number): string {
  return new Date(instant).toISOString().replace(/\.000Z$/, "Z");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function listOr(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1) ?? ""}`;
}

/** Each reviewer's review in force: the latest that is not a comment, as GitHub counts them. */
function reviewsInForce(reviews: readonly Review[]): Review[] {
  const latest = new Map<string, Review>();
  const ordered = [...reviews].sort((a, b) => a.submittedAt - b.submittedAt || a.id - b.id);
  for (const review of ordered) {
    if (review.state === "COMMENTED") continue;
    // Re-inserting keeps the map in the order the reviews in force were given.
    latest.delete(review.login.toLowerCase());
    latest.set(review.login.toLowerCase(), review);
  }
  // A dismissed review leaves its author with no review in force.
  return [...latest.values()].filter((review) => review.state !== "DISMISSED");
}

function sameLogin(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function lookUp(people: Readonly<Record<string, Person>>, login: string): Person | undefined {
  const lower = login.toLowerCase();
  const key = Object.keys(people).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : people[key];
}

/** Why a review does not count under these rules, or `undefined` when it does. */
function exclusion(review: Review, approvals: Approvals, input: GateInput): string | undefined {
  if (review.type === "Bot") return "bot";
  if (sameLogin(review.login, input.pr.author)) return "author";
  if (sameLogin(review.login, input.pr.requestedBy)) return "requested the promotion";
  const person = lookUp(input.people, review.login);
  const listed = approvals.from ?? [];
  if (listed.length > 0) {
    return isListed(review.login, person?.teams ?? [], listed) ? undefined : "not in approvals.from";
  }
  if (person === undefined) return "permission unknown";
  return permissionAtLeast(person.permission, "write") ? undefined : `has ${person.permission} permission`;
}

interface Evaluated {
  readonly rules: RuleResult[];
  readonly missing: string[];
  readonly wakeUps: number[];
}

function evaluateApprovals(approvals: Approvals, input: GateInput) {
  const approvedBy: string[] = [];
  const staleApprovedBy: string[] = [];
  const notCounted: { login: string; why: string }[] = [];
  const changesRequestedBy: string[] = [];
  for (const review of reviewsInForce(input.reviews)) {
    const why = exclusion(review, approvals, input);
    if (review.state === "CHANGES_REQUESTED") {
      // A change request stands across pushes until its author approves or it is dismissed.
      if (why === undefined) changesRequestedBy.push(review.login);
    } else if (why !== undefined) {
      notCounted.push({ login: review.login, why });
    } else if (review.commitId !== input.pr.headSha && !approvals.allowStale) {
      staleApprovedBy.push(review.login);
    } else {
      approvedBy.push(review.login);
    }
  }

  const listed = approvals.from ?? [];
  const couldApprove = listed.filter(
    (principal) =>
      principal.startsWith("@") ||
      !(
        approvedBy.some((login) => sameLogin(login, principal)) ||
        sameLogin(principal, input.pr.author) ||
        sameLogin(principal, input.pr.requestedBy)
      ),
  );

  const count = approvedBy.length;
  const stale =
    staleApprovedBy.length === 0 ? "" : `; stale (before the latest push): ${staleApprovedBy.join(", ")}`;
  const approvalsOk = count >= approvals.required;
  const approvalRule: RuleResult = {
    rule: "approvals",
    ok: approvalsOk,
    detail: `${count} of ${plural(approvals.required, "approval")}${count > 0 ? ` (${approvedBy.join(", ")})` : ""}${stale}`,
  };
  const changesRule: RuleResult = {
    rule: "changes-requested",
    ok: changesRequestedBy.length === 0,
    detail:
      changesRequestedBy.length === 0 ? "none" : `changes requested by ${changesRequestedBy.join(", ")}`,
  };
  const missing: string[] = [];
  if (!approvalsOk) {
    const from =
      listed.length === 0
        ? "someone with write permission"
        : couldApprove.length === 0
          ? "nobody left in approvals.from"
          : listOr(couldApprove);
    missing.push(`${plural(approvals.required - count, "more approval")} from ${from}`);
  }
  if (!changesRule.ok) {
    missing.push(`${changesRequestedBy.join(", ")} to approve, or their review dismissed`);
  }
  return {
    rules: [approvalRule, changesRule],
    missing,
    approvedBy,
    staleApprovedBy,
    notCounted,
    changesRequestedBy,
    couldApprove,
  };
}

function evaluateSoak(env: string, input: GateInput): Evaluated & { status: SoakStatus } {
  const settings = input.config.environments[env];
  const duration = parseDuration(settings?.soak ?? "") ?? 0;
  const predecessor = settings?.from ?? "the previous environment";
  const fact = input.soak[env];
  const version = fact?.version;
  const what = version ?? "this version";
  const base = { predecessor, duration, ...(version === undefined ? {} : { version }) };
  const mergedAt = fact?.mergedIntoPredecessorAt;
  if (mergedAt === undefined) {
    const detail = `no record of when ${what} merged into ${predecessor}; it must spend ${formatDuration(duration)} there first`;
    return {
      rules: [{ rule: "soak", ok: false, detail }],
      missing: [`${what} to soak in ${predecessor}`],
      wakeUps: [],
      status: base,
    };
  }
  const until = mergedAt + duration;
  const status = { ...base, mergedAt, until };
  if (input.now >= until) {
    const detail = `${what} has been in ${predecessor} since ${iso(mergedAt)} (${formatDuration(duration)} needed)`;
    return { rules: [{ rule: "soak", ok: true, detail }], missing: [], wakeUps: [], status };
  }
  const served = formatDuration(Math.max(0, input.now - mergedAt));
  const detail = `${what} has been in ${predecessor} for ${served} of ${formatDuration(duration)}; soaking until ${iso(until)}`;
  return {
    rules: [{ rule: "soak", ok: false, detail }],
    missing: [`soaking until ${iso(until)}`],
    wakeUps: [until],
    status,
  };
}

function evaluateFreeze(env: string, input: GateInput): Evaluated & { state: FreezeState } {
  const windows = input.config.environments[env]?.freeze ?? [];
  const holds = input.holds.filter((hold) => hold.env === env);
  const state = freezeState(windows, holds, input.now);
  if (!state.frozen) {
    const detail =
      state.nextStart === undefined ? "not frozen" : `not frozen; next freeze starts ${iso(state.nextStart)}`;
    return {
      rules: [{ rule: "freeze", ok: true, detail }],
      missing: [],
      wakeUps: state.nextStart === undefined ? [] : [state.nextStart],
      state,
    };
  }
  const until =
    state.until === undefined
      ? state.holds === undefined
        ? "with no end in sight"
        : "until /unfreeze"
      : `until ${iso(state.until)}`;
  return {
    rules: [{ rule: "freeze", ok: false, detail: `${state.reason}, ${until}` }],
    missing: [`frozen ${until}`],
    wakeUps: state.until === undefined ? [] : [state.until],
    state,
  };
}

function evaluateScope(
  scope: "environment" | "outside",
  env: string,
  approvals: Approvals | undefined,
  input: GateInput,
): { verdict: EnvironmentVerdict; wakeUps: number[] } {
  const rules: RuleResult[] = [];
  const missing: string[] = [];
  const wakeUps: number[] = [];
  if (input.pr.draft) {
    rules.push({ rule: "draft", ok: false, detail: "the pull request is a draft" });
    missing.push("ready for review");
  }
  const approvalsResult = approvals === undefined ? undefined : evaluateApprovals(approvals, input);
  if (approvalsResult !== undefined) {
    rules.push(...approvalsResult.rules);
    missing.push(...approvalsResult.missing);
  }
  let soak: SoakStatus | undefined;
  let freeze: FreezeState | undefined;
  if (scope === "environment") {
    const settings = input.config.environments[env];
    if (settings?.soak !== undefined) {
      const result = evaluateSoak(env, input);
      rules.push(...result.rules);
      missing.push(...result.missing);
      wakeUps.push(...result.wakeUps);
      soak = result.status;
    }
    if ((settings?.freeze ?? []).length > 0 || input.holds.some((hold) => hold.env === env)) {
      const result = evaluateFreeze(env, input);
      rules.push(...result.rules);
      missing.push(...result.missing);
      wakeUps.push(...result.wakeUps);
      freeze = result.state;
    }
  }
  const verdict: EnvironmentVerdict = {
    scope,
    env,
    ok: rules.every((rule) => rule.ok),
    rules,
    ...(approvals === undefined ? {} : { required: approvals.required }),
    ...((approvals?.from ?? []).length === 0 ? {} : { listedApprovers: approvals?.from ?? [] }),
    approvedBy: approvalsResult?.approvedBy ?? [],
    staleApprovedBy: approvalsResult?.staleApprovedBy ?? [],
    notCounted: approvalsResult?.notCounted ?? [],
    changesRequestedBy: approvalsResult?.changesRequestedBy ?? [],
    couldApprove: approvalsResult?.couldApprove ?? [],
    missing: missing.join("; "),
    ...(soak === undefined ? {} : { soak }),
    ...(freeze === undefined ? {} : { freeze }),
  };
  return { verdict, wakeUps };
}

interface Scope {
  readonly scope: "environment" | "outside";
  readonly env: string;
  readonly approvals: Approvals | undefined;
}

function scopes(input: Pick<GateInput, "config" | "touched">): Scope[] {
  const result = [...new Set(input.touched.environments)].map((env): Scope => {
    const settings = input.config.environments[env];
    // The wiring maps files to environments from this same config; anything else is a bug to surface.
    if (settings === undefined) throw new RangeError(`touched environment "${env}" is not in the config`);
    return { scope: "environment", env, approvals: settings.approvals };
  });
  const fallback = input.config.default?.approvals;
  // Without `default`, files outside every folder have no rules of their own.
  if (input.touched.outside && fallback !== undefined) {
    result.push({ scope: "outside", env: OUTSIDE, approvals: fallback });
  }
  return result;
}

export function evaluateGate(input: GateInput): GateResult {
  const evaluated = scopes(input).map(({ scope, env, approvals }) =>
    evaluateScope(scope, env, approvals, input),
  );
  const environments = evaluated.map(({ verdict }) => verdict);
  const wakeUps = evaluated.flatMap(({ wakeUps: times }) => times).filter((time) => time > input.now);
  return {
    conclusion: environments.every((verdict) => verdict.ok) ? "success" : "failure",
    environments,
    evaluatedAt: input.now,
    ...(wakeUps.length === 0 ? {} : { nextEvaluationAt: Math.min(...wakeUps) }),
  };
}

export interface Lookups {
  /** Team memberships to check: is `login` in `team`? */
  readonly memberships: readonly { readonly team: string; readonly login: string }[];
  /** Logins whose repository permission is needed. */
  readonly permissions: readonly string[];
}

/**
 * What the wiring must look up before `evaluateGate`: only for reviews in force that could count (not
 * bots, the author or the requester), and only what their environment's rules ask about.
 */
export function teamsToResolve(input: Pick<GateInput, "config" | "touched" | "pr" | "reviews">): Lookups {
  const memberships = new Map<string, { team: string; login: string }>();
  const permissions = new Map<string, string>();
  const reviewers = reviewsInForce(input.reviews).filter(
    (review) =>
      review.type === "User" &&
      !sameLogin(review.login, input.pr.author) &&
      !sameLogin(review.login, input.pr.requestedBy),
  );
  for (const { approvals } of scopes(input)) {
    if (approvals === undefined) continue;
    const listed = approvals.from ?? [];
    for (const { login } of reviewers) {
      if (listed.length === 0) {
        permissions.set(login.toLowerCase(), login);
      } else if (!isListed(login, [], listed)) {
        for (const team of listed.filter((principal) => principal.startsWith("@"))) {
          memberships.set(`${team.toLowerCase()} ${login.toLowerCase()}`, { team, login });
        }
      }
    }
  }
  return { memberships: [...memberships.values()], permissions: [...permissions.values()] };
}
