import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFieldResolver,
} from "graphql";
import { z } from "zod";
import { parseNodeId } from "../ids.js";
import { installationCovers, type State } from "../state.js";
import type { Caller } from "../http/route.js";
import { githubError, need, type GqlObject, type GraphqlContext } from "./context.js";
import { mutationRoot } from "./mutations.js";
import { pullRequestNode, repositoryNode } from "./nodes.js";
import { githubSchema } from "./schema.js";

/**
 * `POST /graphql`: every document is validated against GitHub's real schema, then executed with a
 * strict field resolver — a field the fake does not implement is an error naming it (and a violation),
 * never a silent null.
 */

const Body = z.object({
  query: z.string(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  operationName: z.string().nullish(),
});

const strictFieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, context, info) => {
  const name = info.fieldName;
  if (typeof source === "object" && source !== null && name in source) {
    const value: unknown = (source as GqlObject)[name];
    return typeof value === "function"
      ? (value as (a: unknown, c: GraphqlContext) => unknown)(args, context)
      : value;
  }
  const field = `${info.parentType.name}.${name}`;
  context.state.violations.record({
    kind: "graphql-unimplemented",
    request: "graphql",
    message: `${field} is not implemented by the fake GitHub`,
  });
  throw new GraphQLError(`The fake GitHub does not implement ${field}`);
};

function queryRoot(context: GraphqlContext): GqlObject {
  return {
    repository: (args: unknown) => {
      const { owner, name } = z.object({ owner: z.string(), name: z.string() }).parse(args);
      return repositoryByName(context, owner, name);
    },
    node: (args: unknown) => {
      const { id } = z.object({ id: z.string() }).parse(args);
      return nodeById(context, id);
    },
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      remaining: 4999,
      used: 1,
      nodeCount: 1,
      resetAt: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  };
}

/** Like REST, a repository the installation (or its token) cannot see does not exist. */
function repositoryByName(context: GraphqlContext, owner: string, name: string): GqlObject | null {
  const repo = context.state.repo(owner, name);
  if (repo === undefined) return null;
  const caller = context.caller;
  if (caller.kind === "installation") {
    const visible =
      installationCovers(caller.installation, repo) && (caller.token.repositoryIds?.has(repo.id) ?? true);
    if (!visible) return null;
  }
  return repositoryNode(context, repo);
}

function nodeById(context: GraphqlContext, id: string): GqlObject | null {
  if (parseNodeId(id) === undefined) return null;
  for (const repo of context.state.repos.values()) {
    if (repo.nodeId === id) return repositoryNode(context, repo);
    for (const issue of repo.issues.values()) {
      if (issue.pull?.nodeId === id) {
        need(context, "node", ["pull_requests:read"]);
        return pullRequestNode(context, repo, issue, issue.pull);
      }
    }
  }
  return null;
}

export interface GraphqlAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function runGraphql(state: State, caller: Caller, rawBody: unknown): Promise<GraphqlAnswer> {
  const parsedBody = Body.safeParse(rawBody);
  if (!parsedBody.success) {
    state.violations.record({
      kind: "graphql-invalid",
      request: "graphql",
      message: "the body is not { query, variables }",
    });
    return {
      status: 400,
      body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/graphql" },
    };
  }
  const { query, variables, operationName } = parsedBody.data;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return invalid(state, [
      error instanceof GraphQLError ? error : githubError("UNPROCESSABLE", String(error)),
    ]);
  }
  const errors = validate(githubSchema(), document);
  if (errors.length > 0) return invalid(state, errors);
  const context: GraphqlContext = { state, caller };
  const result = await execute({
    schema: githubSchema(),
    document,
    rootValue: { ...queryRoot(context), ...mutationRoot(context) },
    contextValue: context,
    variableValues: variables ?? {},
    operationName: operationName ?? null,
    fieldResolver: strictFieldResolver,
  });
  const body: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors !== undefined && result.errors.length > 0)
    body["errors"] = result.errors.map(formatError);
  return { status: 200, body };
}

function invalid(state: State, errors: readonly GraphQLError[]): GraphqlAnswer {
  for (const error of errors)
    state.violations.record({ kind: "graphql-invalid", request: "graphql", message: error.message });
  return { status: 200, body: { errors: errors.map(formatError) } };
}

/** GitHub puts its error `type` beside the message. */
function formatError(error: GraphQLError): Record<string, unknown> {
  const json = error.toJSON();
  const type = error.extensions["type"];
  return { ...(typeof type === "string" ? { type } : {}), ...json };
}
