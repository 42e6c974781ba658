import { describe, expect, it } from "vitest";
import { parseMetadata } from "../../src/core/metadata.js";
import type { World } from "../../harness/world.js";
import { apiDeployment, CHAIN_CONFIG, PROMOTE_ALLOW, worldPerTest } from "./world.js";

/** Comment commands end to end: who may run them, what they do, and that each runs once. */

const CONFIG = CHAIN_CONFIG + PROMOTE_ALLOW;

const api = (tag: string): string => apiDeployment(tag);

const FILES: Record<string, string> = {
  ".github/stagecoach.yml": CONFIG,
  "envs/dev/api.yaml": api("1.3.0"),
  "envs/test/api.yaml": api("1.2.0"),
  "envs/prod/api.yaml": api("1.1.0"),
};

const { start, current } = worldPerTest(() => FILES);

/** Publishes api and merges the promotion into test: test runs the version, prod waits. */
async function versionInTest(tag: string): Promise<number> {
  const { fake, repo } = current();
  fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag });
  await current().settle();
  const promotion = fake
    .pulls(repo)
    .find((pull) => pull.state === "open" && pull.head.ref.startsWith("stagecoach/promote/test/"));
  fake.as("alice").merge(repo, promotion?.number ?? 0, { method: "squash" });
  await current().settle();
  return promotion?.number ?? 0;
}

async function say(
  login: string,
  number: number,
  body: string,
): Promise<{ replies: string[]; reactions: string[] }> {
  const { fake, repo } = current();
  const before = fake.comments(repo, number).length;
  const id = fake.as(login).comment(repo, number, body);
  await current().settle();
  const replies = fake
    .comments(repo, number)
    .slice(before)
    .filter((comment) => comment.user?.login === "stagecoach[bot]")
    .map((comment) => comment.body ?? "");
  const reactions = fake
    .reactions(repo, id)
    .filter((reaction) => reaction.user?.login === "stagecoach[bot]")
    .map((reaction) => reaction.content);
  return { replies, reactions };
}

function openOn(prefix: string): ReturnType<World["fake"]["pulls"]> {
  return current()
    .fake.pulls(current().repo)
    .filter((pull) => pull.state === "open" && pull.head.ref.startsWith(prefix));
}

describe("/promote", () => {
  it("on a merged PR, promotes its change to the next environment and records who asked", async () => {
    await start();
    const merged = await versionInTest("1.4.0");
    const { replies, reactions } = await say("carol", merged, "/promote prod");
    const [prod] = openOn("stagecoach/promote/prod/");
    expect(replies).toEqual([`> /promote prod\n\n🚀 Opened #${prod?.number ?? 0} to promote to \`prod\`.`]);
    expect(reactions).toEqual(["eyes", "+1"]);
    expect(prod?.title).toBe("Promote api 1.4.0 to prod");
    const metadata = parseMetadata(prod?.body);
    expect(metadata?.requestedBy).toBe("carol");
    expect(metadata?.chain.map((step) => step.env)).toEqual(["dev", "test"]);
    expect(current().fake.readFile(current().repo, "envs/prod/api.yaml", prod?.head.ref)).toBe(api("1.4.0"));
  });

  it("anywhere, promotes an app's version from the predecessor, and refuses a version it does not run", async () => {
    await start();
    await versionInTest("1.4.0");
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "Release train" });
    const refused = await say("alice", issue, "/promote prod api@1.5.0");
    expect(refused.replies).toEqual([
      "> /promote prod api@1.5.0\n\n`test` runs `api 1.4.0`, not `1.5.0`; a version reaches `prod` only through `test`.",
    ]);
    expect(openOn("stagecoach/promote/prod/")).toEqual([]);
    const accepted = await say("alice", issue, "/promote prod api");
    expect(accepted.replies[0]).toMatch(/🚀 Opened #\d+ to promote to `prod`/);
    expect(openOn("stagecoach/promote/prod/api").map((pull) => pull.title)).toEqual([
      "Promote api 1.4.0 to prod",
    ]);
  });

  it("refuses to skip a stage: a dev PR cannot be promoted to prod", async () => {
    await start();
    current().fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const bump = current()
      .fake.pulls(current().repo)
      .find((pull) => pull.head.ref === "stagecoach/dev/api");
    const { replies } = await say("alice", bump?.number ?? 0, "/promote prod");
    expect(replies).toEqual([
      `> /promote prod\n\nNot promoted: #${bump?.number ?? 0} did not change test (envs/test), the environment prod is promoted from.`,
    ]);
  });

  it("says when the change is already there", async () => {
    await start();
    const merged = await versionInTest("1.4.0");
    await say("carol", merged, "/promote prod");
    current()
      .fake.as("alice")
      .merge(current().repo, openOn("stagecoach/promote/prod/")[0]?.number ?? 0, { method: "squash" });
    await current().settle();
    const { replies } = await say("carol", merged, "/promote prod");
    expect(replies[0]).toContain("Nothing to promote to `prod`: api: prod already runs 1.4.0.");
  });

  it("--dry-run replies with the diff and writes nothing", async () => {
    await start();
    const merged = await versionInTest("1.4.0");
    const { replies } = await say("carol", merged, "/promote prod --dry-run");
    expect(replies[0]).toContain(
      "**Dry run** — nothing written. Stagecoach would open **Promote api 1.4.0 to prod**",
    );
    expect(replies[0]).toContain(
      "-          image: ghcr.io/acme/api:1.1.0\n+          image: ghcr.io/acme/api:1.4.0",
    );
    expect(openOn("stagecoach/promote/prod/")).toEqual([]);
  });

  it("is refused, with a reaction and one line, for people the config does not allow", async () => {
    await start();
    const merged = await versionInTest("1.4.0");
    const bob = await say("bob", merged, "/promote prod");
    expect(bob.reactions).toEqual(["eyes", "-1"]);
    expect(bob.replies).toEqual([
      "> /promote prod\n\nonly @\u200Bacme/release-managers or @\u200Bacme/sre may /promote",
    ]);
    const mallory = await say("mallory", merged, "/promote prod");
    expect(mallory.replies[0]).toMatch(/mallory needs write permission on acme\/config \(has none\)/);
    expect(openOn("stagecoach/promote/prod/")).toEqual([]);
  });

  it("on a PR from a fork, never promotes", async () => {
    await start();
    const { fake, repo } = current();
    fake.repo({ name: "mallory/config", files: { "README.md": "fork\n" } });
    fake
      .as("alice")
      .push(repo, { branch: "fork-change", files: { "envs/test/api.yaml": api("1.2.1") }, from: "main" });
    const number = fake
      .as("mallory")
      .openPull(repo, { head: "fork-change", title: "From a fork", fromFork: "mallory/config" });
    fake.as("alice").merge(repo, number, { method: "squash" });
    await current().settle();
    const { replies } = await say("alice", number, "/promote prod");
    expect(replies[0]).toMatch(/fork/);
    expect(openOn("stagecoach/promote/prod/")).toEqual([]);
  });

  it("runs once when the comment is delivered again", async () => {
    await start();
    const merged = await versionInTest("1.4.0");
    await say("carol", merged, "/promote prod");
    const delivery = current()
      .fake.webhooks.list()
      .filter((hook) => hook.event === "issue_comment")
      .at(-1);
    current().fake.webhooks.redeliver(delivery?.guid ?? "");
    await current().settle();
    expect(openOn("stagecoach/promote/prod/")).toHaveLength(1);
    expect(
      current()
        .fake.comments(current().repo, merged)
        .filter((comment) => comment.body?.startsWith("> /promote prod") === true),
    ).toHaveLength(1);
  });

  it("two replicas and two people racing to promote the same change end with one PR", async () => {
    await start({ replicas: 2, delivery: "broadcast" });
    const merged = await versionInTest("1.4.0");
    const { fake, repo } = current();
    fake.as("carol").comment(repo, merged, "/promote prod");
    fake.as("dave").comment(repo, merged, "/promote prod");
    await current().settle();
    expect(openOn("stagecoach/promote/prod/")).toHaveLength(1);
    const replies = fake
      .comments(repo, merged)
      .filter(
        (comment) =>
          comment.user?.login === "stagecoach[bot]" && comment.body?.startsWith("> /promote") === true,
      );
    expect(replies).toHaveLength(2);
    expect(
      replies.some((comment) => comment.body?.includes("already proposes exactly this promotion") === true),
    ).toBe(true);
  });
});

describe("/freeze and /unfreeze", () => {
  it("a frozen environment gets no automatic PR; /unfreeze lets /promote open it", async () => {
    await start();
    const { fake, repo } = current();
    const issue = fake.as("alice").openIssue(repo, { title: "ops" });
    const frozen = await say("alice", issue, "/freeze test database migration");
    expect(frozen.replies[0]).toMatch(/❄️ `test` is frozen \(#\d+\)/);
    const freezeIssue = fake.pulls(repo).length; // the freeze issue is an issue, not a PR
    expect(freezeIssue).toBe(0);

    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const bump = fake.pulls(repo).find((pull) => pull.head.ref === "stagecoach/dev/api");
    expect(openOn("stagecoach/promote/test/")).toEqual([]);
    const note =
      fake.comments(repo, bump?.number ?? 0).find((comment) => comment.user?.login === "stagecoach[bot]")
        ?.body ?? "";
    expect(note).toContain("test is frozen (frozen by alice: database migration)");

    const again = await say("bob", issue, "/freeze test");
    expect(again.replies[0]).toMatch(/already frozen by `alice`/);
    const thawed = await say("alice", issue, "/unfreeze test");
    expect(thawed.replies[0]).toMatch(/☀️ `test` is unfrozen/);
    await say("alice", bump?.number ?? 0, "/promote test");
    expect(openOn("stagecoach/promote/test/")).toHaveLength(1);
  });

  it("needs write permission", async () => {
    await start();
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "ops" });
    const { replies } = await say("erin", issue, "/freeze prod");
    expect(replies[0]).toMatch(/erin needs write permission on acme\/config \(has read\)/);
  });
});

describe("/rollback", () => {
  it("restores the previous version from the folder's history and holds automatic promotions until an explicit one", async () => {
    await start();
    const { fake, repo } = current();
    await versionInTest("1.4.0");
    const issue = fake.as("alice").openIssue(repo, { title: "incident" });
    const rolled = await say("alice", issue, "/rollback test api");
    const [rollback] = openOn("stagecoach/rollback/test");
    expect(rolled.replies[0]).toContain("⏪ Opened #");
    expect(rollback?.title).toBe("Roll back api to 1.2.0 in test");
    expect(fake.readFile(repo, "envs/test/api.yaml", rollback?.head.ref)).toBe(api("1.2.0"));
    fake.as("alice").merge(repo, rollback?.number ?? 0, { method: "squash" });
    await current().settle();

    // A newer version reaches dev, but test is held.
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.5.0" });
    await current().settle();
    expect(openOn("stagecoach/promote/test/")).toEqual([]);
    const status = await say("alice", issue, "/status");
    expect(status.replies[0]).toContain("**test** api: held by rollback");

    // Promoting explicitly goes through, and lifts the hold once merged.
    await say("alice", issue, "/promote test api");
    const [explicit] = openOn("stagecoach/promote/test/");
    expect(explicit?.title).toBe("Promote api 1.5.0 to test");
  });

  it("rolls back to a named version the environment ran", async () => {
    await start();
    await versionInTest("1.4.0");
    await versionInTest("1.4.1");
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "incident" });
    await say("alice", issue, "/rollback test api to 1.4.0");
    expect(openOn("stagecoach/rollback/test").map((pull) => pull.title)).toEqual([
      "Roll back api to 1.4.0 in test",
    ]);
    const dry = await say("alice", issue, "/rollback prod api --dry-run");
    expect(dry.replies[0]).toContain("Not rolled back: no earlier version of api in prod");
  });
});

describe("/status, /help and what is not a command", () => {
  it("/status shows versions per environment, open PRs, freezes and holds", async () => {
    await start();
    await versionInTest("1.4.0");
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "status" });
    await say("alice", issue, "/freeze prod release week");
    const { replies } = await say("erin", issue, "/status");
    const status = replies[0] ?? "";
    expect(status).toContain("| app | dev | test | prod |");
    expect(status).toContain("| api | `1.4.0` | `1.4.0` | `1.1.0` |");
    expect(status).toContain("**prod** frozen: frozen by alice: release week, until /unfreeze");
    expect(status).toContain("**Holds**\n\nnone");
  });

  it("/status warns while main does not require the gate, and names tags the policy refused", async () => {
    await start();
    const { fake, repo } = current();
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "2.0.0" });
    await current().settle();
    const issue = fake.as("alice").openIssue(repo, { title: "status" });
    const before = (await say("erin", issue, "/status")).replies[0] ?? "";
    expect(before).toContain("does not require the `Stagecoach / approvals` check");
    expect(before).toContain("- api `2.0.0`: 2.0.0 is outside ^1.0.0");

    fake.protectBranch(repo, "main", { requiredChecks: ["Stagecoach / approvals"] });
    const after = (await say("erin", issue, "/status")).replies[0] ?? "";
    expect(after).toContain("**Stagecoach status**");
    expect(after).not.toContain("does not require");
  });

  it("/help lists the commands and who may run them", async () => {
    await start();
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "help" });
    const { replies } = await say("bob", issue, "/help");
    expect(replies[0]).toContain("**Stagecoach commands**");
    expect(replies[0]).toContain("`@acme/release-managers`");
  });

  it.each([
    ["/promot prod", "Did you mean `/promote prod`?"],
    ["/promote prdo", "Did you mean `/promote prod`?"],
    ["/promote staging", 'unknown environment "staging" (environments: dev, test, prod)'],
    ["/deploy prod", "**Stagecoach commands**"],
  ])("%s gets a helpful reply", async (body, expected) => {
    await start();
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "typos" });
    const { replies, reactions } = await say("alice", issue, body);
    expect(replies[0]).toContain(expected);
    expect(reactions).toContain("confused");
  });

  it.each([
    ["a multi-line comment", "/promote prod\nplease"],
    ["a comment that only mentions a command", "we should /promote prod soon"],
  ])("%s triggers nothing", async (_name, body) => {
    await start();
    const issue = current().fake.as("alice").openIssue(current().repo, { title: "chatter" });
    const { replies, reactions } = await say("alice", issue, body);
    expect(replies).toEqual([]);
    expect(reactions).toEqual([]);
  });

  it("comments by bots and edited comments trigger nothing", async () => {
    await start();
    const { fake, repo } = current();
    const issue = fake.as("alice").openIssue(repo, { title: "bots" });
    const { replies } = await say("ci-bot", issue, "/status");
    expect(replies).toEqual([]);
    const id = fake.as("alice").comment(repo, issue, "hello");
    await current().settle();
    fake.as("alice").editComment(repo, id, "/status");
    await current().settle();
    expect(fake.comments(repo, issue).filter((comment) => comment.user?.login === "stagecoach[bot]")).toEqual(
      [],
    );
  });
});
