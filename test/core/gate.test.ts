import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.js";
import {
  evaluateGate,
  OUTSIDE,
  teamsToResolve,
  type EnvironmentVerdict,
  type GateInput,
  type Person,
  type Review,
} from "../../src/core/gate.js";

const t = (text: string): number => Date.parse(text);
const HOUR = 3_600_000;
const HEAD = "head0000";
const OLD = "old00000";
// A Wednesday, outside prod's weekend freeze.
const NOW = t("2026-03-25T12:00:00Z");

function configWith(overrides: { prod?: object; default?: object } = {}): Config {
  return Config.parse({
    environments: {
      dev: { path: "envs/dev" },
      test: { path: "envs/test", from: "dev", approvals: { required: 1 } },
      prod: {
        path: "envs/prod",
        from: "test",
        approvals: { required: 2, from: ["@acme/sre", "alice"] },
        soak: "2h",
        freeze: [{ days: ["fri", "sat", "sun"], from: "16:00", to: "23:59", timezone: "Europe/Berlin" }],
        ...overrides.prod,
      },
    },
    ...(overrides.default === undefined ? {} : { default: overrides.default }),
  });
}

const people: Record<string, Person> = {
  alice: { permission: "write", teams: [] },
  bob: { permission: "write", teams: ["@acme/sre"] },
  carol: { permission: "admin", teams: ["@acme/sre"] },
  dave: { permission: "read", teams: [] },
  erin: { permission: "write", teams: ["@acme/platform"] },
  pat: { permission: "write", teams: ["@acme/sre"] },
  rita: { permission: "maintain", teams: ["@acme/sre"] },
};

let nextId = 1;
function review(
  login: string,
  state: Review["state"],
  options: { commitId?: string; at?: number; type?: Review["type"] } = {},
): Review {
  return {
    id: nextId++,
    login,
    type: options.type ?? "User",
    state,
    commitId: options.commitId ?? HEAD,
    submittedAt: options.at ?? NOW - HOUR,
  };
}

function input(overrides: Partial<GateInput> = {}): GateInput {
  return {
    now: NOW,
    config: configWith(),
    pr: { number: 7, author: "pat", headSha: HEAD, draft: false, requestedBy: "rita" },
    touched: { environments: ["prod"], outside: false },
    reviews: [],
    people,
    soak: { prod: { mergedIntoPredecessorAt: NOW - 3 * HOUR, version: "1.4.0" } },
    holds: [],
    ...overrides,
  };
}

function verdict(gateInput: GateInput, env = "prod"): EnvironmentVerdict {
  const found = evaluateGate(gateInput).environments.find((entry) => entry.env === env);
  if (found === undefined) throw new Error(`no verdict for ${env}`);
  return found;
}

function rule(entry: EnvironmentVerdict, name: string): { ok: boolean; detail: string } | undefined {
  return entry.rules.find((result) => result.rule === name);
}

describe("evaluateGate: who counts towards prod's approvals", () => {
  const cases: {
    name: string;
    reviews: Review[];
    config?: Config;
    approvedBy: string[];
    ok: boolean;
    notCounted?: { login: string; why: string }[];
    stale?: string[];
  }[] = [
    {
      name: "two listed approvers on the head commit satisfy it",
      reviews: [review("alice", "APPROVED"), review("bob", "APPROVED")],
      approvedBy: ["alice", "bob"],
      ok: true,
    },
    {
      name: "the author's approval does not count",
      reviews: [review("alice", "APPROVED"), review("pat", "APPROVED")],
      approvedBy: ["alice"],
      ok: false,
      notCounted: [{ login: "pat", why: "author" }],
    },
    {
      name: "the /promote requester's approval does not count",
      reviews: [review("alice", "APPROVED"), review("RITA", "APPROVED")],
      approvedBy: ["alice"],
      ok: false,
      notCounted: [{ login: "RITA", why: "requested the promotion" }],
    },
    {
      name: "a bot's approval does not count",
      reviews: [review("alice", "APPROVED"), review("sre-bot[bot]", "APPROVED", { type: "Bot" })],
      approvedBy: ["alice"],
      ok: false,
      notCounted: [{ login: "sre-bot[bot]", why: "bot" }],
    },
    {
      name: "a writer outside approvals.from does not count",
      reviews: [review("alice", "APPROVED"), review("erin", "APPROVED")],
      approvedBy: ["alice"],
      ok: false,
      notCounted: [{ login: "erin", why: "not in approvals.from" }],
    },
    {
      name: "a reviewer nobody looked up does not count",
      reviews: [review("alice", "APPROVED"), review("zed", "APPROVED")],
      approvedBy: ["alice"],
      ok: false,
      notCounted: [{ login: "zed", why: "not in approvals.from" }],
    },
    {
      name: "an approval of an older commit is stale",
      reviews: [review("alice", "APPROVED"), review("bob", "APPROVED", { commitId: OLD })],
      approvedBy: ["alice"],
      ok: false,
      stale: ["bob"],
    },
    {
      name: "allowStale counts an approval of an older commit",
      config: configWith({
        prod: { approvals: { required: 2, from: ["@acme/sre", "alice"], allowStale: true } },
      }),
      reviews: [review("alice", "APPROVED"), review("bob", "APPROVED", { commitId: OLD })],
      approvedBy: ["alice", "bob"],
      ok: true,
    },
    {
      name: "a later comment does not replace an approval",
      reviews: [
        review("alice", "APPROVED"),
        review("bob", "APPROVED"),
        review("bob", "COMMENTED", { at: NOW - 1000 }),
      ],
      approvedBy: ["alice", "bob"],
      ok: true,
    },
    {
      name: "a dismissed approval no longer counts",
      reviews: [review("alice", "APPROVED"), review("bob", "DISMISSED")],
      approvedBy: ["alice"],
      ok: false,
    },
    {
      name: "only the latest review counts: an approval after a change request",
      reviews: [
        review("alice", "APPROVED"),
        review("bob", "CHANGES_REQUESTED", { at: NOW - 2 * HOUR }),
        review("bob", "APPROVED", { at: NOW - HOUR }),
      ],
      approvedBy: ["alice", "bob"],
      ok: true,
    },
  ];

  it.each(cases)("$name", ({ reviews, config, approvedBy, ok, notCounted, stale }) => {
    const entry = verdict(input({ reviews, ...(config === undefined ? {} : { config }) }));
    expect(entry.approvedBy).toEqual(approvedBy);
    expect(rule(entry, "approvals")?.ok).toBe(ok);
    expect(entry.notCounted).toEqual(notCounted ?? []);
    expect(entry.staleApprovedBy).toEqual(stale ?? []);
  });

  it("names who else could approve and what is missing", () => {
    const entry = verdict(input({ reviews: [review("bob", "APPROVED")] }));
    expect(entry.couldApprove).toEqual(["@acme/sre", "alice"]);
    expect(entry.missing).toBe("1 more approval from @acme/sre or alice");
  });
});

describe("evaluateGate: change requests", () => {
  const approvals = [review("alice", "APPROVED"), review("bob", "APPROVED")];
  it.each([
    {
      name: "a change request from a listed reviewer blocks despite enough approvals",
      reviews: [...approvals, review("carol", "CHANGES_REQUESTED")],
      blockedBy: ["carol"],
    },
    {
      name: "a change request on an older commit still blocks",
      reviews: [...approvals, review("carol", "CHANGES_REQUESTED", { commitId: OLD })],
      blockedBy: ["carol"],
    },
    {
      name: "a later comment does not clear a change request",
      reviews: [
        ...approvals,
        review("carol", "CHANGES_REQUESTED", { at: NOW - 2 * HOUR }),
        review("carol", "COMMENTED", { at: NOW - HOUR }),
      ],
      blockedBy: ["carol"],
    },
    {
      name: "the requester's later approval clears it",
      reviews: [
        ...approvals,
        review("carol", "CHANGES_REQUESTED", { at: NOW - 2 * HOUR }),
        review("carol", "APPROVED", { at: NOW - HOUR }),
      ],
      blockedBy: [],
    },
    {
      name: "dismissing it clears it",
      reviews: [...approvals, review("carol", "DISMISSED")],
      blockedBy: [],
    },
    {
      name: "a change request from someone who does not count does not block",
      reviews: [...approvals, review("erin", "CHANGES_REQUESTED")],
      blockedBy: [],
    },
  ])("$name", ({ reviews, blockedBy }) => {
    const result = evaluateGate(input({ reviews }));
    const entry = verdict(input({ reviews }));
    expect(entry.changesRequestedBy).toEqual(blockedBy);
    expect(rule(entry, "changes-requested")?.ok).toBe(blockedBy.length === 0);
    expect(result.conclusion).toBe(blockedBy.length === 0 ? "success" : "failure");
  });
});

describe("evaluateGate: environments without approvers listed", () => {
  it.each([
    { name: "anyone with write permission counts", login: "erin", approvedBy: ["erin"], why: undefined },
    { name: "a reader does not count", login: "dave", approvedBy: [], why: "has read permission" },
    {
      name: "a reviewer without known permission does not count",
      login: "zed",
      approvedBy: [],
      why: "permission unknown",
    },
  ])("$name", ({ login, approvedBy, why }) => {
    const entry = verdict(
      input({ touched: { environments: ["test"], outside: false }, reviews: [review(login, "APPROVED")] }),
      "test",
    );
    expect(entry.approvedBy).toEqual(approvedBy);
    expect(entry.notCounted).toEqual(why === undefined ? [] : [{ login, why }]);
    expect(entry.missing).toBe(why === undefined ? "" : "1 more approval from someone with write permission");
  });
});

describe("evaluateGate: scopes", () => {
  const both = [review("alice", "APPROVED"), review("bob", "APPROVED"), review("erin", "APPROVED")];
  it.each([
    {
      name: "a PR touching test and prod needs both: prod short",
      touched: { environments: ["test", "prod"], outside: false },
      reviews: [review("erin", "APPROVED")],
      scopes: [
        ["test", true],
        ["prod", false],
      ],
      conclusion: "failure",
    },
    {
      name: "a PR touching test and prod passes when both hold",
      touched: { environments: ["test", "prod"], outside: false },
      reviews: both,
      scopes: [
        ["test", true],
        ["prod", true],
      ],
      conclusion: "success",
    },
    {
      name: "an environment without rules passes",
      touched: { environments: ["dev"], outside: false },
      reviews: [],
      scopes: [["dev", true]],
      conclusion: "success",
    },
    {
      name: "files outside every folder without `default` have no rules",
      touched: { environments: [], outside: true },
      reviews: [],
      scopes: [],
      conclusion: "success",
    },
  ])("$name", ({ touched, reviews, scopes, conclusion }) => {
    const result = evaluateGate(input({ touched, reviews }));
    expect(result.environments.map((entry) => [entry.env, entry.ok])).toEqual(scopes);
    expect(result.conclusion).toBe(conclusion);
  });

  it.each([
    { name: "files outside every folder follow `default`: missing", login: "alice", ok: false },
    {
      name: "files outside every folder follow `default`: a platform member approves",
      login: "erin",
      ok: true,
    },
  ])("$name", ({ login, ok }) => {
    const config = configWith({ default: { approvals: { required: 1, from: ["@acme/platform"] } } });
    const result = evaluateGate(
      input({ config, touched: { environments: [], outside: true }, reviews: [review(login, "APPROVED")] }),
    );
    expect(result.environments).toHaveLength(1);
    expect(result.environments[0]).toMatchObject({ scope: "outside", env: OUTSIDE, ok });
    expect(result.conclusion).toBe(ok ? "success" : "failure");
  });

  it("a draft PR fails with the draft rule", () => {
    const draft = input({
      pr: { number: 7, author: "pat", headSha: HEAD, draft: true },
      touched: { environments: ["dev"], outside: false },
    });
    const result = evaluateGate(draft);
    expect(result.conclusion).toBe("failure");
    expect(result.environments[0]?.rules).toEqual([
      { rule: "draft", ok: false, detail: "the pull request is a draft" },
    ]);
  });

  it("a touched environment missing from the config is a bug, not a pass", () => {
    expect(() => evaluateGate(input({ touched: { environments: ["qa"], outside: false } }))).toThrow(/"qa"/);
  });
});

describe("evaluateGate: soak and freeze", () => {
  const approved = [review("alice", "APPROVED"), review("bob", "APPROVED")];

  it("soak not yet served: failure, re-evaluate at the soak's end", () => {
    const merged = NOW - 30 * 60_000;
    const gate = input({
      reviews: approved,
      soak: { prod: { mergedIntoPredecessorAt: merged, version: "1.4.0" } },
    });
    const result = evaluateGate(gate);
    const entry = verdict(gate);
    expect(result.conclusion).toBe("failure");
    expect(rule(entry, "soak")).toEqual({
      rule: "soak",
      ok: false,
      detail: "1.4.0 has been in test for 30m of 2h; soaking until 2026-03-25T13:30:00Z",
    });
    expect(entry.soak?.until).toBe(merged + 2 * HOUR);
    expect(result.nextEvaluationAt).toBe(merged + 2 * HOUR);
  });

  it("soak served: success, the next timer is the coming freeze", () => {
    const result = evaluateGate(input({ reviews: approved }));
    expect(result.conclusion).toBe("success");
    // Friday 16:00 in Berlin (CET).
    expect(result.nextEvaluationAt).toBe(t("2026-03-27T15:00:00Z"));
  });

  it("no recorded merge into the predecessor: not satisfied, and says so", () => {
    const entry = verdict(input({ reviews: approved, soak: { prod: { version: "1.4.0" } } }));
    expect(rule(entry, "soak")?.ok).toBe(false);
    expect(rule(entry, "soak")?.detail).toMatch(/^no record of when 1\.4\.0 merged into test/);
  });

  it("inside a Berlin freeze window: failure until the window ends", () => {
    const now = t("2026-03-27T18:00:00Z");
    const gate = input({
      now,
      reviews: approved,
      soak: { prod: { mergedIntoPredecessorAt: now - 3 * HOUR } },
    });
    const result = evaluateGate(gate);
    expect(result.conclusion).toBe("failure");
    expect(rule(verdict(gate), "freeze")).toMatchObject({ ok: false });
    expect(verdict(gate).missing).toBe("frozen until 2026-03-27T23:00:00Z");
    expect(result.nextEvaluationAt).toBe(t("2026-03-27T23:00:00Z"));
  });

  it("inside a New York window: the re-evaluation is at its end in UTC", () => {
    const config = configWith({
      prod: { freeze: [{ days: ["sat"], from: "20:00", to: "09:00", timezone: "America/New_York" }] },
    });
    const now = t("2026-03-08T05:00:00Z");
    const result = evaluateGate(
      input({ now, config, reviews: approved, soak: { prod: { mergedIntoPredecessorAt: now - 3 * HOUR } } }),
    );
    expect(result.conclusion).toBe("failure");
    // Sunday 09:00 EDT, the clocks having gone forward that night.
    expect(result.nextEvaluationAt).toBe(t("2026-03-08T13:00:00Z"));
  });

  it("the earlier of soak end and freeze start wins", () => {
    const now = t("2026-03-27T14:30:00Z");
    const result = evaluateGate(
      input({ now, reviews: approved, soak: { prod: { mergedIntoPredecessorAt: now - HOUR } } }),
    );
    expect(result.nextEvaluationAt).toBe(t("2026-03-27T15:00:00Z"));
  });

  it("a hold keeps the gate red with no end and no timer", () => {
    const holds = [{ env: "prod", by: "carol", reason: "incident", since: NOW - HOUR }];
    const config = configWith({ prod: { freeze: [] } });
    const gate = input({ config, reviews: approved, holds });
    const result = evaluateGate(gate);
    expect(result.conclusion).toBe("failure");
    expect(rule(verdict(gate), "freeze")?.detail).toBe("frozen by carol: incident, until /unfreeze");
    expect(result.nextEvaluationAt).toBeUndefined();
  });

  it("a hold on another environment does not touch prod", () => {
    const holds = [{ env: "test", by: "carol", since: NOW - HOUR }];
    expect(evaluateGate(input({ reviews: approved, holds })).conclusion).toBe("success");
  });
});

describe("teamsToResolve", () => {
  it("asks only about reviewers who could count, and only what their rules need", () => {
    const reviews = [
      review("alice", "APPROVED"),
      review("bob", "APPROVED"),
      review("erin", "CHANGES_REQUESTED"),
      review("pat", "APPROVED"),
      review("rita", "APPROVED"),
      review("ci[bot]", "APPROVED", { type: "Bot" }),
      review("dave", "COMMENTED"),
    ];
    const config = configWith({ default: { approvals: { required: 1, from: ["@acme/platform"] } } });
    const lookups = teamsToResolve({
      config,
      pr: { number: 7, author: "pat", headSha: HEAD, draft: false, requestedBy: "rita" },
      touched: { environments: ["test", "prod"], outside: true },
      reviews,
    });
    expect(lookups.permissions).toEqual(["alice", "bob", "erin"]);
    expect(lookups.memberships).toEqual([
      { team: "@acme/sre", login: "bob" },
      { team: "@acme/sre", login: "erin" },
      { team: "@acme/platform", login: "alice" },
      { team: "@acme/platform", login: "bob" },
      { team: "@acme/platform", login: "erin" },
    ]);
  });

  it("asks nothing when no touched scope has approvals", () => {
    const lookups = teamsToResolve({
      config: configWith(),
      pr: { number: 7, author: "pat", headSha: HEAD, draft: false },
      touched: { environments: ["dev"], outside: true },
      reviews: [review("bob", "APPROVED")],
    });
    expect(lookups).toEqual({ memberships: [], permissions: [] });
  });
});
