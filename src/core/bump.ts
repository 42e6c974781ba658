import type { App, Config } from "../config/schema.js";
import { extractImages, type FormatWarning, type Occurrence } from "../formats/index.js";
import { EditVerificationFailed } from "./errors.js";
import { normaliseImageName, respellImageRef } from "./image-ref.js";
import { acceptTag, decideTag, type Candidate, type SkipCode } from "./tag-policy.js";
import { isEmbedded, type EmbeddedSource } from "./yaml/embedded.js";
import { parseYaml, scalarText, type YamlSource } from "./yaml/source.js";
import { applySplices, insertPairAfter, replaceScalar, type Splice } from "./yaml/splice.js";
import { verifyEdit, type IntendedChange } from "./yaml/verify.js";

export interface BumpRequest {
  readonly config: Config;
  readonly environment: string;
  readonly app: string;
  readonly candidate: Candidate;
  /** Repository path → text. Only files inside the environment's folder are looked at. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * `upgrade` (default): the tag policy decides, never a downgrade. `exact`: write this version whatever
   * it is (a rollback to a version the environment ran before).
   */
  readonly mode?: "upgrade" | "exact";
}

/** One value that changes, for PR bodies and CLI output. */
export interface ValueChange {
  readonly file: string;
  readonly line: number;
  readonly where: string;
  readonly from: string;
  readonly to: string;
}

export interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
  readonly changes: readonly ValueChange[];
}

export interface Skipped {
  readonly file: string;
  readonly line: number;
  readonly where: string;
  readonly code: SkipCode;
  readonly reason: string;
}

export interface BumpPlan {
  readonly environment: string;
  readonly app: string;
  readonly image: string;
  readonly candidate: Candidate;
  readonly files: readonly FileChange[];
  readonly skipped: readonly Skipped[];
  readonly warnings: readonly FormatWarning[];
  /** Why nothing changes, when `files` is empty; a sentence for the user. */
  readonly noChangeReason?: string;
}

const YAML_FILE = /\.ya?ml$|(?:^|\/)Kustomization$/i;

/** Files of an environment: those under its folder (never another environment's). */
export function environmentFiles(config: Config, environment: string, paths: Iterable<string>): string[] {
  const folder = environmentFolder(config, environment);
  return [...paths].filter((path) => path.startsWith(`${folder}/`)).sort();
}

export function environmentFolder(config: Config, environment: string): string {
  const env = config.environments[environment];
  if (env === undefined) throw new Error(`unknown environment ${environment}`);
  return env.path
    .split("/")
    .filter((part) => part !== "")
    .join("/");
}

/**
 * Plans the edits that bring `app` to `candidate` in one environment. Pure: files in, plan out. Every
 * edited file is re-parsed and compared with the original; anything but exactly the intended values
 * changing throws `EditVerificationFailed`, so nothing half-right is ever written.
 */
export function planBump(request: BumpRequest): BumpPlan {
  const { config, environment, app: appName, candidate } = request;
  const app = config.apps[appName];
  if (app === undefined) throw new Error(`unknown app ${appName}`);
  const image = normaliseImageName(app.image);
  const base = { environment, app: appName, image, candidate };

  const mode = request.mode ?? "upgrade";
  const accepted = mode === "exact" ? ({ ok: true } as const) : acceptTag(app, candidate);
  if (!accepted.ok) {
    return { ...base, files: [], skipped: [], warnings: [], noChangeReason: accepted.reason };
  }

  const files: FileChange[] = [];
  const skipped: Skipped[] = [];
  const warnings: FormatWarning[] = [];
  let found = 0;
  for (const path of environmentFiles(config, environment, request.files.keys())) {
    if (!YAML_FILE.test(path)) continue;
    const text = request.files.get(path) ?? "";
    const parsed = parseYaml(path, text);
    if (!parsed.ok) {
      warnings.push({
        file: path,
        line: parsed.problem.line,
        col: parsed.problem.col,
        message: parsed.problem.message,
      });
      continue;
    }
    const extraction = extractImages(parsed.source);
    warnings.push(...extraction.warnings);
    const mine = extraction.occurrences.filter((occurrence) => belongsTo(occurrence, appName, image));
    found += mine.length;
    const change = editFile(parsed.source, app, candidate, mine, skipped, mode);
    if (change !== undefined) files.push(change);
  }

  if (files.length > 0) return { ...base, files, skipped, warnings };
  return { ...base, files, skipped, warnings, noChangeReason: explainNoChange(base, found, skipped, config) };
}

/** The decision of a rollback: this exact version, unless it is already there. */
function exactly(
  current: { tag?: string; digest?: string },
  candidate: Candidate,
): ReturnType<typeof decideTag> {
  if (
    current.tag === candidate.tag &&
    (candidate.digest === undefined || current.digest === candidate.digest)
  ) {
    return { kind: "skip", code: "already-current", reason: `already at ${candidate.tag}` };
  }
  return {
    kind: "update",
    tag: candidate.tag,
    ...(candidate.digest !== undefined && { digest: candidate.digest }),
  };
}

function belongsTo(occurrence: Occurrence, appName: string, image: string): boolean {
  return occurrence.app !== undefined ? occurrence.app === appName : occurrence.image === image;
}

interface PendingEdit {
  readonly splices: Splice[];
  readonly intended: IntendedChange[];
}

function editFile(
  source: YamlSource,
  app: App,
  candidate: Candidate,
  occurrences: readonly Occurrence[],
  skipped: Skipped[],
  mode: "upgrade" | "exact",
): FileChange | undefined {
  const bySource = new Map<YamlSource, PendingEdit>();
  const changes: ValueChange[] = [];
  for (const occurrence of occurrences) {
    const skip = (code: SkipCode, reason: string): void => {
      skipped.push({ file: occurrence.file, line: occurrence.line, where: occurrence.where, code, reason });
    };
    const current = {
      ...(occurrence.tag !== undefined && { tag: occurrence.tag }),
      ...(occurrence.digest !== undefined && { digest: occurrence.digest }),
    };
    if (occurrence.digest !== undefined && candidate.digest === undefined) {
      skip("missing-digest", `pins a digest and the event carried none; unpinning is left to a person`);
      continue;
    }
    const decision = mode === "exact" ? exactly(current, candidate) : decideTag(app, current, candidate);
    if (decision.kind === "skip") {
      skip(decision.code, decision.reason);
      continue;
    }
    const digest = app.digest === "pin" || occurrence.digest !== undefined ? candidate.digest : undefined;
    const edit = bySource.get(occurrence.source) ?? { splices: [], intended: [] };
    const problem = writeOccurrence(occurrence, decision.tag, digest, edit);
    if (problem !== undefined) {
      skip("unreadable", problem);
      continue;
    }
    bySource.set(occurrence.source, edit);
    changes.push({
      file: occurrence.file,
      line: occurrence.line,
      where: occurrence.where,
      from: describeVersion(occurrence.tag, occurrence.digest),
      to: describeVersion(decision.tag, digest),
    });
  }
  if (changes.length === 0) return undefined;

  const hostEdit: PendingEdit = bySource.get(source) ?? { splices: [], intended: [] };
  for (const [inner, edit] of bySource) {
    if (inner === source) continue;
    if (!isEmbedded(inner)) throw new Error("an occurrence belongs to a source outside its file");
    mergeEmbedded(inner, edit, hostEdit);
  }
  const after = applySplices(source.text, hostEdit.splices);
  verifyOrThrow(source, after, hostEdit.intended);
  return { path: source.path, before: source.text, after, changes };
}

/** Applies edits inside embedded YAML, verifies them there, and carries them into the host file. */
function mergeEmbedded(inner: EmbeddedSource, edit: PendingEdit, hostEdit: PendingEdit): void {
  const newInner = applySplices(inner.text, edit.splices);
  verifyOrThrow(inner, newInner, edit.intended);
  for (const splice of edit.splices) {
    hostEdit.splices.push({
      start: inner.host.toHost(splice.start),
      end: inner.host.toHost(splice.end),
      insert: splice.insert,
    });
  }
  hostEdit.intended.push({ document: inner.host.document, path: inner.host.path, value: newInner });
}

function verifyOrThrow(before: YamlSource, afterText: string, intended: readonly IntendedChange[]): void {
  const reparsed = parseYaml(before.path, afterText);
  if (!reparsed.ok)
    throw new EditVerificationFailed(
      before.path,
      `the edited file no longer parses: ${reparsed.problem.message}`,
    );
  const reason = verifyEdit(before, reparsed.source, intended);
  if (reason !== undefined) throw new EditVerificationFailed(before.path, reason);
}

/** Adds the splices that write `tag`/`digest` into an occurrence's slots; returns a problem or undefined. */
function writeOccurrence(
  occurrence: Occurrence,
  tag: string,
  digest: string | undefined,
  edit: PendingEdit,
): string | undefined {
  const source = occurrence.source;
  const hasDigestSlot = occurrence.slots.some((slot) => slot.role === "digest");
  const canInsertDigest = occurrence.digestInsertion !== undefined;
  const pending: { splice: Splice; change: IntendedChange }[] = [];
  for (const slot of occurrence.slots) {
    let value: string | undefined;
    if (slot.role === "reference") {
      value = respellImageRef(scalarText(source, slot.node), tag, digest);
    } else if (slot.role === "tag") {
      // Without a digest field, `tag@digest` is how charts and templates still receive the pin.
      value = digest !== undefined && !hasDigestSlot && !canInsertDigest ? `${tag}@${digest}` : tag;
    } else if (digest !== undefined) {
      value = digest;
    }
    if (value === undefined) continue;
    if (value === scalarText(source, slot.node)) continue;
    const edit = replaceScalar(source, slot.node, value);
    if (!edit.ok) return edit.reason;
    pending.push({ splice: edit.splice, change: { document: slot.document, path: slot.path, value } });
  }
  const insertion = occurrence.digestInsertion;
  if (digest !== undefined && !hasDigestSlot && insertion !== undefined) {
    const edit = insertPairAfter(source, insertion.map, insertion.after, insertion.key, digest);
    if (!edit.ok) return edit.reason;
    pending.push({
      splice: edit.splice,
      change: { document: insertion.document, path: insertion.path, value: digest },
    });
  }
  for (const { splice, change } of pending) {
    edit.splices.push(splice);
    edit.intended.push(change);
  }
  return undefined;
}

export function describeVersion(tag: string | undefined, digest: string | undefined): string {
  const shortDigest = digest === undefined ? "" : `@${digest.slice(0, "sha256:".length + 12)}`;
  return `${tag ?? "(no tag)"}${shortDigest}`;
}

function explainNoChange(
  plan: { environment: string; image: string; candidate: Candidate },
  found: number,
  skipped: readonly Skipped[],
  config: Config,
): string {
  const folder = environmentFolder(config, plan.environment);
  if (found === 0) return `no file in ${folder} pins ${plan.image}`;
  if (skipped.every((skip) => skip.code === "already-current")) {
    return `${plan.environment} already runs ${describeVersion(plan.candidate.tag, plan.candidate.digest)}`;
  }
  const reasons = [
    ...new Set(skipped.filter((skip) => skip.code !== "already-current").map((skip) => skip.reason)),
  ];
  return reasons.join("; ");
}
