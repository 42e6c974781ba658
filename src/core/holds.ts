import type { Config } from "../config/schema.js";
import { freezeState, type FreezeState, type Hold } from "./freeze.js";
import { parseMetadata } from "./metadata.js";

/** The fields of a PR that holds are computed from (any PR summary has them). */
export interface PullFacts {
  readonly number: number;
  readonly state: "open" | "closed" | "merged";
  readonly body: string;
  readonly createdAt: string;
  readonly mergedAt?: string;
}

export interface RollbackHold {
  readonly app: string;
  readonly pull: number;
  readonly version: string;
  /** For people: "held by rollback #7 (api 1.3.0)". */
  readonly reason: string;
}

/**
 * Apps a rollback holds in an environment: while a rollback PR is open, or merged and not yet followed
 * by a version someone promoted explicitly (a merged Stagecoach PR with `requestedBy`), automatic bumps and
 * promotions leave the app alone. Computed from the environment's recent PRs alone, so every replica
 * agrees after any restart.
 */
export function rollbackHolds(environment: string, pulls: readonly PullFacts[]): Map<string, RollbackHold> {
  const rolledBack = new Map<string, { at: number; pull: number; version: string }>();
  const lifted = new Map<string, number>();
  for (const pull of pulls) {
    const metadata = parseMetadata(pull.body);
    if (metadata === undefined || metadata.env !== environment) continue;
    if (metadata.kind === "rollback" && (pull.state === "open" || pull.state === "merged")) {
      const at = Date.parse(pull.state === "merged" ? (pull.mergedAt ?? pull.createdAt) : pull.createdAt);
      for (const version of metadata.versions) {
        const current = rolledBack.get(version.app);
        if (current === undefined || at > current.at)
          rolledBack.set(version.app, { at, pull: pull.number, version: version.tag });
      }
    } else if (
      metadata.kind !== "rollback" &&
      metadata.requestedBy !== undefined &&
      pull.state === "merged" &&
      pull.mergedAt !== undefined
    ) {
      const at = Date.parse(pull.mergedAt);
      for (const version of metadata.versions)
        lifted.set(version.app, Math.max(lifted.get(version.app) ?? 0, at));
    }
  }
  const holds = new Map<string, RollbackHold>();
  for (const [app, rollback] of rolledBack) {
    if ((lifted.get(app) ?? 0) > rollback.at) continue;
    holds.set(app, {
      app,
      pull: rollback.pull,
      version: rollback.version,
      reason: `held by rollback #${rollback.pull} (${app} ${rollback.version}) until someone promotes a newer version explicitly`,
    });
  }
  return holds;
}

/** Whether an environment is frozen now: its config windows and the `/freeze` holds on it. */
export function environmentFreeze(
  config: Config,
  environment: string,
  holds: readonly Hold[],
  now: number,
): FreezeState {
  return freezeState(
    config.environments[environment]?.freeze ?? [],
    holds.filter((hold) => hold.env === environment),
    now,
  );
}
