import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/schema.js";
import { evaluateGate, type GateInput, type Review } from "../../src/core/gate.js";
import { code, escapeText } from "../../src/core/markdown.js";
import { GATE_CHECK_NAME, renderGate } from "../../src/core/render-gate.js";

const t = (text: string): number => Date.parse(text);
const HOUR = 3_600_000;
const HEAD = "head0000";
const NOW = t("2026-03-25T12:00:00Z");

const config = Config.parse({
  environments: {
    dev: { path: "envs/dev" },
    test: { path: "envs/test", from: "dev", approvals: { required: 1 } },
    prod: {
      path: "envs/prod",
      from: "test",
      approvals: { required: 2, from: ["@acme/sre", "alice"] },
      soak: "2h",
      freeze: [
        {
          days: ["fri"],
          from: "16:00",
          to: "23:59",
          timezone: "Europe/Berlin",
          reason: "Weekend: no deploys",
        },
      ],
    },
  },
});

function review(login: string, state: Review["state"], commitId = HEAD): Review {
  return { id: login.length, login, type: "User", state, commitId, submittedAt: NOW - HOUR };
}

function input(overrides: Partial<GateInput> = {}): GateInput {
  return {
    now: NOW,
    config,
    pr: { number: 7, author: "pat", headSha: HEAD, draft: false },
    touched: { environments: ["prod"], outside: false },
    reviews: [review("alice", "APPROVED"), review("bob", "APPROVED")],
    people: {
      alice: { permission: "write", teams: [] },
      bob: { permission: "write", teams: ["@acme/sre"] },
      carol: { permission: "write", teams: ["@acme/sre"] },
      erin: { permission: "write", teams: [] },
    },
    soak: { prod: { mergedIntoPredecessorAt: NOW - 3 * HOUR, version: "1.4.0" } },
    holds: [],
    ...overrides,
  };
}

const render = (overrides: Partial<GateInput> = {}): ReturnType<typeof renderGate> =>
  renderGate(evaluateGate(input(overrides)));

describe("renderGate: title", () => {
  it.each([
    {
      name: "approvals met but soaking, as on the day",
      overrides: {
        now: t("2026-03-25T13:00:00Z"),
        soak: { prod: { mergedIntoPredecessorAt: t("2026-03-25T12:05:00Z") } },
      },
      title: "2 of 2 approvals for prod; soaking until 14:05 UTC",
    },
    {
      name: "soaking past midnight names the date",
      overrides: { soak: { prod: { mergedIntoPredecessorAt: t("2026-03-26T01:00:00Z") - 2 * HOUR } } },
      title: "2 of 2 approvals for prod; soaking until 2026-03-26 01:00 UTC",
    },
    { name: "all rules hold", overrides: {}, title: "2 of 2 approvals for prod" },
    {
      name: "one approval short",
      overrides: { reviews: [review("bob", "APPROVED")] },
      title: "1 of 2 approvals for prod",
    },
    {
      name: "changes requested",
      overrides: { reviews: [review("alice", "APPROVED"), review("bob", "CHANGES_REQUESTED")] },
      title: "1 of 2 approvals for prod; changes requested on prod",
    },
    {
      name: "frozen by a window",
      overrides: { now: t("2026-03-27T18:00:00Z") },
      title: "2 of 2 approvals for prod; prod frozen until 23:00 UTC",
    },
    {
      name: "frozen by a hold",
      overrides: { holds: [{ env: "prod", by: "carol", since: NOW - HOUR }] },
      title: "2 of 2 approvals for prod; prod frozen until /unfreeze",
    },
    {
      name: "several environments",
      overrides: {
        touched: { environments: ["test", "prod"], outside: false },
        reviews: [review("erin", "APPROVED")],
      },
      title: "1 of 1 approval for test; 0 of 2 approvals for prod",
    },
    {
      name: "a draft",
      overrides: { pr: { number: 7, author: "pat", headSha: HEAD, draft: true } },
      title: "Draft; 2 of 2 approvals for prod",
    },
    {
      name: "nothing touched",
      overrides: { touched: { environments: [], outside: true } },
      title: "No environment rules apply",
    },
    {
      name: "an environment without rules",
      overrides: { touched: { environments: ["dev"], outside: false } },
      title: "All rules hold for dev",
    },
  ])("$name", ({ overrides, title }) => {
    expect(render(overrides).title).toBe(title);
  });

  it("names the check and passes the conclusion through", () => {
    expect(render()).toMatchObject({ name: GATE_CHECK_NAME, conclusion: "success" });
    expect(render({ reviews: [] })).toMatchObject({ name: "Stagecoach / approvals", conclusion: "failure" });
  });
});

describe("renderGate: summary", () => {
  it.each([
    {
      name: "heads each environment with its outcome",
      overrides: { reviews: [review("bob", "APPROVED")] },
      fragments: ["### ❌ Environment `prod`", "| approvals | ❌ | 1 of 2 approvals (bob) |"],
    },
    {
      name: "names stale approvals as stale",
      overrides: { reviews: [review("bob", "APPROVED"), review("alice", "APPROVED", "old00000")] },
      fragments: ["- **Stale** (approved before the latest push; approve again): `alice`"],
    },
    {
      name: "names who approved and who else could",
      overrides: { reviews: [review("bob", "APPROVED")] },
      fragments: [
        "- **Approved by:** `bob`",
        "- **Could approve:** `@acme/sre`, `alice`",
        "- **Missing:** 1 more approval from @\u200Bacme/sre or alice",
      ],
    },
    {
      name: "says why an approval did not count",
      overrides: {
        reviews: [review("alice", "APPROVED"), review("bob", "APPROVED"), review("pat", "APPROVED")],
      },
      fragments: ["- **Not counted:** `pat` (author)"],
    },
    {
      name: "gives a freeze's reason and end in ISO and in the window's zone",
      overrides: { now: t("2026-03-27T18:00:00Z") },
      fragments: [
        "| no freeze | ❌ | Weekend: no deploys, until 2026-03-27T23:00:00Z (Sat 28 Mar, 00:00 CET, Europe/Berlin) |",
      ],
    },
    {
      name: "gives a hold's author and says it lasts until /unfreeze",
      overrides: { holds: [{ env: "prod", by: "carol", since: t("2026-03-25T11:00:00Z") }] },
      fragments: ["| no freeze | ❌ | frozen by carol (since 2026-03-25T11:00:00Z), until `/unfreeze` |"],
    },
    {
      name: "says when it will look again",
      overrides: {},
      fragments: ["Evaluated again at 2026-03-27T15:00:00Z"],
    },
  ])("$name", ({ overrides, fragments }) => {
    const { summary } = render(overrides);
    for (const fragment of fragments) expect(summary).toContain(fragment);
  });

  it("renders a hold's reason as text: no link, image, HTML, mention or table break", () => {
    const reason =
      "[click](https://evil.example) ![x](y) <img src=x onerror=alert(1)> @acme/everyone | www.evil.example";
    const { summary } = render({ holds: [{ env: "prod", by: "mallory", reason, since: NOW }] });
    const freezeRow = summary.split("\n").find((row) => row.startsWith("| no freeze |")) ?? "";
    expect(freezeRow).not.toMatch(/[^\\]\[click\]/);
    expect(freezeRow).not.toContain("https://");
    expect(freezeRow).not.toMatch(/[^\\]<img/);
    expect(freezeRow).not.toContain("@acme/everyone");
    expect(freezeRow).not.toContain("www.evil");
    // The row keeps its three cells: every pipe from the reason is escaped.
    expect(freezeRow.split(/(?<!\\)\|/)).toHaveLength(5);
  });
});

describe("escapeText", () => {
  it.each([
    { text: "*bold* _it_ `code`", expected: "\\*bold\\* \\_it\\_ \\`code\\`" },
    { text: "a | b", expected: "a \\| b" },
    { text: "line\nbreak", expected: "line break" },
    { text: "<b>&amp;", expected: "\\<b\\>\\&amp;" },
    { text: "@team", expected: "@\u200Bteam" },
    { text: "http://x.y", expected: "http:\u200B//x.y" },
    { text: "1.4.0-rc.1", expected: "1.4.0-rc.1" },
  ])("$text", ({ text, expected }) => {
    expect(escapeText(text)).toBe(expected);
  });
});

describe("code", () => {
  it.each([
    { text: "alice", expected: "`alice`" },
    { text: "a`b", expected: "``a`b``" },
    { text: "`x", expected: "`` `x ``" },
  ])("$text", ({ text, expected }) => {
    expect(code(text)).toBe(expected);
  });
});
