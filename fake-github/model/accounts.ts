/** People, bots and organizations share one namespace of logins, as on GitHub. */

export type AccountType = "User" | "Bot" | "Organization";

export interface Account {
  readonly id: number;
  readonly nodeId: string;
  readonly login: string;
  readonly type: AccountType;
  readonly name: string | null;
  readonly email: string | null;
  readonly createdAt: Date;
}

export type TeamRole = "member" | "maintainer";

export interface Team {
  readonly id: number;
  readonly nodeId: string;
  readonly org: Account;
  readonly slug: string;
  readonly name: string;
  readonly description: string | null;
  /** Keyed by lower-cased login. */
  readonly members: Map<string, { readonly account: Account; readonly role: TeamRole }>;
}

/** A repository role, from most to least powerful. */
export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read";

export const REPO_ROLES: readonly RepoRole[] = ["admin", "maintain", "write", "triage", "read"];

export function roleAtLeast(role: RepoRole | undefined, needed: RepoRole): boolean {
  if (role === undefined) return false;
  return REPO_ROLES.indexOf(role) <= REPO_ROLES.indexOf(needed);
}

export function loginKey(login: string): string {
  return login.toLowerCase();
}
