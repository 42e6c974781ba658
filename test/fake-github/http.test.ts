import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { api, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** Conditional requests, rate-limit headers, pagination, the request log and latency. */

let world: World;
let token: string;

beforeEach(async () => {
  world = await startWorld();
  token = await installationToken(world);
});

afterEach(async () => {
  await world.fake.close();
});

describe("conditional requests", () => {
  test("If-None-Match with the ETag answers 304, which does not count against the rate limit", async () => {
    const first = await api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, { token });
    const etag = String(first.headers.get("etag"));
    const remaining = Number(first.headers.get("x-ratelimit-remaining"));
    const again = await api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, {
      token,
      headers: { "if-none-match": etag },
    });
    expect([again.status, again.text, again.headers.get("etag")]).toEqual([304, "", etag]);
    expect(Number(again.headers.get("x-ratelimit-remaining"))).toBe(remaining);
    const changedAfterPush =
      (world.fake.as("alice").push(REPO, { branch: "main", files: { "README.md": "changed\n" } }),
      await api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, {
        token,
        headers: { "if-none-match": etag },
      }));
    expect(changedAfterPush.status).toBe(200);
    expect(Number(changedAfterPush.headers.get("x-ratelimit-remaining"))).toBe(remaining - 1);
  });

  test("every answer carries the rate-limit headers", async () => {
    const response = await api(world.fake, "GET", `/repos/${REPO}`, { token });
    expect(
      [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-used",
        "x-ratelimit-reset",
        "x-ratelimit-resource",
      ].map((h) => response.headers.get(h) !== null),
    ).toEqual([true, true, true, true, true]);
    expect(response.headers.get("x-ratelimit-resource")).toBe("core");
  });
});

describe("pagination", () => {
  test("lists are paged with per_page and page, with a Link header to the next and last pages", async () => {
    for (const title of ["a", "b", "c", "d", "e"]) world.fake.as("alice").openIssue(REPO, { title });
    const page1 = await api(world.fake, "GET", `/repos/${REPO}/issues?per_page=2&direction=asc`, { token });
    expect((page1.json as { title: string }[]).map((i) => i.title)).toEqual(["a", "b"]);
    const links = new Map(
      String(page1.headers.get("link"))
        .split(", ")
        .map((link): [string, string | null] => [
          /rel="(\w+)"/.exec(link)?.[1] ?? "",
          new URL(/<([^>]+)>/.exec(link)?.[1] ?? "").searchParams.get("page"),
        ]),
    );
    expect(Object.fromEntries(links)).toEqual({ next: "2", last: "3" });
    const page3 = await api(world.fake, "GET", `/repos/${REPO}/issues?per_page=2&page=3&direction=asc`, {
      token,
    });
    expect((page3.json as { title: string }[]).map((i) => i.title)).toEqual(["e"]);
    expect(page3.headers.get("link")).not.toMatch(/rel="next"/);
  });
});

describe("request log", () => {
  test("counts requests per route template, and resets", async () => {
    world.fake.requests.reset();
    await api(world.fake, "GET", `/repos/${REPO}`, { token });
    await api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, { token });
    await api(world.fake, "GET", `/repos/${REPO}/contents/envs/dev/app.yaml`, { token });
    expect(world.fake.requests.countsByRoute()).toEqual({
      "GET /repos/{owner}/{repo}": 1,
      "GET /repos/{owner}/{repo}/contents/{path}": 2,
    });
    expect(world.fake.requests.list().map((r) => [r.status, r.installationId])).toEqual([
      [200, world.installationId],
      [200, world.installationId],
      [200, world.installationId],
    ]);
    world.fake.requests.reset();
    expect(world.fake.requests.total).toBe(0);
  });

  test("latency is added to every answer", async () => {
    world.fake.setLatency(60);
    const started = performance.now();
    await api(world.fake, "GET", `/repos/${REPO}`, { token });
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
