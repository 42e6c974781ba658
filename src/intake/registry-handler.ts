import type { IncomingMessage, ServerResponse } from "node:http";
import { BadInput } from "../core/errors.js";
import { hasValidCredential, needsBody } from "./auth.js";
import { RegistrySource, type ImagePublished, type IntakeResult, type Source } from "./event.js";
import { registryIntakes } from "./sources/index.js";

/**
 * `POST /stagecoach/registry/<source>`: image pushes from registries that are not GitHub. A plain Node
 * handler with the shape Probot 14's `addHandler` takes (`(req, res) => boolean | Promise<boolean>`, see
 * probot `lib/server/server.js`): it answers requests under its path and returns false for any other, so
 * the host server falls through to the next handler.
 *
 * 1. route: unknown source 404, not POST 405;
 * 2. authenticate with that source's own secret: none configured, or a missing/wrong credential, 401;
 * 3. read at most 1 MiB (413), parse JSON and the source's payload (400 with the reason);
 * 4. await `publish`, then 202 `{ accepted, ignored? }`; a failure to publish is a 500.
 */
export const REGISTRY_PATH = "/stagecoach/registry";
export const MAX_BODY_BYTES = 1024 * 1024;

export interface IntakeLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RegistryHandlerDeps {
  /** One secret per source; a source without one refuses every request. */
  readonly secrets: Partial<Record<Source, string>>;
  /** Hands the events on; awaited before the registry gets its 202. */
  readonly publish: (events: ImagePublished[]) => Promise<void>;
  readonly log?: IntakeLog;
}

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_ERROR_LENGTH = 500;
const silent: IntakeLog = { info: () => undefined, warn: () => undefined };

export function createRegistryHandler(deps: RegistryHandlerDeps): RegistryHandler {
  const log = deps.log ?? silent;

  const handle: RegistryHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stagecoach.invalid");
    if (url.pathname !== REGISTRY_PATH && !url.pathname.startsWith(`${REGISTRY_PATH}/`)) return false;
    const refuse = (refusal: Refusal): true => refused(res, log, refusal);

    // 1. Route.
    const route = RegistrySource.safeParse(url.pathname.slice(REGISTRY_PATH.length + 1).replace(/\/$/, ""));
    if (!route.success) {
      return refuse({
        status: 404,
        error: `unknown registry source; use one of ${RegistrySource.options.join(", ")}`,
      });
    }
    const source = route.data;
    if (req.method !== "POST") {
      return refuse({ status: 405, error: "use POST", source, headers: { allow: "POST" } });
    }

    // 2. Authenticate with this source's own secret (before reading the body where the form allows).
    const intake = registryIntakes[source];
    const secret = deps.secrets[source];
    const credentials = { headers: req.headers, query: url.searchParams };
    const unauthorized = (reason: string): Refusal => ({
      status: 401,
      error: "unauthorized",
      source,
      reason,
    });
    if (secret === undefined) return refuse(unauthorized("no secret is configured for this source"));
    if (!needsBody(intake.auth) && !hasValidCredential(intake.auth, secret, credentials)) {
      return refuse(unauthorized("missing or wrong credential"));
    }

    // 3. Read and parse.
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) {
      return refuse({ status: 413, error: `the body is larger than ${MAX_BODY_BYTES} bytes`, source });
    }
    if (needsBody(intake.auth) && !hasValidCredential(intake.auth, secret, { ...credentials, body })) {
      return refuse(unauthorized("missing or wrong signature"));
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse({ status: 400, error: "the body is not JSON", source });
    }
    let result: IntakeResult;
    try {
      result = intake.parse(json);
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      return refuse({ status: 400, error: error.message.slice(0, MAX_ERROR_LENGTH), source });
    }

    // 4. Publish, then answer.
    if ("ignored" in result) {
      log.info({ source, reason: result.ignored }, "registry event ignored");
      return respond(res, 202, { accepted: 0, ignored: result.ignored });
    }
    try {
      await deps.publish(result.events);
    } catch (error) {
      log.warn({ source, err: error }, "registry events could not be published");
      return respond(res, 500, { error: "internal error" });
    }
    log.info(
      { source, count: result.events.length, deliveryIds: result.events.map((event) => event.deliveryId) },
      "registry events accepted",
    );
    return respond(res, 202, { accepted: result.events.length });
  };

  return async (req, res) => {
    try {
      return await handle(req, res);
    } catch (error) {
      // A parser bug or a broken connection: loud in the log, generic to the sender.
      log.warn({ err: error }, "registry request failed");
      if (!res.headersSent) respond(res, 500, { error: "internal error" });
      else res.destroy();
      return true;
    }
  };
}

/** Reads the body, or gives up at `limit` bytes (declared or streamed) and returns undefined. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the 413 goes out with `Connection: close`, which drops the rest.
        req.off("data", onData);
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      resolve(Buffer.concat(chunks));
    });
    // A sender that hangs up mid-body makes the request emit "error" (ECONNRESET), never "end".
    req.once("error", reject);
  });
}

interface Refusal {
  readonly status: number;
  /** For the sender. */
  readonly error: string;
  readonly source?: RegistrySource;
  readonly headers?: Record<string, string>;
  /** For the log, when it says more than `error`. */
  readonly reason?: string;
}

function refused(res: ServerResponse, log: IntakeLog, refusal: Refusal): true {
  log.warn(
    { source: refusal.source, status: refusal.status, reason: refusal.reason ?? refusal.error },
    "registry request refused",
  );
  // The body may be unread; closing the connection keeps a stranger from streaming it into us.
  return respond(res, refusal.status, { error: refusal.error }, { ...refusal.headers, connection: "close" });
}

function respond(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): true {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
  return true;
}
