import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGitHub } from "../fake-github/index.js";
import type { Config } from "../src/config/schema.js";
import { deployedVersions } from "../src/core/versions.js";

/**
 * Prints what happened, in order, from the webhooks GitHub sent to an observer app subscribed to every
 * event: the demo's timeline is GitHub's own record, not what the demo hoped would happen.
 */
export class Timeline {
  readonly #fake: FakeGitHub;
  readonly #repo: string;
  readonly #observer: number;
  readonly #server: Server;
  readonly #started = Date.now();
  #seen = 0;

  private constructor(fake: FakeGitHub, repo: string, observer: number, server: Server) {
    this.#fake = fake;
    this.#repo = repo;
    this.#observer = observer;
    this.#server = server;
  }

  static async start(fake: FakeGitHub, repo: string): Promise<Timeline> {
    const server = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const observer = fake.app({
      slug: "timeline",
      permissions: {
        metadata: "read",
        contents: "read",
        pull_requests: "read",
        issues: "read",
        checks: "read",
        statuses: "read",
        packages: "read",
      },
      events: [
        "pull_request",
        "pull_request_review",
        "issue_comment",
        "check_run",
        "registry_package",
        "repository_dispatch",
      ],
    });
    fake.install(observer, { account: "acme" });
    fake.setWebhookTarget(observer, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return new Timeline(fake, repo, observer.id, server);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  #stamp(): string {
    return `${((Date.now() - this.#started) / 1000).toFixed(2).padStart(6)}s`;
  }

  step(text: string): void {
    console.log(`\n${this.#stamp()}  ▶ ${text}`);
  }

  note(text: string): void {
    console.log(`         ${text}`);
  }

  /** Prints the events GitHub recorded since the last call. */
  events(): void {
    const all = this.#fake.webhooks.list();
    const deliveries = all.slice(this.#seen).filter((delivery) => delivery.appId === this.#observer);
    this.#seen = all.length;
    const printed = new Set<string>();
    for (const delivery of deliveries) {
      if (delivery.redelivery) continue;
      const payload = JSON.parse(delivery.body) as {
        pull_request?: {
          number: number;
          title: string;
          merged?: boolean;
          head: { ref: string };
          merged_by?: { login: string } | null;
        };
        comment?: { body: string; user: { login: string } };
        issue?: { number: number };
        check_run?: { name: string; conclusion: string | null; output?: { title?: string | null } };
        sender?: { login: string };
      };
      const line = describe(delivery.event, delivery.action, payload);
      if (line === undefined || printed.has(line)) continue;
      printed.add(line);
      this.note(line);
      if (
        delivery.event === "pull_request" &&
        delivery.action === "opened" &&
        payload.pull_request !== undefined
      ) {
        this.#changes(payload.pull_request.number);
      }
    }
  }

  #changes(number: number): void {
    const pull = this.#fake.pull(this.#repo, number);
    const base = this.#fake.files(this.#repo, pull.base.sha);
    const head = this.#fake.files(this.#repo, pull.head.sha);
    for (const [path, text] of head) {
      const before = base.get(path);
      if (before === text) continue;
      const oldLines = (before ?? "").split("\n");
      text.split("\n").forEach((line, index) => {
        if (line !== oldLines[index])
          this.note(`    ${path}:${index + 1}  ${(oldLines[index] ?? "").trim()}  →  ${line.trim()}`);
      });
    }
  }

  versions(config: Config, ref = "main"): void {
    const files = this.#fake.files(this.#repo, ref);
    const apps = Object.keys(config.apps);
    const rows = Object.keys(config.environments).map((env) => {
      const deployed = deployedVersions(config, env, files);
      return [env, ...apps.map((app) => deployed[app]?.tag ?? "-")];
    });
    const table = [["env", ...apps], ...rows];
    const widths =
      table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length))) ?? [];
    for (const row of table)
      this.note(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("   "));
  }
}

function describe(
  event: string,
  action: string | undefined,
  payload: {
    pull_request?: {
      number: number;
      title: string;
      merged?: boolean;
      head: { ref: string };
      merged_by?: { login: string } | null;
    };
    comment?: { body: string; user: { login: string } };
    issue?: { number: number };
    check_run?: { name: string; conclusion: string | null; output?: { title?: string | null } };
    sender?: { login: string };
  },
): string | undefined {
  const pull = payload.pull_request;
  if (event === "pull_request" && pull !== undefined) {
    if (action === "opened")
      return `PR #${pull.number} opened by ${payload.sender?.login ?? "?"}: "${pull.title}"  [${pull.head.ref}]`;
    if (action === "closed")
      return pull.merged === true
        ? `PR #${pull.number} merged by ${pull.merged_by?.login ?? payload.sender?.login ?? "?"}`
        : `PR #${pull.number} closed`;
    if (action === "synchronize") return `PR #${pull.number} updated: "${pull.title}"`;
    return undefined;
  }
  if (event === "issue_comment" && action === "created" && payload.comment !== undefined) {
    const gist = commentGist(payload.comment.body);
    return `${payload.comment.user.login} commented on #${payload.issue?.number ?? "?"}: ${gist.length > 110 ? `${gist.slice(0, 110)}…` : gist}`;
  }
  if (event === "check_run" && action === "completed" && payload.check_run !== undefined) {
    return `check "${payload.check_run.name}": ${payload.check_run.conclusion ?? "?"} — ${payload.check_run.output?.title ?? ""}`;
  }
  if (event === "pull_request_review" && action === "submitted") {
    return `${payload.sender?.login ?? "?"} reviewed PR #${pull?.number ?? "?"}`;
  }
  return undefined;
}

/** A comment in one line: quotes and hidden markers left out, a bold title joined to its first line. */
function commentGist(body: string): string {
  const lines = body
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith(">") && !line.startsWith("<!--"));
  const [first = "", second] = lines;
  const plain = (line: string): string => line.replace(/^- /, "").replaceAll("**", "");
  return /^\*\*[^*]+\*\*$/.test(first) && second !== undefined
    ? `${plain(first)}: ${plain(second)}`
    : plain(first);
}
