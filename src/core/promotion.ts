import picomatch from "picomatch";
import type { Config } from "../config/schema.js";
import { environmentFolder, planBump, type ValueChange } from "./bump.js";
import { replayFile, type Divergence, type ReplayedChange } from "./replay.js";
import type { Candidate } from "./tag-policy.js";
import { deployedVersions } from "./versions.js";

/** An app version carried into the target: "api is now 1.4.0 at sha256:…". */
export interface Intent {
  readonly app: string;
  readonly tag: string;
  readonly digest?: string;
}

export interface PromotionInput {
  readonly config: Config;
  readonly source: string;
  readonly target: string;
  /** Source folder files before and after the change (path → text); empty maps for an app-only promotion. */
  readonly before: ReadonlyMap<string, string>;
  readonly after: ReadonlyMap<string, string>;
  /** Target folder files now. */
  readonly targetFiles: ReadonlyMap<string, string>;
  /** Explicit versions (`/promote prod api@1.4.0`): used instead of the ones read from the change. */
  readonly intents?: readonly Intent[];
  /** Replay non-image changes (a merged PR's change) or carry image versions only. */
  readonly replay: boolean;
  /** Apps whose versions must not move in the target (a rollback holds them). */
  readonly held?: ReadonlyMap<string, string>;
}

export interface PromotedFile {
  readonly path: string;
  readonly before: string | undefined;
  /** New text, or null when the file is deleted. */
  readonly after: string | null;
  readonly values: readonly ValueChange[];
  readonly replayed: readonly ReplayedChange[];
}

export interface PromotionPlan {
  readonly source: string;
  readonly target: string;
  readonly intents: readonly Intent[];
  /** Intents that change nothing, with the reason (already there, ahead, held, not pinned here). */
  readonly notApplied: readonly { readonly app: string; readonly reason: string }[];
  readonly files: readonly PromotedFile[];
  /** Files of the change that could not be carried over, each with its reasons. */
  readonly diverged: readonly { readonly path: string; readonly problems: readonly Divergence[] }[];
  /** Versions the target ran before, per app, for the PR body. */
  readonly previous: ReadonlyMap<string, string>;
}

/**
 * Carries a change from one environment to the next. Pure: files in, plan out.
 * 1. Image versions travel as intent (what the source runs now), applied with the bump engine.
 * 2. Other changes to files matching `promote.include` and not `promote.exclude` are replayed
 *    semantically onto the same relative path in the target.
 * 3. What cannot apply is reported file by file instead of guessed.
 */
export function planPromotion(input: PromotionInput): PromotionPlan {
  const { config, source, target } = input;
  const sourceFolder = environmentFolder(config, source);
  const targetFolder = environmentFolder(config, target);
  const working = new Map(input.targetFiles);
  const original = input.targetFiles;
  const values = new Map<string, ValueChange[]>();
  const replayed = new Map<string, ReplayedChange[]>();
  const notApplied: { app: string; reason: string }[] = [];
  const diverged: { path: string; problems: Divergence[] }[] = [];

  const intents = input.intents ?? changedVersions(config, source, input.before, input.after);
  const previousVersions = deployedVersions(config, target, original);
  const previous = new Map<string, string>();
  for (const intent of intents) {
    const held = input.held?.get(intent.app);
    if (held !== undefined) {
      notApplied.push({ app: intent.app, reason: held });
      continue;
    }
    const before = previousVersions[intent.app]?.tag;
    if (before !== undefined) previous.set(intent.app, before);
    const candidate: Candidate = {
      tag: intent.tag,
      ...(intent.digest !== undefined && { digest: intent.digest }),
    };
    const plan = planBump({ config, environment: target, app: intent.app, candidate, files: working });
    if (plan.files.length === 0) {
      notApplied.push({ app: intent.app, reason: plan.noChangeReason ?? "nothing to change" });
      continue;
    }
    for (const file of plan.files) {
      working.set(file.path, file.after);
      values.set(file.path, [...(values.get(file.path) ?? []), ...file.changes]);
    }
  }

  const deleted = new Set<string>();
  if (input.replay) {
    const include = picomatch(config.promote.include, { dot: true });
    const exclude =
      config.promote.exclude.length === 0 ? () => false : picomatch(config.promote.exclude, { dot: true });
    const changedPaths = [...new Set([...input.before.keys(), ...input.after.keys()])]
      .filter(
        (path) => path.startsWith(`${sourceFolder}/`) && input.before.get(path) !== input.after.get(path),
      )
      .sort();
    for (const sourcePath of changedPaths) {
      const relative = sourcePath.slice(sourceFolder.length + 1);
      if (!include(relative) || exclude(relative)) continue;
      const targetPath = `${targetFolder}/${relative}`;
      const result = replayOne(
        sourcePath,
        targetPath,
        input.before.get(sourcePath),
        input.after.get(sourcePath),
        working.get(targetPath),
        source,
        target,
      );
      switch (result.kind) {
        case "write":
          working.set(targetPath, result.text);
          replayed.set(targetPath, [...(replayed.get(targetPath) ?? []), ...result.changes]);
          break;
        case "create":
          working.set(targetPath, result.text);
          break;
        case "delete":
          working.delete(targetPath);
          deleted.add(targetPath);
          break;
        case "diverged":
          diverged.push({ path: targetPath, problems: [...result.problems] });
          break;
        case "unchanged":
          break;
      }
    }
  }

  const files: PromotedFile[] = [];
  for (const path of [...new Set([...working.keys(), ...deleted])].sort()) {
    const before = original.get(path);
    const after = deleted.has(path) ? null : (working.get(path) ?? null);
    if (after === (before ?? null)) continue;
    files.push({ path, before, after, values: values.get(path) ?? [], replayed: replayed.get(path) ?? [] });
  }
  return { source, target, intents, notApplied, files, diverged, previous };
}

/** Apps whose version differs between the source folder before and after the change. */
export function changedVersions(
  config: Config,
  environment: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Intent[] {
  const was = deployedVersions(config, environment, before);
  const now = deployedVersions(config, environment, after);
  const intents: Intent[] = [];
  for (const [app, version] of Object.entries(now)) {
    if (version.tag === undefined) continue;
    const old = was[app];
    if (old?.tag === version.tag && old.digest === version.digest) continue;
    intents.push({ app, tag: version.tag, ...(version.digest !== undefined && { digest: version.digest }) });
  }
  return intents.sort((a, b) => a.app.localeCompare(b.app));
}

function replayOne(
  sourcePath: string,
  targetPath: string,
  before: string | undefined,
  after: string | undefined,
  target: string | undefined,
  source: string,
  targetName: string,
): ReturnType<typeof replayFile> {
  if (/\.ya?ml$/i.test(sourcePath)) {
    return replayFile({
      sourcePath,
      targetPath,
      before,
      after,
      target,
      sourceEnvironment: source,
      targetEnvironment: targetName,
    });
  }
  // Not YAML: carried as a whole file, and only when the target is what the source was.
  if (target === after) return { kind: "unchanged", reason: "already there" };
  if (after === undefined) {
    if (target === undefined) return { kind: "unchanged", reason: "already gone" };
    return target === before ? { kind: "delete" } : divergedFile(targetName, source);
  }
  if (target === undefined)
    return before === undefined ? { kind: "create", text: after } : divergedFile(targetName, source);
  if (target === before) return { kind: "write", text: after, changes: [] };
  return divergedFile(targetName, source);
}

function divergedFile(target: string, source: string): ReturnType<typeof replayFile> {
  return {
    kind: "diverged",
    problems: [
      {
        path: "",
        message: `${target} has its own version of this file, different from ${source}'s before the change; left alone`,
      },
    ],
  };
}
