import { FREEZE_LABEL, renderFreezeIssue } from "../core/freeze-issue.js";
import { code } from "../core/markdown.js";
import type { GitHubRepo } from "../github/port.js";

export type FreezeOutcome =
  | { readonly kind: "frozen"; readonly issue: number; readonly url: string }
  | { readonly kind: "already"; readonly issue: number; readonly by: string; readonly since: number };

/**
 * `/freeze <env> [reason]`: opens the environment's freeze issue (one per environment). Two freezes
 * racing both create an issue; the later ones are closed again, so one stays.
 */
export async function freezeEnvironment(
  repo: GitHubRepo,
  request: {
    readonly env: string;
    readonly by: string;
    readonly reason?: string;
    readonly commentUrl?: string;
  },
  now: number,
): Promise<FreezeOutcome> {
  const existing = (await repo.readFreezes())
    .filter((hold) => hold.env === request.env)
    .sort((a, b) => a.issue - b.issue)[0];
  if (existing !== undefined)
    return { kind: "already", issue: existing.issue, by: existing.by, since: existing.since };
  const { title, body } = renderFreezeIssue({
    env: request.env,
    by: request.by,
    ...(request.reason !== undefined && { reason: request.reason }),
    since: new Date(now).toISOString(),
    ...(request.commentUrl !== undefined && { commentUrl: request.commentUrl }),
  });
  const created = await repo.createIssue({ title, body, labels: [FREEZE_LABEL] });
  const all = (await repo.readFreezes())
    .filter((hold) => hold.env === request.env)
    .sort((a, b) => a.issue - b.issue);
  const keep = all[0];
  if (keep !== undefined && keep.issue !== created.number) {
    await repo.comment(created.number, `Closed: #${keep.issue} already freezes ${code(request.env)}.`);
    await repo.closeIssue(created.number);
    return { kind: "already", issue: keep.issue, by: keep.by, since: keep.since };
  }
  return { kind: "frozen", issue: created.number, url: created.url };
}

/** `/unfreeze <env>`: closes the environment's freeze issues. Config windows stay (they are config). */
export async function unfreezeEnvironment(
  repo: GitHubRepo,
  request: { readonly env: string; readonly by: string },
): Promise<readonly number[]> {
  const holds = (await repo.readFreezes()).filter((hold) => hold.env === request.env);
  for (const hold of holds) {
    await repo.comment(hold.issue, `Unfrozen by ${code(request.by)}.`);
    await repo.closeIssue(hold.issue);
  }
  return holds.map((hold) => hold.issue);
}
