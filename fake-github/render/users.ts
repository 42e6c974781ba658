import type { Account, Team } from "../model/accounts.js";
import type { Urls } from "../urls.js";
import type { Schema } from "./schemas.js";

export function renderUser(urls: Urls, account: Account): Schema<"simple-user"> & { id: number } {
  const api = urls.apiUrl(`/users/${account.login}`);
  return {
    login: account.login,
    id: account.id,
    node_id: account.nodeId,
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: urls.htmlUrl(
      account.type === "Bot" ? `/apps/${account.login.replace(/\[bot\]$/, "")}` : `/${account.login}`,
    ),
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function renderOrganization(urls: Urls, org: Account): Schema<"organization-simple"> {
  const api = urls.apiUrl(`/orgs/${org.login}`);
  return {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: null,
  };
}

export function renderTeam(urls: Urls, team: Team): Schema<"team"> {
  const api = urls.apiUrl(`/organizations/${team.org.id}/team/${team.id}`);
  return {
    id: team.id,
    node_id: team.nodeId,
    url: api,
    html_url: urls.htmlUrl(`/orgs/${team.org.login}/teams/${team.slug}`),
    name: team.name,
    slug: team.slug,
    description: team.description,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    parent: null,
    type: "organization",
    organization_id: team.org.id,
  };
}
