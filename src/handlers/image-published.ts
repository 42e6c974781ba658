import type { Context } from "probot";
import { BadInput } from "../core/errors.js";
import { parseGitHubPackageEvent, parseRepositoryDispatch, type IntakeResult } from "../intake/index.js";
import type { ImagePublished } from "../intake/index.js";

export type Publish = (
  installationIds: readonly number[],
  events: readonly ImagePublished[],
) => Promise<void>;

type ImageEventName = "registry_package.published" | "package.published" | "repository_dispatch";

/**
 * GHCR's `registry_package`/`package` webhooks and `repository_dispatch` (`image-published`):
 * 1. parse the payload into image events (or a reason to ignore it),
 * 2. hand them to `publish` for this installation.
 * A malformed dispatch payload is logged and dropped: its sender got GitHub's 204 long ago.
 */
export function onImagePublished(publish: Publish) {
  return async (context: Context<ImageEventName>): Promise<void> => {
    const installationId = context.payload.installation?.id;
    if (installationId === undefined) return;
    let result: IntakeResult;
    try {
      result =
        context.name === "repository_dispatch"
          ? parseRepositoryDispatch(context.payload, context.id)
          : parseGitHubPackageEvent(context.payload, context.id);
    } catch (error) {
      if (!(error instanceof BadInput)) throw error;
      context.log.warn({ event: context.name, reason: error.message }, "malformed image event ignored");
      return;
    }
    if ("ignored" in result) {
      context.log.info({ event: context.name, reason: result.ignored }, "image event ignored");
      return;
    }
    await publish([installationId], result.events);
  };
}
