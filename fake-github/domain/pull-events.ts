import type { Account } from "../model/accounts.js";
import type { Issue, Pull } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { renderPull } from "../render/pulls.js";
import type { State } from "../state.js";

/** The open pull requests of a repository, with their pull data. */
export function openPulls(repo: Repository): { issue: Issue; pull: Pull }[] {
  return [...repo.issues.values()].flatMap((issue) =>
    issue.pull !== undefined && issue.state === "open" ? [{ issue, pull: issue.pull }] : [],
  );
}

export function requirePull(_repo: Repository, issue: Issue): Pull {
  if (issue.pull === undefined) throw new Error(`#${issue.number} is not a pull request`);
  return issue.pull;
}

/** Sends `pull_request.<action>` carrying the pull request as `GET /pulls/{n}` returns it now. */
export function emitPullEvent(
  state: State,
  repo: Repository,
  issue: Issue,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): void {
  const pull = requirePull(repo, issue);
  const { before, after, ...rest } = extra;
  state.emit({
    name: "pull_request",
    action,
    repo,
    sender,
    fields: {
      number: issue.number,
      ...(before === undefined ? {} : { before, after }),
      pull_request: renderPull(state, repo, issue, pull),
      ...rest,
    },
  });
}
