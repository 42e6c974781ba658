import { createHash } from "node:crypto";

/**
 * Git's object model, byte for byte: blobs, trees and commits hashed exactly as `git hash-object`,
 * `git mktree` and `git commit-tree` do, so a SHA from the fake is a SHA git would compute.
 */

export type Sha = string;
export type FileMode = "100644" | "100755" | "120000" | "160000";
export type EntryMode = FileMode | "040000";
export type ObjectType = "blob" | "tree" | "commit";

export const ZERO_SHA: Sha = "0000000000000000000000000000000000000000";
export const EMPTY_TREE_SHA: Sha = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export interface TreeEntry {
  readonly name: string;
  readonly mode: EntryMode;
  readonly sha: Sha;
}

export interface Signature {
  readonly name: string;
  readonly email: string;
  /** Unix seconds. */
  readonly seconds: number;
  /** Offset from UTC in minutes, as git records it (`+0130` is 90). */
  readonly offsetMinutes: number;
}

export interface Commit {
  readonly tree: Sha;
  readonly parents: readonly Sha[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

export function entryType(mode: EntryMode): ObjectType {
  if (mode === "040000") return "tree";
  if (mode === "160000") return "commit";
  return "blob";
}

export function isSha(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value);
}

export function hashObject(type: ObjectType, body: Buffer): Sha {
  const header = Buffer.from(`${type} ${body.length}\0`);
  return createHash("sha1").update(header).update(body).digest("hex");
}

/** Git orders tree entries by name bytes, comparing a subtree's name as if it ended in "/". */
export function sortTreeEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  return entries
    .map((entry) => ({ entry, key: Buffer.from(entry.mode === "040000" ? `${entry.name}/` : entry.name) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ entry }) => entry);
}

export function treeBody(entries: readonly TreeEntry[]): Buffer {
  return serializeSortedTree(sortTreeEntries(entries));
}

function serializeSortedTree(sorted: readonly TreeEntry[]): Buffer {
  return Buffer.concat(
    sorted.flatMap((entry) => [
      // Git writes a subtree's mode without its leading zero.
      Buffer.from(`${entry.mode === "040000" ? "40000" : entry.mode} ${entry.name}\0`),
      Buffer.from(entry.sha, "hex"),
    ]),
  );
}

export function formatSignature(signature: Signature): string {
  const sign = signature.offsetMinutes < 0 ? "-" : "+";
  const offset = Math.abs(signature.offsetMinutes);
  const hours = String(Math.floor(offset / 60)).padStart(2, "0");
  const minutes = String(offset % 60).padStart(2, "0");
  return `${signature.name} <${signature.email}> ${signature.seconds} ${sign}${hours}${minutes}`;
}

export function commitBody(commit: Commit): Buffer {
  const lines = [
    `tree ${commit.tree}`,
    ...commit.parents.map((parent) => `parent ${parent}`),
    `author ${formatSignature(commit.author)}`,
    `committer ${formatSignature(commit.committer)}`,
  ];
  return Buffer.from(`${lines.join("\n")}\n\n${commit.message}`);
}

export function isValidEntryName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && name !== ".git" && !/[/\0]/.test(name);
}

/** The objects of one repository, addressed by SHA. Objects are immutable once stored. */
export class ObjectStore {
  readonly #blobs = new Map<Sha, Buffer>();
  readonly #trees = new Map<Sha, readonly TreeEntry[]>();
  readonly #commits = new Map<Sha, Commit>();

  putBlob(content: Buffer): Sha {
    const sha = hashObject("blob", content);
    if (!this.#blobs.has(sha)) this.#blobs.set(sha, content);
    return sha;
  }

  putTree(entries: readonly TreeEntry[]): Sha {
    const names = new Set<string>();
    for (const entry of entries) {
      if (!isValidEntryName(entry.name)) throw new Error(`invalid tree entry name "${entry.name}"`);
      if (names.has(entry.name)) throw new Error(`duplicate tree entry "${entry.name}"`);
      names.add(entry.name);
    }
    const sorted = sortTreeEntries(entries);
    const sha = hashObject("tree", serializeSortedTree(sorted));
    if (!this.#trees.has(sha)) this.#trees.set(sha, sorted);
    return sha;
  }

  putCommit(commit: Commit): Sha {
    const sha = hashObject("commit", commitBody(commit));
    if (!this.#commits.has(sha)) this.#commits.set(sha, { ...commit, parents: [...commit.parents] });
    return sha;
  }

  blob(sha: Sha): Buffer | undefined {
    return this.#blobs.get(sha);
  }

  tree(sha: Sha): readonly TreeEntry[] | undefined {
    if (sha === EMPTY_TREE_SHA) return [];
    return this.#trees.get(sha);
  }

  commit(sha: Sha): Commit | undefined {
    return this.#commits.get(sha);
  }

  typeOf(sha: Sha): ObjectType | undefined {
    if (this.#blobs.has(sha)) return "blob";
    if (this.#trees.has(sha) || sha === EMPTY_TREE_SHA) return "tree";
    if (this.#commits.has(sha)) return "commit";
    return undefined;
  }

  /** Resolves an abbreviated SHA (at least 7 hex digits) when it is unambiguous. */
  expand(prefix: string): Sha | undefined {
    if (isSha(prefix)) return this.typeOf(prefix) === undefined ? undefined : prefix;
    if (!/^[0-9a-f]{7,39}$/.test(prefix)) return undefined;
    const matches = [...this.#commits.keys(), ...this.#trees.keys(), ...this.#blobs.keys()].filter((sha) =>
      sha.startsWith(prefix),
    );
    return matches.length === 1 ? matches[0] : undefined;
  }
}
