import { createHash } from "node:crypto";
import { z } from "zod";
import { isDigest, isTag, normaliseImageName, tryParseImageRef } from "../core/image-ref.js";
import { checks, isAttachedArtifactTag } from "./fields.js";

/** Every way an "image published" event reaches Stagecoach. */
export const Source = z.enum([
  "ghcr",
  "dispatch",
  "dockerhub",
  "harbor",
  "quay",
  "acr",
  "ecr",
  "gar",
  "generic",
]);
export type Source = z.infer<typeof Source>;

/** The sources that arrive on the registry endpoint (`POST /stagecoach/registry/<source>`). */
export const RegistrySource = Source.extract(["dockerhub", "harbor", "quay", "acr", "ecr", "gar", "generic"]);
export type RegistrySource = z.infer<typeof RegistrySource>;

const isCanonicalImageName = (name: string): boolean =>
  tryParseImageRef(name) !== undefined && normaliseImageName(name) === name;
const passes = (check: (raw: string) => { readonly value: string } | { readonly problem: string }) => {
  return (raw: string): boolean => {
    const result = check(raw);
    return "value" in result && result.value === raw;
  };
};

/**
 * One image published with one tag, whatever way it arrived. The refinements repeat what the parsers
 * already checked, so nothing malformed can leave intake even through a parser bug.
 */
export const ImagePublished = z.strictObject({
  /** Canonical image name: `ghcr.io/acme/api`, `docker.io/library/nginx`. */
  image: z.string().max(255).refine(isCanonicalImageName, "is not a canonical image name"),
  tag: z.string().refine(isTag, "is not a valid tag"),
  /** `sha256:` and 64 lowercase hex digits. */
  digest: z.string().refine(isDigest, "is not a sha256 digest").optional(),
  source: Source,
  /** The webhook delivery GUID, the registry's own event id, or a stable hash of the event. */
  deliveryId: z.string().refine(passes(checks.deliveryId), "is not an id"),
  /** `repository_dispatch` may target one environment. */
  env: z.string().refine(passes(checks.envName), "is not an environment name").optional(),
  /** `owner/name` of the repository that built the image, when known. */
  sourceRepo: z.string().refine(passes(checks.sourceRepo), "is not owner/name").optional(),
  /** The commit the image was built from, when known. */
  sourceSha: z.string().refine(passes(checks.sourceSha), "is not a commit sha").optional(),
  /** A link for the PR body (workflow run, package page), when known. */
  sourceUrl: z.string().refine(passes(checks.link), "is not a link").optional(),
});
export type ImagePublished = z.infer<typeof ImagePublished>;

/** What every parser returns: the events, or why the payload announces nothing to promote. */
export type IntakeResult = { readonly events: ImagePublished[] } | { readonly ignored: string };

export function ignored(reason: string): IntakeResult {
  return { ignored: reason };
}

/** An event before its delivery id is settled; every field already passed its check. */
export interface EventDraft {
  readonly source: Source;
  readonly image: string;
  readonly tag: string;
  readonly digest?: string | undefined;
  /** The registry's own id for the event; without one, a hash of the event is used. */
  readonly eventId?: string | undefined;
  /** Extra input to the derived id that tells a re-push from a redelivery (Docker Hub's `pushed_at`). */
  readonly discriminator?: string | undefined;
  readonly env?: string | undefined;
  readonly sourceRepo?: string | undefined;
  readonly sourceSha?: string | undefined;
  readonly sourceUrl?: string | undefined;
}

/** `<source>:<sha256 of source, image, tag, digest>`: identical for a redelivery of the same event. */
export function derivedDeliveryId(draft: EventDraft): string {
  const hash = createHash("sha256")
    .update(
      JSON.stringify([draft.source, draft.image, draft.tag, draft.digest ?? "", draft.discriminator ?? ""]),
    )
    .digest("hex");
  return `${draft.source}:${hash}`;
}

function deliveryIdOf(draft: EventDraft, several: boolean): string {
  if (draft.eventId === undefined) return derivedDeliveryId(draft);
  // One registry event announcing several tags yields several events; each needs its own id.
  return several ? `${draft.eventId}#${draft.tag}` : draft.eventId;
}

/**
 * Turns drafts into events: drops attached-artifact tags (signatures, attestations, SBOMs), settles
 * each delivery id and checks the result against `ImagePublished`.
 */
export function eventsFrom(drafts: readonly EventDraft[]): IntakeResult {
  const kept = drafts.filter((draft) => !isAttachedArtifactTag(draft.tag));
  if (kept.length === 0) {
    const tags = drafts.map((draft) => draft.tag).join(", ");
    return ignored(
      drafts.length === 0
        ? "the payload announces no tags"
        : `tag ${tags} is a signature, attestation or SBOM tag, not an image to deploy`,
    );
  }
  const several = drafts.length > 1;
  const events = kept.map((draft) =>
    ImagePublished.parse({
      image: draft.image,
      tag: draft.tag,
      ...(draft.digest !== undefined && { digest: draft.digest }),
      source: draft.source,
      deliveryId: deliveryIdOf(draft, several),
      ...(draft.env !== undefined && { env: draft.env }),
      ...(draft.sourceRepo !== undefined && { sourceRepo: draft.sourceRepo }),
      ...(draft.sourceSha !== undefined && { sourceSha: draft.sourceSha }),
      ...(draft.sourceUrl !== undefined && { sourceUrl: draft.sourceUrl }),
    }),
  );
  return { events };
}
