import type { ApplicationFunction } from "probot";
import { serveProbotApp, type ProbotHarness } from "../../fake-github/probot-harness.js";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { REPO, startWorld, type World } from "./helpers.js";

/** A tiny inline Probot app, run for real against the fake: auth, signed webhooks, API calls. */
const tinyApp: ApplicationFunction = (app) => {
  app.on("issue_comment.created", async (context) => {
    if (context.payload.comment.user?.type === "Bot") return;
    const config = await context.config<{ greeting?: string }>("stagecoach.yml", { greeting: "hello" });
    await context.octokit.rest.issues.createComment(
      context.issue({ body: `${config?.greeting ?? "?"}, ${context.payload.comment.user?.login ?? "?"}` }),
    );
    await context.octokit.rest.reactions.createForIssueComment(
      context.repo({ comment_id: context.payload.comment.id, content: "+1" }),
    );
  });
  app.on("pull_request.opened", async (context) => {
    await context.octokit.rest.checks.create(
      context.repo({
        name: "stagecoach/gate",
        head_sha: context.payload.pull_request.head.sha,
        status: "in_progress",
      }),
    );
  });
};

describe("a Probot app against the fake GitHub", () => {
  let world: World;
  let probot: ProbotHarness;

  beforeEach(async () => {
    world = await startWorld({
      files: { ".github/stagecoach.yml": "greeting: hi\n", "envs/dev/app.yaml": "image: x:1\n" },
    });
    probot = await serveProbotApp(world.fake, world.app, tinyApp);
  });

  afterEach(async () => {
    await probot.close();
    await world.fake.close();
  });

  test("replies to a comment and reacts to it, authenticated as its installation", async () => {
    const issue = world.fake.as("alice").openIssue(REPO, { title: "Ship it" });
    const commentId = world.fake.as("alice").comment(REPO, issue, "/status");
    await world.fake.settle();

    const comments = world.fake.comments(REPO, issue);
    expect(comments.map((c) => [c.user?.login, c.body])).toEqual([
      ["alice", "/status"],
      ["stagecoach[bot]", "hi, alice"],
    ]);
    expect(comments[1]?.performed_via_github_app?.slug).toBe("stagecoach");
    expect(world.fake.reactions(REPO, commentId).map((r) => [r.user?.login, r.content])).toEqual([
      ["stagecoach[bot]", "+1"],
    ]);
    const counts = world.fake.requests.countsByRoute();
    expect(counts["POST /app/installations/{installation_id}/access_tokens"]).toBe(1);
    expect(counts["GET /repos/{owner}/{repo}/contents/{path}"]).toBe(1);
    expect(counts["POST /repos/{owner}/{repo}/issues/{issue_number}/comments"]).toBe(1);
    expect(counts["POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"]).toBe(1);
    const deliveries = world.fake.webhooks.list();
    expect(deliveries.filter((d) => d.event === "issue_comment").map((d) => d.status)).toEqual([200, 200]);
    world.fake.assertNoViolations();
  });

  test("creates a check run on the head of a newly opened pull request", async () => {
    const head = world.fake
      .as("alice")
      .push(REPO, { branch: "bump", files: { "envs/dev/app.yaml": "image: x:2\n" } });
    world.fake.as("alice").openPull(REPO, { head: "bump", title: "Bump x to 2" });
    await world.fake.settle();

    const runs = world.fake.checkRuns(REPO, head);
    expect(runs.map((run) => [run.name, run.status, run.app?.slug])).toEqual([
      ["stagecoach/gate", "in_progress", "stagecoach"],
    ]);
    expect(world.fake.webhooks.list().some((d) => d.event === "check_run" && d.action === "created")).toBe(
      true,
    );
    world.fake.assertNoViolations();
  });
});
