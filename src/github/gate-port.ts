import type { RepoPermission } from "../core/authorise.js";
import type { Review } from "../core/gate.js";
import type { GateCheck } from "../core/render-gate.js";
import type { FreezeHold, PullState, RepoId } from "./port.js";

/**
 * What the approval gate needs from GitHub, for one repository: kept apart from `GitHubRepo` (the
 * bump and promotion port) because its reads are of another kind: a PR with its files, reviews and the
 * gate's own check run, people's permissions and teams, and the check run it writes.
 */

/** Who this app is on GitHub: to find its own check runs and trust only its own PRs' metadata. */
export interface AppIdentity {
  readonly appId: number;
  /** `<slug>[bot]`. */
  readonly botLogin: string;
}

export interface ChangedFile {
  readonly path: string;
  /** Where a renamed file came from: the old folder is touched too. */
  readonly previousPath?: string;
}

/** The latest gate check run on a commit, as it was last written. */
export interface GateRun {
  readonly id: number;
  /** `queued`, `in_progress`, `completed`, … (lower case, as REST spells it). */
  readonly status: string;
  readonly conclusion?: string;
  /** The fingerprint of the verdict it shows (see `gateFingerprint`). */
  readonly externalId?: string;
}

/** A pull request with everything one gate evaluation reads, in one request when it is small. */
export interface GatePull {
  readonly number: number;
  readonly state: PullState;
  readonly draft: boolean;
  readonly author: { readonly login: string; readonly type: "User" | "Bot" };
  readonly body: string;
  readonly headRef: string;
  readonly headSha: string;
  readonly baseRef: string;
  /** The tip of the base branch; absent when the branch is gone. */
  readonly baseSha?: string;
  /** `.github/stagecoach.yml` at the tip of the base branch. */
  readonly config?: { readonly sha: string; readonly text: string };
  readonly files: readonly ChangedFile[];
  readonly reviews: readonly Review[];
  /** This app's latest `Stagecoach / approvals` run on the head commit. */
  readonly gateRun?: GateRun;
  /** Open `/freeze` holds of the repository (issues labelled stagecoach:freeze, written by a bot), read with the PR. */
  readonly freezes: readonly FreezeHold[];
}

/** A merged pull request, as its merge was recorded by GitHub. */
export interface MergedPull {
  readonly number: number;
  readonly mergedAt: number;
  readonly baseRef: string;
  readonly author: { readonly login: string; readonly type: "User" | "Bot" };
  readonly body: string;
}

export interface OpenPull {
  readonly number: number;
  readonly baseRef: string;
}

/** A check a branch requires: a status context or check run name, optionally from one app only. */
export interface RequiredCheck {
  readonly context: string;
  readonly appId?: number;
}

export interface GatePort {
  readonly id: RepoId;
  /** The PR with its files, reviews, base config and gate run; undefined when there is no such PR. */
  readPull(number: number): Promise<GatePull | undefined>;
  openPulls(): Promise<readonly OpenPull[]>;
  /** A person's permission on this repository (cached briefly). */
  permission(login: string): Promise<RepoPermission>;
  /** Whether `login` is an active member of `@org/slug` (cached briefly). */
  isTeamMember(team: string, login: string): Promise<boolean>;
  /** Blob SHAs of files at commits, in order; undefined where a path is missing or not a file. */
  blobShas(
    files: readonly { readonly commit: string; readonly path: string }[],
  ): Promise<(string | undefined)[]>;
  /** Blob texts by SHA (content-addressed: cached forever). */
  readBlobs(shas: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The PR if it is merged (cached forever: a merge never changes), otherwise undefined. */
  mergedPull(number: number): Promise<MergedPull | undefined>;
  /** Recently merged PRs that carry `label`, most recently updated first. */
  mergedPullsLabelled(label: string): Promise<readonly MergedPull[]>;
  createGateRun(headSha: string, check: GateCheck, externalId: string): Promise<number>;
  updateGateRun(id: number, check: GateCheck, externalId: string): Promise<void>;
  /** The checks branch protection and rulesets require on `branch`. */
  requiredChecks(branch: string): Promise<readonly RequiredCheck[]>;
}
