import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { field, graphql, installationToken, receiver, REPO, startWorld, type World } from "./helpers.js";

/** GraphQL check suites and runs on a commit, and `membership` webhooks when a team changes. */

let world: World;

beforeEach(async () => {
  world = await startWorld({ events: ["membership", "check_run", "check_suite"] });
});

afterEach(async () => {
  await world.fake.settle();
  await world.fake.close();
});

const QUERY = `query($owner: String!, $name: String!, $oid: GitObjectID!, $appId: Int!, $check: String!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) { ... on Commit {
      checkSuites(first: 10, filterBy: { appId: $appId }) {
        nodes { app { databaseId slug } checkRuns(first: 10, filterBy: { checkName: $check, checkType: LATEST }) {
          nodes { databaseId name status conclusion externalId title }
        } }
      }
    } }
  }
}`;

describe("Commit.checkSuites", () => {
  test("lists an app's suite on a commit with its latest run of a name, as REST would", async () => {
    const ci = world.fake.app({ slug: "ci", permissions: { checks: "write" } });
    world.fake.install(ci, { account: "acme" });
    const sha = world.fake.sha(REPO, "main") ?? "";
    world.fake
      .as("ci[bot]")
      .checkRun(REPO, sha, { name: "gate", status: "completed", conclusion: "failure" });
    const latest = world.fake.as("ci[bot]").checkRun(REPO, sha, {
      name: "gate",
      conclusion: "success",
      externalId: "fp-1",
      output: { title: "All good" },
    });
    world.fake.as("ci[bot]").checkRun(REPO, sha, { name: "other", status: "in_progress" });

    const token = await installationToken(world);
    const answer = await graphql(world.fake, token, QUERY, {
      owner: "acme",
      name: "config",
      oid: sha,
      appId: ci.id,
      check: "gate",
    });
    const suites = field(answer.json, "data", "repository", "object", "checkSuites", "nodes");
    expect(suites).toEqual([
      {
        app: { databaseId: ci.id, slug: "ci" },
        checkRuns: {
          nodes: [
            {
              databaseId: latest,
              name: "gate",
              status: "COMPLETED",
              conclusion: "SUCCESS",
              externalId: "fp-1",
              title: "All good",
            },
          ],
        },
      },
    ]);

    const none = await graphql(world.fake, token, QUERY, {
      owner: "acme",
      name: "config",
      oid: sha,
      appId: world.app.id,
      check: "gate",
    });
    expect(field(none.json, "data", "repository", "object", "checkSuites", "nodes")).toEqual([]);
  });
});

describe("team membership", () => {
  test("adding and removing a member sends membership.added and membership.removed to the org's installation", async () => {
    const hook = await receiver();
    try {
      world.fake.setWebhookTarget(world.app, hook.url);
      world.fake.team("acme", "sre", { members: ["alice"] });
      world.fake.addTeamMember("acme", "sre", "bob");
      world.fake.addTeamMember("acme", "sre", "bob");
      world.fake.removeTeamMember("acme", "sre", "bob");
      world.fake.removeTeamMember("acme", "sre", "bob");
      await world.fake.settle();
      const payloads = hook.received.map((delivery) => JSON.parse(delivery.body) as unknown);
      expect(hook.received.map((delivery) => delivery.headers["x-github-event"])).toEqual([
        "membership",
        "membership",
      ]);
      expect(payloads.map((payload) => field(payload, "action"))).toEqual(["added", "removed"]);
      expect(payloads[0]).toMatchObject({
        scope: "team",
        member: { login: "bob" },
        team: { slug: "sre" },
        organization: { login: "acme" },
        installation: { id: world.installationId },
      });
    } finally {
      await hook.close();
    }
  });
});
