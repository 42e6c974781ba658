import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseMetadata } from "../../src/core/metadata.js";
import { ObjectCache, OctokitRepo } from "../../src/github/octokit-repo.js";
import type { GitHubRepo } from "../../src/github/port.js";
import { runBump, type BumpRequest } from "../../src/usecases/bump.js";
import { ConfigCache } from "../../src/usecases/config-cache.js";
import type { World } from "../../harness/world.js";
import { DIGEST, worldPerTest } from "./world.js";

/**
 * Image published -> bump PR, end to end: the real Probot server, signed webhooks, and a fake GitHub
 * that keeps real git objects. Assertions are on end state and recorded writes.
 */

const CONFIG = `environments:
  dev:
    path: envs/dev
  test:
    path: envs/test
    from: dev
    promotion: auto
apps:
  api:
    image: ghcr.io/acme/api
    tags: { semver: "^1.0.0" }
  web:
    image: ghcr.io/acme/web
    digest: pin
`;

const FILES = {
  ".github/stagecoach.yml": CONFIG,
  "envs/dev/api.yaml":
    "kind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.3.0 # pinned\n",
  "envs/dev/web.yaml": "image:\n  repository: ghcr.io/acme/web\n  tag: 2.0.0\n",
  "envs/test/api.yaml":
    "kind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.2.0\n",
};

const { start, current } = worldPerTest(() => FILES);
/** REST writes (a GraphQL compare-and-swap only ever follows a REST commit, so these count every write). */
function writes(current: World): number {
  return current.fake.requests
    .list()
    .filter(
      (request) =>
        request.method !== "GET" &&
        !request.route.endsWith("/graphql") &&
        !request.route.includes("access_tokens"),
    ).length;
}

function openPulls(current: World): { number: number; title: string; ref: string; body: string }[] {
  return current.fake
    .pulls(current.repo)
    .filter((pull) => pull.state === "open")
    .map((pull) => ({ number: pull.number, title: pull.title, ref: pull.head.ref, body: pull.body ?? "" }));
}

describe("intake paths", () => {
  it("GHCR registry_package.published opens one PR that changes exactly the tag", async () => {
    const { fake, repo } = await start();
    fake
      .as("alice")
      .publishContainer({ owner: "acme", name: "api", tag: "1.4.0", repo: "acme/api", digest: DIGEST("a") });
    await current().settle();

    const [pull] = fake.pulls(repo);
    expect(fake.pulls(repo)).toHaveLength(1);
    expect(pull?.title).toBe("Bump api to 1.4.0 in dev");
    expect(pull?.head.ref).toBe("stagecoach/dev/api");
    expect(pull?.labels.map((label) => label.name).sort()).toEqual(["env:dev", "stagecoach"]);
    expect(fake.readFile(repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toBe(
      FILES["envs/dev/api.yaml"].replace("api:1.3.0", "api:1.4.0"),
    );
    expect(fake.readFile(repo, "envs/test/api.yaml", "stagecoach/dev/api")).toBe(FILES["envs/test/api.yaml"]);
    const metadata = parseMetadata(pull?.body);
    expect(metadata).toMatchObject({
      kind: "bump",
      env: "dev",
      versions: [{ app: "api", tag: "1.4.0", from: "1.3.0" }],
      source: { event: "ghcr", repo: "acme/api" },
    });
    expect(pull?.body).toContain(
      "| `envs/dev/api.yaml:8` | Deployment/api, container api | `1.3.0` | `1.4.0` |",
    );
    // One commit on top of the default branch, nothing else.
    expect(fake.commits(repo, "stagecoach/dev/api")[1]?.sha).toBe(fake.sha(repo, "main"));
  });

  it("repository_dispatch image-published opens the PR, with the source commit in the body", async () => {
    const { fake, repo } = await start();
    fake.as("alice").dispatch(repo, "image-published", {
      image: "ghcr.io/acme/api",
      tag: "1.5.0",
      source_repo: "acme/api",
      source_sha: "a".repeat(40),
    });
    await current().settle();
    expect(openPulls(current()).map((pull) => pull.title)).toEqual(["Bump api to 1.5.0 in dev"]);
    expect(openPulls(current())[0]?.body).toContain(`(https://github.com/acme/api/commit/${"a".repeat(40)})`);
  });

  it("a malformed dispatch changes nothing", async () => {
    const { fake, repo } = await start();
    fake.as("alice").dispatch(repo, "image-published", { image: "ghcr.io/acme/api", tag: "1.5.0\n; rm -rf" });
    await current().settle();
    expect(fake.pulls(repo)).toEqual([]);
    expect(writes(current())).toBe(0);
  });

  it("the registry endpoint accepts a Docker Hub push with its token and refuses a wrong one with 401", async () => {
    const { fake, repo, replicas } = await start({
      files: {
        ...FILES,
        ".github/stagecoach.yml": `${CONFIG}  hub:\n    image: acme/hub\n`,
        "envs/dev/hub.yaml": "image: acme/hub:1.0.0\n",
      },
      settings: { registrySecrets: { dockerhub: "a-very-long-docker-hub-token" } },
    });
    const body = JSON.stringify({
      push_data: { tag: "1.1.0", pushed_at: 1_700_000_000, pusher: "ci" },
      repository: { repo_name: "acme/hub", namespace: "acme", name: "hub" },
    });
    const refused = await fetch(
      `${replicas[0]?.url ?? ""}/stagecoach/registry/dockerhub?token=wrong-token-of-some-length`,
      { method: "POST", body, headers: { "content-type": "application/json" } },
    );
    expect(refused.status).toBe(401);
    await current().settle();
    expect(fake.pulls(repo)).toEqual([]);

    const accepted = await fetch(
      `${replicas[0]?.url ?? ""}/stagecoach/registry/dockerhub?token=a-very-long-docker-hub-token`,
      { method: "POST", body, headers: { "content-type": "application/json" } },
    );
    expect(accepted.status).toBe(202);
    await current().settle();
    expect(openPulls(current()).map((pull) => pull.title)).toEqual(["Bump hub to 1.1.0 in dev"]);
    expect(fake.readFile(repo, "envs/dev/hub.yaml", "stagecoach/dev/hub")).toBe("image: acme/hub:1.1.0\n");
  });

  it("the generic endpoint checks the HMAC and answers a malformed payload with 400 and its reason", async () => {
    const secret = "generic-secret-0123456789";
    const { fake, repo, replicas } = await start({ settings: { registrySecrets: { generic: secret } } });
    const post = (body: string): Promise<Response> =>
      fetch(`${replicas[0]?.url ?? ""}/stagecoach/registry/generic`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-stagecoach-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
        },
      });
    const bad = await post(
      JSON.stringify({ image: "ghcr.io/acme/api", tag: "1.6.0", digest: "sha256:nothex" }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/digest/);
    const good = await post(JSON.stringify({ image: "ghcr.io/acme/api", tag: "1.6.0" }));
    expect(good.status).toBe(202);
    await current().settle();
    expect(fake.pulls(repo).map((pull) => pull.title)).toEqual(["Bump api to 1.6.0 in dev"]);
  });
});

describe("the PR lifecycle", () => {
  it("a newer version updates the same PR with a fresh single commit on the current base", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    // Somebody changes the default branch meanwhile.
    fake.as("alice").push(repo, { branch: "main", files: { "README.md": "# config\n" } });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.1" });
    await current().settle();

    const pulls = fake.pulls(repo);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.title).toBe("Bump api to 1.4.1 in dev");
    expect(parseMetadata(pulls[0]?.body)?.superseded).toEqual(["1.4.0"]);
    const commits = fake.commits(repo, "stagecoach/dev/api");
    expect(commits[1]?.sha).toBe(fake.sha(repo, "main"));
    expect(fake.readFile(repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain("api:1.4.1 # pinned");
  });

  it("an older version, or the same one again, writes nothing", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.1" });
    await current().settle();
    const before = writes(current());
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    fake.as("alice").dispatch(repo, "image-published", { image: "ghcr.io/acme/api", tag: "1.4.1" });
    await current().settle();
    expect(writes(current())).toBe(before);
    expect(fake.pulls(repo).map((pull) => pull.title)).toEqual(["Bump api to 1.4.1 in dev"]);
  });

  it("a version a person closed unmerged is not reopened; a newer one opens a new PR", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const first = fake.pulls(repo)[0]?.number ?? 0;
    fake.as("alice").close(repo, first);
    await current().settle();
    fake.as("alice").dispatch(repo, "image-published", { image: "ghcr.io/acme/api", tag: "1.4.0" });
    await current().settle();
    expect(openPulls(current())).toEqual([]);

    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.2" });
    await current().settle();
    expect(openPulls(current()).map((pull) => [pull.title, pull.number === first])).toEqual([
      ["Bump api to 1.4.2 in dev", false],
    ]);
  });

  it("nothing to change (already there, outside the policy, unknown image) writes nothing", async () => {
    const { fake } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.3.0" });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "2.0.0" });
    fake.as("alice").publishContainer({ owner: "acme", name: "nobody", tag: "1.0.0" });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "latest" });
    await current().settle();
    expect(fake.pulls(current().repo)).toEqual([]);
    expect(writes(current())).toBe(0);
  });

  it("pins the digest for an app with digest: pin", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "web", tag: "2.1.0", digest: DIGEST("b") });
    await current().settle();
    expect(fake.readFile(repo, "envs/dev/web.yaml", "stagecoach/dev/web")).toBe(
      `image:\n  repository: ghcr.io/acme/web\n  tag: 2.1.0@${DIGEST("b")}\n`,
    );
  });

  it("repairs a PR body that lags behind its branch", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const pull = fake.pulls(repo)[0];
    fake.as("alice").editPull(repo, pull?.number ?? 0, { body: "edited by hand" });
    fake
      .as("alice")
      .dispatch(repo, "image-published", { image: "ghcr.io/acme/api", tag: "1.4.0", digest: undefined });
    await current().settle();
    expect(parseMetadata(fake.pulls(repo)[0]?.body)?.versions[0]?.tag).toBe("1.4.0");
  });
});

describe("idempotency and concurrency", () => {
  it("a redelivered webhook does nothing the second time", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const before = writes(current());
    const delivery = fake.webhooks.list().find((hook) => hook.event === "registry_package");
    fake.webhooks.redeliver(delivery?.guid ?? "");
    await current().settle();
    expect(writes(current())).toBe(before);
    expect(fake.pulls(repo)).toHaveLength(1);
  });

  it("twenty versions of one app within a second end as one PR at the newest", async () => {
    const { fake, repo } = await start();
    const versions = Array.from({ length: 20 }, (_, index) => `1.4.${index}`).sort(() => Math.random() - 0.5);
    for (const tag of versions) fake.as("alice").publishContainer({ owner: "acme", name: "api", tag });
    await current().settle();
    expect(openPulls(current()).map((pull) => pull.title)).toEqual(["Bump api to 1.4.19 in dev"]);
    expect(fake.readFile(repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain("api:1.4.19");
    expect(fake.commits(repo, "stagecoach/dev/api")[1]?.sha).toBe(fake.sha(repo, "main"));
  });

  it("fifty apps at once get fifty PRs", async () => {
    const apps = Array.from({ length: 50 }, (_, index) => `svc${index}`);
    const files: Record<string, string> = {
      ".github/stagecoach.yml": `environments:\n  dev:\n    path: envs/dev\napps:\n${apps.map((app) => `  ${app}:\n    image: ghcr.io/acme/${app}\n`).join("")}`,
    };
    for (const app of apps) files[`envs/dev/${app}.yaml`] = `image: ghcr.io/acme/${app}:1.0.0\n`;
    const { fake, repo } = await start({ files });
    for (const app of apps) fake.as("alice").publishContainer({ owner: "acme", name: app, tag: "1.1.0" });
    await current().settle({ timeoutMs: 60_000 });
    const pulls = openPulls(current());
    expect(pulls).toHaveLength(50);
    expect(new Set(pulls.map((pull) => pull.ref)).size).toBe(50);
    expect(fake.readFile(repo, "envs/dev/svc42.yaml", "stagecoach/dev/svc42")).toBe(
      "image: ghcr.io/acme/svc42:1.1.0\n",
    );
  });

  it("two replicas receiving every event end with one PR per branch at the newest version", async () => {
    const { fake, repo } = await start({ replicas: 2, delivery: "broadcast" });
    for (const tag of ["1.4.0", "1.4.2", "1.4.1"])
      fake.as("alice").publishContainer({ owner: "acme", name: "api", tag });
    fake.as("alice").publishContainer({ owner: "acme", name: "web", tag: "2.2.0", digest: DIGEST("c") });
    await current().settle();
    expect(
      openPulls(current())
        .map((pull) => pull.title)
        .sort(),
    ).toEqual(["Bump api to 1.4.2 in dev", "Bump web to 2.2.0 in dev"]);
    expect(fake.readFile(repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain("api:1.4.2");
    expect(
      parseMetadata(openPulls(current()).find((pull) => pull.ref === "stagecoach/dev/api")?.body)?.versions[0]
        ?.tag,
    ).toBe("1.4.2");
  });

  /** The app's own GitHub port on the fake, with a hook run just before the branch moves. */
  async function racingRepo(
    current: World,
    beforeMove: (repo: GitHubRepo) => Promise<void>,
  ): Promise<{ racing: GitHubRepo; real: GitHubRepo }> {
    const octokit = await (current.replicas[0]?.probot.auth(current.installationId) ??
      Promise.reject(new Error("no replica")));
    const real = new OctokitRepo(octokit, { owner: "acme", name: "config" }, new ObjectCache());
    let raced = false;
    // Everything goes to the real adapter; only moveBranch lets the competitor write first.
    const racing = new Proxy(real, {
      get(target, property, receiver) {
        if (property === "moveBranch") {
          return async (name: string, from: string, to: string) => {
            if (!raced) {
              raced = true;
              await beforeMove(real);
            }
            return real.moveBranch(name, from, to);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as GitHubRepo;
    return { racing, real };
  }

  const deps = {
    now: Date.now,
    configs: new ConfigCache(),
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  const request = (tag: string): BumpRequest => ({
    environment: "dev",
    app: "api",
    candidate: { tag },
    source: { event: "dispatch" },
  });

  it("when another writer moves the branch to a newer version first, the older write reads again and gives way", async () => {
    const current = await start();
    current.fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current.settle();
    const { racing } = await racingRepo(current, async (real) => {
      await runBump(real, request("1.4.2"), deps);
    });
    const outcome = await runBump(racing, request("1.4.1"), deps);
    expect(outcome).toMatchObject({ kind: "skipped", reason: "PR #1 already proposes 1.4.2" });
    expect(current.fake.readFile(current.repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain(
      "api:1.4.2",
    );
    expect(openPulls(current).map((pull) => pull.title)).toEqual(["Bump api to 1.4.2 in dev"]);
  });

  it("when another writer moves the branch to an older version first, the newer write reads again and wins", async () => {
    const current = await start();
    current.fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current.settle();
    const { racing } = await racingRepo(current, async (real) => {
      await runBump(real, request("1.4.1"), deps);
    });
    const outcome = await runBump(racing, request("1.4.2"), deps);
    expect(outcome).toMatchObject({ kind: "updated", pull: 1 });
    expect(current.fake.readFile(current.repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain(
      "api:1.4.2",
    );
    expect(parseMetadata(openPulls(current)[0]?.body)?.superseded).toEqual(["1.4.0", "1.4.1"]);
  });

  it("a branch another writer created first (422) is read again before going on", async () => {
    const { fake, repo } = await start();
    fake.faults.add({ kind: "ref-conflict", route: "POST /repos/{owner}/{repo}/git/refs", count: 1 });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.1" });
    await current().settle();
    expect(fake.faults.injected()).toHaveLength(1);
    expect(openPulls(current()).map((pull) => pull.title)).toEqual(["Bump api to 1.4.1 in dev"]);
    expect(fake.readFile(repo, "envs/dev/api.yaml", "stagecoach/dev/api")).toContain("api:1.4.1");
  });

  it("never overwrites a person's commit on an open PR's branch, and says so in one comment", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const number = fake.pulls(repo)[0]?.number ?? 0;
    const theirs = fake
      .as("bob")
      .push(repo, { branch: "stagecoach/dev/api", files: { "envs/dev/notes.yaml": "note: keep me\n" } });
    for (const tag of ["1.4.1", "1.4.2"]) {
      fake.as("alice").publishContainer({ owner: "acme", name: "api", tag });
      await current().settle();
    }
    expect(fake.sha(repo, "stagecoach/dev/api")).toBe(theirs);
    const mine = fake.comments(repo, number).filter((comment) => comment.user?.login === "stagecoach[bot]");
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toContain(
      "did not update this PR to `1.4.2`: someone else pushed to `stagecoach/dev/api`",
    );
  });

  it("server errors and dropped connections are retried", async () => {
    const { fake } = await start();
    fake.faults.add({ kind: "server-error", count: 2 });
    fake.faults.add({ kind: "drop-connection", route: "POST /repos/{owner}/{repo}/git/commits", count: 1 });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    expect(fake.faults.injected().length).toBe(3);
    expect(openPulls(current()).map((pull) => pull.title)).toEqual(["Bump api to 1.4.0 in dev"]);
  });
});

describe("rate limits", () => {
  it("a secondary rate limit is waited out and retried by the production Octokit (throttling plugin)", async () => {
    const { fake, repo } = await start({ production: true });
    fake.faults.add({ kind: "secondary-rate-limit", route: "POST /repos/{owner}/{repo}/pulls", count: 1 });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle({ timeoutMs: 60_000 });
    expect(fake.faults.injected()).toHaveLength(1);
    expect(fake.pulls(repo).map((pull) => pull.title)).toEqual(["Bump api to 1.4.0 in dev"]);
  }, 60_000);
});

describe("auto-merge", () => {
  const AUTO = {
    ...FILES,
    ".github/stagecoach.yml": CONFIG.replace(
      "    path: envs/dev\n",
      "    path: envs/dev\n    autoMerge: true\n",
    ),
  };

  it("merges once the repository's required check passes, and not before", async () => {
    const { fake, repo } = await start({ files: AUTO });
    const ci = fake.app({ slug: "ci", permissions: { checks: "write", metadata: "read" } });
    fake.install(ci, { account: "acme" });
    fake.protectBranch(repo, "main", { requiredChecks: ["build"] });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const pull = fake.pulls(repo)[0];
    expect(pull?.state).toBe("open");

    fake
      .as("ci[bot]")
      .checkRun(repo, pull?.head.sha ?? "", { name: "build", status: "completed", conclusion: "success" });
    await current().settle();
    expect(fake.pull(repo, pull?.number ?? 0).merged).toBe(true);
    expect(fake.readFile(repo, "envs/dev/api.yaml", "main")).toContain("api:1.4.0");
  });

  it("does not merge while a check fails", async () => {
    const { fake, repo } = await start({ files: AUTO });
    const ci = fake.app({ slug: "ci", permissions: { checks: "write", metadata: "read" } });
    fake.install(ci, { account: "acme" });
    fake.protectBranch(repo, "main", { requiredChecks: ["build"] });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const pull = fake.pulls(repo)[0];
    fake
      .as("ci[bot]")
      .checkRun(repo, pull?.head.sha ?? "", { name: "build", status: "completed", conclusion: "failure" });
    await current().settle();
    expect(fake.pull(repo, pull?.number ?? 0).state).toBe("open");
  });
});

describe("routing", () => {
  it("a config change on the default branch routes a new app from its next event", async () => {
    const { fake, repo } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    fake.as("alice").push(repo, {
      branch: "main",
      files: {
        ".github/stagecoach.yml": `${CONFIG}  worker:\n    image: ghcr.io/acme/worker\n`,
        "envs/dev/worker.yaml": "image: ghcr.io/acme/worker:0.1.0\n",
      },
    });
    await current().settle();
    fake.as("alice").publishContainer({ owner: "acme", name: "worker", tag: "0.2.0" });
    await current().settle();
    expect(
      openPulls(current())
        .map((pull) => pull.title)
        .sort(),
    ).toEqual(["Bump api to 1.4.0 in dev", "Bump worker to 0.2.0 in dev"]);
  });
});

describe("API cost", () => {
  // The gate (issue 5) answers every opened or pushed PR with its own read and check run; those are
  // counted apart so a regression in either shows which flow it belongs to.
  const GATE = {
    "POST /graphql StagecoachGate": 1,
    "POST /repos/{owner}/{repo}/check-runs": 1,
  };

  it("a warm bump costs one read and five writes for a new PR, one read and four writes to update it; the gate two more", async () => {
    const { fake } = await start();
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();

    fake.requests.reset();
    fake.as("alice").publishContainer({ owner: "acme", name: "web", tag: "2.1.0", digest: DIGEST("d") });
    await current().settle();
    expect(fake.requests.countsByOperation()).toEqual({
      "POST /graphql StagecoachHead": 1,
      "POST /repos/{owner}/{repo}/git/trees": 1,
      "POST /repos/{owner}/{repo}/git/commits": 1,
      "POST /repos/{owner}/{repo}/git/refs": 1,
      "POST /repos/{owner}/{repo}/pulls": 1,
      "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": 1,
      ...GATE,
    });

    fake.requests.reset();
    fake.as("alice").publishContainer({ owner: "acme", name: "web", tag: "2.2.0", digest: DIGEST("e") });
    await current().settle();
    expect(fake.requests.countsByOperation()).toEqual({
      "POST /graphql StagecoachHead": 1,
      "POST /graphql StagecoachMoveBranch": 1,
      "POST /repos/{owner}/{repo}/git/trees": 1,
      "POST /repos/{owner}/{repo}/git/commits": 1,
      "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": 1,
      ...GATE,
    });
  });
});
