import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createNodeMiddleware, Probot } from "probot";
import { FakeGitHub, type AppCredentials, type FakeGitHubOptions } from "../fake-github/index.js";
import { createStagecoach } from "../src/app.js";
import { StagecoachOctokit } from "../src/octokit.js";
import type { Settings } from "../src/settings.js";
import { Activity } from "../src/usecases/activity.js";
import { TimerClock } from "../src/usecases/clock.js";

/**
 * Stagecoach for real (Probot's server, its webhooks and Octokit) against the fake GitHub: what the
 * end-to-end tests, `npm run demo` and `npm run bench` run. One org, a config repository, people and
 * teams, the app installed from `app.yml` with exactly the permissions it declares.
 */

export const CONFIG_REPO = "acme/config";
export const EXAMPLE_REPO = fileURLToPath(new URL("../examples/config-repo", import.meta.url));
const APP_MANIFEST = fileURLToPath(new URL("../app.yml", import.meta.url));

export interface Replica {
  readonly url: string;
  readonly probot: Probot;
  readonly activity: Activity;
  /** The replica's clock: the world's time, with this replica's gate timers on it. */
  readonly clock: TimerClock;
  close(): Promise<void>;
}

export interface WorldOptions extends FakeGitHubOptions {
  /** Files of the config repository; default: examples/config-repo. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra repositories the installation sees (e.g. image source repos). */
  readonly otherRepos?: readonly string[];
  /** How many app replicas run; with several, webhooks go `round-robin` or to all (`broadcast`). */
  readonly replicas?: number;
  readonly delivery?: "round-robin" | "broadcast";
  readonly settings?: Partial<Settings>;
  /**
   * Production Octokit: retries with real back-off and the throttling plugin's one write per second.
   * Off by default, so tests run fast; retries stay on with short back-off either way.
   */
  readonly production?: boolean;
  readonly logLevel?: string;
  readonly now?: () => number;
}

export interface World {
  readonly fake: FakeGitHub;
  readonly app: AppCredentials;
  readonly installationId: number;
  readonly repo: string;
  readonly replicas: readonly Replica[];
  /** Until the fake has nothing in flight and every replica is idle (Probot may answer 202 and go on). */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  /** The time both the fake's data and the app see (ms since the epoch). */
  now(): number;
  /**
   * Moves time forward for the fake's data (merged_at, commit dates) and every replica together, so
   * soak times pass; the replicas' due timers fire at once. Call `settle()` afterwards.
   */
  advanceClock(ms: number): void;
  /** Stops time at `instant` for the fake and every replica (it still moves with `advanceClock`). */
  setClock(instant: number | Date): void;
  /**
   * Stops replica `index` (default 0) after it is idle, with its in-memory state and timers, and
   * starts a fresh one in its place that receives its share of the webhooks.
   */
  restartReplica(index?: number): Promise<Replica>;
  close(): Promise<void>;
}

/** The files of a folder as path → text, for seeding a repository. */
export function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[relative(root, full).split(sep).join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(root);
  return files;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const fake = await FakeGitHub.start(options);
  for (const login of ["alice", "bob", "carol", "dave", "erin", "mallory"]) {
    fake.user(login, {
      name: `${login[0]?.toUpperCase() ?? ""}${login.slice(1)}`,
      email: `${login}@example.com`,
    });
  }
  fake.org("acme", { members: ["alice", "bob", "carol", "dave", "erin"] });
  fake.user("ci-bot", { type: "Bot" });
  fake.team("acme", "sre", { members: ["carol", "dave"] });
  fake.team("acme", "release-managers", { members: ["alice"] });
  fake.repo({
    name: CONFIG_REPO,
    files: options.files ?? readTree(EXAMPLE_REPO),
    collaborators: {
      alice: "admin",
      bob: "write",
      carol: "write",
      dave: "write",
      erin: "read",
      "ci-bot": "write",
    },
  });
  for (const name of options.otherRepos ?? ["acme/api"])
    fake.repo({ name, files: { "README.md": `# ${name}\n` } });
  const app = fake.appFromManifest(readFileSync(APP_MANIFEST, "utf8"), { slug: "stagecoach" });
  const installationId = fake.install(app, { account: "acme" });

  const settings: Settings = {
    coalesceMs: 50,
    indexTtlMs: 10 * 60 * 1000,
    registrySecrets: {},
    ...options.settings,
  };
  // One time for the fake's data and the app: real time (or `options.now`), stopped or moved by tests.
  let frozenAt: number | undefined;
  let offset = 0;
  const now = (): number => (frozenAt ?? options.now?.() ?? Date.now()) + offset;
  const replicas: Replica[] = [];
  for (let index = 0; index < (options.replicas ?? 1); index++) {
    replicas.push(await startReplica(fake, app, settings, options, now));
  }
  const pointWebhooks = (): void => {
    fake.setWebhookTarget(
      app,
      replicas.map((replica) => `${replica.url}/api/github/webhooks`),
      options.delivery ?? "round-robin",
    );
  };
  pointWebhooks();
  const settle = async (settleOptions: { timeoutMs?: number } = {}): Promise<void> => {
    for (;;) {
      await fake.settle(settleOptions);
      if (replicas.every((replica) => replica.activity.running === 0)) {
        await fake.settle(settleOptions);
        if (replicas.every((replica) => replica.activity.running === 0)) return;
      }
      await Promise.all(replicas.map((replica) => replica.activity.idle()));
    }
  };
  return {
    fake,
    app,
    installationId,
    repo: CONFIG_REPO,
    replicas,
    settle,
    now,
    advanceClock(ms: number) {
      fake.advanceClock(ms);
      offset += ms;
      for (const replica of replicas) replica.clock.wake();
    },
    setClock(instant: number | Date) {
      const at = typeof instant === "number" ? instant : instant.getTime();
      fake.state.clock.freeze(new Date(at));
      frozenAt = at;
      offset = 0;
      for (const replica of replicas) replica.clock.wake();
    },
    async restartReplica(index = 0) {
      const old = replicas[index];
      if (old === undefined) throw new Error(`no replica ${index}`);
      await settle();
      await old.close();
      const fresh = await startReplica(fake, app, settings, options, now);
      replicas[index] = fresh;
      pointWebhooks();
      return fresh;
    },
    async close() {
      await settle();
      for (const replica of replicas) await replica.close();
      await fake.close();
    },
  };
}

async function startReplica(
  fake: FakeGitHub,
  app: AppCredentials,
  settings: Settings,
  options: WorldOptions,
  now: () => number,
): Promise<Replica> {
  const production = options.production === true;
  const probot = new Probot({
    appId: app.id,
    privateKey: app.privateKey,
    secret: app.webhookSecret,
    baseUrl: fake.url,
    log: pino({ level: options.logLevel ?? process.env["STAGECOACH_TEST_LOG_LEVEL"] ?? "silent" }),
    // Probot merges its own throttle options over object defaults; the function form has the last word.
    Octokit: StagecoachOctokit.defaults((defaults: Record<string, unknown>) => {
      const throttle = typeof defaults["throttle"] === "object" ? defaults["throttle"] : {};
      // Tests keep every rule but wait milliseconds instead of seconds (the fake asks for retry-after: 1).
      return production
        ? { ...defaults, throttle: { ...throttle, retryAfterBaseValue: 50 } }
        : { ...defaults, retry: { retryAfterBaseValue: 5 }, throttle: { ...throttle, enabled: false } };
    }),
  });
  const activity = new Activity();
  const clock = new TimerClock(now);
  const middleware = await createNodeMiddleware(
    createStagecoach({
      ...settings,
      activity,
      clock,
      ...(options.now !== undefined && { now: options.now }),
    }),
    { probot },
  );
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    probot,
    activity,
    clock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clock.stop();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
