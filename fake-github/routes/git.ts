import { z } from "zod";
import { noreplyEmail } from "../domain/commits.js";
import { RefUpdateRejected, updateRefs, type RefUpdate } from "../domain/refs.js";
import { resolveTree } from "../domain/resolve.js";
import { notFound, unprocessable } from "../errors.js";
import {
  EMPTY_TREE_SHA,
  entryType,
  isSha,
  ZERO_SHA,
  type EntryMode,
  type Signature,
} from "../git/objects.js";
import { editTree, PathConflict, requireTree, walkTree, type PathValue } from "../git/trees.js";
import { route, type RouteDefinition } from "../http/route.js";
import type { Account } from "../model/accounts.js";
import type { Repository } from "../model/repository.js";
import { renderBlob, renderGitCommit, renderRef, renderTree } from "../render/git.js";
import type { State } from "../state.js";

/** The Git database API: blobs, trees, commits, refs. */

export const gitRoutes: RouteDefinition[] = [
  route(
    "post",
    "/repos/{owner}/{repo}/git/blobs",
    { permissions: ["contents:write"] },
    ({ repo, body, state }) => {
      const content =
        body.encoding === "base64" ? Buffer.from(body.content, "base64") : Buffer.from(body.content, "utf8");
      const sha = repo.objects.putBlob(content);
      return {
        status: 201,
        body: { sha, url: state.urls.repoApi(`${repo.owner.login}/${repo.name}`, `/git/blobs/${sha}`) },
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const content = repo.objects.blob(params.file_sha);
      if (content === undefined) throw notFound();
      return { status: 200, body: renderBlob(state, repo, params.file_sha, content) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    { permissions: ["contents:read"] },
    ({ repo, params, query, state }) => {
      const sha = resolveTree(repo, params.tree_sha);
      if (sha === undefined) throw notFound();
      const entries =
        query.recursive === undefined
          ? requireTree(repo.objects, sha).map((e) => ({ path: e.name, mode: e.mode, sha: e.sha }))
          : walkTree(repo.objects, sha);
      return { status: 200, body: renderTree(state, repo, { sha, entries }) };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/git/trees",
    { permissions: ["contents:write"] },
    ({ repo, body, state }) => {
      const sha = createTree(repo, body.tree, body.base_tree);
      return {
        status: 201,
        body: renderTree(state, repo, {
          sha,
          entries: requireTree(repo.objects, sha).map((e) => ({ path: e.name, mode: e.mode, sha: e.sha })),
        }),
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/git/commits/{commit_sha}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      if (repo.objects.commit(params.commit_sha) === undefined) throw notFound();
      return { status: 200, body: renderGitCommit(state, repo, params.commit_sha) };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/git/commits",
    { permissions: ["contents:write"] },
    ({ repo, body, state, actor }) => {
      if (repo.objects.tree(body.tree) === undefined) throw unprocessable("Tree SHA does not exist");
      for (const parent of body.parents ?? []) {
        if (repo.objects.commit(parent) === undefined)
          throw unprocessable("Parent SHA does not exist or is not a commit object");
      }
      const author = signature(state, body.author, actor);
      const sha = repo.objects.putCommit({
        tree: body.tree,
        parents: body.parents ?? [],
        author,
        committer: body.committer === undefined ? author : signature(state, body.committer, actor),
        message: body.message,
      });
      return { status: 201, body: renderGitCommit(state, repo, sha) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const name = `refs/${params.ref}`;
      const sha = repo.refs.get(name);
      if (sha === undefined) throw notFound();
      return { status: 200, body: renderRef(state, repo, name, sha) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const prefix = `refs/${params.ref}`;
      const refs = [...repo.refs]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : 1));
      return { status: 200, body: refs.map(([name, sha]) => renderRef(state, repo, name, sha)) };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/git/refs",
    { permissions: ["contents:write"] },
    ({ repo, body, state, actor }) => {
      if (!body.ref.startsWith("refs/") || body.ref.split("/").length < 3) {
        throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
      }
      applyRefUpdate(state, repo, { name: body.ref, before: ZERO_SHA, after: body.sha, force: false }, actor);
      return { status: 201, body: renderRef(state, repo, body.ref, body.sha) };
    },
  ),

  route(
    "patch",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    { permissions: ["contents:write"] },
    ({ repo, params, body, state, actor }) => {
      const name = `refs/${params.ref}`;
      const current = repo.refs.get(name);
      if (current === undefined) throw unprocessable("Reference does not exist");
      applyRefUpdate(
        state,
        repo,
        { name, before: current, after: body.sha, force: body.force ?? false },
        actor,
      );
      return { status: 200, body: renderRef(state, repo, name, body.sha) };
    },
  ),

  route(
    "delete",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    { permissions: ["contents:write"] },
    ({ repo, params, state, actor }) => {
      const name = `refs/${params.ref}`;
      const current = repo.refs.get(name);
      if (current === undefined) throw unprocessable("Reference does not exist");
      applyRefUpdate(state, repo, { name, before: current, after: ZERO_SHA, force: true }, actor);
      return { status: 204 };
    },
  ),
];

const REF_MESSAGES: Record<RefUpdateRejected["reason"], string> = {
  "invalid-name": "Reference name is not valid",
  exists: "Reference already exists",
  missing: "Reference does not exist",
  stale: "Reference cannot be updated",
  "not-fast-forward": "Update is not a fast forward",
  "bad-object": "Object does not exist",
};

function applyRefUpdate(state: State, repo: Repository, update: RefUpdate, actor: Account): void {
  try {
    updateRefs(state, repo, [update], actor);
  } catch (error) {
    if (error instanceof RefUpdateRejected) throw unprocessable(REF_MESSAGES[error.reason]);
    throw error;
  }
}

const GitDate = z.iso.datetime({ offset: true });

function signature(
  state: State,
  who: { name?: string; email?: string; date?: string } | undefined,
  actor: Account,
): Signature {
  const date = who?.date === undefined ? state.clock.now().toISOString() : GitDate.parse(who.date);
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(date);
  const offsetMinutes =
    offset === null ? 0 : (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  return {
    name: who?.name ?? actor.login,
    email: who?.email ?? noreplyEmail(actor),
    seconds: Math.floor(Date.parse(date) / 1000),
    offsetMinutes,
  };
}

interface TreeInput {
  readonly path?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly sha?: string | null;
  readonly content?: string;
}

/** `POST /git/trees`: entries with nested paths, `content`, `sha: null` deletions, over an optional base tree. */
function createTree(repo: Repository, entries: readonly TreeInput[], baseTree: string | undefined): string {
  if (baseTree !== undefined && (!isSha(baseTree) || repo.objects.tree(baseTree) === undefined)) {
    throw unprocessable(`base_tree ${baseTree} is not a valid tree`);
  }
  let tree = baseTree ?? EMPTY_TREE_SHA;
  for (const entry of entries) {
    const { path, value } = treeEdit(repo, entry);
    try {
      tree = editTree(repo.objects, tree, path, value);
    } catch (error) {
      if (error instanceof PathConflict)
        throw unprocessable(`tree.path ${error.path} conflicts with another entry`);
      throw error;
    }
  }
  return tree;
}

/** One `tree` entry of the request as an edit: what to put at which path (null deletes). */
function treeEdit(repo: Repository, entry: TreeInput): { path: string; value: PathValue } {
  const path = (entry.path ?? "").replace(/^\/+|\/+$/g, "");
  const mode = entry.mode as EntryMode | undefined;
  if (path === "" || mode === undefined) throw unprocessable("Invalid tree info");
  const type = entryType(mode);
  if (entry.type !== undefined && entry.type !== type)
    throw unprocessable(`tree.type ${entry.type} does not match mode ${mode}`);
  if (entry.sha !== undefined && entry.content !== undefined) {
    throw unprocessable("Invalid tree info: use either tree.sha or tree.content, not both");
  }
  if (entry.sha === null) return { path, value: null };
  if (entry.content !== undefined) {
    if (type !== "blob") throw unprocessable("Invalid tree info: content is only for blobs");
    return { path, value: { mode, sha: repo.objects.putBlob(Buffer.from(entry.content)) } };
  }
  const sha = entry.sha;
  if (sha === undefined) throw unprocessable("Invalid tree info: tree.sha or tree.content is required");
  if (type === "tree" && repo.objects.tree(sha) === undefined)
    throw unprocessable(`tree.sha ${sha} is not a valid tree`);
  if (type === "blob" && repo.objects.blob(sha) === undefined)
    throw unprocessable(`tree.sha ${sha} is not a valid blob`);
  return { path, value: { mode, sha } };
}
