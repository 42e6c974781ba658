import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { FakeGitHub } from "../../fake-github/index.js";
import { api, field, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** Seeded fault injection: same seed and requests, same faults. */

let world: World;
let token: string;

beforeEach(async () => {
  world = await startWorld({ seed: 42 });
  token = await installationToken(world);
});

afterEach(async () => {
  await world.fake.close();
});

async function statuses(fake: FakeGitHub, count: number): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await api(fake, "GET", `/repos/${REPO}`, { token })).status);
  return result;
}

describe("fault injection", () => {
  test("a probability rule with the same seed fails the same requests", async () => {
    world.fake.faults.add({ kind: "server-error", route: "GET /repos/{owner}/{repo}", probability: 0.5 });
    const run1 = await statuses(world.fake, 20);
    world.fake.faults.reseed(42);
    const run2 = await statuses(world.fake, 20);
    expect(run2).toEqual(run1);
    expect(run1.filter((s) => s === 502).length).toBeGreaterThan(3);
    expect(run1.filter((s) => s === 200).length).toBeGreaterThan(3);
    world.fake.faults.reseed(7);
    expect(await statuses(world.fake, 20)).not.toEqual(run1);
  });

  test("a counted rule fires that many times, then requests pass", async () => {
    world.fake.faults.add({ kind: "server-error", route: "GET /repos/*", count: 2, status: 503 });
    expect(await statuses(world.fake, 3)).toEqual([503, 503, 200]);
    expect(world.fake.faults.injected().map((f) => f.kind)).toEqual(["server-error", "server-error"]);
  });

  test("a secondary rate limit answers 403 with retry-after and GitHub's message", async () => {
    world.fake.faults.add({ kind: "secondary-rate-limit", count: 1 });
    const response = await api(world.fake, "GET", `/repos/${REPO}`, { token });
    expect([response.status, response.headers.get("retry-after")]).toEqual([403, "1"]);
    expect(String(field(response.json, "message"))).toMatch(/secondary rate limit/);
  });

  test("a ref conflict answers 422 as if another writer moved the ref first, and changes nothing", async () => {
    const main = String(world.fake.sha(REPO, "main"));
    world.fake.faults.add({
      kind: "ref-conflict",
      route: "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
      count: 1,
    });
    const response = await api(world.fake, "PATCH", `/repos/${REPO}/git/refs/heads/main`, {
      token,
      body: { sha: main },
    });
    expect([response.status, field(response.json, "message")]).toEqual([422, "Update is not a fast forward"]);
    expect(world.fake.sha(REPO, "main")).toBe(main);
  });

  test("a dropped connection gets no answer at all and is logged with status 0", async () => {
    world.fake.faults.add({ kind: "drop-connection", route: /contents/, count: 1 });
    await expect(api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, { token })).rejects.toThrow();
    expect(world.fake.requests.list().at(-1)?.status).toBe(0);
    expect((await api(world.fake, "GET", `/repos/${REPO}/contents/README.md`, { token })).status).toBe(200);
  });
});
