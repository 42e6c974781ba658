import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseGitHubPackageEvent } from "../../src/intake/sources/github-package.js";
import { fixture, ignoredReason, patched } from "./helpers.js";

const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
const CONTAINER = "github-package-published-container.json";
const REGISTRY_PACKAGE = "github-registry-package-published.json";
const TAG = "package.package_version.container_metadata.tag";

describe("GitHub package and registry_package events", () => {
  it("turns package.published for a container into one ghcr event", () => {
    expect(parseGitHubPackageEvent(fixture(CONTAINER), DELIVERY)).toEqual({
      events: [
        {
          image: "ghcr.io/codertocat/hello-world",
          tag: "1.4.0",
          digest: "sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498",
          source: "ghcr",
          deliveryId: DELIVERY,
          sourceRepo: "Codertocat/hello-world-npm",
          sourceUrl: "https://github.com/users/Codertocat/packages/container/hello-world/57755791",
        },
      ],
    });
  });

  it("turns registry_package.published into one ghcr event with the commit it was built from", () => {
    expect(parseGitHubPackageEvent(fixture(REGISTRY_PACKAGE), DELIVERY)).toEqual({
      events: [
        {
          image: "ghcr.io/codertocat/api",
          tag: "v2.0.1",
          digest: "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b6c62fb45fe66bfb1ea9a66ab",
          source: "ghcr",
          deliveryId: DELIVERY,
          sourceRepo: "Codertocat/hello-world-npm",
          sourceSha: "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b",
          sourceUrl: "https://github.com/users/Codertocat/packages/container/api/57755792",
        },
      ],
    });
  });

  it.each([
    ["ghcr.io/Codertocat/hello-world:", "ghcr.io/codertocat/hello-world"],
    ["ghcr.io/Codertocat/hello-world:1.4.0", "ghcr.io/codertocat/hello-world"],
    ["ghcr.io/acme/tools/linter:1.4.0", "ghcr.io/acme/tools/linter"],
  ])("reads the image name from package_url %s", (packageUrl, image) => {
    const payload = patched(fixture(CONTAINER), { "package.package_version.package_url": packageUrl });
    expect(parseGitHubPackageEvent(payload, DELIVERY)).toMatchObject({ events: [{ image, tag: "1.4.0" }] });
  });

  it("falls back to ghcr.io/<owner>/<package> when package_url is absent", () => {
    const payload = patched(fixture(CONTAINER), { "package.package_version.package_url": undefined });
    expect(parseGitHubPackageEvent(payload, DELIVERY)).toMatchObject({
      events: [{ image: "ghcr.io/codertocat/hello-world" }],
    });
  });

  it.each([
    [
      "a non-container package",
      fixture("github-package-published-npm.json"),
      /package type npm is not a container/,
    ],
    ["an empty tag", patched(fixture(CONTAINER), { [`${TAG}.name`]: "" }), /without a tag/],
    ["a missing tag", patched(fixture(CONTAINER), { [TAG]: undefined }), /without a tag/],
    [
      "an updated action",
      patched(fixture(CONTAINER), { action: "updated" }),
      /package\.updated is not a publication/,
    ],
    [
      "a cosign signature tag",
      patched(fixture(CONTAINER), { [`${TAG}.name`]: `sha256-${"a".repeat(64)}.sig` }),
      /signature, attestation or SBOM tag/,
    ],
    [
      "an attestation tag",
      patched(fixture(REGISTRY_PACKAGE), {
        "registry_package.package_version.container_metadata.tag.name": `sha256-${"b".repeat(64)}.att`,
      }),
      /signature, attestation or SBOM tag/,
    ],
  ])("ignores %s with a reason", (_case, payload, reason) => {
    expect(ignoredReason(parseGitHubPackageEvent(payload, DELIVERY))).toMatch(reason);
  });

  it.each(["CONTAINER", "container", "docker"])("accepts package type %s", (packageType) => {
    const payload = patched(fixture(CONTAINER), { "package.package_type": packageType });
    expect(parseGitHubPackageEvent(payload, DELIVERY)).toHaveProperty("events");
  });

  it("leaves sourceSha out when target_commitish is a branch name", () => {
    const result = parseGitHubPackageEvent(fixture(CONTAINER), DELIVERY);
    expect(result).toHaveProperty("events.0");
    expect(result).not.toHaveProperty("events.0.sourceSha");
  });

  it.each([
    [
      "a digest that is not 64 hex digits",
      { [`${TAG}.digest`]: "sha256:6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b" },
      `${TAG}.digest`,
    ],
    ["a tag with a space", { [`${TAG}.name`]: "1.4 0" }, `${TAG}.name`],
    ["a tag with a newline", { [`${TAG}.name`]: "1.4\n0" }, `${TAG}.name: contains control characters`],
    [
      "a package_url that is no image name",
      { "package.package_version.package_url": "ghcr.io/Bad Name:1" },
      "package_url",
    ],
    ["a repository that is not owner/name", { "repository.full_name": "a/b/c" }, "repository.full_name"],
    [
      "a package_type that is not text",
      { "package.package_type": 7 },
      "package.package_type: must be string",
    ],
    ["neither package nor registry_package", { package: undefined }, "registry_package: is missing"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(CONTAINER), changes);
    expect(() => parseGitHubPackageEvent(payload, DELIVERY)).toThrow(BadInput);
    expect(() => parseGitHubPackageEvent(payload, DELIVERY)).toThrow(field);
  });

  it("rejects a delivery id with control characters", () => {
    expect(() => parseGitHubPackageEvent(fixture(CONTAINER), "id\r\nX-Evil: 1")).toThrow(/deliveryId/);
  });
});
