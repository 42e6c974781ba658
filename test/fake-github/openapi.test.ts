import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { buildSubset } from "../../fake-github/openapi/subset.js";
import { SUBSET_FILE } from "../../fake-github/openapi/validator.js";
import { implementedOperations } from "../../fake-github/routes/index.js";
import { api, field, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** Requests are checked against GitHub's OpenAPI description; what GitHub would reject is a violation. */

describe("the committed OpenAPI subset", () => {
  test("is what the generator extracts from @octokit/openapi today", () => {
    const require = createRequire(import.meta.url);
    const spec: unknown = JSON.parse(
      readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
    );
    const { version } = JSON.parse(
      readFileSync(require.resolve("@octokit/openapi/package.json"), "utf8"),
    ) as { version: string };
    const fresh = buildSubset(
      spec,
      implementedOperations(),
      `@octokit/openapi@${version} api.github.com.json`,
    );
    const committed: unknown = JSON.parse(readFileSync(SUBSET_FILE, "utf8"));
    // If this fails: npx tsx fake-github/scripts/generate-openapi-subset.ts
    expect(committed).toEqual(JSON.parse(JSON.stringify(fresh)));
  });
});

describe("request validation", () => {
  let world: World;
  let token: string;

  beforeEach(async () => {
    world = await startWorld();
    token = await installationToken(world);
  });

  afterEach(async () => {
    await world.fake.close();
  });

  test("a body of the wrong type is rejected with 422 and recorded", async () => {
    const issue = world.fake.as("alice").openIssue(REPO, { title: "x" });
    const response = await api(world.fake, "POST", `/repos/${REPO}/issues/${issue}/comments`, {
      token,
      body: { body: 42 },
    });
    expect(response.status).toBe(422);
    expect(world.fake.comments(REPO, issue)).toEqual([]);
    expect(world.fake.violations.list().map((v) => [v.kind, v.message])).toEqual([
      ["invalid-request", "body: /body must be string"],
    ]);
    world.fake.violations.clear();
  });

  test("a missing required body field is rejected", async () => {
    const response = await api(world.fake, "POST", `/repos/${REPO}/git/refs`, {
      token,
      body: { ref: "refs/heads/x" },
    });
    expect(response.status).toBe(422);
    expect(world.fake.violations.list()[0]?.message).toMatch(/must have required property 'sha'/);
    world.fake.violations.clear();
  });

  test("an endpoint GitHub has but the fake does not is a 404 that names GitHub's operation", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}/releases`, { token });
    expect(response.status).toBe(404);
    expect(world.fake.violations.list()).toEqual([
      {
        kind: "unimplemented-route",
        request: `GET /repos/${REPO}/releases`,
        message: "GitHub has GET /repos/{owner}/{repo}/releases, but the fake does not implement it yet",
      },
    ]);
    world.fake.violations.clear();
  });

  test("a path GitHub does not have is a 404 and recorded as such", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}/nonsense`, { token });
    expect([response.status, field(response.json, "message")]).toEqual([404, "Not Found"]);
    expect(world.fake.violations.list()[0]?.message).toBe("GitHub has no such endpoint");
    world.fake.violations.clear();
  });

  test("a query parameter the operation does not have is served but recorded (GitHub would ignore it)", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}/pulls?labels=stagecoach`, { token });
    expect(response.status).toBe(200);
    expect(world.fake.violations.list().map((v) => v.kind)).toEqual(["unknown-query-parameter"]);
    world.fake.violations.clear();
  });

  test("a query value outside the operation's enum is rejected", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}/pulls?state=merged`, { token });
    expect(response.status).toBe(422);
    expect(world.fake.violations.list()[0]?.message).toMatch(
      /^query: \/state must be equal to one of the allowed values/,
    );
    world.fake.violations.clear();
  });

  test("a path parameter of the wrong type is a 404, as GitHub answers", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}/issues/abc`, { token });
    expect(response.status).toBe(404);
    expect(world.fake.violations.list().map((v) => v.kind)).toEqual(["invalid-request"]);
    world.fake.violations.clear();
  });

  test("a strict fake refuses to close quietly while violations are recorded", async () => {
    await api(world.fake, "GET", `/repos/${REPO}/releases`, { token });
    await expect(world.fake.close()).rejects.toThrow(/unimplemented-route/);
    world = await startWorld();
  });
});
