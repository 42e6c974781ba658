import type { Context } from "probot";
import { CONFIG_PATH } from "../config/parse.js";
import type { ConfigIndex } from "../usecases/config-index.js";

/**
 * A push to a default branch that touches `.github/stagecoach.yml` refreshes that repository in the
 * config index, so a new app is routed from its very next image event.
 */
export function onPush(index: ConfigIndex) {
  return async (context: Context<"push">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    if (installationId === undefined || payload.ref !== `refs/heads/${payload.repository.default_branch}`)
      return;
    const touched = payload.commits.some((commit) =>
      [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(CONFIG_PATH),
    );
    // A push with no commit list (a force-push, a branch reset) may have changed anything.
    if (!touched && payload.commits.length > 0) return;
    const owner = payload.repository.owner?.login;
    if (owner === undefined) return;
    await index.refresh(installationId, { owner, name: payload.repository.name });
  };
}

/** Repositories added to or removed from an installation change what the index must know. */
export function onInstallationRepositories(index: ConfigIndex) {
  return (context: Context<"installation_repositories">): void => {
    index.invalidate(context.payload.installation.id);
  };
}
