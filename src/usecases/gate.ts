import { createHash } from "node:crypto";
import type { Config, Environment } from "../config/schema.js";
import { environmentFolder } from "../core/bump.js";
import { ConfigError, formatProblem } from "../core/errors.js";
import {
  evaluateGate,
  teamsToResolve,
  type GateInput,
  type GateResult,
  type Lookups,
  type Person,
  type SoakFact,
} from "../core/gate.js";
import { code, escapeText } from "../core/markdown.js";
import { parseMetadata, type PrMetadata } from "../core/metadata.js";
import { GATE_CHECK_NAME, renderGate, type GateCheck } from "../core/render-gate.js";
import { deployedVersions } from "../core/versions.js";
import type { AppIdentity, ChangedFile, GatePort, GatePull, MergedPull } from "../github/gate-port.js";
import type { Clock } from "./clock.js";
import type { ConfigCache } from "./config-cache.js";
import type { Log } from "./log.js";

/**
 * The approval gate for one pull request: read everything (the PR, its files and reviews, the config at
 * its base, the people its rules ask about, freezes, soak records), evaluate once, and write the check
 * run `Stagecoach / approvals` on the head commit only when what it says changed.
 */

export interface GateDeps {
  readonly configs: ConfigCache;
  readonly clock: Pick<Clock, "now">;
  readonly identity: AppIdentity;
  readonly log: Log;
}

export type GateOutcome =
  | { readonly kind: "skipped"; readonly reason: string }
  | {
      readonly kind: "created" | "updated" | "unchanged";
      readonly conclusion: GateCheck["conclusion"];
      readonly headSha: string;
      readonly headRef: string;
      /** When the verdict may change with no event (soak served, freeze starts or ends). */
      readonly nextEvaluationAt?: number;
      /** A Stagecoach PR into an `autoMerge` environment: a green gate is the moment to try merging. */
      readonly autoMerge?: true;
    };

export async function runGate(port: GatePort, number: number, deps: GateDeps): Promise<GateOutcome> {
  const fields = { repo: `${port.id.owner}/${port.id.name}`, pull: number };

  // 1. The PR, its files and reviews, the config at its base and the gate's current run: one read.
  const pull = await port.readPull(number);
  if (pull === undefined) return { kind: "skipped", reason: "no such pull request" };
  if (pull.state !== "open") return { kind: "skipped", reason: `the pull request is ${pull.state}` };
  if (pull.config === undefined) return { kind: "skipped", reason: "no .github/stagecoach.yml at the base" };

  // 2. An invalid config fails closed: nothing merges on rules nobody can read.
  let config: Config;
  try {
    config = deps.configs.parse(pull.config.sha, pull.config.text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.log.warn({ ...fields, problems: error.problems.length }, "gate: the config at the base is invalid");
    return write(
      port,
      pull,
      invalidConfigCheck(pull.baseRef, error),
      `stagecoach-gate:config:${pull.config.sha}`,
    );
  }

  // 3. The facts the rules ask about, read in parallel.
  const touched = touchedEnvironments(config, pull.files);
  const metadata = isOwnPull(pull, deps.identity) ? parseMetadata(pull.body) : undefined;
  const pr: GateInput["pr"] = {
    number: pull.number,
    author: pull.author.login,
    headSha: pull.headSha,
    draft: pull.draft,
    ...(metadata?.requestedBy !== undefined && { requestedBy: metadata.requestedBy }),
  };
  const lookups = teamsToResolve({ config, touched, pr, reviews: pull.reviews });
  const holds = pull.freezes;
  const [people, soak] = await Promise.all([
    resolvePeople(port, lookups),
    soakFacts(port, pull, config, touched.environments, metadata, deps.identity),
  ]);

  // 4. Evaluate once, render, write if the verdict changed.
  const result = evaluateGate({
    now: deps.clock.now(),
    config: withoutSoak(config, soak.nothingToSoak),
    pr,
    touched,
    reviews: pull.reviews,
    people,
    soak: soak.facts,
    holds,
  });
  const outcome = await write(port, pull, renderGate(result), gateFingerprint(result));
  deps.log.info(
    { ...fields, conclusion: result.conclusion, write: outcome.kind, next: result.nextEvaluationAt },
    "gate evaluated",
  );
  const autoMerge = metadata !== undefined && config.environments[metadata.env]?.autoMerge === true;
  return {
    ...outcome,
    ...(result.nextEvaluationAt !== undefined && { nextEvaluationAt: result.nextEvaluationAt }),
    ...(autoMerge && { autoMerge }),
  };
}

type Written = Exclude<GateOutcome, { kind: "skipped" }>;

async function write(port: GatePort, pull: GatePull, check: GateCheck, externalId: string): Promise<Written> {
  const base = { conclusion: check.conclusion, headSha: pull.headSha, headRef: pull.headRef };
  const run = pull.gateRun;
  if (run?.status === "completed" && run.conclusion === check.conclusion && run.externalId === externalId) {
    return { kind: "unchanged", ...base };
  }
  if (run === undefined) {
    await port.createGateRun(pull.headSha, check, externalId);
    return { kind: "created", ...base };
  }
  await port.updateGateRun(run.id, check, externalId);
  return { kind: "updated", ...base };
}

/** A PR this app opened: its hidden metadata block is Stagecoach's own record (who asked, where it came from). */
export function isOwnPull(pull: Pick<GatePull, "author">, identity: AppIdentity): boolean {
  // GraphQL names a bot `stagecoach`, REST `stagecoach[bot]`.
  const bare = (login: string): string => login.toLowerCase().replace(/\[bot\]$/, "");
  return pull.author.type === "Bot" && bare(pull.author.login) === bare(identity.botLogin);
}

/**
 * Which environment folders the files touch (in config order), and whether any file lies outside all
 * of them. A renamed file touches the folder it left as well as the one it entered.
 */
export function touchedEnvironments(
  config: Config,
  files: readonly ChangedFile[],
): { environments: string[]; outside: boolean } {
  const folders = Object.keys(config.environments).map((env) => ({
    env,
    folder: environmentFolder(config, env),
  }));
  const touched = new Set<string>();
  let outside = false;
  for (const file of files) {
    for (const path of [file.path, file.previousPath]) {
      if (path === undefined) continue;
      const match = folders.find(({ folder }) => path.startsWith(`${folder}/`));
      if (match === undefined) outside = true;
      else touched.add(match.env);
    }
  }
  return { environments: folders.map(({ env }) => env).filter((env) => touched.has(env)), outside };
}

async function resolvePeople(port: GatePort, lookups: Lookups): Promise<Record<string, Person>> {
  const logins = new Set([...lookups.permissions, ...lookups.memberships.map(({ login }) => login)]);
  const entries = await Promise.all(
    [...logins].map(async (login): Promise<[string, Person]> => {
      const wantsPermission = lookups.permissions.some((name) => name.toLowerCase() === login.toLowerCase());
      const teams = lookups.memberships.filter((entry) => entry.login.toLowerCase() === login.toLowerCase());
      const [permission, memberOf] = await Promise.all([
        wantsPermission ? port.permission(login) : Promise.resolve("none" as const),
        Promise.all(teams.map(async ({ team }) => ((await port.isTeamMember(team, login)) ? [team] : []))),
      ]);
      return [login, { permission, teams: memberOf.flat() }];
    }),
  );
  return Object.fromEntries(entries);
}

interface VersionRef {
  readonly app: string;
  readonly tag: string;
}

/**
 * For every touched environment with `soak`: the versions the PR brings in (what its changed files in
 * that folder pin at the head and not at the base tip; read from the files, so a push to a Stagecoach
 * branch cannot slip a version past its metadata) and when each merged into the `from` environment,
 * per GitHub's record of the merge. Environments the PR brings no version into have nothing to soak.
 */
async function soakFacts(
  port: GatePort,
  pull: GatePull,
  config: Config,
  environments: readonly string[],
  metadata: PrMetadata | undefined,
  identity: AppIdentity,
): Promise<{ facts: Record<string, SoakFact>; nothingToSoak: string[] }> {
  const soaking = environments.filter((env) => config.environments[env]?.soak !== undefined);
  if (soaking.length === 0) return { facts: {}, nothingToSoak: [] };
  const brought = await versionsBroughtIn(port, pull, config, soaking);
  const facts: Record<string, SoakFact> = {};
  const nothingToSoak: string[] = [];
  const searches = new Map<string, Promise<readonly MergedPull[]>>();
  for (const env of soaking) {
    const versions = brought.get(env) ?? [];
    const predecessor = config.environments[env]?.from;
    if (versions.length === 0) {
      nothingToSoak.push(env);
      continue;
    }
    const merges = await Promise.all(
      versions.map(async (version) => ({
        version,
        mergedAt:
          predecessor === undefined
            ? undefined
            : await mergedInto(port, predecessor, version, metadata, identity, searches),
      })),
    );
    const unknown = merges.find((merge) => merge.mergedAt === undefined);
    if (unknown !== undefined) {
      facts[env] = { version: `${unknown.version.app} ${unknown.version.tag}` };
      continue;
    }
    // The version that merged last is the one still soaking longest.
    const latest = merges.reduce((a, b) => ((b.mergedAt ?? 0) > (a.mergedAt ?? 0) ? b : a));
    facts[env] = {
      version: `${latest.version.app} ${latest.version.tag}`,
      ...(latest.mergedAt !== undefined && { mergedIntoPredecessorAt: latest.mergedAt }),
    };
  }
  return { facts, nothingToSoak };
}

async function versionsBroughtIn(
  port: GatePort,
  pull: GatePull,
  config: Config,
  environments: readonly string[],
): Promise<Map<string, VersionRef[]>> {
  const paths = environments.flatMap((env) => {
    const folder = environmentFolder(config, env);
    return pull.files.map((file) => file.path).filter((path) => path.startsWith(`${folder}/`));
  });
  const lookups = paths.flatMap((path) => [
    { commit: pull.headSha, path },
    ...(pull.baseSha === undefined ? [] : [{ commit: pull.baseSha, path }]),
  ]);
  const shas = lookups.length === 0 ? [] : await port.blobShas(lookups);
  const texts = await port.readBlobs(shas.filter((sha): sha is string => sha !== undefined));
  const head = new Map<string, string>();
  const base = new Map<string, string>();
  lookups.forEach(({ commit, path }, index) => {
    const sha = shas[index];
    const text = sha === undefined ? undefined : texts.get(sha);
    if (text !== undefined) (commit === pull.headSha ? head : base).set(path, text);
  });
  const result = new Map<string, VersionRef[]>();
  for (const env of environments) {
    const before = deployedVersions(config, env, base);
    const after = deployedVersions(config, env, head);
    const versions: VersionRef[] = [];
    for (const [app, deployed] of Object.entries(after)) {
      if (deployed.tag !== undefined && deployed.tag !== before[app]?.tag)
        versions.push({ app, tag: deployed.tag });
    }
    result.set(env, versions);
  }
  return result;
}

function carries(pull: MergedPull, env: string, version: VersionRef, identity: AppIdentity): boolean {
  if (!isOwnPull(pull, identity)) return false;
  const metadata = parseMetadata(pull.body);
  return (
    metadata?.env === env &&
    metadata.versions.some((carried) => carried.app === version.app && carried.tag === version.tag)
  );
}

/**
 * When `version` merged into `env`: first through the chain this PR's metadata records (the step into
 * `env`, its merge time read from GitHub), else the most recent merged Stagecoach PR into `env` that
 * carried it. Undefined when GitHub has no such record.
 */
async function mergedInto(
  port: GatePort,
  env: string,
  version: VersionRef,
  metadata: PrMetadata | undefined,
  identity: AppIdentity,
  searches: Map<string, Promise<readonly MergedPull[]>>,
): Promise<number | undefined> {
  for (const step of (metadata?.chain ?? []).filter((entry) => entry.env === env).reverse()) {
    const merged = await port.mergedPull(step.number);
    if (merged !== undefined && carries(merged, env, version, identity)) return merged.mergedAt;
  }
  let search = searches.get(env);
  if (search === undefined) {
    search = port.mergedPullsLabelled(`env:${env}`);
    searches.set(env, search);
  }
  const times = (await search)
    .filter((merged) => carries(merged, env, version, identity))
    .map((merged) => merged.mergedAt);
  return times.length === 0 ? undefined : Math.max(...times);
}

/** The config without `soak` in environments the PR brings no version into: nothing there soaks. */
function withoutSoak(config: Config, environments: readonly string[]): Config {
  if (environments.length === 0) return config;
  const entries = Object.entries(config.environments).map(([name, env]): [string, Environment] => {
    if (!environments.includes(name)) return [name, env];
    const rest: Environment = { ...env };
    delete rest.soak;
    return [name, rest];
  });
  return { ...config, environments: Object.fromEntries(entries) };
}

/**
 * What identifies a verdict, so re-evaluating to the same verdict writes nothing: everything the check
 * shows except the soak's running time ("1h of 2h"), which changes every minute and decides nothing.
 */
export function gateFingerprint(result: GateResult): string {
  const stable = {
    v: 1,
    conclusion: result.conclusion,
    next: result.nextEvaluationAt ?? null,
    environments: result.environments.map((verdict) => ({
      ...verdict,
      rules: verdict.rules.map((rule) => (rule.rule === "soak" ? { rule: rule.rule, ok: rule.ok } : rule)),
    })),
  };
  return `stagecoach-gate:${createHash("sha256").update(JSON.stringify(stable)).digest("hex").slice(0, 40)}`;
}

function invalidConfigCheck(baseRef: string, error: ConfigError): GateCheck {
  const problems = error.problems.slice(0, 50).map((problem) => `- ${escapeText(formatProblem(problem))}`);
  return {
    name: GATE_CHECK_NAME,
    conclusion: "failure",
    title: `The Stagecoach config on ${baseRef} is invalid`,
    summary: [
      `${code(".github/stagecoach.yml")} on ${code(baseRef)} does not parse, so no environment's rules can be checked and nothing passes this gate.`,
      "",
      ...problems,
      "",
      "Fix the config on the base branch (an administrator can merge the fix past this check); every open pull request is checked again when it lands.",
    ].join("\n"),
  };
}
