import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { signature256, verifySignature256 } from "../../fake-github/index.js";
import { api, field, installationToken, receiver, REPO, startWorld, type World } from "./helpers.js";

/** Webhooks: signed like GitHub's, only what was subscribed, shaped like GitHub's own examples. */

let world: World;
let hooks: Awaited<ReturnType<typeof receiver>>[];

beforeEach(async () => {
  world = await startWorld();
  hooks = [await receiver(), await receiver()];
});

afterEach(async () => {
  await world.fake.settle();
  await Promise.all(hooks.map((hook) => hook.close()));
  await world.fake.close();
});

const first = (): Awaited<ReturnType<typeof receiver>> =>
  hooks[0] ??
  (() => {
    throw new Error("no receiver");
  })();
const second = (): Awaited<ReturnType<typeof receiver>> =>
  hooks[1] ??
  (() => {
    throw new Error("no receiver");
  })();

function parsed(hook: Awaited<ReturnType<typeof receiver>>): unknown[] {
  return hook.received.map((h) => JSON.parse(h.body) as unknown);
}

describe("delivery", () => {
  test("each delivery is signed with the app's secret over the exact body, and a tampered body fails", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake.as("alice").openIssue(REPO, { title: "Hello" });
    await world.fake.settle();
    const [delivery] = first().received;
    if (delivery === undefined) throw new Error("nothing delivered");
    const signature = String(delivery.headers["x-hub-signature-256"]);
    expect(verifySignature256(world.app.webhookSecret, delivery.body, signature)).toBe(true);
    expect(
      verifySignature256(world.app.webhookSecret, delivery.body.replace("Hello", "Hellp"), signature),
    ).toBe(false);
    expect(verifySignature256("another secret", delivery.body, signature)).toBe(false);
    expect(signature).toBe(signature256(world.app.webhookSecret, delivery.body));
  });

  test("headers and envelope name the event, the delivery, the app, the installation and the sender", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake.as("alice").openIssue(REPO, { title: "Hello" });
    await world.fake.settle();
    const [delivery] = first().received;
    expect(delivery?.headers["x-github-event"]).toBe("issues");
    expect(String(delivery?.headers["x-github-delivery"])).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(delivery?.headers["x-github-hook-installation-target-id"]).toBe(String(world.app.id));
    expect(String(delivery?.headers["user-agent"])).toMatch(/^GitHub-Hookshot\//);
    const body = JSON.parse(delivery?.body ?? "{}") as unknown;
    expect([
      field(body, "action"),
      field(body, "installation", "id"),
      field(body, "repository", "full_name"),
      field(body, "organization", "login"),
      field(body, "sender", "login"),
    ]).toEqual(["opened", world.installationId, REPO, "acme", "alice"]);
  });

  test("only subscribed events are sent", async () => {
    await world.fake.close();
    world = await startWorld({ events: ["issues"] });
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake.as("alice").push(REPO, { branch: "main", files: { "x.txt": "x\n" } });
    world.fake.as("alice").openIssue(REPO, { title: "only this" });
    await world.fake.settle();
    expect(first().received.map((h) => h.headers["x-github-event"])).toEqual(["issues"]);
  });

  test("API-made changes are delivered after the API call returned, with the app as sender", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    const token = await installationToken(world);
    const issue = world.fake.as("alice").openIssue(REPO, { title: "Hello" });
    await api(world.fake, "POST", `/repos/${REPO}/issues/${issue}/comments`, {
      token,
      body: { body: "from the app" },
    });
    await world.fake.settle();
    const comment = parsed(first()).find((body) => field(body, "comment") !== undefined);
    expect([
      field(comment, "action"),
      field(comment, "sender", "login"),
      field(comment, "comment", "body"),
    ]).toEqual(["created", "stagecoach[bot]", "from the app"]);
  });

  test("broadcast sends every event to every replica with the same GUID", async () => {
    world.fake.setWebhookTarget(world.app, [first().url, second().url], "broadcast");
    world.fake.as("alice").openIssue(REPO, { title: "one" });
    world.fake.as("alice").openIssue(REPO, { title: "two" });
    await world.fake.settle();
    const guids = (hook: Awaited<ReturnType<typeof receiver>>): string[] =>
      hook.received.map((h) => String(h.headers["x-github-delivery"])).sort();
    expect(guids(first())).toHaveLength(2);
    expect(guids(first())).toEqual(guids(second()));
  });

  test("round-robin alternates between replicas", async () => {
    world.fake.setWebhookTarget(world.app, [first().url, second().url], "round-robin");
    for (const title of ["one", "two", "three", "four"]) world.fake.as("alice").openIssue(REPO, { title });
    await world.fake.settle();
    expect([first().received.length, second().received.length]).toEqual([2, 2]);
  });

  test("a redelivery resends the same body with the same GUID and is recorded as such", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake.as("alice").openIssue(REPO, { title: "again" });
    await world.fake.settle();
    const [original] = world.fake.webhooks.list();
    if (original === undefined) throw new Error("nothing delivered");
    world.fake.webhooks.redeliver(original.guid);
    await world.fake.settle();
    const [a, b] = first().received;
    expect([b?.body, b?.headers["x-github-delivery"]]).toEqual([a?.body, a?.headers["x-github-delivery"]]);
    expect(world.fake.webhooks.list().map((d) => [d.guid, d.redelivery, d.status])).toEqual([
      [original.guid, false, 200],
      [original.guid, true, 200],
    ]);
  });

  test("adding a repository to a selected installation sends installation_repositories.added", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake.repo({ name: "acme/extra", files: { a: "a" } });
    const selected = world.fake.install(world.app, { account: "alice", repositories: [] });
    world.fake.repo({ name: "alice/personal", files: { a: "a" } });
    world.fake.addToInstallation(selected, ["alice/personal"]);
    await world.fake.settle();
    const body = parsed(first())[0];
    expect([
      field(body, "action"),
      field(body, "installation", "id"),
      field(body, "repositories_added", 0, "full_name"),
    ]).toEqual(["added", selected, "alice/personal"]);
  });

  test("a CI app's check runs reach the app; a re-run request reaches only the run's own app", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    const ci = world.fake.app({
      slug: "ci",
      permissions: { checks: "write" },
      events: ["check_run"],
      webhook: { urls: [second().url] },
    });
    world.fake.install(ci, { account: "acme" });
    const runId = world.fake.as("ci[bot]").checkRun(REPO, "main", { name: "build", status: "in_progress" });
    world.fake.as("ci[bot]").completeCheckRun(REPO, runId, "success");
    world.fake.as("alice").rerequestCheckRun(REPO, runId);
    await world.fake.settle();
    const seen = (hook: Awaited<ReturnType<typeof receiver>>): string[] =>
      hook.received
        .filter((h) => h.headers["x-github-event"] === "check_run")
        .map((h) => String(field(JSON.parse(h.body), "action")));
    expect(seen(first()).sort()).toEqual(["completed", "created"]);
    expect(seen(second()).sort()).toEqual(["completed", "created", "rerequested"]);
  });

  test("a delivery the app answers with 500 is recorded as failed and as a violation", async () => {
    const failing = await receiver(500);
    hooks.push(failing);
    world.fake.setWebhookTarget(world.app, failing.url);
    world.fake.as("alice").openIssue(REPO, { title: "boom" });
    await world.fake.settle();
    expect(world.fake.webhooks.list().map((d) => d.status)).toEqual([500]);
    expect(world.fake.violations.list().map((v) => v.kind)).toEqual(["webhook-delivery-failed"]);
    world.fake.violations.clear();
  });
});

describe("payloads", () => {
  const require = createRequire(import.meta.url);
  const examples = JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-examples/api.github.com/index.json"), "utf8"),
  ) as {
    name: string;
    examples: Record<string, unknown>[];
  }[];
  const exampleKeys = (event: string, action: string | undefined, path: string[] = []): string[] => {
    const example = examples
      .find((e) => e.name === event)
      ?.examples.find((e) => action === undefined || e["action"] === action);
    const value = path.length === 0 ? example : field(example, ...path);
    return Object.keys(value ?? {}).filter(
      (key) => key !== "enterprise" && key !== "performed_via_github_app",
    );
  };

  test("every event the lifecycle sends has at least the keys of GitHub's example (and its main object's)", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    const alice = world.fake.as("alice");
    const head = alice.push(REPO, {
      branch: "bump",
      files: { "envs/dev/app.yaml": "image: ghcr.io/acme/api:1.1.0\n" },
    });
    const number = alice.openPull(REPO, { head: "bump", title: "Bump" });
    alice.addLabels(REPO, number, ["stagecoach"]);
    alice.comment(REPO, number, "/status");
    alice.push(REPO, { branch: "bump", files: { "envs/dev/other.yaml": "x\n" } });
    world.fake.as("bob").setStatus(REPO, head, { context: "ci", state: "success" });
    world.fake.as("bob").approve(REPO, number);
    alice.merge(REPO, number);
    await world.fake.settle();

    const checks: [string, string | undefined, string | undefined][] = [
      ["pull_request", "opened", "pull_request"],
      ["pull_request", "labeled", "pull_request"],
      ["pull_request", "synchronize", "pull_request"],
      ["pull_request", "closed", "pull_request"],
      ["issue_comment", "created", "comment"],
      ["pull_request_review", "submitted", "review"],
      ["push", undefined, undefined],
      ["status", undefined, undefined],
    ];
    for (const [event, action, object] of checks) {
      const sent = first().received.find(
        (h) =>
          h.headers["x-github-event"] === event &&
          (action === undefined || field(JSON.parse(h.body), "action") === action),
      );
      const body = JSON.parse(sent?.body ?? "{}") as unknown;
      expect(Object.keys(body ?? {}), `${event}.${action ?? ""}`).toEqual(
        expect.arrayContaining(exampleKeys(event, action)),
      );
      if (object !== undefined) {
        const keys = exampleKeys(event, action, [object]);
        expect(Object.keys(field(body, object) ?? {}), `${event}.${action ?? ""} ${object}`).toEqual(
          expect.arrayContaining(keys),
        );
      }
    }
  });

  test("a GHCR publish sends package and registry_package with the tag, digest and package URL", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    world.fake
      .as("alice")
      .publishContainer({ owner: "acme", name: "api", tag: "1.4.0", digest: "sha256:abc", repo: REPO });
    await world.fake.settle();
    const sent = Object.fromEntries(
      first().received.map((h) => [String(h.headers["x-github-event"]), JSON.parse(h.body) as unknown]),
    );
    const version = field(sent["package"], "package", "package_version");
    expect([
      field(sent["package"], "action"),
      field(sent["package"], "package", "package_type"),
      field(version, "container_metadata", "tag", "name"),
      field(version, "container_metadata", "tag", "digest"),
      field(version, "package_url"),
      field(sent["registry_package"], "registry_package", "package_version", "package_url"),
    ]).toEqual([
      "published",
      "CONTAINER",
      "1.4.0",
      "sha256:abc",
      "ghcr.io/acme/api:1.4.0",
      "ghcr.io/acme/api:1.4.0",
    ]);
    expect(Object.keys(sent["package"] ?? {})).toEqual(
      expect.arrayContaining(exampleKeys("package", "published")),
    );
  });

  test("repository_dispatch carries the event type as action and the client payload", async () => {
    world.fake.setWebhookTarget(world.app, first().url);
    const token = await installationToken(world);
    const sent = await api(world.fake, "POST", `/repos/${REPO}/dispatches`, {
      token,
      body: { event_type: "promote", client_payload: { env: "prod" } },
    });
    expect(sent.status).toBe(204);
    await world.fake.settle();
    const body = parsed(first())[0];
    expect([field(body, "action"), field(body, "branch"), field(body, "client_payload", "env")]).toEqual([
      "promote",
      "main",
      "prod",
    ]);
  });
});
