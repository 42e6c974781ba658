import { isAncestor } from "../git/history.js";
import type { Sha } from "../git/objects.js";
import { roleAtLeast } from "../model/accounts.js";
import type { CheckConclusion } from "../model/checks.js";
import type { Issue, Pull, Review } from "../model/issues.js";
import type { BranchProtection, RequiredCheck, Repository } from "../model/repository.js";
import type { State } from "../state.js";

/** Branch protection: which rules a pull request still fails, in GitHub's words. */

const PASSING: readonly CheckConclusion[] = ["success", "neutral", "skipped"];

export type CheckVerdict = "passing" | "failing" | "pending" | "missing";

/** The latest result for a status context or check run name on a commit. */
export function checkVerdict(repo: Repository, sha: Sha, check: RequiredCheck): CheckVerdict {
  const runs = [...repo.checkRuns.values()].filter(
    (run) =>
      run.headSha === sha &&
      run.name === check.context &&
      (check.appId === undefined || run.app.id === check.appId),
  );
  const run = runs.at(-1);
  if (run !== undefined) {
    if (run.status !== "completed") return "pending";
    return run.conclusion !== null && PASSING.includes(run.conclusion) ? "passing" : "failing";
  }
  if (check.appId !== undefined) return "missing";
  const status = repo.statuses.filter((s) => s.sha === sha && s.context === check.context).at(-1);
  if (status === undefined) return "missing";
  if (status.state === "success") return "passing";
  return status.state === "pending" ? "pending" : "failing";
}

/** Each reviewer's latest verdict (comments do not count), as GitHub tallies approvals. */
export function latestReviews(repo: Repository, pullNumber: number): Review[] {
  const latest = new Map<number, Review>();
  for (const review of repo.reviews.values()) {
    if (review.pullNumber !== pullNumber || review.state === "COMMENTED") continue;
    latest.set(review.user.id, review);
  }
  return [...latest.values()];
}

export function protectionOf(repo: Repository, branch: string): BranchProtection | undefined {
  return repo.protections.get(branch);
}

export interface ProtectionResult {
  /** GitHub's messages for the merge API's 405, most important first. */
  readonly blockers: readonly string[];
  readonly behind: boolean;
}

export function evaluateProtection(
  state: State,
  repo: Repository,
  issue: Issue,
  pull: Pull,
): ProtectionResult {
  const protection = protectionOf(repo, pull.baseRef);
  if (protection === undefined) return { blockers: [], behind: false };
  const blockers = [
    ...checkBlockers(repo, pull.headSha, protection),
    ...reviewBlockers(state, repo, issue, protection),
  ];
  const baseTip = repo.refs.get(`refs/heads/${pull.baseRef}`);
  const behind =
    protection.strict && baseTip !== undefined && !isAncestor(repo.objects, baseTip, pull.headSha);
  return { blockers, behind };
}

function checkBlockers(repo: Repository, sha: Sha, protection: BranchProtection): string[] {
  const verdicts = protection.requiredChecks.map((check) => ({
    check,
    verdict: checkVerdict(repo, sha, check),
  }));
  const failing = verdicts.filter((v) => v.verdict === "failing");
  const expected = verdicts.filter((v) => v.verdict === "missing" || v.verdict === "pending");
  const messages: string[] = [];
  for (const { check } of failing) messages.push(`Required status check "${check.context}" is failing.`);
  const [onlyExpected] = expected;
  if (expected.length === 1 && onlyExpected !== undefined) {
    messages.push(`Required status check "${onlyExpected.check.context}" is expected.`);
  } else if (expected.length > 1) {
    messages.push(`${expected.length} of ${verdicts.length} required status checks are expected.`);
  }
  return messages;
}

function reviewBlockers(
  state: State,
  repo: Repository,
  issue: Issue,
  protection: BranchProtection,
): string[] {
  if (protection.requiredApprovals === 0) return [];
  const counted = latestReviews(repo, issue.number).filter(
    (review) =>
      review.user.id !== issue.user.id && roleAtLeast(state.roleOf(repo, review.user.login), "write"),
  );
  if (counted.some((review) => review.state === "CHANGES_REQUESTED")) {
    return ["Changes requested by reviewers with write access."];
  }
  const approvals = counted.filter((review) => review.state === "APPROVED").length;
  if (approvals >= protection.requiredApprovals) return [];
  const n = protection.requiredApprovals;
  return [
    `At least ${n} approving review${n === 1 ? " is" : "s are"} required by reviewers with write access.`,
  ];
}
