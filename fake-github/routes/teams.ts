import { notFound } from "../errors.js";
import { paginate } from "../http/pagination.js";
import { route, type Caller, type RouteDefinition } from "../http/route.js";
import type { Team } from "../model/accounts.js";
import type { State } from "../state.js";
import { renderUser } from "../render/users.js";

/** Organization teams (the `members` organization permission). */

function teamFor(state: State, caller: Caller, org: string, slug: string): Team {
  const team = state.team(org, slug);
  const installedOn = caller.kind === "installation" ? caller.installation.account : undefined;
  if (team === undefined || installedOn?.id !== team.org.id) throw notFound();
  return team;
}

export const teamRoutes: RouteDefinition[] = [
  route(
    "get",
    "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    { permissions: ["members:read"] },
    ({ state, caller, params }) => {
      const team = teamFor(state, caller, params.org, params.team_slug);
      const member = team.members.get(params.username.toLowerCase());
      if (member === undefined) throw notFound();
      return {
        status: 200,
        body: {
          url: state.urls.apiUrl(
            `/organizations/${team.org.id}/team/${team.id}/memberships/${member.account.login}`,
          ),
          role: member.role,
          state: "active" as const,
        },
      };
    },
  ),

  route(
    "get",
    "/orgs/{org}/teams/{team_slug}/members",
    { permissions: ["members:read"] },
    ({ state, caller, params, query, url }) => {
      const team = teamFor(state, caller, params.org, params.team_slug);
      const members = [...team.members.values()].filter(
        (m) => query.role === undefined || query.role === "all" || m.role === query.role,
      );
      const page = paginate(url, query, members);
      return {
        status: 200,
        body: page.body.map((m) => renderUser(state.urls, m.account)),
        headers: page.headers,
      };
    },
  ),
];
