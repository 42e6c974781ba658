import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { badField, checks, ImageName, Link, parsePayload, text, validated } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Quay (quay.io and Red Hat Quay) "Push to Repository" notifications, webhook method.
 *
 * Payload: https://docs.quay.io/guides/notifications.html (Repository Push) and Red Hat Quay's "Repository
 * Notifications" chapter: `{ repository, namespace, name, docker_url, homepage, updated_tags: ["latest"] }`.
 * Older deliveries sent `updated_tags` as `{ "<tag>": "<image id>" }`; both shapes are read. `docker_url`
 * is `<SERVER_HOSTNAME>/<namespace>/<name>` (quay/quay `notifications/__init__.py`). No digest, no id.
 *
 * Auth: Quay's webhook method posts to a URL with only `Content-type` set (quay/quay
 * `notifications/notificationmethod.py`, `WebhookMethod.perform`), so the secret travels as `?token=`.
 */
const MAX_TAGS = 100;

export const QuayPayload = z.object({
  docker_url: ImageName,
  homepage: Link.nullish(),
  updated_tags: z.union([
    z.array(text(200)).max(MAX_TAGS, `announces more than ${MAX_TAGS} tags`),
    z.record(text(200), z.unknown()),
  ]),
});
export type QuayPayload = z.infer<typeof QuayPayload>;

export function parseQuay(body: unknown): IntakeResult {
  const payload = parsePayload(QuayPayload, body);
  const tags = Array.isArray(payload.updated_tags) ? payload.updated_tags : Object.keys(payload.updated_tags);
  if (tags.length > MAX_TAGS) badField("updated_tags", `announces more than ${MAX_TAGS} tags`);
  const drafts = tags.flatMap((tag, index) =>
    tag === ""
      ? []
      : [
          {
            source: "quay" as const,
            image: payload.docker_url,
            tag: validated(checks.tag, tag, `updated_tags[${index}]`),
            sourceUrl: payload.homepage ?? undefined,
          },
        ],
  );
  if (drafts.length === 0) return ignored("the push announces no tags");
  return eventsFrom(drafts);
}

export const quay: RegistryIntake = { source: "quay", auth: ["query-token"], parse: parseQuay };
