import { describe, expect, it } from "vitest";
import { InvalidImageReference } from "../../src/core/errors.js";
import {
  formatImageRef,
  isDigest,
  isTag,
  normaliseImageName,
  parseImageRef,
  respellImageRef,
  splitImageRef,
  tryParseImageRef,
  type ImageRef,
  type SpelledImageRef,
} from "../../src/core/image-ref.js";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("parseImageRef", () => {
  it.each<[string, string, ImageRef]>([
    ["a Docker Hub short name", "nginx", { registry: "docker.io", repository: "library/nginx" }],
    [
      "a Docker Hub user image",
      "bitnami/redis:7.2",
      { registry: "docker.io", repository: "bitnami/redis", tag: "7.2" },
    ],
    ["docker.io without library", "docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    [
      "index.docker.io",
      "index.docker.io/library/nginx",
      { registry: "docker.io", repository: "library/nginx" },
    ],
    [
      "registry-1.docker.io",
      "registry-1.docker.io/nginx:1",
      { registry: "docker.io", repository: "library/nginx", tag: "1" },
    ],
    [
      "a GHCR image with tag",
      "ghcr.io/acme/api:1.4.0",
      { registry: "ghcr.io", repository: "acme/api", tag: "1.4.0" },
    ],
    [
      "a tag and a digest",
      `ghcr.io/acme/api:1.4.0@${DIGEST}`,
      { registry: "ghcr.io", repository: "acme/api", tag: "1.4.0", digest: DIGEST },
    ],
    [
      "a digest alone",
      `ghcr.io/acme/api@${DIGEST}`,
      { registry: "ghcr.io", repository: "acme/api", digest: DIGEST },
    ],
    [
      "an uppercase digest, lowercased",
      `ghcr.io/acme/api@${DIGEST.toUpperCase()}`,
      { registry: "ghcr.io", repository: "acme/api", digest: DIGEST },
    ],
    [
      "uppercase in the name, lowercased",
      "GHCR.io/Acme/API:V1",
      { registry: "ghcr.io", repository: "acme/api", tag: "V1" },
    ],
    [
      "a registry with a port",
      "localhost:5000/a/b:c",
      { registry: "localhost:5000", repository: "a/b", tag: "c" },
    ],
    [
      "a registry port without a tag",
      "ghcr.io:443/acme/api",
      { registry: "ghcr.io:443", repository: "acme/api" },
    ],
    ["localhost", "localhost/app", { registry: "localhost", repository: "app" }],
    ["an IPv4 registry", "10.0.0.1:5000/app", { registry: "10.0.0.1:5000", repository: "app" }],
    ["an IPv6 registry", "[::1]:5000/a/b:c", { registry: "[::1]:5000", repository: "a/b", tag: "c" }],
    [
      "a first component without a dot is a path",
      "acme/api",
      { registry: "docker.io", repository: "acme/api" },
    ],
    [
      "localhost:5000 alone is image localhost, tag 5000",
      "localhost:5000",
      { registry: "docker.io", repository: "library/localhost", tag: "5000" },
    ],
    ["separators __ and repeated -", "a__b/c--d.e_f", { registry: "docker.io", repository: "a__b/c--d.e_f" }],
    [
      "a 128-character tag",
      `a:${"x".repeat(128)}`,
      { registry: "docker.io", repository: "library/a", tag: "x".repeat(128) },
    ],
  ])("parses %s", (_what, text, expected) => {
    expect(parseImageRef(text)).toEqual(expected);
  });

  it.each([
    ["an empty string", "", "it is empty or has surrounding white space"],
    ["surrounding white space", " nginx", "it is empty or has surrounding white space"],
    ["inner white space", "ng inx", "it contains white space"],
    ["an empty tag", "a/b:", "the tag after ':' is empty"],
    [
      "a tag starting with -",
      "a/b:-x",
      `tag "-x" may hold only letters, digits, '_', '.', '-' (not first) and at most 128 characters`,
    ],
    ["a 129-character tag", `a:${"x".repeat(129)}`, "at most 128 characters"],
    ["a non-sha256 digest", "a/b@md5:abc", `digest "md5:abc" is not a sha256 digest`],
    ["a short digest", "a/b@sha256:abc", `digest "sha256:abc" must be sha256: and 64 hex digits`],
    ["an empty name", ":tag", "the name is empty"],
    ["a port that is no number", "ghcr.io:x/acme", `registry port "x" is not a number`],
    ["two ports", "a.io:1:2/b", `registry "a.io:1:2" has more than one port`],
    ["a host with an empty label", "a..b/c", `registry "a..b" is not a valid host name`],
    ["a host label ending in -", "reg-.io/x", `registry "reg-.io" is not a valid host name`],
    ["a path component with ___", "a___b", `path component "a___b"`],
    ["a path component starting with -", "-a", `path component "-a"`],
    ["an empty path component", "ghcr.io/a//b", "the name has an empty path component"],
    ["a colon in the path", "foo:bar:baz", `path component "foo:bar"`],
    ["a name over 255 characters", `ghcr.io/${"a".repeat(250)}`, "the name is longer than 255 characters"],
  ])("refuses %s", (_what, text, reason) => {
    expect(() => parseImageRef(text)).toThrow(InvalidImageReference);
    expect(() => parseImageRef(text)).toThrow(reason);
  });

  it("names the input in the error", () => {
    expect(() => parseImageRef("a/b:")).toThrow('invalid image reference "a/b:": ');
  });
});

describe("tryParseImageRef", () => {
  it("returns undefined instead of throwing", () => {
    expect(tryParseImageRef("a/b:")).toBeUndefined();
    expect(tryParseImageRef("nginx")).toEqual({ registry: "docker.io", repository: "library/nginx" });
  });
});

describe("splitImageRef", () => {
  it.each<[string, SpelledImageRef]>([
    ["nginx", { name: "nginx" }],
    ["GHCR.io/Acme/api:1.0", { name: "GHCR.io/Acme/api", tag: "1.0" }],
    ["localhost:5000/x", { name: "localhost:5000/x" }],
    ["localhost:5000/x:1", { name: "localhost:5000/x", tag: "1" }],
    [`x:1@${DIGEST}`, { name: "x", tag: "1", digest: DIGEST }],
    [`x@${DIGEST}`, { name: "x", digest: DIGEST }],
  ])("splits %s as written", (text, expected) => {
    expect(splitImageRef(text)).toEqual(expected);
  });
});

describe("formatting and respelling", () => {
  it("formats the canonical reference", () => {
    expect(formatImageRef(parseImageRef(`Nginx:1.25@${DIGEST}`))).toBe(
      `docker.io/library/nginx:1.25@${DIGEST}`,
    );
  });

  it("normalises names that mean the same image to one name", () => {
    const names = ["nginx", "docker.io/nginx", "index.docker.io/library/nginx"].map(normaliseImageName);
    expect(new Set(names)).toEqual(new Set(["docker.io/library/nginx"]));
  });

  it.each<[string, string, string | undefined, string]>([
    ["nginx:1.25", "1.26", undefined, "nginx:1.26"],
    ["localhost:5000/x:1", "2", undefined, "localhost:5000/x:2"],
    [`GHCR.io/acme/api:1@${DIGEST}`, "2", undefined, "GHCR.io/acme/api:2"],
    ["ghcr.io/acme/api", "2", DIGEST, `ghcr.io/acme/api:2@${DIGEST}`],
  ])("respells %s keeping the name as written", (written, tag, digest, expected) => {
    expect(respellImageRef(written, tag, digest)).toBe(expected);
  });
});

describe("isTag and isDigest", () => {
  it.each([
    ["1.4.0", true],
    ["v1.4.0-rc.1", true],
    ["_x", true],
    ["-x", false],
    [".x", false],
    ["a+b", false],
    ["", false],
  ])("isTag(%j) is %s", (text, expected) => {
    expect(isTag(text)).toBe(expected);
  });

  it.each([
    [DIGEST, true],
    [DIGEST.toUpperCase(), false],
    ["sha256:abc", false],
    [`sha512:${"a".repeat(128)}`, false],
  ])("isDigest(%s) is %s", (text, expected) => {
    expect(isDigest(text)).toBe(expected);
  });
});
