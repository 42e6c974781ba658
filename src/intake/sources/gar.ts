import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { badField, EventId, MAX, parsePayload, quote, splitReference, text } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Google Artifact Registry (and Container Registry) notifications on the `gcr` Pub/Sub topic, delivered
 * by a push subscription.
 *
 * Notification: https://cloud.google.com/artifact-registry/docs/configure-notifications: the message data
 * is `{ "action": "INSERT" | "DELETE", "digest": "<host>/<path>@sha256:…", "tag": "<host>/<path>:<tag>" }`,
 * `tag` absent for an untagged upload.
 * Push envelope: https://cloud.google.com/pubsub/docs/push#receive_push: `{ message: { data: <base64>,
 * messageId, attributes, publishTime }, subscription }`. With payload unwrapping
 * (https://cloud.google.com/pubsub/docs/payload-unwrapping) the body is the notification itself and
 * carries no message id.
 *
 * Auth: a push subscription can attach a Google-signed OIDC token, which Stagecoach does not verify (it
 * would need Google's keys); the secret goes in the push endpoint's URL instead: `?token=<secret>`.
 */
const MAX_DATA = 64 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const PubSubPushEnvelope = z.object({
  message: z.object({
    data: text(MAX_DATA),
    messageId: EventId.optional(),
    message_id: EventId.optional(),
  }),
});
export type PubSubPushEnvelope = z.infer<typeof PubSubPushEnvelope>;

export const GarNotification = z.object({
  action: text(),
  digest: text(MAX.imageReference).nullish(),
  tag: text(MAX.imageReference).nullish(),
});
export type GarNotification = z.infer<typeof GarNotification>;

export function parseGar(body: unknown): IntakeResult {
  const wrapped = typeof body === "object" && body !== null && "message" in body;
  const envelope = wrapped ? parsePayload(PubSubPushEnvelope, body) : undefined;
  const prefix = wrapped ? "message.data" : "";
  const at = (field: string): string => (prefix === "" ? field : `${prefix}.${field}`);
  const notification = parsePayload(
    GarNotification,
    envelope === undefined ? body : decodeData(envelope.message.data),
    prefix,
  );

  if (notification.action !== "INSERT") {
    return ignored(`Artifact Registry action ${notification.action} is not an upload`);
  }
  if (notification.tag === undefined || notification.tag === null || notification.tag === "") {
    return ignored("the upload carries no tag (an image pushed by digest)");
  }
  const tagged = splitReference(notification.tag, at("tag"));
  if (tagged.tag === undefined || tagged.tag === "") {
    return badField(at("tag"), `${quote(notification.tag)} has no ":<tag>"`);
  }
  const digested =
    notification.digest === undefined || notification.digest === null || notification.digest === ""
      ? undefined
      : splitReference(notification.digest, at("digest"));
  if (digested !== undefined && digested.image !== tagged.image) {
    badField(at("digest"), `names ${digested.image}, but ${at("tag")} names ${tagged.image}`);
  }
  return eventsFrom([
    {
      source: "gar",
      image: tagged.image,
      tag: tagged.tag,
      digest: digested?.digest,
      eventId: envelope?.message.messageId ?? envelope?.message.message_id,
    },
  ]);
}

function decodeData(data: string): unknown {
  if (data.length % 4 !== 0 || !BASE64.test(data)) badField("message.data", "is not base64");
  const json = Buffer.from(data, "base64").toString("utf8");
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    return badField("message.data", "does not decode to JSON", error);
  }
}

export const gar: RegistryIntake = { source: "gar", auth: ["query-token"], parse: parseGar };
