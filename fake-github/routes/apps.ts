import { issueToken } from "../http/auth.js";
import { HttpError, notFound, unprocessable } from "../errors.js";
import { paginate } from "../http/pagination.js";
import type { paths } from "@octokit/openapi-types";
import { route, type Reply, type RouteDefinition } from "../http/route.js";
import { permits, type Installation, type PermissionLevel, type Permissions } from "../model/apps.js";
import { renderInstallation } from "../render/apps.js";
import { renderApp } from "../render/issues.js";
import { renderRepository } from "../render/repos.js";
import { installationCovers, type State } from "../state.js";

type InstallationList = Extract<
  Reply<paths["/app/installations"]["get"]>,
  { status: 200; body: unknown }
>["body"];

/** GitHub App endpoints: the app (JWT), its installations and installation tokens. */

function appInstallation(state: State, appId: number, id: number): Installation {
  const installation = state.installations.get(id);
  if (installation?.app.id !== appId) throw notFound();
  return installation;
}

function narrowPermissions(
  installation: Installation,
  requested: Readonly<Record<string, unknown>> | undefined,
): Permissions | undefined {
  if (requested === undefined) return undefined;
  const narrowed: Record<string, PermissionLevel> = {};
  for (const [name, level] of Object.entries(requested)) {
    if (level !== "read" && level !== "write" && level !== "admin") continue;
    if (!permits(installation.permissions, name, level)) {
      throw unprocessable("The permissions requested are not granted to this installation.");
    }
    narrowed[name] = level;
  }
  return narrowed;
}

export const appRoutes: RouteDefinition[] = [
  route("get", "/app", { permissions: [], auth: "app" }, ({ state, caller }) => ({
    status: 200,
    body: renderApp(state, caller.app),
  })),

  route("get", "/app/installations", { permissions: [], auth: "app" }, ({ state, caller, query, url }) => {
    const installations = [...state.installations.values()].filter((i) => i.app.id === caller.app.id);
    const page = paginate(url, query, installations);
    // openapi-types renders this operation's `account` (a oneOf of user and enterprise) as their
    // intersection, which no real installation satisfies; the body is the schema's `installation[]`.
    const body = page.body.map((i) => renderInstallation(state, i)) as unknown as InstallationList;
    return { status: 200, body, headers: page.headers };
  }),

  route(
    "get",
    "/app/installations/{installation_id}",
    { permissions: [], auth: "app" },
    ({ state, caller, params }) => ({
      status: 200,
      body: renderInstallation(state, appInstallation(state, caller.app.id, params.installation_id)),
    }),
  ),

  route(
    "post",
    "/app/installations/{installation_id}/access_tokens",
    { permissions: [], auth: "app" },
    ({ state, caller, params, body }) => {
      const installation = appInstallation(state, caller.app.id, params.installation_id);
      const names = body?.repositories;
      const ids = body?.repository_ids;
      let repositoryIds: Set<number> | undefined;
      if (names !== undefined || ids !== undefined) {
        const repos = [...state.repos.values()].filter((repo) => installationCovers(installation, repo));
        const chosen = repos.filter(
          (repo) => names?.includes(repo.name) === true || ids?.includes(repo.id) === true,
        );
        if (chosen.length !== (names?.length ?? 0) + (ids?.length ?? 0)) {
          throw unprocessable(
            "There is at least one repository that does not exist or is not accessible to the parent installation.",
          );
        }
        repositoryIds = new Set(chosen.map((repo) => repo.id));
      }
      const permissions = narrowPermissions(installation, body?.permissions);
      const token = issueToken(state, installation, {
        ...(permissions === undefined ? {} : { permissions }),
        ...(repositoryIds === undefined ? {} : { repositoryIds }),
      });
      const repositories =
        repositoryIds === undefined
          ? undefined
          : [...state.repos.values()].filter((repo) => repositoryIds.has(repo.id));
      return {
        status: 201,
        body: {
          token: token.token,
          expires_at: token.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
          permissions: { ...token.permissions },
          repository_selection: repositoryIds === undefined ? installation.repositorySelection : "selected",
          ...(repositories === undefined
            ? {}
            : { repositories: repositories.map((repo) => renderRepository(state, repo)) }),
        },
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/installation",
    { permissions: [], auth: "app" },
    ({ state, caller, repo }) => {
      const installation = state.installationsFor(repo).find((i) => i.app.id === caller.app.id);
      if (installation === undefined) throw notFound();
      return { status: 200, body: renderInstallation(state, installation) };
    },
  ),

  route("get", "/orgs/{org}/installation", { permissions: [], auth: "app" }, ({ state, caller, params }) => {
    const installation = [...state.installations.values()].find(
      (i) => i.app.id === caller.app.id && i.account.login.toLowerCase() === params.org.toLowerCase(),
    );
    if (installation === undefined) throw notFound();
    return { status: 200, body: renderInstallation(state, installation) };
  }),

  route(
    "get",
    "/users/{username}/installation",
    { permissions: [], auth: "app" },
    ({ state, caller, params }) => {
      const installation = [...state.installations.values()].find(
        (i) => i.app.id === caller.app.id && i.account.login.toLowerCase() === params.username.toLowerCase(),
      );
      if (installation === undefined) throw notFound();
      return { status: 200, body: renderInstallation(state, installation) };
    },
  ),

  route("get", "/installation/repositories", { permissions: [] }, ({ state, caller, query, url }) => {
    if (caller.kind !== "installation")
      throw new HttpError(403, "This endpoint requires an installation access token");
    const visible = caller.token.repositoryIds;
    const repos = [...state.repos.values()].filter(
      (repo) =>
        installationCovers(caller.installation, repo) && (visible === undefined || visible.has(repo.id)),
    );
    const page = paginate(url, query, repos);
    return {
      status: 200,
      body: {
        total_count: repos.length,
        repositories: page.body.map((repo) => renderRepository(state, repo)),
        repository_selection: caller.installation.repositorySelection,
      },
      headers: page.headers,
    };
  }),
];
