import { graphqlRoute } from "../graphql/route.js";
import type { RouteDefinition } from "../http/route.js";
import { appRoutes } from "./apps.js";
import { checkRoutes } from "./checks.js";
import { gitRoutes } from "./git.js";
import { issueRoutes } from "./issues.js";
import { pullRoutes } from "./pulls.js";
import { repoRoutes } from "./repos.js";
import { teamRoutes } from "./teams.js";

/**
 * Every route the fake answers. To add an endpoint: add a `route(method, template, { permissions },
 * handler)` to the file of its area, run `npx tsx fake-github/scripts/generate-openapi-subset.ts`.
 */
export const restRoutes: readonly RouteDefinition[] = [
  ...appRoutes,
  ...repoRoutes,
  ...gitRoutes,
  ...pullRoutes,
  ...issueRoutes,
  ...checkRoutes,
  ...teamRoutes,
];

export const allRoutes: readonly RouteDefinition[] = [...restRoutes, graphqlRoute];

/** The OpenAPI operations the fake implements (what the subset generator extracts). */
export function implementedOperations(): string[] {
  return restRoutes.filter((route) => route.openapi).map((route) => route.key);
}
