import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseHarbor } from "../../src/intake/sources/harbor.js";
import { fixture, ignoredReason, patched } from "./helpers.js";

const DEFAULT = "harbor-push-default.json";
const CLOUDEVENTS = "harbor-push-cloudevents.json";
const DIGEST = "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8";

describe("Harbor webhooks", () => {
  it("turns the documented default-format push into one harbor event", () => {
    expect(parseHarbor(fixture(DEFAULT))).toEqual({
      events: [
        {
          image: "hub.harbor.com/test-webhook/debian",
          tag: "latest",
          digest: DIGEST,
          source: "harbor",
          deliveryId: expect.stringMatching(/^harbor:[0-9a-f]{64}$/) as unknown,
        },
      ],
    });
  });

  it("uses the CloudEvents id as the delivery id", () => {
    expect(parseHarbor(fixture(CLOUDEVENTS))).toEqual({
      events: [
        {
          image: "harbor.dev/library/busybox",
          tag: "1.36.0",
          digest: "sha256:dde8e930c7b6a490f728e66292bc9bce42efc9bbb5278bae40e4f30f6e00fe8c",
          source: "harbor",
          deliveryId: "4b2f89a6-548d-4c12-9993-a1f5790b97d2",
        },
      ],
    });
  });

  it("announces every tagged resource, each with its own delivery id", () => {
    const resource = (tag: string): unknown => ({
      digest: DIGEST,
      tag,
      resource_url: `harbor.dev/library/busybox:${tag}`,
    });
    const payload = patched(fixture(CLOUDEVENTS), {
      "data.resources": [resource("1.36.0"), resource("1.36")],
    });
    expect(parseHarbor(payload)).toMatchObject({
      events: [
        { tag: "1.36.0", deliveryId: "4b2f89a6-548d-4c12-9993-a1f5790b97d2#1.36.0" },
        { tag: "1.36", deliveryId: "4b2f89a6-548d-4c12-9993-a1f5790b97d2#1.36" },
      ],
    });
  });

  it.each([
    [
      "a pull",
      patched(fixture(DEFAULT), { type: "PULL_ARTIFACT" }),
      "Harbor event PULL_ARTIFACT is not an artifact push",
    ],
    [
      "a CloudEvents delete",
      patched(fixture(CLOUDEVENTS), { type: "harbor.artifact.deleted" }),
      /not an artifact push/,
    ],
    ["a push by digest", patched(fixture(DEFAULT), { "event_data.resources.0.tag": DIGEST }), /no tag/],
    ["an empty tag", patched(fixture(DEFAULT), { "event_data.resources.0.tag": "" }), /no tag/],
    ["no resources", patched(fixture(DEFAULT), { "event_data.resources": [] }), /no tag/],
    [
      "a signature tag",
      patched(fixture(DEFAULT), {
        "event_data.resources.0.tag": `sha256-${"d".repeat(64)}.sig`,
        "event_data.resources.0.resource_url": `hub.harbor.com/test-webhook/debian:sha256-${"d".repeat(64)}.sig`,
      }),
      /signature/,
    ],
  ])("ignores %s with a reason", (_case, payload, reason) => {
    expect(ignoredReason(parseHarbor(payload))).toMatch(reason);
  });

  it.each([
    [
      "no resource_url",
      { "event_data.resources.0.resource_url": undefined },
      "event_data.resources[0].resource_url: is missing",
    ],
    [
      "a tag that disagrees with resource_url",
      { "event_data.resources.0.tag": "stable" },
      "event_data.resources[0].tag",
    ],
    [
      "a malformed digest",
      { "event_data.resources.0.digest": "sha256:abc" },
      "event_data.resources[0].digest",
    ],
    ["no event_data", { event_data: undefined }, "event_data: is missing"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(DEFAULT), changes);
    expect(() => parseHarbor(payload)).toThrow(BadInput);
    expect(() => parseHarbor(payload)).toThrow(field);
  });
});
