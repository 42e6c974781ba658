import { describe, expect, it } from "vitest";
import { derivedDeliveryId, eventsFrom, ImagePublished, type EventDraft } from "../../src/intake/event.js";
import { isAttachedArtifactTag } from "../../src/intake/fields.js";

const draft: EventDraft = { source: "quay", image: "quay.io/acme/api", tag: "1.4.0" };
const HEX = "0123456789abcdef".repeat(4);

describe("settling events", () => {
  it.each([
    [`sha256-${HEX}.sig`, true],
    [`sha256-${HEX}.att`, true],
    [`sha256-${HEX}.sbom`, true],
    [`sha256-${HEX}`, true],
    [`sha256-${HEX}.sig2`, false],
    ["sha256-abc.sig", false],
    ["1.4.0", false],
    ["signed.sig", false],
  ])("treats tag %s as an attached artifact: %s", (tag, attached) => {
    expect(isAttachedArtifactTag(tag)).toBe(attached);
  });

  it("derives the same delivery id for the same event and another for any other digest or discriminator", () => {
    const id = derivedDeliveryId(draft);
    expect(derivedDeliveryId({ ...draft })).toBe(id);
    expect(derivedDeliveryId({ ...draft, digest: `sha256:${HEX}` })).not.toBe(id);
    expect(derivedDeliveryId({ ...draft, discriminator: "1417566161" })).not.toBe(id);
    expect(derivedDeliveryId({ ...draft, source: "dockerhub" })).not.toBe(id);
  });

  it("keeps a registry's event id when the event announces one tag", () => {
    expect(eventsFrom([{ ...draft, eventId: "evt-1" }])).toMatchObject({ events: [{ deliveryId: "evt-1" }] });
  });

  it("suffixes a shared event id with the tag when one event announces several", () => {
    const result = eventsFrom([
      { ...draft, eventId: "evt-1" },
      { ...draft, tag: "1.4", eventId: "evt-1" },
    ]);
    expect(result).toMatchObject({ events: [{ deliveryId: "evt-1#1.4.0" }, { deliveryId: "evt-1#1.4" }] });
  });

  it("says so when nothing but signature tags was announced", () => {
    expect(eventsFrom([{ ...draft, tag: `sha256-${HEX}.sig` }])).toEqual({
      ignored: `tag sha256-${HEX}.sig is a signature, attestation or SBOM tag, not an image to deploy`,
    });
  });

  it("refuses, as a last line of defence, an event a parser got wrong", () => {
    expect(() => eventsFrom([{ ...draft, image: "Quay.io/Acme/API" }])).toThrow();
    expect(() => eventsFrom([{ ...draft, tag: "a b" }])).toThrow();
    expect(() => eventsFrom([{ ...draft, sourceUrl: "https://x.example/\n" }])).toThrow();
  });

  it.each([
    ["image", { image: "nginx" }],
    ["digest", { digest: "sha256:ABC" }],
    ["deliveryId", { deliveryId: "" }],
    ["env", { env: "a b" }],
    ["sourceRepo", { sourceRepo: "acme" }],
    ["sourceSha", { sourceSha: "main" }],
    ["sourceUrl", { sourceUrl: "ftp://x" }],
    ["an unknown key", { extra: 1 }],
  ])("the ImagePublished schema rejects a bad %s", (_field, change) => {
    const event = {
      image: "docker.io/library/nginx",
      tag: "1",
      source: "generic",
      deliveryId: "d",
      ...change,
    };
    expect(ImagePublished.safeParse(event).success).toBe(false);
  });
});
