import type { paths } from "@octokit/openapi-types";
import type { Account } from "../model/accounts.js";
import type { App, Installation, InstallationToken, PermissionLevel } from "../model/apps.js";
import type { Repository } from "../model/repository.js";
import type { State } from "../state.js";

/**
 * A route is GitHub's own operation: `route("get", "/repos/{owner}/{repo}/pulls", …)` only compiles
 * when that method and path exist in GitHub's OpenAPI description, and the handler's params, query,
 * body and reply are typed from the same operation (`@octokit/openapi-types`). At run time the same
 * operation's schemas validate the request (see `openapi/validator.ts`) before the handler runs.
 */

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
export type PathTemplate = keyof paths;
type Operation<P extends PathTemplate, M extends keyof paths[P]> = paths[P][M];

type JsonContent<R> = R extends { content: infer C }
  ? [C] extends [never]
    ? never
    : C extends { "application/json": infer B }
      ? B
      : never
  : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
type SuccessCode = 200 | 201 | 202 | 204;

export type PathParams<O> = O extends { parameters: { path: infer X } } ? X : Record<string, never>;
export type QueryParams<O> = O extends { parameters: { query?: infer X } }
  ? NonNullable<X>
  : Record<string, never>;
export type RequestBody<O> = O extends { requestBody: { content: { "application/json": infer B } } }
  ? B
  : O extends { requestBody?: { content: { "application/json": infer B } } }
    ? B | undefined
    : undefined;

export type Headers = Readonly<Record<string, string>>;

/** Bytes with their own content type (e.g. `application/vnd.github.raw` file contents). */
export interface RawReply {
  readonly status: 200;
  readonly raw: Buffer;
  readonly contentType: string;
  readonly headers?: Headers;
}

export type Reply<O> =
  | {
      [S in Extract<keyof Responses<O>, SuccessCode>]: [JsonContent<Responses<O>[S]>] extends [never]
        ? { readonly status: S; readonly headers?: Headers }
        : { readonly status: S; readonly body: JsonContent<Responses<O>[S]>; readonly headers?: Headers };
    }[Extract<keyof Responses<O>, SuccessCode>]
  | RawReply;

/** Who is calling: an installation (token) or the app itself (JWT). */
export type Caller =
  | {
      readonly kind: "installation";
      readonly installation: Installation;
      readonly app: App;
      readonly actor: Account;
      readonly token: InstallationToken;
    }
  | { readonly kind: "app"; readonly app: App; readonly actor: Account };

export interface RouteContext<O> {
  readonly params: PathParams<O>;
  readonly query: QueryParams<O>;
  readonly body: RequestBody<O>;
  readonly state: State;
  readonly caller: Caller;
  /** The app's bot account: the `sender` of what this request causes. */
  readonly actor: Account;
  /** The repository named by `{owner}/{repo}` (resolved and access-checked before the handler runs). */
  readonly repo: Repository;
  /** The `Accept` header, lower-cased. */
  readonly accept: string;
  readonly url: URL;
}

/** A permission such as `contents:write`. */
export type Permission = `${string}:${PermissionLevel}`;

export interface RouteOptions {
  /** Any one of these lets an installation call the route (`[]`: metadata is enough). */
  readonly permissions: readonly Permission[];
  /** `app` routes take the app's JWT; the rest an installation token. */
  readonly auth?: "installation" | "app";
}

/** A route with its types erased, as the router holds it. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly template: string;
  /** `GET /repos/{owner}/{repo}/pulls`, the key of its OpenAPI operation. */
  readonly key: string;
  readonly options: RouteOptions;
  /** Validated against GitHub's OpenAPI description (every REST route; not `/graphql`). */
  readonly openapi: boolean;
  readonly handle: (context: RawContext) => Promise<RawResult> | RawResult;
}

export interface RawContext {
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  readonly state: State;
  readonly caller: Caller;
  readonly actor: Account;
  readonly repo: Repository;
  readonly accept: string;
  readonly url: URL;
}

export type RawResult =
  { readonly status: number; readonly body?: unknown; readonly headers?: Headers } | RawReply;

export function route<P extends PathTemplate, M extends keyof paths[P] & HttpMethod>(
  method: M,
  template: P,
  options: RouteOptions,
  handler: (
    context: RouteContext<Operation<P, M>>,
  ) => Reply<Operation<P, M>> | Promise<Reply<Operation<P, M>>>,
): RouteDefinition {
  return {
    method,
    template,
    key: `${method.toUpperCase()} ${template}`,
    options,
    openapi: true,
    // The request was validated against this very operation's schemas before it gets here, so its
    // params, query and body have the operation's types.
    handle: (context) => handler(context as unknown as RouteContext<Operation<P, M>>),
  };
}

/** A route outside GitHub's REST description (`POST /graphql`), validated by its own means. */
export function unlistedRoute(
  method: HttpMethod,
  template: string,
  options: RouteOptions,
  handler: (context: RawContext) => RawResult | Promise<RawResult>,
): RouteDefinition {
  return {
    method,
    template,
    key: `${method.toUpperCase()} ${template}`,
    options,
    openapi: false,
    handle: handler,
  };
}
