import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseRepositoryDispatch } from "../../src/intake/sources/repository-dispatch.js";
import { fixture, patched } from "./helpers.js";

const DELIVERY = "4f1a6b9e-1111-4c2b-9d3e-5e6f7a8b9c0d";
const DISPATCH = "github-repository-dispatch-image-published.json";
const DIGEST = "sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498";

const dispatch = (clientPayload: Record<string, unknown>): unknown =>
  patched(fixture(DISPATCH), { client_payload: clientPayload });

describe("repository_dispatch image-published", () => {
  it("turns the client payload into one dispatch event, environment and provenance included", () => {
    expect(parseRepositoryDispatch(fixture(DISPATCH), DELIVERY)).toEqual({
      events: [
        {
          image: "ghcr.io/codertocat/hello-world",
          tag: "1.4.0",
          digest: DIGEST,
          source: "dispatch",
          deliveryId: DELIVERY,
          env: "dev",
          sourceRepo: "Codertocat/hello-world",
          sourceSha: "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
          sourceUrl: "https://github.com/Codertocat/hello-world/actions/runs/1234567890",
        },
      ],
    });
  });

  it.each([
    [
      "a name and a tag",
      { image: "ghcr.io/Acme/API", tag: "1.0" },
      { image: "ghcr.io/acme/api", tag: "1.0" },
    ],
    ["a full reference", { image: `ghcr.io/acme/api:1.0@${DIGEST}` }, { tag: "1.0", digest: DIGEST }],
    ["a reference and an agreeing tag", { image: "ghcr.io/acme/api:1.0", tag: "1.0" }, { tag: "1.0" }],
    ["a Docker Hub short name", { image: "nginx:1.27" }, { image: "docker.io/library/nginx", tag: "1.27" }],
    ["an upper-case digest", { image: "nginx", tag: "1", digest: DIGEST.toUpperCase() }, { digest: DIGEST }],
  ])("reads %s", (_case, clientPayload, expected) => {
    expect(parseRepositoryDispatch(dispatch(clientPayload), DELIVERY)).toMatchObject({ events: [expected] });
  });

  it("ignores other event types with a reason", () => {
    expect(
      parseRepositoryDispatch(fixture("github-repository-dispatch-on-demand-test.json"), DELIVERY),
    ).toEqual({
      ignored: "repository_dispatch event type on-demand-test is not image-published",
    });
  });

  it.each([
    ["no image", { tag: "1.0" }, "client_payload.image: is missing"],
    ["no tag anywhere", { image: "ghcr.io/acme/api" }, "client_payload.tag: is missing"],
    [
      "a tag that conflicts with the reference",
      { image: "ghcr.io/acme/api:1.0", tag: "1.1" },
      "client_payload.tag",
    ],
    [
      "a digest that conflicts with the reference",
      { image: `ghcr.io/acme/api:1.0@${DIGEST}`, digest: `sha256:${"0".repeat(64)}` },
      "client_payload.digest",
    ],
    [
      "a malformed digest",
      { image: "ghcr.io/acme/api", tag: "1", digest: "md5:abc" },
      "client_payload.digest",
    ],
    ["a malformed tag", { image: "ghcr.io/acme/api", tag: "-1" }, "client_payload.tag"],
    ["a malformed image", { image: "ghcr.io/acme/API name", tag: "1" }, "client_payload.image"],
    [
      "an image with a control character",
      { image: "ghcr.io/acme/api\u0000", tag: "1" },
      "client_payload.image",
    ],
    ["a short source_sha", { image: "nginx", tag: "1", source_sha: "abc123" }, "client_payload.source_sha"],
    [
      "a javascript: source_url",
      { image: "nginx", tag: "1", source_url: "javascript:alert(1)" },
      "source_url",
    ],
    [
      "a source_url with credentials",
      { image: "nginx", tag: "1", source_url: "https://u:p@ci.example" },
      "source_url",
    ],
    ["an environment name with a slash", { image: "nginx", tag: "1", env: "prod/eu" }, "client_payload.env"],
    ["a client_payload that is not an object", "nginx:1", "client_payload: must be object"],
  ])("rejects %s, naming the field", (_case, clientPayload, field) => {
    const payload = patched(fixture(DISPATCH), { client_payload: clientPayload });
    expect(() => parseRepositoryDispatch(payload, DELIVERY)).toThrow(BadInput);
    expect(() => parseRepositoryDispatch(payload, DELIVERY)).toThrow(field);
  });

  it("caps the length of every string", () => {
    const payload = dispatch({ image: "nginx", tag: "1", env: "e".repeat(64) });
    expect(() => parseRepositoryDispatch(payload, DELIVERY)).toThrow("client_payload.env");
  });
});
