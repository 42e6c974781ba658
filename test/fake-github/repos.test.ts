import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, events, field, installationToken, receiver, REPO, startWorld, type World } from "./helpers.js";

/** Repository reads (contents, commits, compare, branches) and the issue/check/status APIs. */

let world: World;
let token: string;
let firstBump: string;
let secondBump: string;
let hook: Awaited<ReturnType<typeof receiver>>;

const get = async (
  path: string,
  headers: Record<string, string> = {},
): Promise<Awaited<ReturnType<typeof api>>> =>
  api(world.fake, "GET", `/repos/${REPO}${path}`, { token, headers });

beforeAll(async () => {
  world = await startWorld({
    files: { "README.md": "# config\n", "envs/dev/app.yaml": "tag: 1\n", "envs/test/app.yaml": "tag: 1\n" },
  });
  world.fake.protectBranch(REPO, "main", {
    requiredChecks: ["ci", { context: "stagecoach/gate", appId: world.app.id }],
    requiredApprovals: 2,
    strict: true,
  });
  const alice = world.fake.as("alice");
  firstBump = alice.push(REPO, {
    branch: "bump",
    files: { "envs/dev/app.yaml": "tag: 2\n" },
    message: "dev to 2",
  });
  secondBump = alice.push(REPO, {
    branch: "bump",
    files: { "envs/dev/app.yaml": "tag: 3\n", "envs/dev/new.yaml": "n\n" },
    message: "dev to 3",
  });
  alice.push(REPO, { branch: "main", files: { "README.md": "# config!\n" }, message: "readme" });
  alice.openPull(REPO, { head: "bump", title: "Bump dev" });
  token = await installationToken(world);
  hook = await receiver();
  world.fake.setWebhookTarget(world.app, hook.url);
});

afterAll(async () => {
  await world.fake.settle();
  await hook.close();
  await world.fake.close();
});

describe("contents", () => {
  test("a file comes base64-encoded with its blob SHA, at the default branch or a given ref", async () => {
    const atMain = await get("/contents/envs/dev/app.yaml");
    const atFirst = await get(`/contents/envs/dev/app.yaml?ref=${firstBump}`);
    const decode = (json: unknown): string =>
      Buffer.from(String(field(json, "content")), "base64").toString("utf8");
    expect([decode(atMain.json), decode(atFirst.json), field(atFirst.json, "type")]).toEqual([
      "tag: 1\n",
      "tag: 2\n",
      "file",
    ]);
  });

  test("the raw media type returns the text itself; a directory is a listing; a missing path is 404", async () => {
    const raw = await get("/contents/envs/dev/app.yaml?ref=bump", {
      accept: "application/vnd.github.raw+json",
    });
    expect([raw.text, raw.headers.get("content-type")]).toEqual(["tag: 3\n", "text/plain; charset=utf-8"]);
    const dir = await get("/contents/envs/dev?ref=bump");
    expect((dir.json as { name: string; type: string }[]).map((e) => `${e.type} ${e.name}`)).toEqual([
      "file app.yaml",
      "file new.yaml",
    ]);
    expect((await get("/contents/envs/prod/app.yaml")).status).toBe(404);
  });
});

describe("commits and compare", () => {
  test("the commit list filtered by path is newest first", async () => {
    const listed = await get("/commits?sha=bump&path=envs/dev/app.yaml");
    expect((listed.json as { commit: { message: string } }[]).map((c) => c.commit.message)).toEqual([
      "dev to 3",
      "dev to 2",
      "Initial commit",
    ]);
  });

  test("a single commit lists its files with status and patch", async () => {
    const commit = await get(`/commits/${secondBump}`);
    expect(
      (field(commit.json, "files") as { filename: string; status: string; patch?: string }[]).map((f) => [
        f.filename,
        f.status,
        f.patch,
      ]),
    ).toEqual([
      ["envs/dev/app.yaml", "modified", "@@ -1 +1 @@\n-tag: 2\n+tag: 3"],
      ["envs/dev/new.yaml", "added", "@@ -0,0 +1 @@\n+n"],
    ]);
    expect(field(commit.json, "stats")).toEqual({ total: 3, additions: 2, deletions: 1 });
  });

  test("compare reports diverged branches with the merge base and the head's files", async () => {
    const compared = await get("/compare/main...bump");
    expect([
      field(compared.json, "status"),
      field(compared.json, "ahead_by"),
      field(compared.json, "behind_by"),
      field(compared.json, "merge_base_commit", "commit", "message"),
    ]).toEqual(["diverged", 2, 1, "Initial commit"]);
    expect((field(compared.json, "files") as { filename: string }[]).map((f) => f.filename)).toEqual([
      "envs/dev/app.yaml",
      "envs/dev/new.yaml",
    ]);
  });
});

describe("branches and rules", () => {
  test("a protected branch shows its required checks; the rules endpoint shows reviews and checks", async () => {
    const branch = await get("/branches/main");
    expect([
      field(branch.json, "protected"),
      field(branch.json, "protection", "required_status_checks", "contexts"),
    ]).toEqual([true, ["ci", "stagecoach/gate"]]);
    const rules = await get("/rules/branches/main");
    expect((rules.json as { type: string }[]).map((r) => r.type)).toEqual([
      "pull_request",
      "required_status_checks",
    ]);
    expect(field(rules.json, 0, "parameters", "required_approving_review_count")).toBe(2);
    expect(field(rules.json, 1, "parameters", "required_status_checks", 1)).toEqual({
      context: "stagecoach/gate",
      integration_id: world.app.id,
    });
    expect((await get("/branches/nope")).status).toBe(404);
  });
});

describe("pull requests", () => {
  test("the list filters by head and state; the PR shows files, commits and why it is blocked", async () => {
    expect(((await get("/pulls?head=acme:bump&state=open")).json as unknown[]).length).toBe(1);
    expect(((await get("/pulls?head=acme:other")).json as unknown[]).length).toBe(0);
    const pull = await get("/pulls/1");
    expect([
      field(pull.json, "mergeable"),
      field(pull.json, "mergeable_state"),
      field(pull.json, "commits"),
      field(pull.json, "changed_files"),
    ]).toEqual([true, "blocked", 2, 2]);
    expect(((await get("/pulls/1/files")).json as { filename: string }[]).map((f) => f.filename)).toEqual([
      "envs/dev/app.yaml",
      "envs/dev/new.yaml",
    ]);
    expect(
      ((await get("/pulls/1/commits")).json as { commit: { message: string } }[]).map(
        (c) => c.commit.message,
      ),
    ).toEqual(["dev to 2", "dev to 3"]);
  });

  test("labels are created on the fly, listed, and removing one that is not there is 404", async () => {
    const added = await api(world.fake, "POST", `/repos/${REPO}/issues/1/labels`, {
      token,
      body: { labels: ["stagecoach", "env:dev"] },
    });
    expect((added.json as { name: string; color: string }[]).map((l) => [l.name, l.color])).toEqual([
      ["stagecoach", "ededed"],
      ["env:dev", "ededed"],
    ]);
    expect(((await get("/labels")).json as { name: string }[]).map((l) => l.name)).toEqual([
      "stagecoach",
      "env:dev",
    ]);
    const removed = await api(world.fake, "DELETE", `/repos/${REPO}/issues/1/labels/env%3Adev`, { token });
    expect((removed.json as { name: string }[]).map((l) => l.name)).toEqual(["stagecoach"]);
    const missing = await api(world.fake, "DELETE", `/repos/${REPO}/issues/1/labels/nope`, { token });
    expect([missing.status, field(missing.json, "message")]).toEqual([404, "Label does not exist"]);
  });

  test("review requests and reviews are listed; a review can be dismissed", async () => {
    const requested = await api(world.fake, "POST", `/repos/${REPO}/pulls/1/requested_reviewers`, {
      token,
      body: { reviewers: ["bob"] },
    });
    expect(requested.status).toBe(201);
    expect(field((await get("/pulls/1/requested_reviewers")).json, "users", 0, "login")).toBe("bob");
    const reviewId = world.fake.as("bob").approve(REPO, 1);
    expect(field((await get("/pulls/1/requested_reviewers")).json, "users")).toEqual([]);
    const dismissed = await api(world.fake, "PUT", `/repos/${REPO}/pulls/1/reviews/${reviewId}/dismissals`, {
      token,
      body: { message: "stale", event: "DISMISS" },
    });
    expect(field(dismissed.json, "state")).toBe("DISMISSED");
    expect(((await get("/pulls/1/reviews")).json as { state: string }[]).map((r) => r.state)).toEqual([
      "DISMISSED",
    ]);
  });
});

describe("checks and statuses", () => {
  test("check runs are filtered by name and status, and complete a suite", async () => {
    const created = await api(world.fake, "POST", `/repos/${REPO}/check-runs`, {
      token,
      body: { name: "stagecoach/gate", head_sha: secondBump, status: "in_progress" },
    });
    const id = Number(field(created.json, "id"));
    expect(field(created.json, "pull_requests", 0, "number")).toBe(1);
    const inProgress = await get(
      `/commits/${secondBump}/check-runs?check_name=stagecoach/gate&status=in_progress`,
    );
    expect(field(inProgress.json, "total_count")).toBe(1);
    const done = await api(world.fake, "PATCH", `/repos/${REPO}/check-runs/${id}`, {
      token,
      body: { conclusion: "success", output: { title: "ok", summary: "all good" } },
    });
    expect([
      field(done.json, "status"),
      field(done.json, "conclusion"),
      field(done.json, "output", "summary"),
    ]).toEqual(["completed", "success", "all good"]);
    expect(
      field((await get(`/commits/bump/check-runs?app_id=${world.app.id}`)).json, "check_runs", 0, "id"),
    ).toBe(id);
    await world.fake.settle();
    expect(events(hook.received)).toEqual(
      expect.arrayContaining(["check_run.created", "check_run.completed", "check_suite.completed"]),
    );
  });

  test("the combined status is failure while any context fails and success once all pass", async () => {
    const bob = world.fake.as("bob");
    bob.setStatus(REPO, secondBump, { context: "ci", state: "failure" });
    bob.setStatus(REPO, secondBump, { context: "lint", state: "success" });
    expect(field((await get(`/commits/${secondBump}/status`)).json, "state")).toBe("failure");
    bob.setStatus(REPO, secondBump, { context: "ci", state: "success" });
    const combined = await get(`/commits/${secondBump}/status`);
    expect([field(combined.json, "state"), field(combined.json, "total_count")]).toEqual(["success", 2]);
    expect(((await get(`/commits/${secondBump}/statuses`)).json as unknown[]).length).toBe(3);
  });
});
