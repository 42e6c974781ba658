import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { checks, parsePayload, text, validated } from "../fields.js";
import { draftFromAnnouncement, ImageAnnouncement } from "./reference-form.js";

/**
 * GitHub `repository_dispatch` with event type `image-published`, sent by a CI job through
 * `POST /repos/{owner}/{repo}/dispatches` with `{ event_type, client_payload }`. GitHub delivers the
 * event type as `action` and the rest as `client_payload`:
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#repository_dispatch and
 * https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event.
 */
export const IMAGE_PUBLISHED_EVENT_TYPE = "image-published";

export const RepositoryDispatchPayload = z.object({
  action: text(),
  client_payload: z.unknown(),
});
export type RepositoryDispatchPayload = z.infer<typeof RepositoryDispatchPayload>;

/** Parses a `repository_dispatch` payload; `deliveryId` is the `X-GitHub-Delivery` GUID. */
export function parseRepositoryDispatch(payload: unknown, deliveryId: string): IntakeResult {
  const id = validated(checks.eventId, deliveryId, "deliveryId");
  const { action, client_payload } = parsePayload(RepositoryDispatchPayload, payload);
  if (action !== IMAGE_PUBLISHED_EVENT_TYPE) {
    return ignored(`repository_dispatch event type ${action} is not ${IMAGE_PUBLISHED_EVENT_TYPE}`);
  }
  // Only the event type we own is held to our form; other dispatches are none of our business.
  const announcement = parsePayload(ImageAnnouncement, client_payload, "client_payload");
  return eventsFrom([{ ...draftFromAnnouncement(announcement, "dispatch", "client_payload"), eventId: id }]);
}
