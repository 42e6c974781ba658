import { parseConfig } from "../src/config/parse.js";
import { deployedVersions } from "../src/core/versions.js";
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

// 4. Promotion and approvals come next.
timeline.step("Promotion to test (auto) and prod (/promote prod, 2 approvals from @acme/sre): not built yet");

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
