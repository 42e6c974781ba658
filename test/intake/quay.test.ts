import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseQuay } from "../../src/intake/sources/quay.js";
import { fixture, ignoredReason, patched } from "./helpers.js";

const PUSH = "quay-push.json";

describe("Quay repository push notifications", () => {
  it("turns the documented push into one quay event", () => {
    expect(parseQuay(fixture(PUSH))).toEqual({
      events: [
        {
          image: "quay.io/dgangaia/test",
          tag: "latest",
          source: "quay",
          deliveryId: expect.stringMatching(/^quay:[0-9a-f]{64}$/) as unknown,
          sourceUrl: "https://quay.io/repository/dgangaia/repository",
        },
      ],
    });
  });

  it("announces every updated tag as its own event with its own delivery id", () => {
    const result = parseQuay(patched(fixture(PUSH), { updated_tags: ["1.4.0", "1.4", "latest"] }));
    expect(result).toMatchObject({ events: [{ tag: "1.4.0" }, { tag: "1.4" }, { tag: "latest" }] });
    const ids = "events" in result ? result.events.map((event) => event.deliveryId) : [];
    expect(new Set(ids).size).toBe(3);
  });

  it("reads the older updated_tags object form", () => {
    expect(parseQuay(fixture("quay-push-legacy.json"))).toMatchObject({
      events: [{ image: "quay.io/devtable/ubuntu", tag: "latest" }],
    });
  });

  it("keeps a self-hosted registry's host and port", () => {
    const payload = patched(fixture(PUSH), { docker_url: "quay.example.com:8443/team/api" });
    expect(parseQuay(payload)).toMatchObject({ events: [{ image: "quay.example.com:8443/team/api" }] });
  });

  it("drops signature tags pushed alongside the image", () => {
    const payload = patched(fixture(PUSH), { updated_tags: ["1.4.0", `sha256-${"e".repeat(64)}.sig`] });
    expect(parseQuay(payload)).toMatchObject({ events: [{ tag: "1.4.0" }] });
    expect(parseQuay(payload)).not.toHaveProperty("events.1");
  });

  it.each([
    ["no tags", { updated_tags: [] }, "the push announces no tags"],
    ["only empty tags", { updated_tags: [""] }, "the push announces no tags"],
    ["only an SBOM tag", { updated_tags: [`sha256-${"f".repeat(64)}.sbom`] }, /SBOM/],
  ])("ignores %s with a reason", (_case, changes, reason) => {
    expect(ignoredReason(parseQuay(patched(fixture(PUSH), changes)))).toMatch(reason);
  });

  it.each([
    ["a malformed second tag", { updated_tags: ["ok", "not ok"] }, "updated_tags[1]"],
    ["no docker_url", { docker_url: undefined }, "docker_url: is missing"],
    ["more than 100 tags", { updated_tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }, "updated_tags"],
    ["a homepage that is no link", { homepage: "javascript:void(0)" }, "homepage"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(PUSH), changes);
    expect(() => parseQuay(payload)).toThrow(BadInput);
    expect(() => parseQuay(payload)).toThrow(field);
  });
});
