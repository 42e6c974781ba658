import { entryType, type Commit, type Sha, type Signature } from "../git/objects.js";
import { changeStats, type FileChange } from "../git/diff.js";
import { fullName, type Repository } from "../model/repository.js";
import type { Account } from "../model/accounts.js";
import type { State } from "../state.js";
import type { Schema } from "./schemas.js";
import { iso } from "./time.js";
import { renderUser } from "./users.js";

/** Git data (`/git/*`) and commit representations. */

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

export function signatureDate(signature: Signature): string {
  return iso(new Date(signature.seconds * 1000));
}

function person(signature: Signature): { name: string; email: string; date: string } {
  return { name: signature.name, email: signature.email, date: signatureDate(signature) };
}

export function requireCommit(repo: Repository, sha: Sha): Commit {
  const commit = repo.objects.commit(sha);
  if (commit === undefined) throw new Error(`commit ${sha} is missing`);
  return commit;
}

export function renderGitCommit(state: State, repo: Repository, sha: Sha): Schema<"git-commit"> {
  const commit = requireCommit(repo, sha);
  const api = state.urls.repoApi(fullName(repo));
  return {
    sha,
    node_id: commitNodeId(repo, sha),
    url: `${api}/git/commits/${sha}`,
    html_url: state.urls.repoHtml(fullName(repo), `/commit/${sha}`),
    author: person(commit.author),
    committer: person(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((parent) => ({
      sha: parent,
      url: `${api}/git/commits/${parent}`,
      html_url: state.urls.repoHtml(fullName(repo), `/commit/${parent}`),
    })),
    verification: UNSIGNED,
  };
}

export function commitNodeId(repo: Repository, sha: Sha): string {
  return `C_${Buffer.from(`${repo.id}:${sha}`).toString("base64url")}`;
}

/** The GitHub account whose email matches a commit signature, as GitHub links them. */
export function accountByEmail(state: State, email: string): Account | undefined {
  const lower = email.toLowerCase();
  return [...state.accounts.values()].find((account) => account.email?.toLowerCase() === lower);
}

export function renderCommit(
  state: State,
  repo: Repository,
  sha: Sha,
  changes?: readonly FileChange[],
): Schema<"commit"> {
  const commit = requireCommit(repo, sha);
  const api = state.urls.repoApi(fullName(repo));
  const author = accountByEmail(state, commit.author.email);
  const committer = accountByEmail(state, commit.committer.email);
  const files = changes?.map((change) => renderDiffEntry(state, repo, sha, change));
  const additions = files?.reduce((sum, file) => sum + file.additions, 0) ?? 0;
  const deletions = files?.reduce((sum, file) => sum + file.deletions, 0) ?? 0;
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: commitNodeId(repo, sha),
    html_url: state.urls.repoHtml(fullName(repo), `/commit/${sha}`),
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: UNSIGNED,
    },
    author: author === undefined ? null : renderUser(state.urls, author),
    committer: committer === undefined ? null : renderUser(state.urls, committer),
    parents: commit.parents.map((parent) => ({
      sha: parent,
      url: `${api}/commits/${parent}`,
      html_url: state.urls.repoHtml(fullName(repo), `/commit/${parent}`),
    })),
    ...(files === undefined ? {} : { stats: { total: additions + deletions, additions, deletions }, files }),
  };
}

export function renderDiffEntry(
  state: State,
  repo: Repository,
  ref: Sha,
  change: FileChange,
): Schema<"diff-entry"> {
  const stats = changeStats(repo.objects, change);
  const name = fullName(repo);
  const encoded = change.path.split("/").map(encodeURIComponent).join("/");
  return {
    sha: change.after?.sha ?? change.before?.sha ?? "",
    filename: change.path,
    status: change.status,
    additions: stats.additions,
    deletions: stats.deletions,
    changes: stats.additions + stats.deletions,
    blob_url: state.urls.repoHtml(name, `/blob/${ref}/${encoded}`),
    raw_url: state.urls.repoHtml(name, `/raw/${ref}/${encoded}`),
    contents_url: state.urls.repoApi(name, `/contents/${encoded}?ref=${ref}`),
    ...(stats.patch === undefined ? {} : { patch: stats.patch }),
    ...(change.previousPath === undefined ? {} : { previous_filename: change.previousPath }),
  };
}

export function renderRef(state: State, repo: Repository, name: string, sha: Sha): Schema<"git-ref"> {
  const type = repo.objects.typeOf(sha) ?? "commit";
  return {
    ref: name,
    node_id: `REF_${Buffer.from(`${repo.id}:${name}`).toString("base64url")}`,
    url: state.urls.repoApi(fullName(repo), `/git/${name}`),
    object: { type, sha, url: state.urls.repoApi(fullName(repo), `/git/${type}s/${sha}`) },
  };
}

export interface TreeListing {
  readonly sha: Sha;
  readonly entries: readonly { path: string; mode: string; sha: Sha }[];
}

export function renderTree(state: State, repo: Repository, listing: TreeListing): Schema<"git-tree"> {
  const api = state.urls.repoApi(fullName(repo));
  return {
    sha: listing.sha,
    url: `${api}/git/trees/${listing.sha}`,
    tree: listing.entries.map((entry) => {
      const type = entryType(
        entry.mode === "040000" ? "040000" : entry.mode === "160000" ? "160000" : "100644",
      );
      const size = type === "blob" ? repo.objects.blob(entry.sha)?.length : undefined;
      return {
        path: entry.path,
        mode: entry.mode,
        type,
        sha: entry.sha,
        ...(size === undefined ? {} : { size }),
        ...(type === "commit" ? {} : { url: `${api}/git/${type}s/${entry.sha}` }),
      };
    }),
    truncated: false,
  };
}

export function renderBlob(state: State, repo: Repository, sha: Sha, content: Buffer): Schema<"blob"> {
  return {
    sha,
    node_id: `B_${Buffer.from(`${repo.id}:${sha}`).toString("base64url")}`,
    url: state.urls.repoApi(fullName(repo), `/git/blobs/${sha}`),
    size: content.length,
    content: base64Lines(content),
    encoding: "base64",
  };
}

/** Base64 wrapped at 60 characters with a final newline, as GitHub sends file contents. */
export function base64Lines(content: Buffer): string {
  const encoded = content.toString("base64");
  const lines = encoded.match(/.{1,60}/g) ?? [];
  return lines.map((line) => `${line}\n`).join("");
}
