import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseGar } from "../../src/intake/sources/gar.js";
import { fixture, ignoredReason, patched } from "./helpers.js";

const PUSH = "gar-push.json";
const IMAGE = "us-east1-docker.pkg.dev/my-project/my-repo/hello-world";
const DIGEST = "sha256:6ec128e26cd5a1d5e1e5b4a2f0b3f3a0b4c9e8e2a6d3e5d9f2c1b0a9e8d7c6b5";

const envelope = (notification: unknown): unknown =>
  patched(fixture(PUSH), { "message.data": Buffer.from(JSON.stringify(notification)).toString("base64") });

describe("Artifact Registry notifications through a Pub/Sub push subscription", () => {
  it("turns the pushed message into one gar event with the Pub/Sub message id", () => {
    expect(parseGar(fixture(PUSH))).toEqual({
      events: [{ image: IMAGE, tag: "1.1", digest: DIGEST, source: "gar", deliveryId: "2070443601311540" }],
    });
  });

  it("reads an unwrapped delivery, deriving the delivery id", () => {
    const body = { action: "INSERT", digest: `${IMAGE}@${DIGEST}`, tag: `${IMAGE}:1.1` };
    expect(parseGar(body)).toEqual({
      events: [
        {
          image: IMAGE,
          tag: "1.1",
          digest: DIGEST,
          source: "gar",
          deliveryId: expect.stringMatching(/^gar:[0-9a-f]{64}$/) as unknown,
        },
      ],
    });
  });

  it.each([
    [
      "a deletion",
      { action: "DELETE", tag: `${IMAGE}:1.1` },
      "Artifact Registry action DELETE is not an upload",
    ],
    ["an untagged upload", { action: "INSERT", digest: `${IMAGE}@${DIGEST}` }, /no tag/],
  ])("ignores %s with a reason", (_case, notification, reason) => {
    expect(ignoredReason(parseGar(envelope(notification)))).toMatch(reason);
  });

  it.each([
    [
      "data that is not base64",
      patched(fixture(PUSH), { "message.data": "not base64!" }),
      "message.data: is not base64",
    ],
    [
      "data that is not JSON",
      patched(fixture(PUSH), { "message.data": "bm90IGpzb24=" }),
      "message.data: does not decode to JSON",
    ],
    ["no data", patched(fixture(PUSH), { "message.data": undefined }), "message.data: is missing"],
    ["no action", envelope({ tag: `${IMAGE}:1.1` }), "message.data.action: is missing"],
    ["a tag reference without a tag", envelope({ action: "INSERT", tag: IMAGE }), "message.data.tag"],
    [
      "a digest for another image",
      envelope({ action: "INSERT", tag: `${IMAGE}:1.1`, digest: `${IMAGE}-other@${DIGEST}` }),
      "message.data.digest",
    ],
    [
      "a malformed digest",
      envelope({ action: "INSERT", tag: `${IMAGE}:1.1`, digest: `${IMAGE}@sha256:1` }),
      "message.data.digest",
    ],
  ])("rejects %s, naming the field", (_case, body, field) => {
    expect(() => parseGar(body)).toThrow(BadInput);
    expect(() => parseGar(body)).toThrow(field);
  });
});
