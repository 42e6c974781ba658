import { createSign } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeGitHub, type AppCredentials, type FakeGitHubOptions } from "../../fake-github/index.js";

/** A small world most tests start from: org `acme`, people, repo `acme/config`, the app installed. */

export const REPO = "acme/config";

export interface World {
  readonly fake: FakeGitHub;
  readonly app: AppCredentials;
  readonly installationId: number;
}

export const ALL_EVENTS = [
  "pull_request",
  "pull_request_review",
  "issue_comment",
  "issues",
  "check_run",
  "check_suite",
  "status",
  "push",
  "create",
  "delete",
  "package",
  "registry_package",
  "repository_dispatch",
];

export async function startWorld(
  options: FakeGitHubOptions & {
    permissions?: Readonly<Record<string, "read" | "write" | "admin">>;
    events?: readonly string[];
    files?: Readonly<Record<string, string>>;
  } = {},
): Promise<World> {
  const fake = await FakeGitHub.start(options);
  fake.org("acme");
  fake.user("alice", { name: "Alice", email: "alice@example.com" });
  fake.user("bob", { name: "Bob", email: "bob@example.com" });
  fake.repo({
    name: REPO,
    files: options.files ?? {
      "README.md": "# config\n",
      "envs/dev/app.yaml": "image: ghcr.io/acme/api:1.0.0\n",
    },
    collaborators: { alice: "admin", bob: "write" },
  });
  const app = fake.app({
    slug: "stagecoach",
    permissions: options.permissions ?? {
      contents: "write",
      pull_requests: "write",
      issues: "write",
      checks: "write",
      statuses: "read",
      members: "read",
      metadata: "read",
    },
    events: options.events ?? ALL_EVENTS,
    ...(sharedKey === undefined ? {} : { privateKey: sharedKey }),
  });
  sharedKey = app.privateKey;
  const installationId = fake.install(app, { account: "acme" });
  return { fake, app, installationId };
}

/** One RSA key per test process: generating one per app costs ~100 ms. */
let sharedKey: string | undefined;

export function appJwt(
  app: AppCredentials,
  claims: { iat?: number; exp?: number; iss?: number | string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat: now - 30, exp: now + 540, iss: app.id, ...claims })}`;
  const signature = createSign("RSA-SHA256").update(body).sign(app.privateKey).toString("base64url");
  return `${body}.${signature}`;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  readonly text: string;
}

export async function api(
  fake: FakeGitHub,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      accept: "application/vnd.github+json",
      ...(options.token === undefined ? {} : { authorization: `token ${options.token}` }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** An installation token obtained the way the app does it: JWT → POST /access_tokens. */
export async function installationToken(world: World): Promise<string> {
  const response = await api(world.fake, "POST", `/app/installations/${world.installationId}/access_tokens`, {
    headers: { authorization: `Bearer ${appJwt(world.app)}` },
  });
  const body = response.json as { token?: unknown };
  if (response.status !== 201 || typeof body.token !== "string")
    throw new Error(`no token: ${response.status} ${response.text}`);
  return body.token;
}

export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver that records what it gets and answers `status`. */
export async function receiver(
  status = 200,
): Promise<{ url: string; received: ReceivedWebhook[]; close: () => Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

export function events(received: readonly ReceivedWebhook[]): string[] {
  return received.map((hook) => {
    const action = field(JSON.parse(hook.body), "action");
    const name = String(hook.headers["x-github-event"]);
    return typeof action === "string" ? `${name}.${action}` : name;
  });
}

export async function graphql(
  fake: FakeGitHub,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<ApiResponse> {
  return api(fake, "POST", "/graphql", { token, body: { query, variables } });
}
