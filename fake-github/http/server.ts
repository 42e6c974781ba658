import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Activity } from "../activity.js";
import { HttpError, notFound } from "../errors.js";
import type { Repository } from "../model/repository.js";
import type { RequestValidator } from "../openapi/validator.js";
import { installationCovers, type State } from "../state.js";
import { runWithGate } from "../webhooks/gate.js";
import { authenticate } from "./auth.js";
import type { FaultRule, Faults } from "./faults.js";
import { requirePermission } from "./permissions.js";
import type { RateLimits, RateResource } from "./rate-limit.js";
import type { RequestLog } from "./request-log.js";
import type { Caller, RawContext, RawResult, RouteDefinition } from "./route.js";
import { findGithubOperation, type Router } from "./router.js";

/**
 * The request pipeline, in GitHub's order: route → fault → authenticate → rate limit → repository
 * (404) → permission (403) → OpenAPI validation (422) → handler → ETag/304 → latency → answer.
 * Webhooks the handler causes are released once the answer has been sent.
 */

export interface Pipeline {
  readonly state: State;
  readonly router: Router;
  readonly validator: RequestValidator;
  readonly faults: Faults;
  readonly rateLimits: RateLimits;
  readonly log: RequestLog;
  readonly activity: Activity;
  readonly latencyMs: () => number;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
}

const JSON_TYPE = "application/json; charset=utf-8";

export async function handle(pipeline: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", pipeline.state.urls.api);
  const done = pipeline.activity.begin(`request ${method} ${url.pathname}`);
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  try {
    const raw = await readBody(req);
    if (raw === undefined) return;
    const match = pipeline.router.match(method, url.pathname);
    const routeKey = match?.route.key ?? `${method} ${url.pathname}`;
    const fault = match === undefined ? undefined : pipeline.faults.pick(routeKey, method, url.pathname);
    if (fault?.kind === "drop-connection") {
      req.socket.destroy();
      log(pipeline, {
        method,
        routeKey,
        url,
        status: 0,
        installationId: undefined,
        started,
        fault: fault.kind,
        operation: undefined,
      });
      return;
    }
    const outcome = await runWithGate(gate, () => answer(pipeline, req, url, raw, match, fault));
    await delay(pipeline.latencyMs());
    res.writeHead(outcome.answer.status, outcome.answer.headers);
    res.end(outcome.answer.body);
    log(pipeline, {
      method,
      routeKey,
      url,
      status: outcome.answer.status,
      installationId: outcome.installationId,
      started,
      fault: fault?.kind,
      operation: routeKey === "POST /graphql" ? graphqlOperation(raw) : undefined,
    });
  } finally {
    release();
    done();
  }
}

/** The request body, or undefined when the client went away before sending it all. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks);
}

/** The operation's name (`query StagecoachHead(…)` → `StagecoachHead`), for the request log. */
function graphqlOperation(raw: Buffer): string | undefined {
  try {
    const body = JSON.parse(raw.toString("utf8")) as { operationName?: unknown; query?: unknown };
    if (typeof body.operationName === "string") return body.operationName;
    if (typeof body.query !== "string") return undefined;
    return /^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/u.exec(body.query)?.[1];
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function log(
  pipeline: Pipeline,
  entry: {
    method: string;
    routeKey: string;
    url: URL;
    status: number;
    installationId: number | undefined;
    started: number;
    fault: string | undefined;
    operation: string | undefined;
  },
): void {
  pipeline.log.add({
    method: entry.method,
    route: entry.routeKey,
    path: `${entry.url.pathname}${entry.url.search}`,
    status: entry.status,
    installationId: entry.installationId,
    ms: performance.now() - entry.started,
    fault: entry.fault,
    operation: entry.operation,
  });
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

function errorAnswer(error: HttpError, headers: Record<string, string> = {}): Answer {
  return jsonAnswer(error.status, error.body(), { ...error.headers, ...headers });
}

async function answer(
  pipeline: Pipeline,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  match: ReturnType<Router["match"]>,
  fault: FaultRule | undefined,
): Promise<{ answer: Answer; installationId: number | undefined }> {
  const { state } = pipeline;
  const method = req.method ?? "GET";
  const request = `${method} ${url.pathname}`;
  if (match === undefined) {
    const github = findGithubOperation(pipeline.validator.subset.githubOperations, method, url.pathname);
    state.violations.record({
      kind: "unimplemented-route",
      request,
      message:
        github === undefined
          ? "GitHub has no such endpoint"
          : `GitHub has ${github}, but the fake does not implement it yet`,
    });
    return { answer: errorAnswer(notFound()), installationId: undefined };
  }
  if (fault !== undefined) return { answer: faultAnswer(fault, match.route), installationId: undefined };

  let caller: Caller;
  try {
    caller = authenticate(state, req.headers);
  } catch (error) {
    if (error instanceof HttpError) return { answer: errorAnswer(error), installationId: undefined };
    throw error;
  }
  const installationId = caller.kind === "installation" ? caller.installation.id : undefined;
  const resource: RateResource = match.route.template === "/graphql" ? "graphql" : "core";
  const rateKey = `${caller.kind}:${installationId ?? caller.app.id}:${resource}`;
  if (pipeline.rateLimits.exhausted(rateKey)) {
    const error = new HttpError(
      403,
      `API rate limit exceeded for installation ID ${installationId ?? caller.app.id}.`,
    );
    return { answer: errorAnswer(error, pipeline.rateLimits.headers(rateKey, resource)), installationId };
  }
  let result: Answer;
  try {
    result = await runRoute(pipeline, match.route, match.params, caller, req, url, raw);
  } catch (error) {
    result = error instanceof HttpError ? errorAnswer(error) : crashAnswer(state, request, error);
  }
  result = conditional(req, method, result);
  if (result.status !== 304) pipeline.rateLimits.count(rateKey);
  return {
    answer: {
      ...result,
      headers: {
        ...result.headers,
        ...pipeline.rateLimits.headers(rateKey, resource),
        "x-github-request-id": requestId(),
      },
    },
    installationId,
  };
}

function requestId(): string {
  return createHash("sha1").update(String(Math.random())).digest("hex").slice(0, 16).toUpperCase();
}

function crashAnswer(state: State, request: string, error: unknown): Answer {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  state.violations.record({ kind: "internal-error", request, message });
  return jsonAnswer(500, { message: "The fake GitHub failed to answer this request", detail: message });
}

const SECONDARY_RATE_LIMIT =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE:0000.";

function faultAnswer(fault: FaultRule, route: RouteDefinition): Answer {
  switch (fault.kind) {
    case "server-error": {
      const status = fault.status ?? 502;
      return jsonAnswer(status, { message: status === 502 ? "Server Error" : "Service Unavailable" });
    }
    case "secondary-rate-limit":
      return errorAnswer(
        new HttpError(403, SECONDARY_RATE_LIMIT, {
          documentationUrl:
            "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        }),
        { "retry-after": "1" },
      );
    case "ref-conflict":
      if (route.template.endsWith("/merge"))
        return errorAnswer(new HttpError(405, "Base branch was modified. Review and try the merge again."));
      if (route.method === "post") return errorAnswer(new HttpError(422, "Reference already exists"));
      return errorAnswer(new HttpError(422, "Update is not a fast forward"));
    case "drop-connection":
      return jsonAnswer(500, { message: "connection dropped" });
  }
}

function conditional(req: IncomingMessage, method: string, result: Answer): Answer {
  if (method !== "GET" || result.status !== 200 || result.body === undefined) return result;
  const etag = `W/"${createHash("sha1").update(result.body).digest("hex")}"`;
  const headers = { ...result.headers, etag, "cache-control": "private, max-age=60, s-maxage=60" };
  const ifNoneMatch = req.headers["if-none-match"];
  if (
    ifNoneMatch !== undefined &&
    ifNoneMatch.split(/\s*,\s*/).some((tag) => tag === etag || tag === etag.slice(2))
  ) {
    return { status: 304, headers: { etag, "cache-control": headers["cache-control"] }, body: undefined };
  }
  return { ...result, headers };
}

async function runRoute(
  pipeline: Pipeline,
  route: RouteDefinition,
  rawParams: Record<string, string>,
  caller: Caller,
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
): Promise<Answer> {
  const { state } = pipeline;
  const request = `${route.key} (${req.method ?? "GET"} ${url.pathname})`;
  checkCredentialKind(state, route, caller, request);
  const repo = resolveRepo(state, rawParams, caller);
  requirePermission(state, caller, request, route.options.permissions);
  const body = parseBody(raw);
  const query = Object.fromEntries(url.searchParams);
  let params: Readonly<Record<string, unknown>> = rawParams;
  let validatedQuery: Readonly<Record<string, unknown>> = query;
  if (route.openapi) {
    const validated = pipeline.validator.validate(route.key, { params: rawParams, query, body });
    for (const name of validated.unknownQuery) {
      state.violations.record({
        kind: "unknown-query-parameter",
        request,
        message: `GitHub ignores the query parameter "${name}" here`,
      });
    }
    const [problem] = validated.problems;
    if (problem !== undefined) {
      state.violations.record({
        kind: "invalid-request",
        request,
        message: `${problem.part}: ${problem.message}`,
      });
      if (problem.part === "path") throw notFound();
      throw new HttpError(422, `Invalid request.\n\n${problem.message}`);
    }
    params = validated.params;
    validatedQuery = validated.query;
  }
  const context: RawContext = {
    params,
    query: validatedQuery,
    body,
    state,
    caller,
    actor: caller.actor,
    get repo(): Repository {
      if (repo === undefined) throw new Error(`${route.key} has no {owner}/{repo}`);
      return repo;
    },
    accept: (req.headers.accept ?? "").toLowerCase(),
    url,
  };
  return toAnswer(await route.handle(context));
}

function checkCredentialKind(state: State, route: RouteDefinition, caller: Caller, request: string): void {
  const wanted = route.options.auth ?? "installation";
  if (wanted === caller.kind) return;
  state.violations.record({
    kind: "wrong-credentials",
    request,
    message: `needs ${wanted === "app" ? "the app's JWT" : "an installation token"}`,
  });
  if (wanted === "app") throw new HttpError(401, "A JSON web token could not be decoded");
  throw new HttpError(403, "Resource not accessible by integration");
}

/** `{owner}/{repo}` must exist and be visible to the installation (and token), else 404 like GitHub. */
function resolveRepo(state: State, params: Record<string, string>, caller: Caller): Repository | undefined {
  const { owner, repo: name } = params;
  if (owner === undefined || name === undefined) return undefined;
  const repo = state.repo(owner, name);
  if (repo === undefined) throw notFound();
  if (caller.kind === "installation") {
    const visible =
      installationCovers(caller.installation, repo) && (caller.token.repositoryIds?.has(repo.id) ?? true);
    if (!visible) throw notFound();
  }
  return repo;
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, "Problems parsing JSON", {}, error);
  }
}

function toAnswer(result: RawResult): Answer {
  if ("raw" in result)
    return {
      status: result.status,
      headers: { "content-type": result.contentType, ...result.headers },
      body: result.raw,
    };
  if (result.body === undefined)
    return { status: result.status, headers: { ...result.headers }, body: undefined };
  return jsonAnswer(result.status, result.body, { ...result.headers });
}
