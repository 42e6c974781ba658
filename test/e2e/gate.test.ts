import { describe, expect, it } from "vitest";
import { FREEZE_LABEL, renderFreezeIssue } from "../../src/core/freeze-issue.js";
import { renderMetadata, type PrMetadata } from "../../src/core/metadata.js";
import { GATE_CHECK_NAME } from "../../src/core/render-gate.js";
import { gateRequired } from "../../src/github/octokit-gate.js";
import { apiDeployment, worldPerTest } from "./world.js";

/**
 * The approval gate end to end: the real app against the fake GitHub, people reviewing, pushing and
 * changing teams, time moved by the world's clock. Assertions are on the check run GitHub shows on
 * each PR's head and on the writes that produced it.
 */

const HOUR = 3_600_000;
const MINUTE = 60_000;

const ENVIRONMENTS = `environments:
  dev:
    path: envs/dev
  test:
    path: envs/test
    from: dev
    approvals: { required: 1 }
  prod:
    path: envs/prod
    from: test
    approvals:
      required: 2
      from: ["@acme/sre", "alice"]
`;
const APPS = `apps:
  api:
    image: ghcr.io/acme/api
`;

const deployment = (tag: string): string => apiDeployment(tag);

function files(config: string = ENVIRONMENTS + APPS): Record<string, string> {
  return {
    ".github/stagecoach.yml": config,
    "README.md": "# config\n",
    "envs/dev/api.yaml": deployment("1.3.0"),
    "envs/test/api.yaml": deployment("1.3.0"),
    "envs/prod/api.yaml": deployment("1.3.0"),
  };
}

const { start, current } = worldPerTest(() => files());

let branches = 0;

/** `author` pushes `changes` to a new branch and opens a PR; returns its number. */
async function propose(
  author: string,
  changes: Readonly<Record<string, string | null>>,
  title = "Change",
): Promise<number> {
  const { fake, repo } = current();
  const branch = `change-${++branches}`;
  fake.as(author).push(repo, { branch, files: changes });
  const number = fake.as(author).openPull(repo, { head: branch, title });
  await current().settle();
  return number;
}

interface GateView {
  readonly id: number;
  readonly conclusion: string | null;
  readonly title: string;
  readonly summary: string;
}

/** The gate's check run on the PR's head; fails unless there is exactly one. */
function gate(number: number): GateView {
  const { fake, repo } = current();
  const head = fake.pull(repo, number).head.sha;
  const runs = fake.checkRuns(repo, head).filter((run) => run.name === GATE_CHECK_NAME);
  expect(runs, `gate runs on #${number}`).toHaveLength(1);
  const [run] = runs;
  return {
    id: Number(run?.id ?? 0),
    conclusion: run?.status === "completed" ? (run.conclusion ?? null) : null,
    title: run?.output.title ?? "",
    summary: run?.output.summary ?? "",
  };
}

/** Check-run writes (create and update) since the request log was last reset. */
function gateWrites(): number {
  return current()
    .fake.requests.list()
    .filter((request) => request.route.includes("/check-runs") && request.method !== "GET").length;
}

async function approve(login: string, number: number): Promise<number> {
  const id = current().fake.as(login).approve(current().repo, number);
  await current().settle();
  return id;
}

describe("which PRs the gate applies to", () => {
  it("a PR touching no environment folder and no default rule is green: no environment rules apply", async () => {
    await start();
    const number = await propose("bob", { "README.md": "# config, edited\n" });
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "No environment rules apply" });
  });

  it("files outside every folder follow `default` when there is one", async () => {
    await start({ files: files(`${ENVIRONMENTS}default:\n  approvals: { required: 1 }\n${APPS}`) });
    const number = await propose("bob", { "README.md": "# config, edited\n" });
    expect(gate(number)).toMatchObject({ conclusion: "failure", title: "0 of 1 approval for other files" });
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
  });

  it("an environment without rules is green at once", async () => {
    await start();
    const number = await propose("bob", { "envs/dev/api.yaml": deployment("1.3.1") });
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "All rules hold for dev" });
  });

  it("an invalid config at the base fails every PR closed, saying why", async () => {
    await start({ files: files(`${ENVIRONMENTS}  staging:\n    path: envs/staging\n    frm: dev\n${APPS}`) });
    const number = await propose("bob", { "README.md": "# config, edited\n" });
    const view = gate(number);
    expect(view).toMatchObject({ conclusion: "failure", title: "The Stagecoach config on main is invalid" });
    expect(view.summary).toContain(".github/stagecoach.yml:");
  });
});

describe("approvals counted and not counted", () => {
  it("one approval from someone with write access turns a test PR green", async () => {
    await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    expect(gate(number)).toMatchObject({ conclusion: "failure", title: "0 of 1 approval for test" });
    await approve("carol", number);
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "1 of 1 approval for test" });
  });

  it("a reviewer with read access, and a bot, do not count", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("erin", number);
    fake.as("ci-bot").approve(repo, number);
    await current().settle();
    const view = gate(number);
    expect(view.conclusion).toBe("failure");
    expect(view.summary).toContain("**Not counted:** `erin` (has read permission), `ci-bot` (bot)");
  });

  it("a reviewer outside the listed team counts once they join it (membership webhook)", async () => {
    const { fake } = await start();
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    await approve("dave", number);
    expect(gate(number).conclusion).toBe("success");

    const other = await propose("carol", { "envs/prod/api.yaml": deployment("1.3.2") });
    await approve("bob", other);
    await approve("dave", other);
    expect(gate(other)).toMatchObject({ conclusion: "failure", title: "1 of 2 approvals for prod" });
    expect(gate(other).summary).toContain("`bob` (not in approvals.from)");

    fake.addTeamMember("acme", "sre", "bob");
    await current().settle();
    expect(gate(other)).toMatchObject({ conclusion: "success", title: "2 of 2 approvals for prod" });

    fake.removeTeamMember("acme", "sre", "bob");
    await current().settle();
    expect(gate(other).conclusion).toBe("failure");
  });
});

/** A PR opened by Stagecoach itself (its bot), with its hidden metadata block and `env:` label. */
async function proposeAsApp(
  env: string,
  changes: Record<string, string>,
  metadata: Partial<PrMetadata> & Pick<PrMetadata, "kind">,
): Promise<number> {
  const { fake, repo } = current();
  const bot = fake.as("stagecoach[bot]");
  const branch = `stagecoach/${env}/api-${++branches}`;
  bot.push(repo, { branch, files: changes });
  const body = renderMetadata({
    v: 1,
    env,
    versions: [],
    chain: [],
    superseded: [],
    files: [],
    ...metadata,
  });
  const number = bot.openPull(repo, {
    head: branch,
    title: `Promote to ${env}`,
    body: `A change.\n\n${body}`,
  });
  bot.addLabels(repo, number, ["stagecoach", `env:${env}`]);
  await current().settle();
  return number;
}

const API_140 = [{ app: "api", image: "ghcr.io/acme/api", tag: "1.4.0" }];

describe("who may approve", () => {
  it("the person who asked for the promotion (metadata requestedBy) does not count", async () => {
    await start();
    const number = await proposeAsApp(
      "prod",
      { "envs/prod/api.yaml": deployment("1.4.0") },
      { kind: "promotion", versions: API_140, requestedBy: "carol" },
    );
    await approve("carol", number);
    await approve("dave", number);
    const view = gate(number);
    expect(view).toMatchObject({ conclusion: "failure", title: "1 of 2 approvals for prod" });
    expect(view.summary).toContain("`carol` (requested the promotion)");
    expect(view.summary).toContain("**Could approve:** `@acme/sre`, `alice`");
    await approve("alice", number);
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "2 of 2 approvals for prod" });
  });

  it("a requestedBy in the body of a PR a person opened is not Stagecoach's record and changes nothing", async () => {
    const { fake, repo } = await start();
    const branch = "by-hand";
    fake.as("bob").push(repo, { branch, files: { "envs/test/api.yaml": deployment("1.3.1") } });
    const body = renderMetadata({
      v: 1,
      kind: "promotion",
      env: "test",
      versions: [],
      chain: [],
      superseded: [],
      files: [],
      requestedBy: "carol",
    });
    const number = fake.as("bob").openPull(repo, { head: branch, title: "by hand", body });
    await current().settle();
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
  });

  it("an approval given before the latest push is stale until given again", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");

    const branch = fake.pull(repo, number).head.ref;
    fake.as("bob").push(repo, { branch, files: { "envs/test/api.yaml": deployment("1.3.2") } });
    await current().settle();
    const view = gate(number);
    expect(view).toMatchObject({ conclusion: "failure", title: "0 of 1 approval for test" });
    expect(view.summary).toContain("**Stale** (approved before the latest push; approve again): `carol`");

    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
  });

  it("allowStale keeps an approval across pushes", async () => {
    const { fake, repo } = await start({
      files: files(
        ENVIRONMENTS.replace("approvals: { required: 1 }", "approvals: { required: 1, allowStale: true }") +
          APPS,
      ),
    });
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    fake.as("bob").push(repo, {
      branch: fake.pull(repo, number).head.ref,
      files: { "envs/test/api.yaml": deployment("1.3.2") },
    });
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
  });

  it("changes requested block until that reviewer approves", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    fake.as("carol").review(repo, number, "REQUEST_CHANGES", "not this tag");
    await current().settle();
    await approve("dave", number);
    expect(gate(number)).toMatchObject({
      conclusion: "failure",
      title: "1 of 1 approval for test; changes requested on test",
    });
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
  });

  it("changes requested block until the review is dismissed", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    const review = fake.as("carol").review(repo, number, "REQUEST_CHANGES", "not this tag");
    await approve("dave", number);
    expect(gate(number).conclusion).toBe("failure");
    fake.as("alice").dismissReview(repo, number, review, "resolved offline");
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
  });

  it("a dismissed approval no longer counts", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    const review = await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
    fake.as("alice").dismissReview(repo, number, review, "too early");
    await current().settle();
    expect(gate(number)).toMatchObject({ conclusion: "failure", title: "0 of 1 approval for test" });
  });

  it("a PR touching two environments needs both environments' rules", async () => {
    await start();
    const number = await propose("bob", {
      "envs/test/api.yaml": deployment("1.3.1"),
      "envs/prod/api.yaml": deployment("1.3.1"),
    });
    await approve("erin", number);
    expect(gate(number).title).toBe("0 of 1 approval for test; 0 of 2 approvals for prod");
    await approve("carol", number);
    expect(gate(number)).toMatchObject({
      conclusion: "failure",
      title: "1 of 1 approval for test; 1 of 2 approvals for prod",
    });
    await approve("dave", number);
    expect(gate(number)).toMatchObject({
      conclusion: "success",
      title: "2 of 1 approval for test; 2 of 2 approvals for prod",
    });
  });

  it("a file moved out of an environment folder touches that environment", async () => {
    await start();
    const number = await propose("bob", {
      "envs/prod/api.yaml": null,
      "archive/api.yaml": deployment("1.3.0"),
    });
    expect(gate(number).title).toBe("0 of 2 approvals for prod");
  });
});

const SOAK = `environments:
  dev:
    path: envs/dev
  test:
    path: envs/test
    from: dev
  prod:
    path: envs/prod
    from: test
    soak: 2h
${APPS}`;

/** api 1.4.0 promoted into test by Stagecoach and merged now; returns the merged PR's number. */
async function mergedIntoTest(): Promise<number> {
  const number = await proposeAsApp(
    "test",
    { "envs/test/api.yaml": deployment("1.4.0") },
    { kind: "promotion", versions: API_140 },
  );
  current().fake.as("alice").merge(current().repo, number);
  await current().settle();
  return number;
}

/** Webhook deliveries other than the check events the gate's own writes cause. */
function deliveries(): number {
  return current()
    .fake.webhooks.list()
    .filter((delivery) => delivery.event !== "check_run" && delivery.event !== "check_suite").length;
}

describe("soak", () => {
  it("a promotion soaking in test turns green with no event once the soak is served", async () => {
    await start({ files: files(SOAK) });
    const intoTest = await mergedIntoTest();
    const number = await proposeAsApp(
      "prod",
      { "envs/prod/api.yaml": deployment("1.4.0") },
      { kind: "promotion", versions: API_140, chain: [{ env: "test", number: intoTest }] },
    );
    const red = gate(number);
    expect(red.conclusion).toBe("failure");
    expect(red.title).toMatch(
      /^prod soaking until \d\d:\d\d UTC$|^prod soaking until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
    expect(red.summary).toContain("api 1.4.0 has been in test for");

    const before = deliveries();
    current().advanceClock(HOUR);
    await current().settle();
    expect(gate(number).conclusion).toBe("failure");
    current().advanceClock(HOUR + MINUTE);
    await current().settle();
    expect(deliveries()).toBe(before);
    const green = gate(number);
    expect(green.conclusion).toBe("success");
    expect(green.summary).toMatch(/api 1\.4\.0 has been in test since \S+ \(2h needed\)/);
    expect(green.id).toBe(red.id);
  });

  it("a person's PR bringing a version in is soaked from the Stagecoach PR that merged it into test", async () => {
    await start({ files: files(SOAK) });
    await mergedIntoTest();
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.4.0") });
    expect(gate(number).summary).toContain("api 1.4.0 has been in test for");
    current().advanceClock(2 * HOUR + MINUTE);
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
  });

  it("a version test never had is not satisfied, and says so", async () => {
    await start({ files: files(SOAK) });
    await mergedIntoTest();
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.9.9") });
    const view = gate(number);
    expect(view).toMatchObject({ conclusion: "failure", title: "prod soak not recorded" });
    expect(view.summary).toContain("no record of when api 1.9.9 merged into test");
  });

  it("a change that brings no new version (replicas) has nothing to soak", async () => {
    await start({ files: files(SOAK) });
    const number = await propose("bob", {
      "envs/prod/api.yaml": deployment("1.3.0").replace(
        "spec:\n  template",
        "spec:\n  replicas: 3\n  template",
      ),
    });
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "All rules hold for prod" });
  });

  it("after a restart in the middle of a soak, the new replica's timer turns the check green", async () => {
    await start({ files: files(SOAK) });
    const intoTest = await mergedIntoTest();
    const number = await proposeAsApp(
      "prod",
      { "envs/prod/api.yaml": deployment("1.4.0") },
      { kind: "promotion", versions: API_140, chain: [{ env: "test", number: intoTest }] },
    );
    expect(gate(number).conclusion).toBe("failure");
    const old = current().replicas[0];
    expect(old?.clock.pending).toBe(1);

    current().fake.requests.reset();
    const fresh = await current().restartReplica(0);
    await current().settle();
    expect(old?.clock.pending).toBe(0);
    expect(fresh.clock.pending).toBe(1);
    // The start-up pass read the PR again and found nothing to write.
    expect(gateWrites()).toBe(0);

    current().advanceClock(2 * HOUR + MINUTE);
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
    expect(fresh.clock.pending).toBe(0);
  });
});

const FREEZE = `environments:
  dev:
    path: envs/dev
  test:
    path: envs/test
    from: dev
  prod:
    path: envs/prod
    from: test
    freeze:
      - { days: [fri], from: "16:00", to: "23:59", timezone: Europe/Berlin, reason: "weekend freeze" }
${APPS}`;

describe("freeze", () => {
  it("a Europe/Berlin window evaluated at UTC instants: red inside, green outside, with no event at either edge", async () => {
    await start({ files: files(FREEZE) });
    // Friday 27 March 2026, 14:30 UTC = 15:30 in Berlin (CET, UTC+1): the freeze runs 15:00-23:00 UTC
    // (16:00 to the end of 23:59 in Berlin).
    current().setClock(Date.parse("2026-03-27T14:30:00Z"));
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.3.1") });
    const before = gate(number);
    expect(before.conclusion).toBe("success");
    expect(before.summary).toContain("not frozen; the next freeze starts 2026-03-27T15:00:00Z");

    const events = deliveries();
    current().advanceClock(30 * MINUTE);
    await current().settle();
    const frozen = gate(number);
    expect(frozen).toMatchObject({ conclusion: "failure", title: "prod frozen until 23:00 UTC" });
    expect(frozen.summary).toContain("weekend freeze");
    expect(frozen.summary).toContain("Europe/Berlin");

    current().advanceClock(8 * HOUR);
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
    expect(deliveries()).toBe(events);
  });

  it("in summer time the same window starts an hour earlier in UTC", async () => {
    await start({ files: files(FREEZE) });
    // Friday 3 July 2026, 14:30 UTC = 16:30 in Berlin (CEST, UTC+2): inside the window, 14:00-22:00 UTC.
    current().setClock(Date.parse("2026-07-03T14:30:00Z"));
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.3.1") });
    expect(gate(number)).toMatchObject({ conclusion: "failure", title: "prod frozen until 22:00 UTC" });
  });

  it("a /freeze hold (the app's labelled issue) keeps the gate red until the issue is closed", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");

    const { title, body } = renderFreezeIssue({
      env: "test",
      by: "alice",
      since: new Date(current().now()).toISOString(),
      reason: "incident 42",
    });
    const issue = fake.as("stagecoach[bot]").openIssue(repo, { title, body, labels: [FREEZE_LABEL] });
    await current().settle();
    const frozen = gate(number);
    expect(frozen).toMatchObject({
      conclusion: "failure",
      title: "1 of 1 approval for test; test frozen until /unfreeze",
    });
    expect(frozen.summary).toContain("incident 42");

    // A look-alike written by a person is not a freeze.
    fake.as("bob").openIssue(repo, { title: "Stagecoach: prod is frozen", body, labels: [FREEZE_LABEL] });
    fake.as("alice").close(repo, issue);
    await current().settle();
    expect(gate(number).conclusion).toBe("success");
  });
});

describe("writes", () => {
  it("one run per head: re-evaluating to the same verdict writes nothing, a new verdict updates it in place", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.3.1") });
    const first = gate(number);

    fake.requests.reset();
    fake.as("alice").rerequestCheckRun(repo, first.id);
    fake.as("bob").editPull(repo, number, { body: "more words" });
    fake.as("erin").review(repo, number, "COMMENT", "looks fine to me");
    await current().settle();
    expect(gateWrites()).toBe(0);
    expect(gate(number).id).toBe(first.id);

    await approve("carol", number);
    expect(gateWrites()).toBe(1);
    expect(gate(number)).toMatchObject({ id: first.id, title: "1 of 2 approvals for prod" });
  });

  it("Re-run evaluates again with fresh facts: a permission granted without a webhook, once the cache has expired", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("erin", number);
    expect(gate(number).conclusion).toBe("failure");
    fake.setCollaborator(repo, "erin", "write");
    current().advanceClock(2 * MINUTE);
    await current().settle();
    expect(gate(number).conclusion).toBe("failure");
    fake.as("erin").rerequestCheckRun(repo, gate(number).id);
    await current().settle();
    expect(gate(number)).toMatchObject({ conclusion: "success", title: "1 of 1 approval for test" });
  });

  it("a redelivered webhook writes nothing", async () => {
    const { fake } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    fake.requests.reset();
    const delivery = fake.webhooks.list().findLast((hook) => hook.event === "pull_request_review");
    fake.webhooks.redeliver(delivery?.guid ?? "");
    await current().settle();
    expect(gateWrites()).toBe(0);
    expect(gate(number).conclusion).toBe("success");
  });

  it("a config change on the base branch re-evaluates open PRs into it", async () => {
    const { fake, repo } = await start();
    const number = await propose("bob", { "envs/test/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
    fake.as("alice").push(repo, {
      branch: "main",
      files: { ".github/stagecoach.yml": ENVIRONMENTS.replace("required: 1", "required: 2") + APPS },
    });
    await current().settle();
    expect(gate(number)).toMatchObject({ conclusion: "failure", title: "1 of 2 approvals for test" });
  });

  it("a warm evaluation costs one GraphQL read (freezes included) and at most one write", async () => {
    const { fake } = await start();
    const number = await propose("bob", { "envs/prod/api.yaml": deployment("1.3.1") });
    await approve("carol", number);
    fake.requests.reset();
    await approve("dave", number);
    expect(fake.requests.countsByOperation()).toEqual({
      "POST /graphql StagecoachGate": 1,
      "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": 1,
      "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": 1,
    });
    fake.requests.reset();
    fake.as("erin").review(current().repo, number, "COMMENT", "noted");
    await current().settle();
    expect(fake.requests.countsByOperation()).toEqual({ "POST /graphql StagecoachGate": 1 });
  });
});

describe("auto-merge and branch protection", () => {
  const AUTO = `environments:
  dev:
    path: envs/dev
    autoMerge: true
    approvals: { required: 1 }
  test:
    path: envs/test
    from: dev
${APPS}`;

  async function bumpPull(): Promise<number> {
    const { fake, repo } = current();
    const ci = fake.app({ slug: "ci", permissions: { checks: "write", metadata: "read" } });
    fake.install(ci, { account: "acme" });
    fake.protectBranch(repo, "main", { requiredChecks: [GATE_CHECK_NAME, "build"] });
    fake.as("alice").publishContainer({ owner: "acme", name: "api", tag: "1.4.0" });
    await current().settle();
    const pull = fake.pulls(repo).find((candidate) => candidate.head.ref === "stagecoach/dev/api");
    if (pull === undefined) throw new Error("no bump PR");
    return pull.number;
  }

  it("a Stagecoach PR into an autoMerge environment waits for the gate after CI is green, then merges", async () => {
    const { fake, repo } = await start({ files: files(AUTO) });
    const number = await bumpPull();
    expect(gate(number).conclusion).toBe("failure");
    fake.as("ci[bot]").checkRun(repo, fake.pull(repo, number).head.sha, {
      name: "build",
      status: "completed",
      conclusion: "success",
    });
    await current().settle();
    expect(fake.pull(repo, number).state).toBe("open");

    await approve("carol", number);
    expect(fake.pull(repo, number).merged).toBe(true);
    expect(fake.readFile(repo, "envs/dev/api.yaml")).toContain("api:1.4.0");
  });

  it("waits for CI after the gate is green, then merges", async () => {
    const { fake, repo } = await start({ files: files(AUTO) });
    const number = await bumpPull();
    await approve("carol", number);
    expect(gate(number).conclusion).toBe("success");
    expect(fake.pull(repo, number).state).toBe("open");
    fake.as("ci[bot]").checkRun(repo, fake.pull(repo, number).head.sha, {
      name: "build",
      status: "completed",
      conclusion: "success",
    });
    await current().settle();
    expect(fake.pull(repo, number).merged).toBe(true);
  });

  it("gateRequired tells whether the default branch requires the gate check", async () => {
    const { fake, repo, replicas, installationId } = await start();
    const octokit = await (replicas[0]?.probot.auth(installationId) ??
      Promise.reject(new Error("no replica")));
    const id = { owner: "acme", name: "config" };
    expect(await gateRequired(octokit, id, "main")).toBe(false);
    fake.protectBranch(repo, "main", { requiredChecks: ["build"] });
    expect(await gateRequired(octokit, id, "main")).toBe(false);
    fake.protectBranch(repo, "main", { requiredChecks: ["build", GATE_CHECK_NAME] });
    expect(await gateRequired(octokit, id, "main")).toBe(true);
    expect(
      await gateRequired(
        { requiredChecks: () => Promise.resolve([{ context: GATE_CHECK_NAME }]) },
        id,
        "main",
      ),
    ).toBe(true);
  });
});
