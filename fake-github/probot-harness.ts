import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import type { AppCredentials, FakeGitHub } from "./fake-github.js";

/**
 * Runs a Probot app for real against the fake: its own HTTP server on a free port, GitHub App auth
 * against `fake.url`, and the fake's webhooks pointed at it (`replicas > 1` starts several servers
 * that share the deliveries, round-robin or broadcast).
 */

export interface ProbotHarness {
  readonly urls: readonly string[];
  close(): Promise<void>;
}

export interface ProbotHarnessOptions {
  /** Keep Octokit's throttling (one second between writes) and retries on; off by default. */
  readonly throttle?: boolean;
  readonly replicas?: number;
  readonly mode?: "round-robin" | "broadcast";
  readonly logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
}

export async function serveProbotApp(
  fake: FakeGitHub,
  app: AppCredentials,
  appFn: ApplicationFunction,
  options: ProbotHarnessOptions = {},
): Promise<ProbotHarness> {
  const servers = await Promise.all(
    Array.from({ length: options.replicas ?? 1 }, () => startReplica(fake, app, appFn, options)),
  );
  const urls = servers.map(({ url }) => url);
  fake.setWebhookTarget(app, urls, options.mode ?? "round-robin");
  return {
    urls,
    close: async () => {
      await Promise.all(servers.map(({ close }) => close()));
    },
  };
}

async function startReplica(
  fake: FakeGitHub,
  app: AppCredentials,
  appFn: ApplicationFunction,
  options: ProbotHarnessOptions,
): Promise<{ url: string; close: () => Promise<void> }> {
  const throttle = options.throttle ?? false;
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKey,
    secret: app.webhookSecret,
    baseUrl: fake.url,
    logLevel: options.logLevel ?? "fatal",
    // Probot merges its own `throttle` options over object defaults, which would switch throttling
    // back on; the function form has the last word.
    Octokit: ProbotOctokit.defaults((octokitOptions: Record<string, unknown>) => {
      const current: unknown = octokitOptions["throttle"];
      return throttle
        ? octokitOptions
        : {
            ...octokitOptions,
            retry: { enabled: false },
            throttle: { ...(typeof current === "object" ? current : {}), enabled: false },
          };
    }),
  });
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${probot.webhookPath}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
