import { eventsFrom, type IntakeResult } from "../event.js";
import { parsePayload } from "../fields.js";
import type { RegistryIntake } from "../registry-intake.js";
import { draftFromAnnouncement, ImageAnnouncement } from "./reference-form.js";

/**
 * Stagecoach's own JSON form for any registry or CI system not covered by a dedicated source:
 * `{ image, tag?, digest?, env?, source_repo?, source_sha?, source_url? }` (see `ImageAnnouncement`).
 *
 * Auth: `X-Stagecoach-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`,
 * the scheme GitHub uses for its own webhooks: only a holder of the secret can produce a body we accept.
 */
export const GenericPayload = ImageAnnouncement;
export type GenericPayload = ImageAnnouncement;

export function parseGeneric(body: unknown): IntakeResult {
  const announcement = parsePayload(GenericPayload, body);
  return eventsFrom([draftFromAnnouncement(announcement, "generic", "")]);
}

export const generic: RegistryIntake = { source: "generic", auth: ["signature-256"], parse: parseGeneric };
