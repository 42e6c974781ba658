import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoggedRequest } from "../fake-github/index.js";
import { EXAMPLE_REPO, readTree, startWorld, type World } from "../harness/world.js";
import { measureFidelity } from "./fidelity.js";
import { generateRepo } from "./repo.js";

/**
 * `npm run bench`: drives the real app (Probot server, webhooks, Octokit) against the fake GitHub and
 * prints figures. A benchmark, not a test: nothing here fails a build. The last line is one JSON object.
 */

const APPS = Array.from({ length: 20 }, (_, index) => `app${String(index).padStart(2, "0")}`);
const CORPUS = fileURLToPath(new URL("../../shared/corpus", import.meta.url));

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);

function log(text: string): void {
  console.log(text);
}

/**
 * The approval gate's own requests on the new PR (its read and the check run), counted
 * apart from the bump's so each flow's cost stays visible.
 */
function isGateRequest(entry: LoggedRequest): boolean {
  return entry.operation?.startsWith("StagecoachGate") === true || entry.route.includes("/check-runs");
}

interface Cost {
  /** The bump's requests. */
  readonly requests: number;
  /** The gate's requests for the PR the bump opened or pushed. */
  readonly gate: number;
  readonly routes: Record<string, number>;
}

async function publishAndCount(world: World, app: string, tag: string): Promise<Cost> {
  world.fake.requests.reset();
  world.fake.as("ci-bot").publishContainer({ owner: "acme", name: app, tag });
  await world.settle({ timeoutMs: 120_000 });
  const all = world.fake.requests.list();
  const gate = all.filter(isGateRequest).length;
  return { requests: all.length - gate, gate, routes: world.fake.requests.countsByOperation() };
}

/** Requests for one bump PR: cold (first event), warm (repo seen), warm update, after the default branch moved. */
async function requestBudget(
  totalFiles: number,
): Promise<{ cold: number; warm: number; update: number; moved: number; gate: number }> {
  const world = await startWorld({ files: generateRepo(APPS, totalFiles) });
  try {
    const cold = await publishAndCount(world, "app00", "1.1.0");
    const warm = await publishAndCount(world, "app01", "1.1.0");
    const update = await publishAndCount(world, "app01", "1.2.0");
    world.fake
      .as("alice")
      .push(world.repo, { branch: "main", files: { "platform/team-1/notes.yaml": "moved: true\n" } });
    await world.settle();
    const moved = await publishAndCount(world, "app02", "1.1.0");
    log(
      `  ${totalFiles} files: cold ${cold.requests}, warm ${warm.requests}, warm update ${update.requests}, after main moved ${moved.requests}; ` +
        `the approval gate on the new PR ${warm.gate} more (on the update ${update.gate})`,
    );
    log(`    warm routes (bump and gate): ${JSON.stringify(warm.routes)}`);
    return {
      cold: cold.requests,
      warm: warm.requests,
      update: update.requests,
      moved: moved.requests,
      gate: warm.gate,
    };
  } finally {
    await world.close();
  }
}

/** Milliseconds from the image event to the PR existing, with `latencyMs` on every GitHub response. */
async function latency(production: boolean, samples: number): Promise<number[]> {
  const world = await startWorld({
    files: generateRepo(APPS, 500),
    latencyMs: 50,
    production,
    settings: { coalesceMs: 150 },
  });
  const times: number[] = [];
  try {
    // Warm the app up (token, index, caches) as a running app would be.
    world.fake.as("ci-bot").publishContainer({ owner: "acme", name: "app00", tag: "1.1.0" });
    await world.settle({ timeoutMs: 120_000 });
    for (let index = 1; index <= samples; index++) {
      const app = APPS[index] ?? "app01";
      const start = performance.now();
      world.fake.as("ci-bot").publishContainer({ owner: "acme", name: app, tag: "1.1.0" });
      while (!world.fake.pulls(world.repo).some((pull) => pull.head.ref === `stagecoach/dev/${app}`)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      times.push(performance.now() - start);
      await world.settle({ timeoutMs: 120_000 });
    }
  } finally {
    await world.close();
  }
  return times;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** 200 publishes across 20 apps within one second: does every app end with one open PR at its newest version? */
async function burst(): Promise<{
  apps: number;
  openPrs: number;
  atNewest: number;
  seconds: number;
  commits: number;
}> {
  const world = await startWorld({ files: generateRepo(APPS, 500), latencyMs: 10 });
  try {
    const events = APPS.flatMap((app) =>
      Array.from({ length: 10 }, (_, index) => ({ app, tag: `1.0.${index + 1}` })),
    );
    events.sort(() => Math.random() - 0.5);
    const start = performance.now();
    await Promise.all(
      events.map(
        (event, index) =>
          new Promise<void>((resolve) =>
            setTimeout(
              () => {
                world.fake.as("ci-bot").publishContainer({ owner: "acme", name: event.app, tag: event.tag });
                resolve();
              },
              (index * 1000) / events.length,
            ),
          ),
      ),
    );
    await world.settle({ timeoutMs: 300_000 });
    const seconds = (performance.now() - start) / 1000;
    const open = world.fake.pulls(world.repo).filter((pull) => pull.state === "open");
    const atNewest = APPS.filter(
      (app) =>
        world.fake
          .readFile(world.repo, `envs/dev/${app}/deployment.yaml`, `stagecoach/dev/${app}`)
          ?.includes(`${app}:1.0.10 `) === true,
    ).length;
    const commits = world.fake.requests.countsByRoute()["POST /repos/{owner}/{repo}/git/commits"] ?? 0;
    return { apps: APPS.length, openPrs: open.length, atNewest, seconds, commits };
  } finally {
    await world.close();
  }
}

log("Stagecoach bench — the real app against the fake GitHub\n");

log("GitHub requests for one bump PR (target: at most 6 warm, flat in repo size):");
const small = await requestBudget(200);
const large = await requestBudget(2_000);

log("\nLatency, image event -> PR open, 50 ms simulated GitHub latency per request:");
const unthrottled = await latency(false, 7);
log(
  `  unthrottled Octokit: p50 ${median(unthrottled).toFixed(0)} ms (samples: ${unthrottled.map((ms) => ms.toFixed(0)).join(", ")})`,
);
const production = await latency(true, 3);
log(
  `  production Octokit (retry + throttling: one write per second): p50 ${median(production).toFixed(0)} ms (samples: ${production.map((ms) => ms.toFixed(0)).join(", ")})`,
);

log("\nBurst: 200 publishes across 20 apps within one second (unthrottled, 10 ms latency):");
const storm = await burst();
log(
  `  ${storm.atNewest}/${storm.apps} apps at their newest version, ${storm.openPrs} open PRs, ${storm.commits} commits, settled in ${storm.seconds.toFixed(1)} s`,
);

log("\nEdit fidelity: bump every image reference once, lines changed beyond the tag's own line:");
const fixtures = new Map(Object.entries(readTree(EXAMPLE_REPO)));
const sets: [string, Map<string, string>][] = [["examples/config-repo", fixtures]];
if (existsSync(CORPUS)) sets.push(["../shared/corpus", new Map(Object.entries(readTree(CORPUS)))]);
const fidelity: Record<string, ReturnType<typeof measureFidelity>> = {};
for (const [name, files] of sets) {
  const result = measureFidelity(files);
  fidelity[name] = result;
  log(
    `  ${name}: ${result.edits} edits; Stagecoach changed ${result.oursExtraLines} extra lines (${result.oursEditsWithExtraLines} edits); ` +
      `yaml-diff-patch changed ${result.theirsExtraLines} extra lines (${result.theirsEditsWithExtraLines} edits) and could not make ${result.theirsImpossible} (multi-document files)`,
  );
}

clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
log(`\nPeak RSS (app replicas and fake GitHub in one process): ${(peakRss / 1024 / 1024).toFixed(0)} MB\n`);

const corpus = fidelity["../shared/corpus"];
console.log(
  JSON.stringify({
    bumpRequestsWarm: large.warm,
    bumpRequestsCold: large.cold,
    bumpRequestsWarmUpdate: large.update,
    bumpRequestsAfterMainMoved: large.moved,
    bumpRequestsWarm200Files: small.warm,
    gateRequestsPerNewPr: large.gate,
    bumpLatencyP50Ms: Math.round(median(unthrottled)),
    bumpLatencyProductionP50Ms: Math.round(median(production)),
    burstApps: storm.apps,
    burstOpenPrs: storm.openPrs,
    burstAtNewest: storm.atNewest,
    burstCommits: storm.commits,
    burstSeconds: Number(storm.seconds.toFixed(1)),
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    fidelityEdits: (corpus ?? fidelity["examples/config-repo"])?.edits ?? 0,
    fidelityExtraLinesStagecoach: (corpus ?? fidelity["examples/config-repo"])?.oursExtraLines ?? 0,
    fidelityExtraLinesYamlDiffPatch: (corpus ?? fidelity["examples/config-repo"])?.theirsExtraLines ?? 0,
    fidelitySet: corpus === undefined ? "examples/config-repo" : "../shared/corpus",
  }),
);
