import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api, field, installationToken, REPO, startWorld, type World } from "./helpers.js";

/** The fake's object hashes are git's: checked against the git CLI in a scratch repository. */

let dir: string;
const git = (args: readonly string[], input?: string, env: Record<string, string> = {}): string =>
  execFileSync("git", args, { cwd: dir, input, env: { ...process.env, ...env }, encoding: "utf8" }).trim();

let world: World;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fake-github-git-"));
  git(["init", "--quiet"]);
  world = await startWorld();
  token = await installationToken(world);
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await world.fake.close();
});

async function post(path: string, body: unknown): Promise<unknown> {
  const response = await api(world.fake, "POST", `/repos/${REPO}${path}`, { token, body });
  expect(response.status, response.text).toBe(201);
  return response.json;
}

const blobInGit = (text: string): string => git(["hash-object", "-w", "--stdin"], text);
const treeInGit = (lines: readonly string[]): string => git(["mktree"], `${lines.join("\n")}\n`);

describe("git objects", () => {
  test("a blob's SHA is git hash-object's, for text and for base64 content", async () => {
    const text = "image: ghcr.io/acme/api:1.4.0\n# ünïcode\n";
    expect(field(await post("/git/blobs", { content: text }), "sha")).toBe(blobInGit(text));
    const base64 = Buffer.from(text).toString("base64");
    expect(field(await post("/git/blobs", { content: base64, encoding: "base64" }), "sha")).toBe(
      blobInGit(text),
    );
  });

  test("a nested tree with every mode and git's entry order hashes as git mktree builds it", async () => {
    const created = await post("/git/trees", {
      tree: [
        { path: "a.b", mode: "100644", type: "blob", content: "dot\n" },
        { path: "a-c", mode: "100755", type: "blob", content: "#!/bin/sh\n" },
        { path: "a/deep/x.yaml", mode: "100644", type: "blob", content: "x: 1\n" },
        { path: "link", mode: "120000", type: "blob", content: "a.b" },
      ],
    });
    const deep = treeInGit([`100644 blob ${blobInGit("x: 1\n")}\tx.yaml`]);
    const a = treeInGit([`040000 tree ${deep}\tdeep`]);
    const root = treeInGit([
      `100644 blob ${blobInGit("dot\n")}\ta.b`,
      `100755 blob ${blobInGit("#!/bin/sh\n")}\ta-c`,
      `040000 tree ${a}\ta`,
      `120000 blob ${blobInGit("a.b")}\tlink`,
    ]);
    expect(field(created, "sha")).toBe(root);
    expect((field(created, "tree") as { path: string }[]).map((entry) => entry.path)).toEqual([
      "a-c",
      "a.b",
      "a",
      "link",
    ]);
  });

  test("base_tree edits keep other entries, replace nested files and delete with sha null", async () => {
    const base = field(
      await post("/git/trees", {
        tree: [
          { path: "envs/dev/app.yaml", mode: "100644", type: "blob", content: "v: 1\n" },
          { path: "envs/dev/old.yaml", mode: "100644", type: "blob", content: "old\n" },
          { path: "README.md", mode: "100644", type: "blob", content: "readme\n" },
        ],
      }),
      "sha",
    );
    const edited = await post("/git/trees", {
      base_tree: base,
      tree: [
        { path: "envs/dev/app.yaml", mode: "100644", type: "blob", content: "v: 2\n" },
        { path: "envs/dev/old.yaml", mode: "100644", type: "blob", sha: null },
      ],
    });
    const dev = treeInGit([`100644 blob ${blobInGit("v: 2\n")}\tapp.yaml`]);
    const envs = treeInGit([`040000 tree ${dev}\tdev`]);
    const root = treeInGit([`100644 blob ${blobInGit("readme\n")}\tREADME.md`, `040000 tree ${envs}\tenvs`]);
    expect(field(edited, "sha")).toBe(root);

    const listed = await api(world.fake, "GET", `/repos/${REPO}/git/trees/${root}?recursive=1`, { token });
    expect(
      (field(listed.json, "tree") as { path: string; type: string }[]).map((e) => `${e.type} ${e.path}`),
    ).toEqual(["blob README.md", "tree envs", "tree envs/dev", "blob envs/dev/app.yaml"]);
  });

  test("a commit with parents, author, committer and a time zone hashes as git commit-tree", async () => {
    const tree = treeInGit([`100644 blob ${blobInGit("hello\n")}\thello.txt`]);
    await post("/git/trees", {
      tree: [{ path: "hello.txt", mode: "100644", type: "blob", content: "hello\n" }],
    });
    const env = (when: string): Record<string, string> => ({
      GIT_AUTHOR_NAME: "Alice",
      GIT_AUTHOR_EMAIL: "alice@example.com",
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: "Bot",
      GIT_COMMITTER_EMAIL: "bot@example.com",
      GIT_COMMITTER_DATE: when,
    });
    const root = git(["commit-tree", tree], "Root commit", env("1700000000 +0200"));
    const child = git(["commit-tree", tree, "-p", root], "Second\n\nwith a body\n", env("1700003600 -0530"));

    const person = (name: string, email: string, date: string): Record<string, string> => ({
      name,
      email,
      date,
    });
    const first = await post("/git/commits", {
      message: "Root commit",
      tree,
      parents: [],
      author: person("Alice", "alice@example.com", "2023-11-15T00:13:20+02:00"),
      committer: person("Bot", "bot@example.com", "2023-11-15T00:13:20+02:00"),
    });
    expect(field(first, "sha")).toBe(root);
    const second = await post("/git/commits", {
      message: "Second\n\nwith a body\n",
      tree,
      parents: [root],
      author: person("Alice", "alice@example.com", "2023-11-14T17:43:20-05:30"),
      committer: person("Bot", "bot@example.com", "2023-11-14T17:43:20-05:30"),
    });
    expect(field(second, "sha")).toBe(child);
    expect(field(second, "parents", 0, "sha")).toBe(root);
  });

  test("a tree SHA may be given as a branch or branch:path", async () => {
    const byBranch = await api(world.fake, "GET", `/repos/${REPO}/git/trees/main`, { token });
    const byPath = await api(
      world.fake,
      "GET",
      `/repos/${REPO}/git/trees/${encodeURIComponent("main:envs/dev")}`,
      { token },
    );
    expect((field(byBranch.json, "tree") as { path: string }[]).map((e) => e.path)).toEqual([
      "README.md",
      "envs",
    ]);
    expect((field(byPath.json, "tree") as { path: string }[]).map((e) => e.path)).toEqual(["app.yaml"]);
  });
});
