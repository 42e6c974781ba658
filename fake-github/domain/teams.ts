import type { Account, Team, TeamRole } from "../model/accounts.js";
import { loginKey } from "../model/accounts.js";
import { renderTeam, renderUser } from "../render/users.js";
import type { State } from "../state.js";

/**
 * Team membership changes. GitHub sends `membership` (`added` / `removed`, `scope: "team"`) to the
 * organization's installations that subscribe to it (the `members` organization permission).
 */

export function addTeamMember(
  state: State,
  team: Team,
  account: Account,
  role: TeamRole,
  sender: Account,
): void {
  const existing = team.members.get(loginKey(account.login));
  team.members.set(loginKey(account.login), { account, role });
  if (existing === undefined) emitMembership(state, team, account, "added", sender);
}

export function removeTeamMember(state: State, team: Team, account: Account, sender: Account): void {
  if (!team.members.delete(loginKey(account.login))) return;
  emitMembership(state, team, account, "removed", sender);
}

function emitMembership(
  state: State,
  team: Team,
  member: Account,
  action: "added" | "removed",
  sender: Account,
): void {
  state.emit({
    name: "membership",
    action,
    account: team.org,
    sender,
    fields: { scope: "team", member: renderUser(state.urls, member), team: renderTeam(state.urls, team) },
  });
}
