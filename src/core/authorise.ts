import type { CommandName, Config, Permission } from "../config/schema.js";

/**
 * Who may run a comment command. The wiring gathers the facts (permission, the team memberships that
 * `requiredTeams` asks for); this decides and says why in words the commenter can act on.
 */

/** A repository permission as GitHub reports it for a user; `none` when they have no access. */
export type RepoPermission = Permission | "none";

const RANK: Readonly<Record<RepoPermission, number>> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

export function permissionAtLeast(actual: RepoPermission, needed: Permission): boolean {
  return RANK[actual] >= RANK[needed];
}

export interface Commenter {
  readonly login: string;
  readonly type: "User" | "Bot";
  readonly permission: RepoPermission;
  /** Teams (`@org/slug`) the commenter belongs to, among those `requiredTeams` asked about. */
  readonly teams: readonly string[];
}

export interface AuthoriseInput {
  readonly command: CommandName;
  readonly config: Config;
  /** The environment the command targets, for promote, rollback, freeze and unfreeze. */
  readonly env?: string;
  readonly commenter: Commenter;
  /** `owner/name` of the config repo, named in the reason. */
  readonly repository: string;
  /** The comment is on a pull request whose head is in a fork. */
  readonly isForkPR: boolean;
  /** The comment was written by this app. */
  readonly isSelf: boolean;
}

export type Authorisation = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Commands that change an environment, and so also answer to the environment's approvers. */
const ENVIRONMENT_COMMANDS: ReadonlySet<CommandName> = new Set(["promote", "rollback", "freeze", "unfreeze"]);
/** Commands that write to an environment: never from a fork, whose author we cannot vouch for. */
const FORK_DENIED: ReadonlySet<CommandName> = new Set(["promote", "rollback"]);

export function requiredPermission(command: CommandName, config: Config): Permission {
  return (
    config.commands[command]?.permission ?? (command === "status" || command === "help" ? "read" : "write")
  );
}

/** The list of principals that decides, and where it comes from; `undefined` when permission alone decides. */
export interface AllowList {
  readonly principals: readonly string[];
  readonly source: "commands" | "approvals";
}

export function allowList(command: CommandName, config: Config, env?: string): AllowList | undefined {
  const allow = config.commands[command]?.allow;
  if (allow !== undefined) return { principals: allow, source: "commands" };
  if (env === undefined || !ENVIRONMENT_COMMANDS.has(command)) return undefined;
  const approvers = config.environments[env]?.approvals?.from;
  // An empty `approvals.from` lists nobody, which the gate reads as "anyone with write": so here too.
  return approvers === undefined || approvers.length === 0
    ? undefined
    : { principals: approvers, source: "approvals" };
}

function isTeam(principal: string): boolean {
  return principal.startsWith("@");
}

/** Whether `login`, a member of `teams`, is one of `principals` (users or `@org/slug` teams). */
export function isListed(login: string, teams: readonly string[], principals: readonly string[]): boolean {
  // Logins, org names and team slugs are case-insensitive on GitHub.
  const memberOf = new Set(teams.map((team) => team.toLowerCase()));
  return principals.some((principal) =>
    isTeam(principal)
      ? memberOf.has(principal.toLowerCase())
      : principal.toLowerCase() === login.toLowerCase(),
  );
}

/**
 * The teams whose membership of the commenter the wiring must look up for this command: none when the
 * list does not name teams, or names the commenter directly.
 */
export function requiredTeams(command: CommandName, config: Config, env?: string, login?: string): string[] {
  const list = allowList(command, config, env);
  if (list === undefined) return [];
  if (login !== undefined && isListed(login, [], list.principals)) return [];
  return [...new Set(list.principals.filter(isTeam))];
}

/** `@alice`, `@acme/sre`: how people are named in reasons. */
function mention(principal: string): string {
  return principal.startsWith("@") ? principal : `@${principal}`;
}

function oneOf(principals: readonly string[]): string {
  const named = principals.map(mention);
  if (named.length <= 1) return named.join("");
  return `${named.slice(0, -1).join(", ")} or ${named.at(-1) ?? ""}`;
}

export function authorise(input: AuthoriseInput): Authorisation {
  const { command, config, env, commenter } = input;
  const deny = (reason: string): Authorisation => ({ allowed: false, reason });

  if (input.isSelf) return deny("Stagecoach does not act on its own comments");
  if (commenter.type === "Bot") return deny(`${mention(commenter.login)} is a bot; bots cannot run commands`);
  if (input.isForkPR && FORK_DENIED.has(command)) {
    return deny(`/${command} cannot be run on a pull request from a fork`);
  }

  const needed = requiredPermission(command, config);
  if (!permissionAtLeast(commenter.permission, needed)) {
    return deny(
      `${mention(commenter.login)} needs ${needed} permission on ${input.repository} (has ${commenter.permission})`,
    );
  }

  const list = allowList(command, config, env);
  if (list !== undefined && !isListed(commenter.login, commenter.teams, list.principals)) {
    const target = list.source === "approvals" && env !== undefined ? ` into ${env}` : "";
    if (list.principals.length === 0)
      return deny(`nobody may /${command} (commands.${command}.allow is empty)`);
    return deny(`only ${oneOf(list.principals)} may /${command}${target}`);
  }
  return { allowed: true };
}

/** Who may run a command, as data for `/help`. */
export interface Who {
  readonly permission: Permission;
  /** From `commands.<name>.allow`: only these. */
  readonly allow?: readonly string[];
  /** When `allow` is absent: per environment with `approvals.from`, only those. */
  readonly approvers?: Readonly<Record<string, readonly string[]>>;
}

export function whoMay(command: CommandName, config: Config): Who {
  const permission = requiredPermission(command, config);
  const allow = config.commands[command]?.allow;
  if (allow !== undefined) return { permission, allow };
  if (!ENVIRONMENT_COMMANDS.has(command)) return { permission };
  const approvers: Record<string, readonly string[]> = {};
  for (const env of Object.keys(config.environments)) {
    const list = allowList(command, config, env);
    if (list !== undefined) approvers[env] = list.principals;
  }
  return Object.keys(approvers).length === 0 ? { permission } : { permission, approvers };
}
