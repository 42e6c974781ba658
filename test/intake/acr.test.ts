import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseAcr } from "../../src/intake/sources/acr.js";
import { fixture, patched } from "./helpers.js";

const PUSH = "acr-push.json";

describe("Azure Container Registry webhooks", () => {
  it("turns the documented push into one acr event with ACR's event id", () => {
    expect(parseAcr(fixture(PUSH))).toEqual({
      events: [
        {
          image: "myregistry.azurecr.io/hello-world",
          tag: "v1",
          digest: "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d",
          source: "acr",
          deliveryId: "cb8c3971-9adc-488b-8d31-43cbb4974ff5",
        },
      ],
    });
  });

  it.each([
    ["a delete", { action: "delete", "target.tag": undefined }, "ACR action delete is not an image push"],
    ["a chart push", { action: "chart_push" }, "ACR action chart_push is not an image push"],
    ["a push by digest", { "target.tag": undefined }, "the push carries no tag (an image pushed by digest)"],
  ])("ignores %s with a reason", (_case, changes, reason) => {
    expect(parseAcr(patched(fixture(PUSH), changes))).toEqual({ ignored: reason });
  });

  it.each([
    ["no request", { request: undefined }, "request.host: is missing"],
    ["no id", { id: undefined }, "id: is missing"],
    ["an id with spaces", { id: "a b" }, "id:"],
    ["a repository with upper case and spaces", { "target.repository": "Hello World" }, "target.repository"],
    ["a malformed digest", { "target.digest": "sha256:xxxx" }, "target.digest"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(PUSH), changes);
    expect(() => parseAcr(payload)).toThrow(BadInput);
    expect(() => parseAcr(payload)).toThrow(field);
  });
});
