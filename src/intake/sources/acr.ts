import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import { badField, checks, Digest, EventId, parsePayload, text, validated } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";

/**
 * Azure Container Registry webhooks, `push` action.
 *
 * Payload: https://learn.microsoft.com/azure/container-registry/container-registry-webhook-reference
 * (`{ id, timestamp, action: "push", target: { mediaType, size, digest, length, repository, tag },
 * request: { id, host, method, useragent } }`). A push by digest has no `target.tag`; `chart_push`,
 * `delete`, `chart_delete` and `quarantine` are other actions.
 *
 * Auth: ACR adds no header of its own, but a webhook can carry custom headers
 * (`az acr webhook create --headers "Authorization=Bearer <secret>"`).
 */
export const AcrPayload = z.object({
  id: EventId,
  action: text(),
  target: z.object({
    repository: text(),
    tag: text(200).nullish(),
    digest: Digest.nullish(),
  }),
  request: z.object({ host: text() }).nullish(),
});
export type AcrPayload = z.infer<typeof AcrPayload>;

export function parseAcr(body: unknown): IntakeResult {
  const { id, action, target, request } = parsePayload(AcrPayload, body);
  if (action !== "push") return ignored(`ACR action ${action} is not an image push`);
  const tag = target.tag ?? "";
  if (tag === "") return ignored("the push carries no tag (an image pushed by digest)");
  if (request === undefined || request === null) return badField("request.host", "is missing");
  return eventsFrom([
    {
      source: "acr",
      image: validated(
        checks.imageName,
        `${request.host}/${target.repository}`,
        "request.host / target.repository",
      ),
      tag: validated(checks.tag, tag, "target.tag"),
      digest: target.digest ?? undefined,
      eventId: id,
    },
  ]);
}

export const acr: RegistryIntake = { source: "acr", auth: ["bearer"], parse: parseAcr };
