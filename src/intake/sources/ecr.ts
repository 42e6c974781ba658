import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { checks, Digest, EventId, parsePayload, text, validated } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Amazon ECR image pushes, delivered by an EventBridge rule whose target is an API destination that
 * posts the event unchanged (no input transformer).
 *
 * Payload: https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html ("Event for a
 * completed image push"): `{ version, id, "detail-type": "ECR Image Action", source: "aws.ecr", account,
 * region, detail: { result: "SUCCESS", "repository-name", "image-digest", "action-type": "PUSH",
 * "image-tag" } }`. The registry host is `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in China).
 *
 * Auth: an API destination's connection sets the header
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html): an API_KEY
 * connection with key name `Authorization` and value `Bearer <secret>`, or a BASIC connection whose
 * password is the secret.
 */
export const EcrEvent = z.object({
  id: EventId,
  "detail-type": text(),
  account: text(12).regex(/^\d{12}$/, "is not a 12-digit AWS account id"),
  region: text(30).regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, "is not an AWS region"),
  detail: z.object({
    result: text().optional(),
    "action-type": text(),
    "repository-name": text(),
    "image-digest": Digest.nullish(),
    "image-tag": text(200).nullish(),
  }),
});
export type EcrEvent = z.infer<typeof EcrEvent>;

export function parseEcr(body: unknown): IntakeResult {
  const event = parsePayload(EcrEvent, body);
  const { detail } = event;
  if (event["detail-type"] !== "ECR Image Action") {
    return ignored(`EventBridge event ${event["detail-type"]} is not an ECR image action`);
  }
  if (detail["action-type"] !== "PUSH") return ignored(`ECR action ${detail["action-type"]} is not a push`);
  if (detail.result !== undefined && detail.result !== "SUCCESS") {
    return ignored(`the ECR push did not succeed (${detail.result})`);
  }
  const tag = detail["image-tag"] ?? "";
  if (tag === "") return ignored("the push carries no tag (an image pushed by digest)");
  const host = `${event.account}.dkr.ecr.${event.region}.amazonaws.com${event.region.startsWith("cn-") ? ".cn" : ""}`;
  return eventsFrom([
    {
      source: "ecr",
      image: validated(checks.imageName, `${host}/${detail["repository-name"]}`, "detail.repository-name"),
      tag: validated(checks.tag, tag, "detail.image-tag"),
      digest: detail["image-digest"] ?? undefined,
      eventId: event.id,
    },
  ]);
}

export const ecr: RegistryIntake = { source: "ecr", auth: ["bearer", "basic"], parse: parseEcr };
