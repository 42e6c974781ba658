import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLSchema } from "graphql";
import { packageFile } from "../package-file.js";

/**
 * GitHub's GraphQL schema, built once per process. The published SDL defines a few fields twice,
 * which graphql-js's SDL validation rejects, so it is built with `assumeValidSDL`.
 */

let schema: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (schema === undefined) {
    const file = packageFile("@octokit/graphql-schema", "schema.graphql");
    schema = buildSchema(readFileSync(file, "utf8"), { assumeValidSDL: true });
  }
  return schema;
}
