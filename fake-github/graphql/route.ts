import { unlistedRoute, type RouteDefinition } from "../http/route.js";
import { runGraphql } from "./execute.js";

/** `POST /graphql` (outside the REST OpenAPI description; validated against the GraphQL schema). */
export const graphqlRoute: RouteDefinition = unlistedRoute(
  "post",
  "/graphql",
  { permissions: [] },
  ({ state, caller, body }) => runGraphql(state, caller, body),
);
