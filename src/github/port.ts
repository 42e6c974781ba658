/**
 * What the use cases need from GitHub, for one repository. The Octokit adapter implements it; the use
 * cases know nothing else of GitHub. Every method is one or two API requests; reads by SHA are cached.
 */

export interface RepoId {
  readonly owner: string;
  readonly name: string;
}

export type PullState = "open" | "closed" | "merged";

export interface PullSummary {
  readonly number: number;
  readonly state: PullState;
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly headRef: string;
  readonly headSha: string;
  readonly baseRef: string;
  readonly author: string;
  readonly createdAt: string;
  readonly mergedAt?: string;
  readonly mergedBy?: string;
  readonly labels: readonly string[];
}

/** The default branch at one commit, plus what one branch and its PRs look like now: one read. */
export interface HeadState {
  readonly repositoryId: string;
  /** Merge methods the repository allows, in Stagecoach's order of preference. */
  readonly mergeMethods: readonly MergeMethod[];
  readonly defaultBranch: string;
  readonly commitSha: string;
  readonly treeSha: string;
  /** `.github/stagecoach.yml` at that commit, when present. */
  readonly config?: { readonly sha: string; readonly text: string };
  /** Tree SHA of each requested folder at that commit (undefined when the folder does not exist). */
  readonly folders: ReadonlyMap<string, string | undefined>;
  /** The requested branch's head commit, when the branch exists. */
  readonly branch?: { readonly sha: string; readonly message: string; readonly parents: readonly string[] };
  /** PRs whose head is the requested branch in this repository, newest first, any state. */
  readonly pulls: readonly PullSummary[];
  /** With `env`: recent PRs labelled `env:<env>` (open, closed and merged), most recently updated first. */
  readonly envPulls: readonly PullSummary[];
  /** With `env`: open `/freeze` holds of every environment. */
  readonly freezes: readonly FreezeHold[];
}

/** A merged (or closed) PR with what promotion needs to know about it. */
export interface MergedPull extends PullSummary {
  readonly merged: boolean;
  readonly fromFork: boolean;
  readonly mergeCommit?: { readonly sha: string; readonly parents: readonly string[] };
  /** Messages of the PR's commits, oldest first (to tell a rebase merge from a squash). */
  readonly commitMessages: readonly string[];
  readonly files: readonly string[];
}

export type Reaction = "+1" | "-1" | "eyes" | "rocket" | "confused" | "hooray";
export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface TreeEntry {
  /** Path relative to the tree that was read. */
  readonly path: string;
  readonly sha: string;
  readonly mode: string;
}

export interface FileWrite {
  readonly path: string;
  /** New text, or null to delete the file. */
  readonly content: string | null;
  readonly mode?: string;
}

/** A PR as GET /pulls/{n} shows it, for deciding whether it may merge. */
export interface PullDetail extends PullSummary {
  readonly draft: boolean;
  /** GitHub's verdict: clean, unstable, blocked, behind, dirty, draft, has_hooks or unknown (computing). */
  readonly mergeableState: string;
}

export type MergeMethod = "squash" | "merge" | "rebase";

/** An open `/freeze` hold, as recorded in its issue. */
export interface FreezeHold {
  readonly issue: number;
  readonly env: string;
  readonly by: string;
  readonly reason?: string;
  /** Milliseconds since the epoch. */
  readonly since: number;
}

export interface GitHubRepo {
  readonly id: RepoId;
  readHead(options: {
    readonly branch?: string;
    readonly folders: readonly string[];
    readonly env?: string;
  }): Promise<HeadState>;
  /** Tree SHAs of folders at a commit (when the config changed and the folders are new). */
  readFolders(
    commitSha: string,
    folders: readonly string[],
  ): Promise<ReadonlyMap<string, string | undefined>>;
  /** Every file below a tree, recursively (content-addressed: cached forever). */
  readTree(treeSha: string): Promise<readonly TreeEntry[]>;
  /** A blob's text (content-addressed: cached forever). */
  readBlob(sha: string): Promise<string>;
  /** Many blobs at once: the uncached ones in as few requests as possible. */
  readBlobs(shas: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** A commit on `parent` whose tree is `baseTree` with `files` written. */
  createCommit(options: {
    readonly parent: string;
    readonly baseTree: string;
    readonly files: readonly FileWrite[];
    readonly message: string;
  }): Promise<string>;
  /** Creates a branch; "exists" when somebody created it first. */
  createBranch(name: string, sha: string): Promise<"created" | "exists">;
  /** Compare-and-swap: moves a branch from `from` to `to` (any history), or "conflict" if it moved. */
  moveBranch(name: string, from: string, to: string): Promise<"moved" | "conflict">;
  createPull(options: {
    readonly branch: string;
    readonly base: string;
    readonly title: string;
    readonly body: string;
    readonly labels: readonly string[];
  }): Promise<{ number: number; url: string }>;
  updatePull(
    number: number,
    changes: { readonly title?: string; readonly body?: string; readonly state?: "open" | "closed" },
  ): Promise<void>;
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  /**
   * Stagecoach's own comment on an issue or PR, identified by `key`: created once, then edited in place,
   * so repeating an event never repeats the comment. Returns what happened.
   */
  upsertComment(number: number, key: string, body: string): Promise<"created" | "updated" | "unchanged">;
  getPull(number: number): Promise<PullDetail>;
  /** The latest run of a check by name on a commit: its conclusion, "pending", or "missing". */
  checkConclusion(sha: string, name: string): Promise<string>;
  /** Open `/freeze` holds (issues labelled stagecoach:freeze). */
  readFreezes(): Promise<readonly FreezeHold[]>;
  /** A PR with its merge commit, commits and files (one GraphQL read). */
  readPull(number: number): Promise<MergedPull | undefined>;
  /** `count` first-parent ancestors of a commit, newest first, starting with the commit itself. */
  readAncestors(
    sha: string,
    count: number,
  ): Promise<readonly { readonly sha: string; readonly message: string }[]>;
  /** Commits that touched a folder on the default branch, newest first. */
  folderHistory(
    folder: string,
    limit: number,
  ): Promise<readonly { readonly sha: string; readonly date: string }[]>;
  /** Recent PRs with all these labels, most recently updated first. */
  searchPulls(
    labels: readonly string[],
    states: readonly PullState[],
    limit: number,
  ): Promise<readonly PullSummary[]>;
  /**
   * Adds the app's reaction to a comment. "exists" when the app had already reacted so: GitHub keeps one
   * reaction per user and kind, which makes the first reaction a lock two replicas cannot both take.
   */
  reactToComment(commentId: number, reaction: Reaction): Promise<"created" | "exists">;
  permissionOf(login: string): Promise<RepoPermission>;
  isTeamMember(org: string, team: string, login: string): Promise<boolean>;
  createIssue(options: {
    readonly title: string;
    readonly body: string;
    readonly labels: readonly string[];
  }): Promise<{ number: number; url: string }>;
  closeIssue(number: number): Promise<void>;
  /** Open PRs whose head is this commit. */
  pullsForCommit(sha: string): Promise<readonly number[]>;
  /** Merges only if the head is still `sha`; GitHub enforces branch protection. */
  mergePull(
    number: number,
    sha: string,
    method: MergeMethod,
  ): Promise<"merged" | "not-mergeable" | "head-moved">;
}
