import type { Context } from "probot";
import { z } from "zod";

const HeadRepo = z.object({ repo: z.object({ full_name: z.string() }).nullable() });

export type PromoteMerged = (
  installationId: number,
  repo: { owner: string; name: string },
  number: number,
) => Promise<void>;

/**
 * `pull_request.closed` with `merged: true` into the default branch: carry the change down the chain.
 * PRs from forks never promote.
 */
export function onPullRequestMerged(promoteMerged: PromoteMerged) {
  return async (context: Context<"pull_request.closed">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (installationId === undefined || !payload.pull_request.merged) return;
    if (payload.pull_request.base.ref !== payload.repository.default_branch) return;
    // A deleted fork leaves head.repo null, whatever the payload types say: parse, do not assume.
    const head = HeadRepo.parse(payload.pull_request.head);
    if (head.repo?.full_name !== payload.repository.full_name) {
      context.log.info({ pull: payload.pull_request.number }, "merged PR from a fork: not promoted");
      return;
    }
    await promoteMerged(
      installationId,
      { owner: payload.repository.owner.login, name: payload.repository.name },
      payload.pull_request.number,
    );
  };
}
