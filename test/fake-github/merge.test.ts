import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  api,
  events,
  field,
  graphql,
  installationToken,
  receiver,
  REPO,
  startWorld,
  type World,
} from "./helpers.js";

/** Merging pull requests: real commits, a file-level three-way merge, protection, auto-merge. */

let world: World;
let token: string;
let hook: Awaited<ReturnType<typeof receiver>>;

beforeEach(async () => {
  world = await startWorld({ files: { "envs/dev/app.yaml": "tag: 1\n", "envs/test/app.yaml": "tag: 1\n" } });
  token = await installationToken(world);
  hook = await receiver();
  world.fake.setWebhookTarget(world.app, hook.url);
});

afterEach(async () => {
  await world.fake.settle();
  await hook.close();
  await world.fake.close();
});

const alice = (): ReturnType<World["fake"]["as"]> => world.fake.as("alice");

/** A PR changing envs/dev while main moved on in envs/test, so the merge has work to do. */
function divergedPull(): { number: number; head: string; baseTip: string } {
  const head = alice().push(REPO, { branch: "bump", files: { "envs/dev/app.yaml": "tag: 2\n" } });
  const baseTip = alice().push(REPO, { branch: "main", files: { "envs/test/app.yaml": "tag: 9\n" } });
  const number = alice().openPull(REPO, { head: "bump", title: "Bump dev to 2" });
  return { number, head, baseTip };
}

async function merge(
  number: number,
  body: Record<string, unknown>,
): Promise<{ status: number; json: unknown }> {
  return api(world.fake, "PUT", `/repos/${REPO}/pulls/${number}/merge`, { token, body });
}

async function commit(sha: string): Promise<unknown> {
  return (await api(world.fake, "GET", `/repos/${REPO}/git/commits/${sha}`, { token })).json;
}

describe("merging", () => {
  test("a merge commit has the base tip and the head as parents and both sides' changes", async () => {
    const { number, head, baseTip } = divergedPull();
    const merged = await merge(number, { merge_method: "merge" });
    expect(field(merged.json, "merged")).toBe(true);
    const sha = String(field(merged.json, "sha"));
    expect((field(await commit(sha), "parents") as { sha: string }[]).map((p) => p.sha)).toEqual([
      baseTip,
      head,
    ]);
    expect(field(await commit(sha), "message")).toBe("Merge pull request #1 from acme/bump\n\nBump dev to 2");
    expect([
      world.fake.readFile(REPO, "envs/dev/app.yaml"),
      world.fake.readFile(REPO, "envs/test/app.yaml"),
    ]).toEqual(["tag: 2\n", "tag: 9\n"]);
    const pull = world.fake.pull(REPO, number);
    expect([pull.state, pull.merged, pull.merge_commit_sha, pull.merged_by?.login]).toEqual([
      "closed",
      true,
      sha,
      "stagecoach[bot]",
    ]);
    await world.fake.settle();
    const closed = hook.received
      .map((h) => JSON.parse(h.body) as unknown)
      .find((b) => field(b, "action") === "closed");
    expect(field(closed, "pull_request", "merged")).toBe(true);
    expect(events(hook.received)).toContain("push");
  });

  test("a squash commit has one parent and the same tree as the merge would", async () => {
    const { number, baseTip } = divergedPull();
    const squashed = await merge(number, { merge_method: "squash" });
    const sha = String(field(squashed.json, "sha"));
    const squash = await commit(sha);
    expect((field(squash, "parents") as { sha: string }[]).map((p) => p.sha)).toEqual([baseTip]);
    expect(String(field(squash, "message"))).toMatch(
      /^Bump dev to 2 \(#1\)\n\n\* Update envs\/dev\/app.yaml$/,
    );
    expect([
      world.fake.readFile(REPO, "envs/dev/app.yaml"),
      world.fake.readFile(REPO, "envs/test/app.yaml"),
    ]).toEqual(["tag: 2\n", "tag: 9\n"]);
  });

  test("a rebase replays each commit onto the base, keeping messages", async () => {
    alice().push(REPO, { branch: "two", files: { "a.txt": "a\n" }, message: "first" });
    alice().push(REPO, { branch: "two", files: { "b.txt": "b\n" }, message: "second" });
    const baseTip = alice().push(REPO, { branch: "main", files: { "c.txt": "c\n" } });
    const number = alice().openPull(REPO, { head: "two", title: "Two commits" });
    const tip = String(field((await merge(number, { merge_method: "rebase" })).json, "sha"));
    const top = await commit(tip);
    const below = await commit(String(field(top, "parents", 0, "sha")));
    expect([field(top, "message"), field(below, "message"), field(below, "parents", 0, "sha")]).toEqual([
      "second",
      "first",
      baseTip,
    ]);
    expect(field(top, "committer", "name")).toBe("GitHub");
  });

  test("changes to the same file on both sides are a conflict: not mergeable, 405", async () => {
    alice().push(REPO, { branch: "bump", files: { "envs/dev/app.yaml": "tag: 2\n" } });
    alice().push(REPO, { branch: "main", files: { "envs/dev/app.yaml": "tag: 3\n" } });
    const number = alice().openPull(REPO, { head: "bump", title: "Bump" });
    const pull = await api(world.fake, "GET", `/repos/${REPO}/pulls/${number}`, { token });
    expect([field(pull.json, "mergeable"), field(pull.json, "mergeable_state")]).toEqual([false, "dirty"]);
    const refused = await merge(number, {});
    expect([refused.status, field(refused.json, "message")]).toEqual([405, "Pull Request is not mergeable"]);
    expect(world.fake.readFile(REPO, "envs/dev/app.yaml")).toBe("tag: 3\n");
  });

  test("a head that moved since the caller looked is a 409", async () => {
    const { number, head } = divergedPull();
    alice().push(REPO, { branch: "bump", files: { "envs/dev/extra.yaml": "x\n" } });
    const refused = await merge(number, { sha: head });
    expect([refused.status, field(refused.json, "message")]).toEqual([
      409,
      "Head branch was modified. Review and try the merge again.",
    ]);
  });

  test("branch protection answers 405 with GitHub's message until checks and reviews pass", async () => {
    world.fake.protectBranch(REPO, "main", { requiredChecks: ["ci"], requiredApprovals: 1 });
    const { number, head } = divergedPull();
    const blocked = await merge(number, {});
    expect([blocked.status, field(blocked.json, "message")]).toEqual([
      405,
      'Required status check "ci" is expected.',
    ]);
    expect(world.fake.pull(REPO, number).mergeable_state).toBe("blocked");

    world.fake.as("bob").setStatus(REPO, head, { context: "ci", state: "failure" });
    expect(field((await merge(number, {})).json, "message")).toBe('Required status check "ci" is failing.');

    world.fake.as("bob").setStatus(REPO, head, { context: "ci", state: "success" });
    expect(field((await merge(number, {})).json, "message")).toBe(
      "At least 1 approving review is required by reviewers with write access.",
    );

    world.fake.as("alice").comment(REPO, number, "looks fine");
    world.fake.as("bob").approve(REPO, number);
    expect((await merge(number, {})).status).toBe(200);
  });

  test("the author's own approval does not count", async () => {
    world.fake.protectBranch(REPO, "main", { requiredApprovals: 1 });
    const { number } = divergedPull();
    expect(() => alice().approve(REPO, number)).toThrow(/Can not approve your own pull request/);
    expect((await merge(number, {})).status).toBe(405);
  });
});

describe("pull request lifecycle", () => {
  test("a push to the head branch synchronizes the PR with before and after", async () => {
    const { number, head } = divergedPull();
    const next = alice().push(REPO, { branch: "bump", files: { "envs/dev/app.yaml": "tag: 3\n" } });
    expect(world.fake.pull(REPO, number).head.sha).toBe(next);
    await world.fake.settle();
    const sync = hook.received
      .map((h) => JSON.parse(h.body) as unknown)
      .find((b) => field(b, "action") === "synchronize");
    expect([field(sync, "before"), field(sync, "after"), field(sync, "pull_request", "head", "sha")]).toEqual(
      [head, next, next],
    );
  });

  test("deleting the head branch closes the open PR without merging it", async () => {
    const { number } = divergedPull();
    await api(world.fake, "DELETE", `/repos/${REPO}/git/refs/heads/bump`, { token });
    const pull = world.fake.pull(REPO, number);
    expect([pull.state, pull.merged]).toEqual(["closed", false]);
    await world.fake.settle();
    expect(events(hook.received)).toEqual(expect.arrayContaining(["pull_request.closed", "delete"]));
  });

  test("closing and reopening through PATCH sends closed and reopened", async () => {
    const { number } = divergedPull();
    await api(world.fake, "PATCH", `/repos/${REPO}/pulls/${number}`, { token, body: { state: "closed" } });
    expect(world.fake.pull(REPO, number).state).toBe("closed");
    await api(world.fake, "PATCH", `/repos/${REPO}/pulls/${number}`, {
      token,
      body: { state: "open", title: "Bump dev to 2 (again)" },
    });
    expect([world.fake.pull(REPO, number).state, world.fake.pull(REPO, number).title]).toEqual([
      "open",
      "Bump dev to 2 (again)",
    ]);
    await world.fake.settle();
    const sent = world.fake.webhooks.list().map((d) => `${d.event}.${d.action ?? ""}`);
    expect(sent.filter((e) => e.startsWith("pull_request."))).toEqual([
      "pull_request.opened",
      "pull_request.closed",
      "pull_request.edited",
      "pull_request.reopened",
    ]);
  });

  test("opening a second PR for the same head and base is a 422", async () => {
    divergedPull();
    const again = await api(world.fake, "POST", `/repos/${REPO}/pulls`, {
      token,
      body: { title: "x", head: "acme:bump", base: "main" },
    });
    expect([again.status, field(again.json, "errors", 0, "message")]).toEqual([
      422,
      "A pull request already exists for acme:bump.",
    ]);
  });
});

const ENABLE = `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { pullRequest { autoMergeRequest { mergeMethod } } } }`;

describe("auto-merge", () => {
  test("is refused on a PR that could merge now, like GitHub's clean-status error", async () => {
    const { number } = divergedPull();
    const id = world.fake.pull(REPO, number).node_id;
    const refused = await graphql(world.fake, token, ENABLE, { id });
    expect(field(refused.json, "errors", 0, "message")).toBe("Pull request Pull request is in clean status");
  });

  test("merges the PR by itself once the required check passes", async () => {
    world.fake.protectBranch(REPO, "main", { requiredChecks: ["ci"] });
    const { number, head } = divergedPull();
    const enabled = await graphql(world.fake, token, ENABLE, { id: world.fake.pull(REPO, number).node_id });
    expect(
      field(
        enabled.json,
        "data",
        "enablePullRequestAutoMerge",
        "pullRequest",
        "autoMergeRequest",
        "mergeMethod",
      ),
    ).toBe("SQUASH");
    expect(world.fake.pull(REPO, number).merged).toBe(false);

    world.fake.as("bob").setStatus(REPO, head, { context: "ci", state: "success" });
    const pull = world.fake.pull(REPO, number);
    expect([pull.merged, pull.merged_by?.login, world.fake.readFile(REPO, "envs/dev/app.yaml")]).toEqual([
      true,
      "stagecoach[bot]",
      "tag: 2\n",
    ]);
    await world.fake.settle();
    expect(events(hook.received)).toEqual(
      expect.arrayContaining(["pull_request.auto_merge_enabled", "pull_request.closed"]),
    );
  });
});
