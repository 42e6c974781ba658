import { ObjectStore, type Sha } from "../git/objects.js";
import type { Account, RepoRole } from "./accounts.js";
import type { CheckRun, CheckSuite, CommitStatus } from "./checks.js";
import type { Issue, IssueComment, Label, Reaction, Review } from "./issues.js";

/** One repository's whole state: git objects and refs, issues and pulls, checks, settings. */

export interface RequiredCheck {
  readonly context: string;
  /** Only a check run from this app (or a status) satisfies it, when set. */
  readonly appId?: number;
}

export interface BranchProtection {
  readonly requiredChecks: readonly RequiredCheck[];
  /** Require the head to contain the base branch tip (GitHub's "require branches to be up to date"). */
  readonly strict: boolean;
  readonly requiredApprovals: number;
  readonly dismissStaleReviews: boolean;
}

export interface RepoSettings {
  allowAutoMerge: boolean;
  deleteBranchOnMerge: boolean;
  allowMergeCommit: boolean;
  allowSquashMerge: boolean;
  allowRebaseMerge: boolean;
}

export interface Repository {
  readonly id: number;
  readonly nodeId: string;
  readonly owner: Account;
  readonly name: string;
  readonly private: boolean;
  readonly description: string | null;
  readonly createdAt: Date;
  updatedAt: Date;
  pushedAt: Date;
  defaultBranch: string;
  readonly settings: RepoSettings;
  readonly objects: ObjectStore;
  /** Fully qualified names (`refs/heads/main`) to SHAs. */
  readonly refs: Map<string, Sha>;
  readonly issues: Map<number, Issue>;
  readonly comments: Map<number, IssueComment>;
  /** Keyed by lower-cased name. */
  readonly labels: Map<string, Label>;
  readonly reactions: Reaction[];
  readonly reviews: Map<number, Review>;
  readonly checkRuns: Map<number, CheckRun>;
  readonly checkSuites: Map<number, CheckSuite>;
  readonly statuses: CommitStatus[];
  /** Keyed by lower-cased login. */
  readonly collaborators: Map<string, RepoRole>;
  /** Keyed by branch name. */
  readonly protections: Map<string, BranchProtection>;
}

export function fullName(repo: Repository): string {
  return `${repo.owner.login}/${repo.name}`;
}

export function newRepository(fields: {
  id: number;
  nodeId: string;
  owner: Account;
  name: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  settings: RepoSettings;
  now: Date;
}): Repository {
  return {
    ...fields,
    createdAt: fields.now,
    updatedAt: fields.now,
    pushedAt: fields.now,
    objects: new ObjectStore(),
    refs: new Map(),
    issues: new Map(),
    comments: new Map(),
    labels: new Map(),
    reactions: [],
    reviews: new Map(),
    checkRuns: new Map(),
    checkSuites: new Map(),
    statuses: [],
    collaborators: new Map(),
    protections: new Map(),
  };
}
