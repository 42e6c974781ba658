import type { components } from "@octokit/openapi-types";

/** GitHub's REST response schemas, as the factories in this folder produce them. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];
