import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseGeneric } from "../../src/intake/sources/generic.js";
import { fixture, patched } from "./helpers.js";

const FORM = "generic.json";

describe("the generic registry form", () => {
  it("turns the form into one generic event, provenance included", () => {
    expect(parseGeneric(fixture(FORM))).toEqual({
      events: [
        {
          image: "registry.example.com:5000/team/api",
          tag: "2024.06.1",
          digest: "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
          source: "generic",
          deliveryId: expect.stringMatching(/^generic:[0-9a-f]{64}$/) as unknown,
          env: "staging",
          sourceRepo: "acme/api",
          sourceSha: "0123456789abcdef0123456789abcdef01234567",
          sourceUrl: "https://ci.example.com/acme/api/builds/42",
        },
      ],
    });
  });

  it("takes tag and digest from a full image reference", () => {
    const body = { image: "registry.example.com/team/api:1.2@sha256:" + "a".repeat(64) };
    expect(parseGeneric(body)).toMatchObject({
      events: [{ tag: "1.2", digest: `sha256:${"a".repeat(64)}` }],
    });
  });

  it("gives the same announcement the same delivery id and another digest another", () => {
    expect(parseGeneric(fixture(FORM))).toEqual(parseGeneric(fixture(FORM)));
    expect(parseGeneric(patched(fixture(FORM), { digest: `sha256:${"1".repeat(64)}` }))).not.toEqual(
      parseGeneric(fixture(FORM)),
    );
  });

  it.each([
    ["a tag conflicting with the image's", { image: "registry.example.com/team/api:1.2" }, "tag"],
    ["no image", { image: undefined }, "image: is missing"],
    ["a body that is an array", undefined, "body: must be object"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const body = changes === undefined ? [] : patched(fixture(FORM), changes);
    expect(() => parseGeneric(body)).toThrow(BadInput);
    expect(() => parseGeneric(body)).toThrow(field);
  });
});
