import type { YAMLMap, YAMLSeq } from "yaml";
import { EditVerificationFailed } from "./errors.js";
import { planChange, type Planned, type SourceContext, type TargetContext } from "./replay/apply.js";
import { diffDocument, sameData, type Side, type SourceChange, type SourceDiff } from "./replay/diff.js";
import { documentLabel, findDocument, matchDocuments, sameFile, sidesOf } from "./replay/documents.js";
import { detectStyle, lineStart, renderDocument, Unrenderable, type Style } from "./replay/layout.js";
import { applyDataEdits, formatPath, type DataEdit } from "./replay/path.js";
import { parseYaml, type YamlSource } from "./yaml/source.js";
import { applySplices, type Splice } from "./yaml/splice.js";
import { verifyData } from "./yaml/verify.js";

export interface FileReplayInput {
  /** envs/dev/settings.yaml */
  readonly sourcePath: string;
  /** envs/test/settings.yaml */
  readonly targetPath: string;
  /** The source file before the merged PR (undefined: the PR created it). */
  readonly before: string | undefined;
  /** The source file after the merged PR (undefined: the PR deleted it). */
  readonly after: string | undefined;
  /** The target file now (undefined: it does not exist). */
  readonly target: string | undefined;
  /** Names for sentences; by default the path segment where the two paths differ (`dev`, `test`). */
  readonly sourceEnvironment?: string;
  readonly targetEnvironment?: string;
}

export type FileReplay =
  /** Nothing to carry: only image changes, no data change, or the target already has it. */
  | { readonly kind: "unchanged"; readonly reason: string }
  | { readonly kind: "write"; readonly text: string; readonly changes: readonly ReplayedChange[] }
  | { readonly kind: "create"; readonly text: string }
  | { readonly kind: "delete" }
  /** Nothing is written for this file. */
  | { readonly kind: "diverged"; readonly problems: readonly Divergence[] };

export interface ReplayedChange {
  /** spec.replicas, data.LOG_LEVEL, spec.template.spec.containers[name=web].env[name=UI_THEME].value */
  readonly path: string;
  /** 1-based line in the written text (for removals: in the target as it was). */
  readonly line: number;
  readonly from?: string;
  readonly to?: string;
  readonly kind: "set" | "add" | "remove";
  /** `Deployment/api` (or `document 2`) when the file holds several documents. */
  readonly document?: string;
}

export interface Divergence {
  /** The semantic path, or "" for the file as a whole. */
  readonly path: string;
  readonly line?: number;
  /** Plain words: "test has replicas: 5 where dev had 3 before the change; left alone". */
  readonly message: string;
  readonly document?: string;
}

export interface ReplayOptions {
  /** Leave image references, tags and digests to the bump engine (default true). */
  readonly ignoreImages?: boolean;
}

interface Names {
  readonly source: string;
  readonly target: string;
}

/**
 * Replays the semantic change a merged PR made to one source file (before → after) onto the same file of
 * another environment. Pure: text in, text out. Scalars are spliced in place; a structural change writes
 * only the lines of the keys, items or documents it adds or removes, in the target's own layout. Every
 * written file is re-parsed and must hold exactly the intended data, or `EditVerificationFailed` is
 * thrown. Anything that cannot apply cleanly makes the whole file `diverged`, every reason in plain words.
 */
export function replayFile(input: FileReplayInput, options: ReplayOptions = {}): FileReplay {
  const ignoreImages = options.ignoreImages ?? true;
  const names = environmentNames(input);
  const { before, after, target } = input;
  if (after === undefined) return replayDeletion(input, before, names, ignoreImages);
  if (before === undefined) return replayCreation(input, after, names, ignoreImages);
  if (before === after) return { kind: "unchanged", reason: "the file did not change" };

  // 1. The semantic change of the source, document by document.
  const parsedBefore = parseYaml(input.sourcePath, before);
  const parsedAfter = parseYaml(input.sourcePath, after);
  if (!parsedBefore.ok) return unreadable(names.source, input.sourcePath, parsedBefore.problem.message);
  if (!parsedAfter.ok) return unreadable(names.source, input.sourcePath, parsedAfter.problem.message);
  const source = sourceChanges(
    sidesOf(parsedBefore.source, ignoreImages),
    sidesOf(parsedAfter.source, ignoreImages),
  );
  if (source.groups.length === 0 && source.removed.length === 0 && source.added.length === 0) {
    return {
      kind: "unchanged",
      reason:
        source.imageChanges > 0
          ? "only image references changed; they are promoted as versions, not replayed"
          : "no data changed (comments or layout only)",
    };
  }

  // 2. The target as it is now.
  if (target === undefined)
    return fileProblem(`${names.target} has no ${input.targetPath}; ${names.source}'s change is left alone`);
  const parsedTarget = parseYaml(input.targetPath, target);
  if (!parsedTarget.ok) {
    const { line, message } = parsedTarget.problem;
    return {
      kind: "diverged",
      problems: [
        {
          path: "",
          line,
          message: `${names.target}'s ${input.targetPath} cannot be read: ${message}; left alone`,
        },
      ],
    };
  }
  const targetSource = parsedTarget.source;
  if (!expandable(targetSource))
    return fileProblem(
      `${names.target}'s ${input.targetPath} uses more aliases than Stagecoach expands; left alone`,
    );
  const context: PlanContext = {
    names,
    target: targetSource,
    targets: sidesOf(targetSource, ignoreImages),
    style: detectStyle(targetSource, detectStyle(parsedAfter.source)),
    several: source.before.length > 1 || source.after.length > 1,
  };

  // 3. Every change planned against the target document it belongs to.
  const plan = planReplay(source, context);
  if (plan.problems.length > 0) return { kind: "diverged", problems: plan.problems };
  if (plan.edits.length === 0)
    return { kind: "unchanged", reason: `${names.target} already has this change` };

  // 4. Splice, then prove the result holds exactly the intended data.
  const { text, starts } = applyTracked(
    target,
    plan.edits.flatMap((edit) => edit.splices),
  );
  verifyOrThrow(input.targetPath, targetSource, text, plan.edits);
  const changes = plan.edits.map((edit): ReplayedChange => {
    const line =
      "old" in edit.line
        ? targetSource.position(edit.line.old).line
        : lineOf(text, (starts.get(edit.line.splice) ?? 0) + edit.line.offset);
    return { ...edit.change, line };
  });
  return { kind: "write", text, changes };
}

/* The source side. */

interface SourceChanges {
  readonly before: readonly Side[];
  readonly after: readonly Side[];
  readonly groups: readonly {
    readonly before: number;
    readonly after: number;
    readonly changes: SourceChange[];
  }[];
  /** Documents of `before` that `after` no longer has, and documents new in `after`. */
  readonly removed: readonly number[];
  readonly added: readonly number[];
  readonly imageChanges: number;
}

function sourceChanges(before: readonly Side[], after: readonly Side[]): SourceChanges {
  const diff: SourceDiff = { changes: [], imageChanges: 0 };
  const groups: { before: number; after: number; changes: SourceChange[] }[] = [];
  const matched = matchDocuments(before, after, true);
  const removed: number[] = [];
  before.forEach((side, index) => {
    const other = matched[index];
    const otherSide = after[other ?? -1];
    if (other === undefined || otherSide === undefined) {
      if (side.document.contents !== null) removed.push(index);
      return;
    }
    const start = diff.changes.length;
    diffDocument(side, otherSide, diff);
    if (diff.changes.length > start)
      groups.push({ before: index, after: other, changes: diff.changes.slice(start) });
  });
  const added = after.flatMap((side, index) =>
    matched.includes(index) || side.document.contents === null ? [] : [index],
  );
  return { before, after, groups, removed, added, imageChanges: diff.imageChanges };
}

/* Planning against the target. */

interface PlanContext {
  readonly names: Names;
  readonly target: YamlSource;
  readonly targets: readonly Side[];
  readonly style: Style;
  /** Whether changes and problems name their document. */
  readonly several: boolean;
}

/** One edit of the target text, what it means for the data, and how to report it. */
interface Edit {
  readonly splices: readonly Splice[];
  readonly change: Omit<ReplayedChange, "line">;
  /** Where its line is: in the old text (removals), or inside the text a splice inserted. */
  readonly line: { readonly old: number } | { readonly splice: Splice; readonly offset: number };
  readonly data:
    | { readonly kind: "edit"; readonly document: number; readonly edit: DataEdit }
    | { readonly kind: "append"; readonly value: unknown }
    | { readonly kind: "drop"; readonly document: number };
  readonly planned?: Extract<Planned, { kind: "edit" }>;
}

function planReplay(source: SourceChanges, context: PlanContext): { edits: Edit[]; problems: Divergence[] } {
  const { names, target, targets, style } = context;
  const edits: Edit[] = [];
  const problems: Divergence[] = [];
  const labelled = (label: string): { document?: string } => (context.several ? { document: label } : {});
  const targetMatches = matchDocuments(source.before, targets);

  for (const group of source.groups) {
    const beforeSide = source.before[group.before];
    const afterSide = source.after[group.after];
    if (beforeSide === undefined || afterSide === undefined) continue;
    const label = documentLabel(beforeSide, group.before);
    const targetIndex = targetMatches[group.before];
    const targetSide = targets[targetIndex ?? -1];
    if (targetIndex === undefined || targetSide === undefined) {
      if (group.changes.some((change) => change.kind !== "remove"))
        problems.push({
          path: "",
          message: `${names.target}'s file has no ${label} document; left alone`,
          ...labelled(label),
        });
      continue;
    }
    const sourceContext: SourceContext = { before: beforeSide, after: afterSide };
    const targetContext: TargetContext = {
      side: targetSide,
      style,
      sourceName: names.source,
      targetName: names.target,
    };
    for (const change of group.changes) {
      const planned = planChange(change, sourceContext, targetContext);
      if (planned.kind === "diverged") {
        problems.push({
          path: formatPath(planned.path),
          ...(planned.at !== undefined && { line: target.position(planned.at).line }),
          message: planned.message,
          ...labelled(label),
        });
      } else if (planned.kind === "edit") {
        const first = planned.splices[0];
        const { kind, path, from, to } = planned.change;
        edits.push({
          splices: planned.splices,
          change: {
            path: formatPath(path),
            kind,
            ...(from !== undefined && { from }),
            ...(to !== undefined && { to }),
            ...labelled(label),
          },
          line:
            kind === "remove" || first === undefined
              ? { old: planned.at }
              : {
                  splice: first,
                  offset:
                    planned.at -
                    first.start +
                    (kind === "add" && first.insert.startsWith(style.eol) ? style.eol.length : 0),
                },
          data: { kind: "edit", document: targetIndex, edit: planned.data },
          planned,
        });
      }
    }
  }
  problems.push(...emptiedContainers(edits, target, names));
  planWholeDocuments(source, context, targetMatches, edits, problems);
  return { edits, problems };
}

/**
 * Documents dev removed go from the target when the target's copy holds the same data; documents dev
 * added are appended in the target's layout unless the target already has them.
 */
function planWholeDocuments(
  source: SourceChanges,
  context: PlanContext,
  targetMatches: readonly (number | undefined)[],
  edits: Edit[],
  problems: Divergence[],
): void {
  const { names, target, targets, style } = context;
  const labelled = (label: string): { document?: string } => (context.several ? { document: label } : {});
  const dropped = new Set<number>();
  for (const index of source.removed) {
    const side = source.before[index];
    const targetIndex = targetMatches[index];
    const targetSide = targets[targetIndex ?? -1];
    if (side === undefined || targetIndex === undefined || targetSide === undefined) continue;
    const label = documentLabel(side, index);
    const [start, , end] = targetSide.document.range;
    const line = target.position(targetSide.document.contents?.range[0] ?? start).line;
    if (!sameData(side.document.contents, side, targetSide.document.contents, targetSide)) {
      problems.push({
        path: "",
        line,
        message: `${names.target} changed the ${label} document since; not removed`,
        ...labelled(label),
      });
      continue;
    }
    dropped.add(targetIndex);
    edits.push({
      splices: [{ start, end, insert: "" }],
      change: { path: "", kind: "remove", from: label, ...labelled(label) },
      line: { old: targetSide.document.contents?.range[0] ?? start },
      data: { kind: "drop", document: targetIndex },
    });
  }
  if (dropped.size > 0 && dropped.size === targets.length)
    problems.push({
      path: "",
      message: `removing what ${names.source} removed would leave ${names.target}'s file without documents; delete it by hand`,
    });

  const taken = new Set(targetMatches.filter((index) => index !== undefined));
  const text = target.text;
  let appended = text === "" || text.endsWith("\n") ? "" : style.eol;
  const added: { label: string; value: unknown; offset: number }[] = [];
  for (const index of source.added) {
    const side = source.after[index];
    if (side === undefined) continue;
    const label = documentLabel(side, index);
    const existing = findDocument(side, targets, taken);
    const existingSide = targets[existing ?? -1];
    if (existing !== undefined && existingSide !== undefined) {
      taken.add(existing);
      if (!sameData(side.document.contents, side, existingSide.document.contents, existingSide)) {
        problems.push({
          path: "",
          line: target.position(existingSide.document.contents?.range[0] ?? 0).line,
          message: `${names.target} already has a ${label} document, different from the one ${names.source} added; left alone`,
          ...labelled(label),
        });
      }
      continue;
    }
    try {
      const lines = renderDocument(side.source, side.document, style);
      added.push({
        label,
        value: side.document.toJS({ maxAliasCount: MAX_ALIASES }),
        offset: appended.length,
      });
      appended += ["---", ...lines].join(style.eol) + style.eol;
    } catch (error) {
      if (!(error instanceof Unrenderable)) throw error;
      problems.push({
        path: "",
        message: `${names.source}'s new ${label} document cannot be written in ${names.target}'s layout: ${error.message}; add it by hand`,
        ...labelled(label),
      });
    }
  }
  if (added.length === 0) return;
  const splice: Splice = { start: text.length, end: text.length, insert: appended };
  added.forEach((document, position) => {
    edits.push({
      splices: position === 0 ? [splice] : [],
      change: { path: "", kind: "add", to: document.label, ...labelled(document.label) },
      line: { splice, offset: document.offset },
      data: { kind: "append", value: document.value },
    });
  });
}

function unreadable(environment: string, path: string, problem: string): FileReplay {
  return fileProblem(`${environment}'s ${path} cannot be read: ${problem}`);
}

function fileProblem(message: string): FileReplay {
  return { kind: "diverged", problems: [{ path: "", message }] };
}

function environmentNames(input: FileReplayInput): Names {
  const source = input.sourcePath.split("/");
  const target = input.targetPath.split("/");
  const at = source.findIndex((part, index) => part !== target[index]);
  const guessed =
    at >= 0 &&
    source.length === target.length &&
    source.slice(at + 1).join("/") === target.slice(at + 1).join("/")
      ? { source: source[at] ?? "the source", target: target[at] ?? "the target" }
      : { source: "the source", target: "the target" };
  return {
    source: input.sourceEnvironment ?? guessed.source,
    target: input.targetEnvironment ?? guessed.target,
  };
}

function replayCreation(
  input: FileReplayInput,
  after: string,
  names: Names,
  ignoreImages: boolean,
): FileReplay {
  if (input.target === undefined) return { kind: "create", text: after };
  if (sameFile(input.targetPath, input.target, after, ignoreImages))
    return { kind: "unchanged", reason: `${names.target} already has this file` };
  return fileProblem(
    `${names.target} already has ${input.targetPath}, different from ${names.source}'s new file; left alone`,
  );
}

function replayDeletion(
  input: FileReplayInput,
  before: string | undefined,
  names: Names,
  ignoreImages: boolean,
): FileReplay {
  if (before === undefined) return { kind: "unchanged", reason: "the file existed neither before nor after" };
  if (input.target === undefined)
    return { kind: "unchanged", reason: `${names.target} does not have this file` };
  if (sameFile(input.targetPath, input.target, before, ignoreImages)) return { kind: "delete" };
  return fileProblem(`${names.target} changed this file since; not deleted`);
}

/* Applying and verifying. */

/** Removing every key or item of a block collection would leave `key:` (null), not an empty one. */
function emptiedContainers(edits: readonly Edit[], target: YamlSource, names: Names): Divergence[] {
  const removed = new Map<YAMLMap | YAMLSeq, Extract<Planned, { kind: "edit" }>[]>();
  const added = new Set<YAMLMap | YAMLSeq>();
  for (const { planned } of edits) {
    if (planned?.removesFrom !== undefined)
      removed.set(planned.removesFrom, [...(removed.get(planned.removesFrom) ?? []), planned]);
    if (planned?.addsTo !== undefined) added.add(planned.addsTo);
  }
  const problems: Divergence[] = [];
  for (const [container, removals] of removed) {
    if (removals.length < container.items.length || added.has(container)) continue;
    const path = formatPath(removals[0]?.change.path.slice(0, -1) ?? []);
    problems.push({
      path,
      line: target.position(container.range?.[0] ?? 0).line,
      message: `removing what ${names.source} removed would leave ${names.target}'s ${path} empty; edit it by hand`,
    });
  }
  return problems;
}

/** Applies splices like `applySplices`, merging overlapping removals, and tells where each landed. */
function applyTracked(
  text: string,
  splices: readonly Splice[],
): { text: string; starts: Map<Splice, number> } {
  const ordered = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Splice[] = [];
  for (const splice of ordered) {
    const previous = merged.at(-1);
    if (
      previous !== undefined &&
      previous.insert === "" &&
      splice.insert === "" &&
      splice.start < previous.end
    ) {
      merged[merged.length - 1] = {
        start: previous.start,
        end: Math.max(previous.end, splice.end),
        insert: "",
      };
    } else merged.push(splice);
  }
  const starts = new Map<Splice, number>();
  let delta = 0;
  for (const splice of merged) {
    starts.set(splice, splice.start + delta);
    delta += splice.insert.length - (splice.end - splice.start);
  }
  let result = applySplices(text, merged);
  // A file that did not end with a line break still does not.
  if (!text.endsWith("\n") && result.endsWith("\n")) result = result.replace(/\r?\n$/, "");
  return { text: result, starts };
}

/** Whether every document can be read as plain data within the alias limit that verification uses. */
function expandable(source: YamlSource): boolean {
  try {
    for (const document of source.documents) document.toJS({ maxAliasCount: MAX_ALIASES });
    return true;
  } catch {
    return false;
  }
}

const MAX_ALIASES = 100;

function lineOf(text: string, offset: number): number {
  let line = 1;
  const end = lineStart(text, Math.min(offset, text.length));
  for (let at = text.indexOf("\n"); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) line += 1;
  return line;
}

function verifyOrThrow(path: string, before: YamlSource, text: string, edits: readonly Edit[]): void {
  const reparsed = parseYaml(path, text);
  if (!reparsed.ok)
    throw new EditVerificationFailed(path, `the edited file no longer parses: ${reparsed.problem.message}`);
  const expected: unknown[] = [];
  before.documents.forEach((document, index) => {
    if (edits.some(({ data }) => data.kind === "drop" && data.document === index)) return;
    const changes = edits.flatMap(({ data }) =>
      data.kind === "edit" && data.document === index ? [data.edit] : [],
    );
    expected.push(applyDataEdits(document.toJS({ maxAliasCount: MAX_ALIASES }), changes));
  });
  for (const { data } of edits) if (data.kind === "append") expected.push(data.value);
  const reason = verifyData(reparsed.source, expected);
  if (reason !== undefined) throw new EditVerificationFailed(path, reason);
}
