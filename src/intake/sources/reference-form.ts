import { z } from "zod";
import type { EventDraft, Source } from "../event.js";
import {
  badField,
  checks,
  EnvName,
  Link,
  MAX,
  quote,
  SourceRepo,
  SourceSha,
  splitReference,
  text,
  validated,
} from "../fields.js";

/**
 * Stagecoach's own announcement form, sent by a CI job: `repository_dispatch`'s `client_payload` and the
 * generic registry endpoint's body. `image` may be a full reference (`ghcr.io/acme/api:1.4.0@sha256:…`);
 * then `tag` and `digest` may be left out, and if they are given they must agree with it.
 */
export const ImageAnnouncement = z.object({
  image: text(MAX.imageReference),
  tag: text(MAX.tag).optional(),
  digest: text(MAX.digest).optional(),
  env: EnvName.optional(),
  source_repo: SourceRepo.optional(),
  source_sha: SourceSha.optional(),
  source_url: Link.optional(),
});
export type ImageAnnouncement = z.infer<typeof ImageAnnouncement>;

/** `prefix` is where the announcement sits in the payload (`client_payload`), for error messages. */
export function draftFromAnnouncement(
  announcement: ImageAnnouncement,
  source: Source,
  prefix: string,
): EventDraft {
  const at = (field: string): string => (prefix === "" ? field : `${prefix}.${field}`);
  const reference = splitReference(announcement.image, at("image"));

  const tag = agreeing(reference.tag, announcement.tag, at("tag"), at("image"));
  if (tag === undefined) badField(at("tag"), `is missing, and ${at("image")} has no tag`);
  const digest =
    announcement.digest === undefined
      ? undefined
      : validated(checks.digest, announcement.digest, at("digest"));

  return {
    source,
    image: reference.image,
    tag: validated(checks.tag, tag, tag === announcement.tag ? at("tag") : at("image")),
    digest: agreeing(reference.digest, digest, at("digest"), at("image")),
    env: announcement.env,
    sourceRepo: announcement.source_repo,
    sourceSha: announcement.source_sha,
    sourceUrl: announcement.source_url,
  };
}

function agreeing(
  inReference: string | undefined,
  separate: string | undefined,
  separatePath: string,
  referencePath: string,
): string | undefined {
  if (inReference !== undefined && separate !== undefined && inReference !== separate) {
    badField(separatePath, `${quote(separate)} conflicts with ${quote(inReference)} in ${referencePath}`);
  }
  return separate ?? inReference;
}
