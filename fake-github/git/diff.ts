import type { ObjectStore, Sha } from "./objects.js";
import { requireTree, type FileEntry, type FileMap } from "./trees.js";

/** File-level and line-level differences, shaped for GitHub's `files` arrays. */

export type ChangeStatus = "added" | "removed" | "modified" | "renamed" | "changed";

export interface FileChange {
  readonly path: string;
  readonly status: ChangeStatus;
  readonly previousPath?: string;
  readonly before?: FileEntry;
  readonly after?: FileEntry;
}

/** Changes from `before` to `after`, sorted by path. Renames are detected for identical content only. */
export function diffFileMaps(before: FileMap, after: FileMap): FileChange[] {
  const removed = new Map<string, FileEntry>();
  const added = new Map<string, FileEntry>();
  const changes: FileChange[] = [];
  for (const [path, entry] of before) {
    const next = after.get(path);
    if (next === undefined) removed.set(path, entry);
    else if (next.sha !== entry.sha) changes.push({ path, status: "modified", before: entry, after: next });
    else if (next.mode !== entry.mode) changes.push({ path, status: "changed", before: entry, after: next });
  }
  for (const [path, entry] of after) if (!before.has(path)) added.set(path, entry);
  for (const [path, entry] of added) {
    const source = [...removed].find(([, old]) => old.sha === entry.sha && old.mode === entry.mode);
    if (source === undefined) {
      changes.push({ path, status: "added", after: entry });
      continue;
    }
    removed.delete(source[0]);
    changes.push({ path, status: "renamed", previousPath: source[0], before: source[1], after: entry });
  }
  for (const [path, entry] of removed) changes.push({ path, status: "removed", before: entry });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Changes between two trees (undefined: nothing), descending only into subtrees that differ. */
export function diffTrees(store: ObjectStore, before: Sha | undefined, after: Sha | undefined): FileChange[] {
  const removed = new Map<string, FileEntry>();
  const added = new Map<string, FileEntry>();
  const walk = (a: Sha | undefined, b: Sha | undefined, prefix: string): void => {
    if (a === b) return;
    const left = new Map((a === undefined ? [] : requireTree(store, a)).map((entry) => [entry.name, entry]));
    const right = new Map((b === undefined ? [] : requireTree(store, b)).map((entry) => [entry.name, entry]));
    for (const name of new Set([...left.keys(), ...right.keys()])) {
      const [l, r] = [left.get(name), right.get(name)];
      if (l?.sha === r?.sha && l?.mode === r?.mode) continue;
      const path = `${prefix}${name}`;
      walk(l?.mode === "040000" ? l.sha : undefined, r?.mode === "040000" ? r.sha : undefined, `${path}/`);
      if (l !== undefined && l.mode !== "040000") removed.set(path, { mode: l.mode, sha: l.sha });
      if (r !== undefined && r.mode !== "040000") added.set(path, { mode: r.mode, sha: r.sha });
    }
  };
  walk(before, after, "");
  return diffFileMaps(removed, added);
}

export interface LineStats {
  readonly additions: number;
  readonly deletions: number;
  /** Unified diff hunks without file headers, as GitHub shows them; absent for binary files. */
  readonly patch?: string;
}

export function changeStats(store: ObjectStore, change: FileChange): LineStats {
  const before =
    change.before === undefined ? Buffer.alloc(0) : (store.blob(change.before.sha) ?? Buffer.alloc(0));
  const after =
    change.after === undefined ? Buffer.alloc(0) : (store.blob(change.after.sha) ?? Buffer.alloc(0));
  if (isBinary(before) || isBinary(after)) return { additions: 0, deletions: 0 };
  return lineDiff(before.toString("utf8"), after.toString("utf8"));
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

type Op = { readonly kind: "equal" | "insert" | "delete"; readonly text: string };

interface Lines {
  readonly lines: string[];
  readonly endsWithNewline: boolean;
}

function splitLines(text: string): Lines {
  if (text === "") return { lines: [], endsWithNewline: true };
  const lines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

export function lineDiff(before: string, after: string): LineStats {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a.lines, b.lines);
  // A missing final newline makes the last line differ, as in git.
  if (a.endsWithNewline !== b.endsWithNewline && a.lines.length > 0 && b.lines.length > 0) {
    const lastEqual = ops.findLastIndex((op) => op.kind === "equal");
    const last = ops[lastEqual];
    if (last !== undefined && lastEqual === ops.length - 1) {
      ops.splice(lastEqual, 1, { kind: "delete", text: last.text }, { kind: "insert", text: last.text });
    }
  }
  const additions = ops.filter((op) => op.kind === "insert").length;
  const deletions = ops.filter((op) => op.kind === "delete").length;
  if (additions === 0 && deletions === 0) return { additions, deletions };
  return { additions, deletions, patch: renderHunks(ops, a, b) };
}

/** Myers' O(ND) diff over lines. */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  const equal = (lines: readonly string[]): Op[] => lines.map((text) => ({ kind: "equal", text }));
  return [...equal(a.slice(0, start)), ...middle, ...equal(a.slice(endA))];
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[k - 1 + offset] ?? 0) < (v[k + 1 + offset] ?? 0));
      let x = down ? (v[k + 1 + offset] ?? 0) : (v[k - 1 + offset] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, offset);
    }
  }
  return [];
}

function backtrack(
  trace: readonly Int32Array[],
  a: readonly string[],
  b: readonly string[],
  offset: number,
): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    if (v === undefined) break;
    const k = x - y;
    const down = k === -d || (k !== d && (v[k - 1 + offset] ?? 0) < (v[k + 1 + offset] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[prevK + offset] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "equal", text: a[x - 1] ?? "" });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "insert", text: b[y - 1] ?? "" });
      else ops.push({ kind: "delete", text: a[x - 1] ?? "" });
    }
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

const CONTEXT = 3;
const NO_NEWLINE = "\\ No newline at end of file";

interface NumberedOp extends Op {
  readonly oldLine: number;
  readonly newLine: number;
}

function renderHunks(ops: readonly Op[], a: Lines, b: Lines): string {
  let oldLine = 0;
  let newLine = 0;
  const numbered: NumberedOp[] = ops.map((op) => {
    const entry = { ...op, oldLine, newLine };
    if (op.kind !== "insert") oldLine++;
    if (op.kind !== "delete") newLine++;
    return entry;
  });
  const changed = numbered.flatMap((op, index) => (op.kind === "equal" ? [] : [index]));
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const last = hunks.at(-1);
    if (last !== undefined && index - last[1] <= 2 * CONTEXT + 1) last[1] = index;
    else hunks.push([index, index]);
  }
  return hunks
    .map(([first, last]) => {
      const from = Math.max(0, first - CONTEXT);
      const to = Math.min(numbered.length - 1, last + CONTEXT);
      const slice = numbered.slice(from, to + 1);
      return renderHunk(slice, a, b);
    })
    .join("\n");
}

function renderHunk(slice: readonly NumberedOp[], a: Lines, b: Lines): string {
  const oldCount = slice.filter((op) => op.kind !== "insert").length;
  const newCount = slice.filter((op) => op.kind !== "delete").length;
  const first = slice[0];
  const oldStart = first === undefined ? 0 : oldCount === 0 ? first.oldLine : first.oldLine + 1;
  const newStart = first === undefined ? 0 : newCount === 0 ? first.newLine : first.newLine + 1;
  const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${start},${count}`);
  const lines = [`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`];
  for (const op of slice) {
    const prefix = op.kind === "equal" ? " " : op.kind === "insert" ? "+" : "-";
    lines.push(`${prefix}${op.text}`);
    const lastOld = op.kind !== "insert" && op.oldLine === a.lines.length - 1 && !a.endsWithNewline;
    const lastNew = op.kind !== "delete" && op.newLine === b.lines.length - 1 && !b.endsWithNewline;
    if (
      (op.kind === "delete" && lastOld) ||
      (op.kind === "insert" && lastNew) ||
      (op.kind === "equal" && lastOld)
    ) {
      lines.push(NO_NEWLINE);
    }
  }
  return lines.join("\n");
}
