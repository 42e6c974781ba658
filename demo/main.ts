import { parseConfig } from "../src/config/parse.js";
import { deployedVersions } from "../src/core/versions.js";
import { GATE_CHECK_NAME } from "../src/core/render-gate.js";
import { EXAMPLE_REPO, readTree, startWorld } from "../harness/world.js";
import { Timeline } from "./timeline.js";

/**
 * `npm run demo`: the main job on an embedded default. The real Stagecoach (Probot server, webhooks,
 * Octokit) runs against the fake GitHub, loaded with examples/config-repo; the demo acts as CI and as
 * people, and prints GitHub's record of what happened. Exits 0 when the end state is right.
 */
const files = readTree(EXAMPLE_REPO);
const config = parseConfig(files[".github/stagecoach.yml"] ?? "");
const world = await startWorld({ files });
const { fake, repo } = world;
// A Tuesday morning, outside prod's weekend freeze window, whatever day the demo runs.
world.setClock(new Date("2026-11-24T09:00:00Z"));
// As a platform team would set it up: main requires the approval gate.
fake.protectBranch(repo, "main", { requiredChecks: [GATE_CHECK_NAME] });
const timeline = await Timeline.start(fake, repo);
const problems: string[] = [];
const expectVersion = (env: string, app: string, tag: string): void => {
  const actual = deployedVersions(config, env, fake.files(repo))[app]?.tag;
  if (actual !== tag) problems.push(`${app} in ${env} is ${actual ?? "missing"}, expected ${tag}`);
};

console.log("Stagecoach demo — the main job on an embedded fake GitHub\n");
console.log(`config repo ${repo} (examples/config-repo):`);
for (const [name, env] of Object.entries(config.environments)) {
  const rules = [
    env.from === undefined ? "first environment" : `from ${env.from} (${env.promotion ?? "manual"})`,
    env.autoMerge ? "auto-merge" : undefined,
    env.approvals === undefined
      ? undefined
      : `${env.approvals.required} approval(s)${env.approvals.from === undefined ? "" : ` from ${env.approvals.from.join(", ")}`}`,
    env.soak === undefined ? undefined : `soak ${env.soak}`,
    env.freeze === undefined ? undefined : "freeze windows",
  ].filter((part) => part !== undefined);
  console.log(`  ${name.padEnd(5)} ${env.path.padEnd(10)} ${rules.join(", ")}`);
}
timeline.step("Versions before");
timeline.versions(config);

// 1. CI publishes a new api image to GHCR.
timeline.step("CI publishes ghcr.io/acme/api:1.4.0 to GHCR (registry_package webhook)");
fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "1.4.0", repo: "acme/api" });
await world.settle();
timeline.events();
expectVersion("dev", "api", "1.4.0");

// 2. A pinned web build arrives through repository_dispatch from another CI.
timeline.step(
  "Another CI sends repository_dispatch image-published for ghcr.io/acme/web:main-42-abc1234@sha256:…",
);
fake.as("ci-bot").dispatch(repo, "image-published", {
  image: "ghcr.io/acme/web",
  tag: "main-42-abc1234",
  digest: `sha256:${"4".repeat(64)}`,
  source_repo: "acme/web",
  source_sha: "abc1234".padEnd(40, "0"),
});
await world.settle();
timeline.events();
expectVersion("dev", "web", "main-42-abc1234");

// 3. A version the policy refuses changes nothing.
timeline.step("CI publishes ghcr.io/acme/api:2.0.0 — outside the policy ^1.0.0");
const before = fake.pulls(repo).length;
fake.as("ci-bot").publishContainer({ owner: "acme", name: "api", tag: "2.0.0", repo: "acme/api" });
await world.settle();
timeline.events();
if (fake.pulls(repo).length !== before) problems.push("a refused version opened a PR");
else timeline.note("no PR: 2.0.0 is outside ^1.0.0 (logged and skipped)");

// 4. dev merged by itself (autoMerge); test is an `auto` edge: its promotion PR is already open.
const promotion = (env: string, app: string): number => {
  const found = fake
    .pulls(repo)
    .find(
      (pull) =>
        pull.state === "open" &&
        pull.head.ref.startsWith(`stagecoach/promote/${env}/`) &&
        pull.title.startsWith(`Promote ${app} `),
    );
  if (found === undefined) throw new Error(`no open promotion of ${app} to ${env}`);
  return found.number;
};
const gate = (number: number): string => {
  const run = fake
    .checkRuns(repo, fake.pull(repo, number).head.sha)
    .find((candidate) => candidate.name === GATE_CHECK_NAME);
  return run === undefined ? "no check" : `${run.conclusion ?? run.status} — ${run.output.title ?? ""}`;
};
const toTest = promotion("test", "api");
timeline.step(`test needs one approval: bob approves PR #${toTest}, alice merges it`);
timeline.note(`gate on #${toTest} before: ${gate(toTest)}`);
fake.as("bob").approve(repo, toTest);
await world.settle();
timeline.events();
timeline.note(`gate on #${toTest} after:  ${gate(toTest)}`);
fake.as("alice").merge(repo, toTest);
await world.settle();
timeline.events();
expectVersion("test", "api", "1.4.0");

// 5. prod is `manual`: a release manager asks for it in a comment on the merged test PR.
timeline.step(`alice (release manager) comments "/promote prod" on PR #${toTest}`);
fake.as("alice").comment(repo, toTest, "/promote prod");
await world.settle();
timeline.events();
const toProd = promotion("prod", "api");
timeline.note(`gate on #${toProd}: ${gate(toProd)}`);

// 6. Branch protection requires the gate: merging now is refused by GitHub itself.
timeline.step(`alice tries to merge PR #${toProd} at once`);
try {
  fake.as("alice").merge(repo, toProd);
  problems.push(`PR #${toProd} merged before its gate was green`);
} catch (error) {
  timeline.note(`refused by branch protection: ${error instanceof Error ? error.message : String(error)}`);
}

// 7. Two approvals from @acme/sre; the promoter would not count, the author (the app) never does.
timeline.step(`carol and dave (@acme/sre) approve PR #${toProd}`);
fake.as("carol").approve(repo, toProd);
await world.settle();
timeline.events();
timeline.note(`after carol: ${gate(toProd)}`);
fake.as("dave").approve(repo, toProd);
await world.settle();
timeline.events();
timeline.note(`after dave:  ${gate(toProd)}`);

// 8. Soak: the version must have been in test for 2h. Time passes; no event arrives; the check turns.
timeline.step("two hours pass, with no webhook at all (the soak timer fires)");
world.advanceClock(2 * 60 * 60 * 1000 + 60 * 1000);
await world.settle();
timeline.events();
timeline.note(`gate on #${toProd}: ${gate(toProd)}`);
if (!gate(toProd).startsWith("success")) problems.push(`the gate on PR #${toProd} did not turn green`);

timeline.step(`alice merges PR #${toProd}`);
fake.as("alice").merge(repo, toProd);
await world.settle();
timeline.events();
expectVersion("prod", "api", "1.4.0");

// 9. Anyone with read access can ask where things stand.
timeline.step("erin asks /status on a new issue");
const statusIssue = fake.as("alice").openIssue(repo, { title: "Where are we?" });
fake.as("erin").comment(repo, statusIssue, "/status");
await world.settle();
const reply = fake
  .comments(repo, statusIssue)
  .find((comment) => comment.user?.login === "stagecoach[bot]")?.body;
if (reply === undefined) problems.push("/status got no reply");
for (const line of (reply ?? "").split("\n")) if (line.trim() !== "") timeline.note(`  ${line}`);

timeline.step("Versions after");
timeline.versions(config);
await world.close();
await timeline.close();

if (problems.length > 0) {
  console.log(`\n✘ the end state is wrong:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  process.exitCode = 1;
} else {
  console.log("\n✔ end state as expected");
}
