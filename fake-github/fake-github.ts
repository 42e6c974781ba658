import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Activity } from "./activity.js";
import { Actor } from "./control/actor.js";
import {
  addInstallationRepositories,
  appOptionsFromManifest,
  createAccount,
  createApp,
  createInstallation,
  createRepo,
  createTeam,
  protection,
  type AccountOptions,
  type AppOptions,
  type InstallOptions,
  type ProtectionOptions,
  type RepoOptions,
} from "./control/setup.js";
import { resolveCommit } from "./domain/resolve.js";
import { addTeamMember, removeTeamMember } from "./domain/teams.js";
import { log } from "./git/history.js";
import { lookupPath, walkTree } from "./git/trees.js";
import { Faults } from "./http/faults.js";
import { RateLimits } from "./http/rate-limit.js";
import { RequestLog } from "./http/request-log.js";
import { Router } from "./http/router.js";
import { handle } from "./http/server.js";
import { loginKey, type Account, type RepoRole, type Team, type TeamRole } from "./model/accounts.js";
import type { App, DeliveryMode } from "./model/apps.js";
import { RequestValidator } from "./openapi/validator.js";
import { renderCheckRun, renderCombinedStatus } from "./render/checks.js";
import { renderCommit, requireCommit } from "./render/git.js";
import { renderComment, renderIssue, renderLabel, renderReaction, renderReview } from "./render/issues.js";
import { renderPull } from "./render/pulls.js";
import type { Schema } from "./render/schemas.js";
import { allRoutes } from "./routes/index.js";
import { State } from "./state.js";
import { Urls } from "./urls.js";
import { Violations, type ViolationKind } from "./violations.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";

/**
 * An in-process GitHub on loopback: REST + GraphQL with real git objects, signed webhooks, GitHub
 * App auth and permissions, request checks against GitHub's OpenAPI description, a request log,
 * latency and seeded faults. Tests set the world up, act as people with `as(login)`, `settle()`,
 * then assert on state.
 */

export interface FakeGitHubOptions {
  /** Fail `close()` when violations were recorded (default true). */
  readonly strict?: boolean;
  /** Seed for fault injection (default 1). */
  readonly seed?: number;
  /** Added to every API response (default 0). */
  readonly latencyMs?: number;
  /** Web links (`html_url`); default `https://github.com`. */
  readonly htmlUrl?: string;
  /** Default 10 s. */
  readonly settleTimeoutMs?: number;
  /** Primary rate limit per installation and hour (default 5000). */
  readonly rateLimit?: number;
}

/** What a test needs to run the app against the fake. */
export interface AppCredentials {
  readonly id: number;
  readonly slug: string;
  readonly clientId: string;
  readonly privateKey: string;
  readonly webhookSecret: string;
  readonly botLogin: string;
}

function credentials(app: App): AppCredentials {
  return {
    id: app.id,
    slug: app.slug,
    clientId: app.clientId,
    privateKey: app.privateKey,
    webhookSecret: app.webhookSecret,
    botLogin: app.bot.login,
  };
}

export class FakeGitHub {
  readonly url: string;
  readonly state: State;
  readonly violations: Violations;
  readonly requests: RequestLog;
  readonly faults: Faults;
  readonly webhooks: WebhookDispatcher;
  readonly #server: Server;
  readonly #activity: Activity;
  readonly #rateLimits: RateLimits;
  readonly #options: FakeGitHubOptions;
  #latencyMs: number;

  private constructor(server: Server, url: string, options: FakeGitHubOptions) {
    this.#server = server;
    this.url = url;
    this.#options = options;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#activity = new Activity();
    this.#rateLimits = new RateLimits(options.rateLimit);
    this.violations = new Violations();
    this.requests = new RequestLog();
    this.faults = new Faults(options.seed ?? 1);
    this.webhooks = new WebhookDispatcher(this.#activity, this.violations);
    this.state = new State(
      new Urls(url, options.htmlUrl ?? "https://github.com"),
      this.violations,
      (event) => {
        this.webhooks.dispatch(event);
      },
    );
    this.webhooks.attach(this.state);
  }

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const server = createServer();
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, options);
    const validator = new RequestValidator();
    const multiSegment = (key: string, name: string): boolean =>
      validator.operation(key)?.parameters.some((p) => p.name === name && p.multiSegment) ?? false;
    const pipeline = {
      state: fake.state,
      router: new Router(allRoutes, multiSegment),
      validator,
      faults: fake.faults,
      rateLimits: fake.#rateLimits,
      log: fake.requests,
      activity: fake.#activity,
      latencyMs: () => fake.#latencyMs,
    };
    server.on("request", (req, res) => {
      handle(pipeline, req, res).catch((error: unknown) => {
        fake.violations.record({
          kind: "internal-error",
          request: `${req.method ?? "?"} ${req.url ?? "?"}`,
          message: String(error),
        });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    return fake;
  }

  // ── setup ────────────────────────────────────────────────────────────────────────────────

  /** A person (`type: "User"`, the default) or a bot account without an app (`type: "Bot"`). */
  user(login: string, options: AccountOptions & { type?: "User" | "Bot" } = {}): Account {
    return createAccount(this.state, login, options.type ?? "User", options);
  }

  org(login: string, options: { members?: readonly string[] } = {}): Account {
    const org = createAccount(this.state, login, "Organization");
    for (const member of options.members ?? []) {
      if (this.state.account(member) === undefined) this.user(member);
    }
    return org;
  }

  /** A team `org/slug` with members (created as users when missing). */
  team(
    org: string,
    slug: string,
    members: { members?: readonly string[]; maintainers?: readonly string[] } = {},
  ): void {
    for (const login of [...(members.members ?? []), ...(members.maintainers ?? [])]) {
      if (this.state.account(login) === undefined) this.user(login);
    }
    createTeam(this.state, org, slug, members);
  }

  /** Creates a repository (`name: "owner/repo"`) with initial files on its default branch. */
  repo(options: RepoOptions): string {
    const [owner] = options.name.split("/");
    if (owner !== undefined && this.state.account(owner) === undefined) this.user(owner);
    const repo = createRepo(this.state, options);
    return `${repo.owner.login}/${repo.name}`;
  }

  /** Adds someone to a team `org/slug` (sends `membership.added`, as an org owner's change would). */
  addTeamMember(org: string, slug: string, login: string, role: TeamRole = "member"): void {
    const team = this.#team(org, slug);
    addTeamMember(this.state, team, this.state.requireAccount(login), role, team.org);
  }

  /** Removes someone from a team `org/slug` (sends `membership.removed`). */
  removeTeamMember(org: string, slug: string, login: string): void {
    const team = this.#team(org, slug);
    removeTeamMember(this.state, team, this.state.requireAccount(login), team.org);
  }

  setCollaborator(repo: string, login: string, role: RepoRole | undefined): void {
    const found = this.state.requireRepo(repo);
    if (role === undefined) found.collaborators.delete(loginKey(login));
    else found.collaborators.set(loginKey(this.state.requireAccount(login).login), role);
  }

  protectBranch(repo: string, branch: string, rules: ProtectionOptions): void {
    this.state.requireRepo(repo).protections.set(branch, protection(rules));
  }

  unprotectBranch(repo: string, branch: string): void {
    this.state.requireRepo(repo).protections.delete(branch);
  }

  /** Registers a GitHub App (generating its RSA key and webhook secret). */
  app(options: AppOptions): AppCredentials {
    return credentials(createApp(this.state, options));
  }

  /** Registers a GitHub App from its `app.yml` manifest (`default_permissions`, `default_events`). */
  appFromManifest(manifestYaml: string, options: { slug: string } & Partial<AppOptions>): AppCredentials {
    return credentials(
      createApp(this.state, { ...appOptionsFromManifest(manifestYaml, options.slug), ...options }),
    );
  }

  /** Installs an app on an account; returns the installation id. */
  install(app: AppCredentials | number, options: InstallOptions): number {
    return createInstallation(this.state, this.#app(app), options).id;
  }

  /** Adds repositories to a `selected` installation (sends `installation_repositories.added`). */
  addToInstallation(installationId: number, repos: readonly string[]): void {
    const installation = this.state.installations.get(installationId);
    if (installation === undefined) throw new Error(`no installation ${installationId}`);
    const resolved = repos.map((name) => this.state.requireRepo(name));
    addInstallationRepositories(this.state, installation, resolved, installation.account);
  }

  /** Where the app's webhooks go: one URL, or several (`round-robin` or `broadcast` to every replica). */
  setWebhookTarget(
    app: AppCredentials | number,
    urls: string | readonly string[],
    mode: DeliveryMode = "round-robin",
  ): void {
    this.#app(app).webhook = { urls: typeof urls === "string" ? [urls] : [...urls], mode };
  }

  /** Acts as a person or an app's bot (`ci[bot]`). */
  as(login: string): Actor {
    return new Actor(this.state, this.state.requireAccount(login));
  }

  /** Moves the data clock (commit dates, merged_at…) forward. */
  advanceClock(ms: number): void {
    this.state.clock.advance(ms);
  }

  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /** Forgets every installation token: the next API call gets 401 and must re-authenticate. */
  revokeTokens(): void {
    this.state.tokens.clear();
  }

  // ── inspection (REST shapes, exactly as the API returns them) ────────────────────────────

  /** A file's text at a ref (default branch), or undefined. */
  readFile(repo: string, path: string, ref?: string): string | undefined {
    const found = this.state.requireRepo(repo);
    const sha = resolveCommit(found, ref ?? found.defaultBranch);
    if (sha === undefined) return undefined;
    const entry = lookupPath(found.objects, requireCommit(found, sha).tree, path);
    if (entry === undefined || entry.mode === "040000") return undefined;
    return found.objects.blob(entry.sha)?.toString("utf8");
  }

  /** Every file at a ref (default branch) as path → text: a checkout, for demos and assertions. */
  files(repo: string, ref?: string): Map<string, string> {
    const found = this.state.requireRepo(repo);
    const sha = resolveCommit(found, ref ?? found.defaultBranch);
    const files = new Map<string, string>();
    if (sha === undefined) return files;
    for (const entry of walkTree(found.objects, requireCommit(found, sha).tree)) {
      if (entry.mode === "040000") continue;
      const blob = found.objects.blob(entry.sha);
      if (blob !== undefined) files.set(entry.path, blob.toString("utf8"));
    }
    return files;
  }

  /** The SHA a branch, tag or SHA resolves to. */
  sha(repo: string, ref: string): string | undefined {
    return resolveCommit(this.state.requireRepo(repo), ref);
  }

  branches(repo: string): string[] {
    return [...this.state.requireRepo(repo).refs.keys()]
      .filter((name) => name.startsWith("refs/heads/"))
      .map((name) => name.slice(11));
  }

  pull(repo: string, number: number): Schema<"pull-request"> {
    const found = this.state.requireRepo(repo);
    const issue = found.issues.get(number);
    if (issue?.pull === undefined) throw new Error(`${repo}#${number} is not a pull request`);
    return renderPull(this.state, found, issue, issue.pull);
  }

  pulls(repo: string, filter: { state?: "open" | "closed" | "all" } = {}): Schema<"pull-request">[] {
    const found = this.state.requireRepo(repo);
    return [...found.issues.values()]
      .filter(
        (issue) =>
          issue.pull !== undefined &&
          (filter.state === undefined || filter.state === "all" || issue.state === filter.state),
      )
      .map((issue) => this.pull(repo, issue.number));
  }

  issue(repo: string, number: number): Schema<"issue"> {
    const found = this.state.requireRepo(repo);
    const issue = found.issues.get(number);
    if (issue === undefined) throw new Error(`no issue ${repo}#${number}`);
    return renderIssue(this.state, found, issue);
  }

  comments(repo: string, number: number): Schema<"issue-comment">[] {
    const found = this.state.requireRepo(repo);
    return [...found.comments.values()]
      .filter((c) => c.issueNumber === number)
      .map((c) => renderComment(this.state, found, c));
  }

  labels(repo: string, number?: number): Schema<"label">[] {
    const found = this.state.requireRepo(repo);
    const labels =
      number === undefined
        ? [...found.labels.values()]
        : (found.issues.get(number)?.labels ?? []).flatMap((key) => found.labels.get(key) ?? []);
    return labels.map((label) => renderLabel(this.state, found, label));
  }

  reactions(repo: string, commentId: number): Schema<"reaction">[] {
    const found = this.state.requireRepo(repo);
    return found.reactions
      .filter((r) => r.subject.kind === "issue_comment" && r.subject.id === commentId)
      .map((r) => renderReaction(this.state, r));
  }

  reviews(repo: string, number: number): Schema<"pull-request-review">[] {
    const found = this.state.requireRepo(repo);
    return [...found.reviews.values()]
      .filter((r) => r.pullNumber === number)
      .map((r) => renderReview(this.state, found, r));
  }

  checkRuns(repo: string, ref: string): Schema<"check-run">[] {
    const found = this.state.requireRepo(repo);
    const sha = resolveCommit(found, ref);
    return [...found.checkRuns.values()]
      .filter((run) => run.headSha === sha)
      .map((run) => renderCheckRun(this.state, found, run));
  }

  combinedStatus(repo: string, ref: string): Schema<"combined-commit-status"> {
    const found = this.state.requireRepo(repo);
    const sha = resolveCommit(found, ref);
    if (sha === undefined) throw new Error(`no commit ${ref}`);
    return renderCombinedStatus(this.state, found, sha);
  }

  /** Commits reachable from `ref`, newest first, optionally touching `path`. */
  commits(repo: string, ref: string, options: { path?: string } = {}): Schema<"commit">[] {
    const found = this.state.requireRepo(repo);
    const sha = resolveCommit(found, ref);
    if (sha === undefined) return [];
    return log(found.objects, sha, options).map((commit) => renderCommit(this.state, found, commit));
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Resolves when no webhook is queued or in flight and no API request is being answered. */
  async settle(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.#activity.settle(options.timeoutMs ?? this.#options.settleTimeoutMs ?? 10_000);
  }

  assertNoViolations(options: { allow?: readonly ViolationKind[] } = {}): void {
    this.violations.assertNone(options);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      this.#server.close((error) => {
        if (error === undefined) resolve();
        else reject(error);
      });
    });
    if (this.#options.strict ?? true) this.assertNoViolations();
  }

  #team(org: string, slug: string): Team {
    const team = this.state.team(org, slug);
    if (team === undefined) throw new Error(`no team ${org}/${slug}`);
    return team;
  }

  #app(app: AppCredentials | number): App {
    const id = typeof app === "number" ? app : app.id;
    const found = this.state.apps.get(id);
    if (found === undefined) throw new Error(`no app ${id}`);
    return found;
  }
}
