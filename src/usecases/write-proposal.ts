import type { PullRequestContent } from "../core/render-bump.js";
import type { FileWrite, GitHubRepo, HeadState, PullSummary } from "../github/port.js";

export type WriteOutcome =
  { readonly kind: "opened" | "updated"; readonly pull: number; readonly url?: string } | "conflict";

/**
 * Writes a proposal: one fresh commit on the default branch's head, the branch moved to it by
 * compare-and-swap (created when new), then the PR opened or its title and body updated. "conflict"
 * when another writer got there first: the caller reads everything again and decides anew.
 */
export async function writeProposal(
  repo: GitHubRepo,
  head: HeadState,
  branch: string,
  openPull: PullSummary | undefined,
  content: PullRequestContent,
  files: readonly FileWrite[],
): Promise<WriteOutcome> {
  const commit = await repo.createCommit({
    parent: head.commitSha,
    baseTree: head.treeSha,
    message: content.commitMessage,
    files,
  });
  const moved =
    head.branch === undefined
      ? await repo.createBranch(branch, commit)
      : await repo.moveBranch(branch, head.branch.sha, commit);
  if (moved === "exists" || moved === "conflict") return "conflict";
  if (openPull !== undefined) {
    if (openPull.title !== content.title || openPull.body !== content.body) {
      await repo.updatePull(openPull.number, { title: content.title, body: content.body });
    }
    return { kind: "updated", pull: openPull.number, url: openPull.url };
  }
  try {
    const created = await repo.createPull({
      branch,
      base: head.defaultBranch,
      title: content.title,
      body: content.body,
      labels: content.labels,
    });
    return { kind: "opened", pull: created.number, url: created.url };
  } catch (error) {
    // Another replica opened the PR for this branch between our read and now.
    if (error !== null && typeof error === "object" && "status" in error && error.status === 422)
      return "conflict";
    throw error;
  }
}
