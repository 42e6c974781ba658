import { isAncestor } from "../git/history.js";
import { ZERO_SHA, type Sha } from "../git/objects.js";
import { branchOf, isValidRefName } from "../git/refs.js";
import type { Account } from "../model/accounts.js";
import type { Repository } from "../model/repository.js";
import { createOrDeleteFields, pushFields, type RefChange } from "../render/push.js";
import type { State } from "../state.js";
import { onBranchDeleted, onBranchMoved } from "./pull-sync.js";

/**
 * Every ref change goes through `updateRefs`: REST `/git/refs`, GraphQL `updateRefs`, merges and the
 * control API's pushes. It is an atomic compare-and-swap over a batch, and afterwards sends what
 * GitHub sends: `push` (and `create`/`delete`), `pull_request.synchronize`, closes orphaned PRs.
 */

export interface RefUpdate {
  /** Fully qualified, e.g. `refs/heads/main`. */
  readonly name: string;
  /** The SHA the ref must have now; `ZERO_SHA` means "must not exist"; undefined means "don't check". */
  readonly before?: Sha;
  /** The new SHA; `ZERO_SHA` deletes the ref. */
  readonly after: Sha;
  /** Allow a non-fast-forward update. */
  readonly force: boolean;
}

export type RefRejection =
  "invalid-name" | "exists" | "missing" | "stale" | "not-fast-forward" | "bad-object";

export class RefUpdateRejected extends Error {
  override readonly name = "RefUpdateRejected";
  readonly ref: string;
  readonly reason: RefRejection;

  constructor(ref: string, reason: RefRejection, message: string) {
    super(message);
    this.ref = ref;
    this.reason = reason;
  }
}

/** Checks every update first, then applies all of them, or none. */
export function updateRefs(
  state: State,
  repo: Repository,
  updates: readonly RefUpdate[],
  actor: Account,
): RefChange[] {
  const changes = updates.map((update) => checkUpdate(repo, update));
  for (const change of changes) {
    if (change.after === ZERO_SHA) repo.refs.delete(change.ref);
    else repo.refs.set(change.ref, change.after);
  }
  for (const change of changes) {
    if (change.before !== change.after) announce(state, repo, change, actor);
  }
  return changes;
}

function checkUpdate(repo: Repository, update: RefUpdate): RefChange {
  const current = repo.refs.get(update.name);
  if (!isValidRefName(update.name)) {
    throw new RefUpdateRejected(update.name, "invalid-name", `${update.name} is not a valid ref name`);
  }
  if (update.before !== undefined && update.before !== (current ?? ZERO_SHA)) {
    const reason = update.before === ZERO_SHA ? "exists" : current === undefined ? "missing" : "stale";
    throw new RefUpdateRejected(
      update.name,
      reason,
      `${update.name} is at ${current ?? "nothing"}, not ${update.before}`,
    );
  }
  if (update.after !== ZERO_SHA && repo.objects.typeOf(update.after) === undefined) {
    throw new RefUpdateRejected(update.name, "bad-object", `object ${update.after} does not exist`);
  }
  if (
    update.after !== ZERO_SHA &&
    update.name.startsWith("refs/heads/") &&
    repo.objects.commit(update.after) === undefined
  ) {
    throw new RefUpdateRejected(update.name, "bad-object", `${update.after} is not a commit`);
  }
  const before = current ?? ZERO_SHA;
  const fastForward =
    before === ZERO_SHA ||
    update.after === ZERO_SHA ||
    repo.objects.commit(before) === undefined ||
    isAncestor(repo.objects, before, update.after);
  if (!fastForward && !update.force) {
    throw new RefUpdateRejected(
      update.name,
      "not-fast-forward",
      `${update.name}: update is not a fast forward`,
    );
  }
  return { ref: update.name, before, after: update.after, forced: !fastForward };
}

function announce(state: State, repo: Repository, change: RefChange, actor: Account): void {
  const now = state.clock.now();
  repo.pushedAt = now;
  repo.updatedAt = now;
  if (change.before === ZERO_SHA || change.after === ZERO_SHA) {
    const fields = createOrDeleteFields(repo, change.ref);
    if (fields !== undefined) {
      const created = change.before === ZERO_SHA;
      const { master_branch: masterBranch, description, ...rest } = fields;
      state.emit({
        name: created ? "create" : "delete",
        repo,
        sender: actor,
        fields: created ? { ...rest, master_branch: masterBranch, description } : rest,
      });
    }
  }
  if (change.ref.startsWith("refs/heads/") || change.ref.startsWith("refs/tags/")) {
    state.emit({ name: "push", repo, sender: actor, fields: pushFields(state, repo, change, actor) });
  }
  const branch = branchOf(change.ref);
  if (branch === undefined) return;
  if (change.after === ZERO_SHA) onBranchDeleted(state, repo, branch, actor);
  else onBranchMoved(state, repo, branch, change.before, change.after, actor);
}
