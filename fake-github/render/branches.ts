import { fullName, type Repository } from "../model/repository.js";
import type { State } from "../state.js";
import { renderCommit } from "./git.js";
import type { Schema } from "./schemas.js";

/** Branches with their protection, and the rules that apply to a branch. */

export function renderBranch(
  state: State,
  repo: Repository,
  branch: string,
  sha: string,
): Schema<"branch-with-protection"> {
  const protection = repo.protections.get(branch);
  const api = state.urls.repoApi(fullName(repo), `/branches/${encodeURIComponent(branch)}`);
  const checks = protection?.requiredChecks ?? [];
  return {
    name: branch,
    commit: renderCommit(state, repo, sha),
    _links: { html: state.urls.repoHtml(fullName(repo), `/tree/${branch}`), self: api },
    protected: protection !== undefined,
    protection: {
      enabled: protection !== undefined,
      required_status_checks: {
        enforcement_level: protection === undefined ? "off" : "non_admins",
        contexts: checks.map((check) => check.context),
        checks: checks.map((check) => ({ context: check.context, app_id: check.appId ?? null })),
      },
    },
    protection_url: `${api}/protection`,
    ...(protection === undefined ? {} : { required_approving_review_count: protection.requiredApprovals }),
  };
}

export function renderBranchRules(repo: Repository, branch: string): Schema<"repository-rule-detailed">[] {
  const protection = repo.protections.get(branch);
  if (protection === undefined) return [];
  const source = {
    ruleset_source_type: "Repository" as const,
    ruleset_source: fullName(repo),
    ruleset_id: repo.id,
  };
  const rules: Schema<"repository-rule-detailed">[] = [];
  if (protection.requiredApprovals > 0) {
    rules.push({
      type: "pull_request",
      parameters: {
        required_approving_review_count: protection.requiredApprovals,
        dismiss_stale_reviews_on_push: protection.dismissStaleReviews,
        require_code_owner_review: false,
        require_last_push_approval: false,
        required_review_thread_resolution: false,
      },
      ...source,
    });
  }
  if (protection.requiredChecks.length > 0) {
    rules.push({
      type: "required_status_checks",
      parameters: {
        strict_required_status_checks_policy: protection.strict,
        required_status_checks: protection.requiredChecks.map((check) => ({
          context: check.context,
          ...(check.appId === undefined ? {} : { integration_id: check.appId }),
        })),
      },
      ...source,
    });
  }
  return rules;
}
