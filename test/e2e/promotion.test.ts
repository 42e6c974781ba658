import { describe, expect, it } from "vitest";
import { parseMetadata } from "../../src/core/metadata.js";
import type { World } from "../../harness/world.js";
import { apiDeployment, CHAIN_CONFIG, DIGEST, PROMOTE_ALLOW, worldPerTest } from "./world.js";

/** Promotion down the chain, end to end: merges carry changes to the next environment. */

const CONFIG = `${CHAIN_CONFIG}  web:
    image: ghcr.io/acme/web
    digest: pin
promote:
  include: ["**/*.yaml"]
  exclude: ["**/replicas.yaml"]
${PROMOTE_ALLOW}`;

const api = apiDeployment;
const settings = (level: string, extra = ""): string =>
  `kind: ConfigMap\nmetadata: {name: settings}\ndata:\n  LOG_LEVEL: ${level}\n${extra}`;

const FILES: Record<string, string> = {
  ".github/stagecoach.yml": CONFIG,
  "envs/dev/api.yaml": api("1.3.0"),
  "envs/dev/web.yaml": "image:\n  repository: ghcr.io/acme/web\n  tag: 2.0.0\n",
  "envs/dev/settings.yaml": settings("info"),
  "envs/dev/replicas.yaml": "replicas: 1\n",
  "envs/test/api.yaml": api("1.2.0", " # test"),
  "envs/test/web.yaml": "image:\n  repository: ghcr.io/acme/web\n  tag: 1.9.0\n",
  "envs/test/settings.yaml": settings("info"),
  "envs/test/replicas.yaml": "replicas: 2\n",
  "envs/prod/api.yaml": api("1.2.0", " # prod"),
  "envs/prod/web.yaml": "image:\n  repository: ghcr.io/acme/web\n  tag: 1.9.0\n",
  "envs/prod/settings.yaml": settings("warn"),
};

const { start, current } = worldPerTest(() => FILES);

function pullsOn(prefix: string): ReturnType<World["fake"]["pulls"]> {
  return current()
    .fake.pulls(current().repo)
    .filter((pull) => pull.head.ref.startsWith(prefix));
}

function botComments(number: number): string[] {
  return current()
    .fake.comments(current().repo, number)
    .filter((comment) => comment.user?.login === "stagecoach[bot]")
    .map((comment) => comment.body ?? "");
}

/** A person changes dev through a PR, and it merges. */
async function changeDev(files: Record<string, string | null>, title = "Change dev"): Promise<number> {
  const { fake, repo } = current();
  const branch = `change-${Math.random().toString(36).slice(2, 8)}`;
  fake.as("alice").push(repo, { branch, files, from: "main" });
  const number = fake.as("alice").openPull(repo, { head: branch, title });
  await current().settle();
  fake.as("alice").merge(repo, number, { method: "squash" });
  await current().settle();
  return number;
}

describe("promotion on merge", () => {
  it("an auto edge opens the follow-up PR at once, carrying the version and the provenance chain", async () => {
    const { fake, repo } = await start();
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0", repo: "acme/api" });
    await current().settle();

    const [bump] = pullsOn("stagecoach/dev/");
    expect(bump?.merged_at).not.toBeNull();
    const [promotion] = pullsOn("stagecoach/promote/test/");
    expect(promotion?.title).toBe("Promote api 1.4.0 to test");
    expect(promotion?.labels.map((label) => label.name).sort()).toEqual(["env:test", "stagecoach"]);
    expect(fake.readFile(repo, "envs/test/api.yaml", promotion?.head.ref)).toBe(api("1.4.0", " # test"));
    const metadata = parseMetadata(promotion?.body);
    expect(metadata).toMatchObject({
      kind: "promotion",
      env: "test",
      versions: [{ app: "api", tag: "1.4.0", from: "1.2.0" }],
      source: { event: "ghcr" },
    });
    expect(metadata?.chain).toEqual([
      expect.objectContaining({ env: "dev", number: bump?.number, mergedBy: "stagecoach[bot]" }),
    ]);
    expect(botComments(bump?.number ?? 0)).toEqual([
      expect.stringContaining(`**test**: #${promotion?.number ?? 0} carries this change.`),
    ]);
  });

  it("a manual edge waits: one comment on the merged PR says how to promote", async () => {
    const { fake, repo } = await start();
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const [promotion] = pullsOn("stagecoach/promote/test/");
    fake.as("alice").merge(repo, promotion?.number ?? 0, { method: "squash" });
    await current().settle();
    expect(pullsOn("stagecoach/promote/prod/")).toEqual([]);
    expect(botComments(promotion?.number ?? 0)).toEqual([
      expect.stringContaining("comment `/promote prod` on this PR to open its PR"),
    ]);
  });

  it("fans out to every environment promoted from the same one", async () => {
    const files = {
      ".github/stagecoach.yml": `environments:\n  staging:\n    path: envs/staging\n  prod-us:\n    path: envs/prod-us\n    from: staging\n    promotion: auto\n  prod-eu:\n    path: envs/prod-eu\n    from: staging\n    promotion: auto\napps:\n  api:\n    image: ghcr.io/acme/api\n`,
      "envs/staging/api.yaml": api("1.3.0"),
      "envs/prod-us/api.yaml": api("1.2.0"),
      "envs/prod-eu/api.yaml": api("1.1.0"),
    };
    const { fake, repo } = await start({ files });
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    fake.as("alice").merge(repo, pullsOn("stagecoach/staging/")[0]?.number ?? 0, { method: "squash" });
    await current().settle();
    expect(
      fake
        .pulls(repo)
        .filter((pull) => pull.head.ref.startsWith("stagecoach/promote/"))
        .map((pull) => pull.title)
        .sort(),
    ).toEqual(["Promote api 1.4.0 to prod-eu", "Promote api 1.4.0 to prod-us"]);
  });

  it("carries the exact digest the source environment pinned", async () => {
    const { fake, repo } = await start();
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "web", tag: "2.1.0", digest: DIGEST("c") });
    await current().settle();
    const [promotion] = pullsOn("stagecoach/promote/test/");
    expect(fake.readFile(repo, "envs/test/web.yaml", promotion?.head.ref)).toBe(
      `image:\n  repository: ghcr.io/acme/web\n  tag: 2.1.0@${DIGEST("c")}\n`,
    );
  });

  it("replays a person's non-image change: scalar, added key, new and deleted files, excluded files stay", async () => {
    const { fake, repo } = await start({
      files: { ...FILES, "envs/dev/old.yaml": "a: 1\n", "envs/test/old.yaml": "a: 1\n" },
    });
    const source = await changeDev({
      "envs/dev/settings.yaml": settings("debug", '  CACHE: "on"\n'),
      "envs/dev/new.yaml": "feature: enabled\n",
      "envs/dev/old.yaml": null,
      "envs/dev/replicas.yaml": "replicas: 3\n",
    });
    const [promotion] = pullsOn(`stagecoach/promote/test/pr-${source}`);
    expect(promotion?.title).toBe(`Promote #${source} to test`);
    const ref = promotion?.head.ref;
    expect(fake.readFile(repo, "envs/test/settings.yaml", ref)).toBe(settings("debug", '  CACHE: "on"\n'));
    expect(fake.readFile(repo, "envs/test/new.yaml", ref)).toBe("feature: enabled\n");
    expect(fake.readFile(repo, "envs/test/old.yaml", ref)).toBeUndefined();
    expect(fake.readFile(repo, "envs/test/replicas.yaml", ref)).toBe("replicas: 2\n");
    expect(parseMetadata(promotion?.body)?.files.sort()).toEqual([
      "envs/test/new.yaml",
      "envs/test/old.yaml",
      "envs/test/settings.yaml",
    ]);
  });

  it("removes a list item by its name in the target", async () => {
    const env = (names: string[]): string =>
      `kind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n${names.map((name) => `            - name: ${name}\n              value: "1"\n`).join("")}`;
    const { fake, repo } = await start({
      files: {
        ...FILES,
        "envs/dev/env.yaml": env(["A", "B", "C"]),
        "envs/test/env.yaml": env(["C", "B", "A"]),
      },
    });
    await changeDev({ "envs/dev/env.yaml": env(["A", "C"]) });
    const [promotion] = pullsOn("stagecoach/promote/test/");
    expect(fake.readFile(repo, "envs/test/env.yaml", promotion?.head.ref)).toBe(env(["C", "A"]));
  });

  it("says plainly, file by file, what could not be carried to a diverged target", async () => {
    const { fake } = await start({ files: { ...FILES, "envs/test/settings.yaml": settings("error") } });
    const source = await changeDev({
      "envs/dev/settings.yaml": settings("debug"),
      "envs/dev/api.yaml": api("1.3.5"),
    });
    const [promotion] = pullsOn(`stagecoach/promote/test/pr-${source}`);
    expect(promotion?.body).toContain("**Not carried over**");
    expect(promotion?.body).toContain(
      "`envs/test/settings.yaml:4` data.LOG\\_LEVEL: test has LOG\\_LEVEL: error where dev had info before the change; left alone",
    );
    expect(fake.readFile(current().repo, "envs/test/api.yaml", promotion?.head.ref)).toContain("api:1.3.5");
  });

  it("a change that cannot be carried at all opens no PR and says why on the merged PR", async () => {
    await start({ files: { ...FILES, "envs/test/settings.yaml": settings("error") } });
    const source = await changeDev({ "envs/dev/settings.yaml": settings("debug") });
    expect(pullsOn("stagecoach/promote/")).toEqual([]);
    expect(botComments(source)).toEqual([expect.stringContaining("nothing to carry")]);
  });

  it("a newer promotion of the same app supersedes the older open one, naming versions skipped on the way", async () => {
    const { fake, repo } = await start();
    for (const tag of ["1.4.0", "1.4.1", "1.4.2"]) {
      fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag });
      await current().settle();
    }
    const promotions = pullsOn("stagecoach/promote/test/");
    expect(promotions.filter((pull) => pull.state === "open").map((pull) => pull.title)).toEqual([
      "Promote api 1.4.2 to test",
    ]);
    const newest = promotions.find((pull) => pull.state === "open");
    expect(newest?.body).toContain("Skipped on the way: dev also ran `1.4.0`, `1.4.1` of api");
    for (const older of promotions.filter((pull) => pull.state === "closed")) {
      expect(fake.pull(repo, older.number).merged).toBe(false);
      expect(botComments(older.number).some((body) => body.includes(`Superseded by #`))).toBe(true);
    }
  });

  it("never promotes a PR from a fork", async () => {
    const { fake, repo } = await start();
    fake.repo({ name: "mallory/config", files: { "README.md": "fork\n" } });
    fake.as("alice").push(repo, {
      branch: "from-fork",
      files: { "envs/dev/settings.yaml": settings("trace") },
      from: "main",
    });
    const number = fake
      .as("mallory")
      .openPull(repo, { head: "from-fork", title: "From a fork", fromFork: "mallory/config" });
    await current().settle();
    fake.as("alice").merge(repo, number, { method: "squash" });
    await current().settle();
    expect(pullsOn("stagecoach/promote/")).toEqual([]);
    expect(botComments(number)).toEqual([]);
  });

  it("a redelivered merge event opens nothing more", async () => {
    const { fake } = await start();
    fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const merged = fake.webhooks
      .list()
      .find((hook) => hook.event === "pull_request" && hook.action === "closed");
    fake.webhooks.redeliver(merged?.guid ?? "");
    await current().settle();
    expect(pullsOn("stagecoach/promote/test/")).toHaveLength(1);
    expect(botComments(pullsOn("stagecoach/dev/")[0]?.number ?? 0)).toHaveLength(1);
  });
});
