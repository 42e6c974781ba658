import { unprocessable } from "../errors.js";
import { nodeId } from "../ids.js";
import type { Account } from "../model/accounts.js";
import type { CommitStatus, StatusState } from "../model/checks.js";
import { fullName, type Repository } from "../model/repository.js";
import { renderCommit } from "../render/git.js";
import { iso } from "../render/time.js";
import type { State } from "../state.js";
import { reconcileAutoMerge } from "./auto-merge.js";

/** Commit statuses (`POST /statuses/{sha}`), each sending a `status` webhook. */

export function createStatus(
  state: State,
  repo: Repository,
  actor: Account,
  sha: string,
  input: { state: StatusState; context?: string; description?: string | null; targetUrl?: string | null },
): CommitStatus {
  if (repo.objects.commit(sha) === undefined) throw unprocessable(`No commit found for SHA: ${sha}`);
  const id = state.ids.next();
  const status: CommitStatus = {
    id,
    nodeId: nodeId("SC", id),
    sha,
    state: input.state,
    context: input.context ?? "default",
    description: input.description ?? null,
    targetUrl: input.targetUrl ?? null,
    creator: actor,
    createdAt: state.clock.now(),
  };
  repo.statuses.push(status);
  const branches = [...repo.refs]
    .filter(([name, tip]) => tip === sha && name.startsWith("refs/heads/"))
    .map(([name]) => {
      const branch = name.slice("refs/heads/".length);
      return {
        name: branch,
        commit: { sha, url: state.urls.repoApi(fullName(repo), `/commits/${sha}`) },
        protected: repo.protections.has(branch),
      };
    });
  state.emit({
    name: "status",
    repo,
    sender: actor,
    fields: {
      id,
      sha,
      name: fullName(repo),
      target_url: status.targetUrl,
      avatar_url: `https://avatars.githubusercontent.com/u/${actor.id}?v=4`,
      context: status.context,
      description: status.description,
      state: status.state,
      commit: renderCommit(state, repo, sha),
      branches,
      created_at: iso(status.createdAt),
      updated_at: iso(status.createdAt),
    },
  });
  reconcileAutoMerge(state, repo);
  return status;
}
