import type { Sha } from "../git/objects.js";
import type { Account } from "./accounts.js";
import type { App } from "./apps.js";

/** Check runs (grouped in one suite per app and commit) and commit statuses. */

export type CheckStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";

export type CheckConclusion =
  "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required";

export interface CheckOutput {
  readonly title: string | null;
  readonly summary: string | null;
  readonly text: string | null;
  readonly annotationsCount: number;
}

export interface CheckRun {
  readonly id: number;
  readonly nodeId: string;
  readonly app: App;
  readonly suiteId: number;
  name: string;
  readonly headSha: Sha;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: Date;
  completedAt: Date | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: CheckOutput;
}

export interface CheckSuite {
  readonly id: number;
  readonly nodeId: string;
  readonly app: App;
  readonly headSha: Sha;
  readonly headBranch: string | null;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  readonly createdAt: Date;
  updatedAt: Date;
}

export type StatusState = "error" | "failure" | "pending" | "success";

export interface CommitStatus {
  readonly id: number;
  readonly nodeId: string;
  readonly sha: Sha;
  readonly state: StatusState;
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: Account;
  readonly createdAt: Date;
}
