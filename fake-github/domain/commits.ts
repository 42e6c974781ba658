import type { Sha, Signature } from "../git/objects.js";
import { buildTree, editTree, lookupPath, type FileEntry } from "../git/trees.js";
import type { Account } from "../model/accounts.js";
import type { Repository } from "../model/repository.js";
import { requireCommit } from "../render/git.js";
import type { State } from "../state.js";

/** Writing commits on the fake's side: pushes by people, merge commits, initial content. */

export const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" } as const;

export function noreplyEmail(account: Account): string {
  return `${account.id}+${account.login}@users.noreply.github.com`;
}

export function signatureOf(state: State, who: { name: string; email: string }): Signature {
  return {
    name: who.name,
    email: who.email,
    seconds: Math.floor(state.clock.now().getTime() / 1000),
    offsetMinutes: 0,
  };
}

export function accountSignature(state: State, account: Account): Signature {
  return signatureOf(state, {
    name: account.name ?? account.login,
    email: account.email ?? noreplyEmail(account),
  });
}

/** Path → new text (or bytes); `null` deletes the file. */
export type FileChanges = Readonly<Record<string, string | Buffer | null>>;

export function applyFileChanges(repo: Repository, baseTree: Sha | undefined, changes: FileChanges): Sha {
  const blob = (content: string | Buffer): Sha =>
    repo.objects.putBlob(typeof content === "string" ? Buffer.from(content) : content);
  const entries = Object.entries(changes).map(([path, content]) => ({
    path: path.replace(/^\/+/, ""),
    content,
  }));
  if (baseTree === undefined) {
    const files = new Map<string, FileEntry>();
    for (const { path, content } of entries)
      if (content !== null) files.set(path, { mode: "100644", sha: blob(content) });
    return buildTree(repo.objects, files);
  }
  let tree = baseTree;
  for (const { path, content } of entries) {
    if (content === null) {
      tree = editTree(repo.objects, tree, path, null);
      continue;
    }
    const mode = lookupPath(repo.objects, tree, path)?.mode;
    tree = editTree(repo.objects, tree, path, {
      mode: mode === undefined || mode === "040000" ? "100644" : mode,
      sha: blob(content),
    });
  }
  return tree;
}

export function writeCommit(
  repo: Repository,
  fields: { tree: Sha; parents: readonly Sha[]; message: string; author: Signature; committer?: Signature },
): Sha {
  return repo.objects.putCommit({
    tree: fields.tree,
    parents: fields.parents,
    author: fields.author,
    committer: fields.committer ?? fields.author,
    message: fields.message,
  });
}

/** A commit on top of `parent` (or a root commit) with the given file changes. */
export function commitChanges(
  state: State,
  repo: Repository,
  parent: Sha | undefined,
  changes: FileChanges,
  message: string,
  author: Account,
): Sha {
  const baseTree = parent === undefined ? undefined : requireCommit(repo, parent).tree;
  const tree = applyFileChanges(repo, baseTree, changes);
  return writeCommit(repo, {
    tree,
    parents: parent === undefined ? [] : [parent],
    message,
    author: accountSignature(state, author),
  });
}
