import type { Repository } from "./repository.js";
import type { Sha } from "../git/objects.js";
import type { Account, Team } from "./accounts.js";
import type { App } from "./apps.js";

/** Issues and pull requests share one number space: a pull request is an issue with a `pull`. */

export type MergeMethod = "merge" | "squash" | "rebase";

export interface AutoMerge {
  readonly enabledBy: Account;
  readonly method: MergeMethod;
  readonly commitTitle: string | null;
  readonly commitMessage: string | null;
  readonly enabledAt: Date;
}

export interface Pull {
  readonly id: number;
  readonly nodeId: string;
  readonly headRef: string;
  headSha: Sha;
  baseRef: string;
  /** The base branch tip when the pull request was closed; the live tip while open. */
  closedBaseSha: Sha | undefined;
  draft: boolean;
  merged: boolean;
  mergedAt: Date | null;
  mergedBy: Account | null;
  mergeCommitSha: Sha | null;
  readonly requestedReviewers: Account[];
  readonly requestedTeams: Team[];
  autoMerge: AutoMerge | null;
  maintainerCanModify: boolean;
  /**
   * The fork the head branch belongs to, for PRs from forks. A simplification: the commits still live
   * in the base repository; only how the PR is reported (head repo, isCrossRepository) changes.
   */
  readonly headRepo?: Repository;
}

export interface Issue {
  readonly number: number;
  readonly id: number;
  readonly nodeId: string;
  title: string;
  body: string | null;
  readonly user: Account;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  /** Lower-cased label names, in the order they were added. */
  readonly labels: string[];
  readonly assignees: Account[];
  readonly createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closedBy: Account | null;
  locked: boolean;
  readonly pull: Pull | undefined;
  readonly viaApp: App | undefined;
}

export interface IssueComment {
  readonly id: number;
  readonly nodeId: string;
  readonly issueNumber: number;
  readonly user: Account;
  body: string;
  readonly createdAt: Date;
  updatedAt: Date;
  readonly viaApp: App | undefined;
}

export interface Label {
  readonly id: number;
  readonly nodeId: string;
  readonly name: string;
  color: string;
  description: string | null;
  readonly isDefault: boolean;
}

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export type ReactionSubject =
  | { readonly kind: "issue"; readonly number: number }
  | { readonly kind: "issue_comment"; readonly id: number };

export interface Reaction {
  readonly id: number;
  readonly nodeId: string;
  readonly subject: ReactionSubject;
  readonly user: Account;
  readonly content: ReactionContent;
  readonly createdAt: Date;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";

export interface Review {
  readonly id: number;
  readonly nodeId: string;
  readonly pullNumber: number;
  readonly user: Account;
  body: string;
  state: ReviewState;
  readonly commitId: Sha;
  readonly submittedAt: Date;
}
