import { describe, expect, test } from "vitest";
import { diffTrees, lineDiff } from "../../fake-github/git/diff.js";
import { mergeTrees } from "../../fake-github/git/merge.js";
import { EMPTY_TREE_SHA, ObjectStore } from "../../fake-github/git/objects.js";
import { editTree } from "../../fake-github/git/trees.js";

/** The git layer on its own: three-way tree merges and diffs. */

function treeOf(store: ObjectStore, files: Readonly<Record<string, string>>): string {
  let tree = EMPTY_TREE_SHA;
  for (const [path, text] of Object.entries(files))
    tree = editTree(store, tree, path, { mode: "100644", sha: store.putBlob(Buffer.from(text)) });
  return tree;
}

describe("mergeTrees", () => {
  const cases: {
    name: string;
    base: Record<string, string>;
    ours: Record<string, string>;
    theirs: Record<string, string>;
    merged?: Record<string, string>;
    conflicts?: string[];
  }[] = [
    {
      name: "takes each side's change to different files",
      base: { "a/x": "1", "b/y": "1" },
      ours: { "a/x": "2", "b/y": "1" },
      theirs: { "a/x": "1", "b/y": "2" },
      merged: { "a/x": "2", "b/y": "2" },
    },
    {
      name: "keeps an identical change made on both sides",
      base: { x: "1" },
      ours: { x: "2" },
      theirs: { x: "2" },
      merged: { x: "2" },
    },
    {
      name: "applies a deletion from one side",
      base: { x: "1", y: "1" },
      ours: { x: "1", y: "1" },
      theirs: { y: "1" },
      merged: { y: "1" },
    },
    {
      name: "reports different changes to one file",
      base: { "d/x": "1" },
      ours: { "d/x": "2" },
      theirs: { "d/x": "3" },
      conflicts: ["d/x"],
    },
    {
      name: "reports a modify/delete conflict",
      base: { "d/x": "1" },
      ours: { "d/x": "2" },
      theirs: {},
      conflicts: ["d/x"],
    },
    {
      name: "reports a file that became a folder on the other side",
      base: { a: "1" },
      ours: { a: "2" },
      theirs: { "a/b": "1" },
      conflicts: ["a"],
    },
  ];
  test.each(cases)("$name", ({ base, ours, theirs, merged, conflicts }) => {
    const store = new ObjectStore();
    const result = mergeTrees(store, treeOf(store, base), treeOf(store, ours), treeOf(store, theirs));
    if (conflicts !== undefined) expect(result).toEqual({ conflicts });
    else expect(result).toEqual({ tree: treeOf(store, merged ?? {}) });
  });
});

describe("diffTrees", () => {
  test("reports added, removed, modified and renamed files by path", () => {
    const store = new ObjectStore();
    const before = treeOf(store, { "a/keep": "k", "a/old": "moved", "b/gone": "g", "c/edit": "1" });
    const after = treeOf(store, { "a/keep": "k", "a/new": "moved", "c/edit": "2", "d/added": "n" });
    expect(diffTrees(store, before, after).map((c) => [c.path, c.status, c.previousPath])).toEqual([
      ["a/new", "renamed", "a/old"],
      ["b/gone", "removed", undefined],
      ["c/edit", "modified", undefined],
      ["d/added", "added", undefined],
    ]);
  });
});

describe("lineDiff", () => {
  test.each([
    {
      before: "a\nb\nc\n",
      after: "a\nB\nc\nd",
      patch: "@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n\\ No newline at end of file",
    },
    {
      before: "a\nb\nc",
      after: "a\nb\nc\n",
      patch: "@@ -1,3 +1,3 @@\n a\n b\n-c\n\\ No newline at end of file\n+c",
    },
  ])("writes hunks as git diff does ($patch)", ({ before, after, patch }) => {
    expect(lineDiff(before, after).patch).toBe(patch);
  });

  test("separates distant changes into hunks with three lines of context", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const after = before.replace("line 1\n", "line one\n").replace("line 18\n", "line eighteen\n");
    const patch = lineDiff(before, after).patch ?? "";
    expect(patch.split("\n").filter((line) => line.startsWith("@@"))).toEqual([
      "@@ -1,5 +1,5 @@",
      "@@ -16,5 +16,5 @@",
    ]);
  });
});
