import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.js";
import type { RepoPermission } from "../../src/core/authorise.js";
import { evaluateGate, type GateResult, type Review } from "../../src/core/gate.js";
import { renderMetadata, type PrMetadata } from "../../src/core/metadata.js";
import type { GateCheck } from "../../src/core/render-gate.js";
import type {
  AppIdentity,
  GatePort,
  GatePull,
  MergedPull,
  OpenPull,
  RequiredCheck,
} from "../../src/github/gate-port.js";
import type { FreezeHold } from "../../src/github/port.js";
import { ConfigCache } from "../../src/usecases/config-cache.js";
import { gateFingerprint, isOwnPull, runGate, touchedEnvironments } from "../../src/usecases/gate.js";

/** The gate's shell around the pure core, on an in-memory port: what it reads, what it writes. */

const HOUR = 3_600_000;
const NOW = Date.parse("2026-03-25T12:00:00Z");
const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);
const ME: AppIdentity = { appId: 7, botLogin: "stagecoach[bot]" };

const CONFIG_TEXT = `environments:
  dev:
    path: envs/dev
  test:
    path: envs/test/
    from: dev
    approvals: { required: 1 }
  prod:
    path: envs/prod
    from: test
    soak: 2h
    approvals:
      required: 1
      from: ["@acme/sre"]
apps:
  api:
    image: ghcr.io/acme/api
`;

const deployment = (tag: string): string => `image: ghcr.io/acme/api:${tag}\n`;

function review(login: string, state: Review["state"], options: Partial<Review> = {}): Review {
  return { id: 1, login, type: "User", state, commitId: HEAD, submittedAt: NOW - HOUR, ...options };
}

function metadata(fields: Partial<PrMetadata> & Pick<PrMetadata, "env">): string {
  return renderMetadata({
    v: 1,
    kind: "promotion",
    versions: [],
    chain: [],
    superseded: [],
    files: [],
    ...fields,
  });
}

interface Writes {
  created: { headSha: string; check: GateCheck; externalId: string }[];
  updated: { id: number; check: GateCheck; externalId: string }[];
}

/** A GitHub of one repository in memory, counting what the gate asks. */
class MemoryPort implements GatePort {
  readonly id = { owner: "acme", name: "config" };
  readonly writes: Writes = { created: [], updated: [] };
  readonly asked = { permissions: [] as string[], memberships: [] as string[], searches: 0 };
  pull: GatePull;
  permissions: Record<string, RepoPermission> = { carol: "write", dave: "write", erin: "read", bob: "write" };
  teams: Record<string, string[]> = { "@acme/sre": ["carol", "dave"] };
  holds: FreezeHold[] = [];
  blobs = new Map<string, string>();
  /** `commit:path` → blob sha. */
  tree = new Map<string, string>();
  merged: MergedPull[] = [];

  constructor(pull: Partial<GatePull> = {}) {
    this.pull = {
      number: 5,
      state: "open",
      draft: false,
      author: { login: "bob", type: "User" },
      body: "",
      headRef: "change",
      headSha: HEAD,
      baseRef: "main",
      baseSha: BASE,
      config: { sha: "c".repeat(40), text: CONFIG_TEXT },
      files: [{ path: "envs/test/api.yaml" }],
      reviews: [],
      freezes: [],
      ...pull,
    };
  }

  file(commit: string, path: string, text: string): void {
    const sha = `${commit.slice(0, 4)}${path}`.padEnd(40, "0");
    this.tree.set(`${commit}:${path}`, sha);
    this.blobs.set(sha, text);
  }

  readPull(): Promise<GatePull | undefined> {
    return Promise.resolve({ ...this.pull, freezes: this.holds });
  }
  openPulls(): Promise<readonly OpenPull[]> {
    return Promise.resolve([{ number: this.pull.number, baseRef: this.pull.baseRef }]);
  }
  permission(login: string): Promise<RepoPermission> {
    this.asked.permissions.push(login);
    return Promise.resolve(this.permissions[login] ?? "none");
  }
  isTeamMember(team: string, login: string): Promise<boolean> {
    this.asked.memberships.push(`${team} ${login}`);
    return Promise.resolve(this.teams[team]?.includes(login) ?? false);
  }
  blobShas(files: readonly { commit: string; path: string }[]): Promise<(string | undefined)[]> {
    return Promise.resolve(files.map(({ commit, path }) => this.tree.get(`${commit}:${path}`)));
  }
  readBlobs(shas: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return Promise.resolve(new Map(shas.map((sha) => [sha, this.blobs.get(sha) ?? ""])));
  }
  mergedPull(number: number): Promise<MergedPull | undefined> {
    return Promise.resolve(this.merged.find((pull) => pull.number === number));
  }
  mergedPullsLabelled(): Promise<readonly MergedPull[]> {
    this.asked.searches++;
    return Promise.resolve(this.merged);
  }
  createGateRun(headSha: string, check: GateCheck, externalId: string): Promise<number> {
    this.writes.created.push({ headSha, check, externalId });
    this.pull = {
      ...this.pull,
      gateRun: { id: 99, status: "completed", conclusion: check.conclusion, externalId },
    };
    return Promise.resolve(99);
  }
  updateGateRun(id: number, check: GateCheck, externalId: string): Promise<void> {
    this.writes.updated.push({ id, check, externalId });
    this.pull = {
      ...this.pull,
      gateRun: { id, status: "completed", conclusion: check.conclusion, externalId },
    };
    return Promise.resolve();
  }
  requiredChecks(): Promise<readonly RequiredCheck[]> {
    return Promise.resolve([]);
  }
}

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function deps(now = NOW) {
  return { configs: new ConfigCache(), clock: { now: () => now }, identity: ME, log: silent };
}

const config = new ConfigCache().parse("x", CONFIG_TEXT);

describe("touchedEnvironments", () => {
  const cases: {
    name: string;
    files: GatePull["files"];
    expected: { environments: string[]; outside: boolean };
  }[] = [
    {
      name: "one folder",
      files: [{ path: "envs/test/a.yaml" }],
      expected: { environments: ["test"], outside: false },
    },
    {
      name: "config order, duplicates once",
      files: [{ path: "envs/prod/a.yaml" }, { path: "envs/test/b/c.yaml" }, { path: "envs/prod/d.yaml" }],
      expected: { environments: ["test", "prod"], outside: false },
    },
    { name: "outside", files: [{ path: "README.md" }], expected: { environments: [], outside: true } },
    {
      name: "a name that only starts like a folder is outside",
      files: [{ path: "envs/testing/a.yaml" }, { path: "envs/test" }],
      expected: { environments: [], outside: true },
    },
    {
      name: "a rename touches the folder it left",
      files: [{ path: "archive/a.yaml", previousPath: "envs/prod/a.yaml" }],
      expected: { environments: ["prod"], outside: true },
    },
  ];
  for (const { name, files, expected } of cases) {
    it(name, () => {
      expect(touchedEnvironments(config, files)).toEqual(expected);
    });
  }
});

describe("isOwnPull", () => {
  it("is this app's bot, whether GraphQL (stagecoach) or REST (stagecoach[bot]) spells it", () => {
    expect(isOwnPull({ author: { login: "stagecoach", type: "Bot" } }, ME)).toBe(true);
    expect(isOwnPull({ author: { login: "stagecoach[bot]", type: "Bot" } }, ME)).toBe(true);
    expect(isOwnPull({ author: { login: "stagecoach", type: "User" } }, ME)).toBe(false);
    expect(isOwnPull({ author: { login: "other[bot]", type: "Bot" } }, ME)).toBe(false);
  });
});

describe("runGate", () => {
  it("creates the run once, writes nothing for the same verdict, updates it in place for a new one", async () => {
    const port = new MemoryPort();
    expect(await runGate(port, 5, deps())).toMatchObject({ kind: "created", conclusion: "failure" });
    expect(await runGate(port, 5, deps(NOW + HOUR))).toMatchObject({ kind: "unchanged" });
    port.pull = { ...port.pull, reviews: [review("carol", "APPROVED")] };
    expect(await runGate(port, 5, deps())).toMatchObject({ kind: "updated", conclusion: "success" });
    expect(port.writes.created).toHaveLength(1);
    expect(port.writes.updated.map((write) => write.id)).toEqual([99]);
  });

  it("the author's own approval never counts (GitHub refuses it, but the rule does not rely on that)", async () => {
    const port = new MemoryPort({ reviews: [review("bob", "APPROVED")] });
    await runGate(port, 5, deps());
    const [write] = port.writes.created;
    expect(write?.check.conclusion).toBe("failure");
    expect(write?.check.summary).toContain("`bob` (author)");
    expect(port.asked.permissions).toEqual([]);
  });

  it("looks up only what the rules ask about: permissions for anyone-with-write, teams for listed ones, never bots", async () => {
    const port = new MemoryPort({
      files: [{ path: "envs/test/a.yaml" }, { path: "envs/prod/api.yaml" }],
      reviews: [
        review("carol", "APPROVED"),
        review("ci-bot", "APPROVED", { type: "Bot" }),
        review("erin", "COMMENTED"),
      ],
    });
    await runGate(port, 5, deps());
    expect(port.asked.permissions).toEqual(["carol"]);
    expect(port.asked.memberships).toEqual(["@acme/sre carol"]);
  });

  it("requestedBy is read from the metadata of this app's own PRs only", async () => {
    const body = metadata({ env: "test", requestedBy: "carol" });
    const reviews = [review("carol", "APPROVED")];
    const theirs = new MemoryPort({ body, reviews });
    await runGate(theirs, 5, deps());
    expect(theirs.writes.created[0]?.check.conclusion).toBe("success");
    const mine = new MemoryPort({ body, reviews, author: { login: "stagecoach", type: "Bot" } });
    await runGate(mine, 5, deps());
    expect(mine.writes.created[0]?.check.summary).toContain("`carol` (requested the promotion)");
  });

  it("a /freeze hold turns a PR into that environment red, and leaves a PR outside every folder alone", async () => {
    const hold = { issue: 3, env: "test", by: "alice", since: NOW - HOUR };
    const outside = new MemoryPort({ files: [{ path: "README.md" }] });
    outside.holds = [hold];
    await runGate(outside, 5, deps());
    expect(outside.writes.created[0]?.check.title).toBe("No environment rules apply");
    const inside = new MemoryPort();
    inside.holds = [hold];
    await runGate(inside, 5, deps());
    expect(inside.writes.created[0]?.check.title).toContain("test frozen until /unfreeze");
  });

  it("skips closed PRs and repositories without a config at the base", async () => {
    expect(await runGate(new MemoryPort({ state: "merged" }), 5, deps())).toEqual({
      kind: "skipped",
      reason: "the pull request is merged",
    });
    const bare = new MemoryPort();
    const withoutConfig: GatePull = { ...bare.pull };
    delete (withoutConfig as { config?: unknown }).config;
    bare.pull = withoutConfig;
    expect(await runGate(bare, 5, deps())).toMatchObject({ kind: "skipped" });
    expect(bare.writes.created).toEqual([]);
  });

  it("an invalid config fails closed, naming file, line and column", async () => {
    const port = new MemoryPort({
      config: { sha: "d".repeat(40), text: "environments:\n  dev:\n    pth: envs/dev\n" },
    });
    await runGate(port, 5, deps());
    const [write] = port.writes.created;
    expect(write?.check).toMatchObject({
      conclusion: "failure",
      title: "The Stagecoach config on main is invalid",
    });
    expect(write?.check.summary).toMatch(/\.github\/stagecoach\.yml:3:\d+/);
    expect(await runGate(port, 5, deps())).toMatchObject({ kind: "unchanged" });
  });
});

describe("runGate: soak", () => {
  const prodPull = (port: MemoryPort, tag: string): void => {
    port.file(HEAD, "envs/prod/api.yaml", deployment(tag));
    port.file(BASE, "envs/prod/api.yaml", deployment("1.3.0"));
    port.pull = {
      ...port.pull,
      files: [{ path: "envs/prod/api.yaml" }],
      reviews: [review("carol", "APPROVED")],
    };
  };
  const intoTest = (number: number, mergedAt: number, tag = "1.4.0"): MergedPull => ({
    number,
    mergedAt,
    baseRef: "main",
    author: { login: "stagecoach", type: "Bot" },
    body: metadata({ env: "test", versions: [{ app: "api", image: "ghcr.io/acme/api", tag }] }),
  });

  it("soaks from the chain step's merge as GitHub recorded it, and says until when", async () => {
    const port = new MemoryPort({
      author: { login: "stagecoach", type: "Bot" },
      body: metadata({ env: "prod", chain: [{ env: "test", number: 3, mergedAt: "2000-01-01T00:00:00Z" }] }),
    });
    prodPull(port, "1.4.0");
    port.merged = [intoTest(3, NOW - HOUR)];
    const outcome = await runGate(port, 5, deps());
    expect(outcome).toMatchObject({ conclusion: "failure", nextEvaluationAt: NOW + HOUR });
    expect(port.writes.created[0]?.check.title).toBe("1 of 1 approval for prod; soaking until 13:00 UTC");
    // The chain answered: no search of merged PRs.
    expect(port.asked.searches).toBe(0);
    expect(await runGate(port, 5, deps(NOW + HOUR))).toMatchObject({
      kind: "updated",
      conclusion: "success",
    });
  });

  it("a chain step that did not carry the version falls back to the merged PRs into test", async () => {
    const port = new MemoryPort({
      author: { login: "stagecoach", type: "Bot" },
      body: metadata({ env: "prod", chain: [{ env: "test", number: 3 }] }),
    });
    prodPull(port, "1.4.0");
    port.merged = [intoTest(3, NOW - 5 * HOUR, "1.3.9"), intoTest(4, NOW - 3 * HOUR)];
    expect(await runGate(port, 5, deps())).toMatchObject({ conclusion: "success" });
    expect(port.asked.searches).toBe(1);
  });

  it("a merged PR a person wrote, metadata and all, is no record", async () => {
    const port = new MemoryPort();
    prodPull(port, "1.4.0");
    port.merged = [{ ...intoTest(4, NOW - 3 * HOUR), author: { login: "bob", type: "User" } }];
    await runGate(port, 5, deps());
    expect(port.writes.created[0]?.check.summary).toContain("no record of when api 1.4.0 merged into test");
  });

  it("a PR that brings no new version has no soak rule at all", async () => {
    const port = new MemoryPort();
    prodPull(port, "1.3.0");
    await runGate(port, 5, deps());
    expect(port.writes.created[0]?.check).toMatchObject({ conclusion: "success" });
    expect(port.writes.created[0]?.check.summary).not.toContain("soak");
  });
});

describe("gateFingerprint", () => {
  const soaking = (now: number): GateResult =>
    evaluateGate({
      now,
      config: Config.parse({
        environments: { test: { path: "t" }, prod: { path: "p", from: "test", soak: "2h" } },
      }),
      pr: { number: 1, author: "bob", headSha: HEAD, draft: false },
      touched: { environments: ["prod"], outside: false },
      reviews: [],
      people: {},
      soak: { prod: { mergedIntoPredecessorAt: NOW - HOUR, version: "api 1.4.0" } },
      holds: [],
    });

  it("is the same while a soak runs (its elapsed time is not part of the verdict)", () => {
    expect(soaking(NOW).environments[0]?.rules[0]?.detail).not.toBe(
      soaking(NOW + 60_000).environments[0]?.rules[0]?.detail,
    );
    expect(gateFingerprint(soaking(NOW))).toBe(gateFingerprint(soaking(NOW + 60_000)));
  });

  it("changes when the verdict does", () => {
    expect(gateFingerprint(soaking(NOW))).not.toBe(gateFingerprint(soaking(NOW + 2 * HOUR)));
  });
});
