import { z } from "zod";
import { eventsFrom, ignored, type EventDraft, type IntakeResult } from "../event.js";
import {
  badField,
  checks,
  Digest,
  EventId,
  MAX,
  parsePayload,
  quote,
  splitReference,
  text,
  validated,
} from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Harbor project webhooks, HTTP notify type, `PUSH_ARTIFACT` event, in either payload format.
 *
 * Payload: https://goharbor.io/docs/latest/working-with-projects/project-configuration/configure-webhooks/
 * - Default: `{ type: "PUSH_ARTIFACT", occur_at, operator, event_data: { resources: [{ digest, tag,
 *   resource_url }], repository: { name, namespace, repo_full_name } } }` (goharbor/harbor
 *   `src/pkg/notifier/formats/default.go`). No event id.
 * - CloudEvents (Harbor 2.8+): `{ specversion: "1.0", id, type: "harbor.artifact.pushed", data: { resources,
 *   repository } }` (goharbor/harbor `src/pkg/notifier/formats/cloudevents.go`). `id` is a uuid fixed when
 *   the notification is formatted, so Harbor's retries carry the same one.
 * `resource_url` is `<external host>/<project>/<repo>:<tag>`, the only place the registry host appears. A
 * push by digest has `tag` equal to the digest.
 *
 * Auth: the webhook's "Auth Header" field is sent verbatim as `Authorization`; set it to
 * `Bearer <secret>` (or the bare secret).
 */
const MAX_RESOURCES = 100;

const Resource = z.object({
  digest: Digest.nullish(),
  tag: text(MAX.digest + 10).nullish(),
  resource_url: text(MAX.imageReference).nullish(),
});

const EventData = z.object({
  resources: z.array(Resource).max(MAX_RESOURCES, `lists more than ${MAX_RESOURCES} resources`),
});

export const HarborCloudEvent = z.object({
  specversion: text(10),
  id: EventId,
  type: text(),
  data: EventData,
});
export type HarborCloudEvent = z.infer<typeof HarborCloudEvent>;

export const HarborPayload = z.object({ type: text(), event_data: EventData });
export type HarborPayload = z.infer<typeof HarborPayload>;

const PUSHED = new Set(["PUSH_ARTIFACT", "harbor.artifact.pushed"]);

export function parseHarbor(body: unknown): IntakeResult {
  const cloudEvent = typeof body === "object" && body !== null && "specversion" in body;
  const { type, eventId, data, dataPath } = cloudEvent ? fromCloudEvent(body) : fromDefault(body);
  if (!PUSHED.has(type)) return ignored(`Harbor event ${type} is not an artifact push`);

  const drafts = data.resources.flatMap((resource, index): EventDraft[] => {
    const tag = resource.tag ?? "";
    if (tag === "" || tag.startsWith("sha256:")) return []; // pushed by digest only
    const at = `${dataPath}.resources[${index}]`;
    if (
      resource.resource_url === undefined ||
      resource.resource_url === null ||
      resource.resource_url === ""
    ) {
      return badField(`${at}.resource_url`, "is missing; it is the only place Harbor names its host");
    }
    const reference = splitReference(resource.resource_url, `${at}.resource_url`);
    if (reference.tag !== undefined && reference.tag !== tag) {
      badField(
        `${at}.tag`,
        `${quote(tag)} conflicts with the tag in resource_url ${quote(resource.resource_url)}`,
      );
    }
    return [
      {
        source: "harbor",
        image: reference.image,
        tag: validated(checks.tag, tag, `${at}.tag`),
        digest: resource.digest ?? reference.digest,
        eventId,
      },
    ];
  });
  if (drafts.length === 0) return ignored("the push carries no tag (an artifact pushed by digest)");
  return eventsFrom(drafts);
}

interface Envelope {
  readonly type: string;
  readonly eventId: string | undefined;
  readonly data: z.infer<typeof EventData>;
  readonly dataPath: string;
}

function fromCloudEvent(body: unknown): Envelope {
  const event = parsePayload(HarborCloudEvent, body);
  return { type: event.type, eventId: event.id, data: event.data, dataPath: "data" };
}

function fromDefault(body: unknown): Envelope {
  const event = parsePayload(HarborPayload, body);
  return { type: event.type, eventId: undefined, data: event.event_data, dataPath: "event_data" };
}

export const harbor: RegistryIntake = {
  source: "harbor",
  auth: ["bearer", "authorization"],
  parse: parseHarbor,
};
