import { diffTrees } from "../git/diff.js";
import { commitsBetween } from "../git/history.js";
import { branchOf, tagOf } from "../git/refs.js";
import { ZERO_SHA, type Sha } from "../git/objects.js";
import type { Account } from "../model/accounts.js";
import { fullName, type Repository } from "../model/repository.js";
import type { State } from "../state.js";
import { requireCommit, signatureDate } from "./git.js";
import { renderRepository } from "./repos.js";

/** The fields of a `push` webhook for one ref change. */

const MAX_PUSH_COMMITS = 20;

export interface RefChange {
  readonly ref: string;
  readonly before: Sha;
  readonly after: Sha;
  readonly forced: boolean;
}

export function pushFields(
  state: State,
  repo: Repository,
  change: RefChange,
  pusher: Account,
): Record<string, unknown> {
  const created = change.before === ZERO_SHA;
  const deleted = change.after === ZERO_SHA;
  const defaultTip = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
  const base = created ? (defaultTip === change.after ? undefined : defaultTip) : change.before;
  const shas = deleted ? [] : newCommits(repo, base, change.after, created);
  const commits = shas.slice(-MAX_PUSH_COMMITS).map((sha) => pushCommit(state, repo, sha));
  const short = (sha: Sha): string => sha.slice(0, 12);
  return {
    ref: change.ref,
    before: change.before,
    after: change.after,
    pusher: { name: pusher.login, email: pusher.email },
    created,
    deleted,
    forced: change.forced,
    base_ref: null,
    compare: created
      ? state.urls.repoHtml(fullName(repo), `/commit/${short(change.after)}`)
      : state.urls.repoHtml(fullName(repo), `/compare/${short(change.before)}...${short(change.after)}`),
    commits,
    head_commit: deleted ? null : pushCommit(state, repo, change.after),
  };
}

function newCommits(repo: Repository, base: Sha | undefined, after: Sha, created: boolean): Sha[] {
  if (created && base === undefined) return [];
  try {
    return commitsBetween(repo.objects, base, after).reverse();
  } catch {
    return [];
  }
}

function pushCommit(state: State, repo: Repository, sha: Sha): Record<string, unknown> {
  const commit = requireCommit(repo, sha);
  const parent = commit.parents[0];
  const changes = diffTrees(
    repo.objects,
    parent === undefined ? undefined : requireCommit(repo, parent).tree,
    commit.tree,
  );
  const pick = (statuses: readonly string[]): string[] =>
    changes.filter((change) => statuses.includes(change.status)).map((change) => change.path);
  const who = (signature: { name: string; email: string }): Record<string, string> => {
    const account = [...state.accounts.values()].find(
      (a) => a.email?.toLowerCase() === signature.email.toLowerCase(),
    );
    return {
      name: signature.name,
      email: signature.email,
      ...(account === undefined ? {} : { username: account.login }),
    };
  };
  return {
    id: sha,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message,
    timestamp: signatureDate(commit.committer),
    url: state.urls.repoHtml(fullName(repo), `/commit/${sha}`),
    author: who(commit.author),
    committer: who(commit.committer),
    added: [...pick(["added"]), ...changes.filter((c) => c.status === "renamed").map((c) => c.path)],
    removed: [
      ...pick(["removed"]),
      ...changes.flatMap((c) => (c.previousPath === undefined ? [] : [c.previousPath])),
    ],
    modified: pick(["modified", "changed"]),
  };
}

/** `push` events carry the repository with Unix timestamps and `master_branch`, unlike other events. */
export function pushRepository(state: State, repo: Repository): Record<string, unknown> {
  const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);
  return {
    ...renderRepository(state, repo),
    created_at: seconds(repo.createdAt),
    pushed_at: seconds(repo.pushedAt),
    stargazers: 0,
    master_branch: repo.defaultBranch,
  };
}

export function createOrDeleteFields(repo: Repository, ref: string): Record<string, unknown> | undefined {
  const branch = branchOf(ref);
  const tag = tagOf(ref);
  const name = branch ?? tag;
  if (name === undefined) return undefined;
  return {
    ref: name,
    ref_type: branch === undefined ? "tag" : "branch",
    master_branch: repo.defaultBranch,
    description: repo.description,
    pusher_type: "user",
  };
}
