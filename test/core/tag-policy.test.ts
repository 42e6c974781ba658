import { describe, expect, it } from "vitest";
import type { App } from "../../src/config/schema.js";
import {
  acceptTag,
  compareTags,
  decideTag,
  describePolicy,
  isMutableTag,
  isSignatureTag,
  MUTABLE_TAGS,
  newestTag,
  type Candidate,
  type TagDecision,
  type TagState,
} from "../../src/core/tag-policy.js";

const digest = (hex: string): string => `sha256:${hex.repeat(64)}`;
const DA = digest("a");
const DB = digest("b");
const HEX64 = "0123456789abcdef".repeat(4);

const image = "ghcr.io/acme/api";
const anyRelease: App = { image };
const caret1: App = { image, tags: { semver: "^1.0.0", prerelease: false } };
const caret1Pre: App = { image, tags: { semver: "^1.0.0", prerelease: true } };
const caretV1: App = { image, tags: { semver: "^v1.0.0", prerelease: false } };
const caret1Pinned: App = { ...caret1, digest: "pin" };
const BUILD_PATTERN = String.raw`^main-(?<build>\d+)-[0-9a-f]{7}$`;
const build: App = { image, tags: { pattern: BUILD_PATTERN, order: "numerical", by: "build" } };
const buildPinned: App = { ...build, digest: "pin" };
const datedBuild: App = {
  image,
  tags: { pattern: String.raw`^(?<date>\d{8})-(?<build>\d+)$`, order: "numerical" },
};
const numberedGroup: App = { image, tags: { pattern: String.raw`^build-(\d+)$`, order: "numerical" } };
const wholeNumber: App = { image, tags: { pattern: String.raw`^\d+$`, order: "numerical" } };
const alnumBuild: App = { image, tags: { pattern: "^build-(?<n>[0-9a-z]+)$", order: "numerical", by: "n" } };
const optionalBuild: App = {
  image,
  tags: { pattern: String.raw`^build(?:-(?<n>\d+))?$`, order: "numerical", by: "n" },
};
const wrongBy: App = {
  image,
  tags: { pattern: String.raw`^build-(?<n>\d+)$`, order: "numerical", by: "num" },
};
const stamped: App = {
  image,
  tags: { pattern: String.raw`^(?<stamp>\d{8}T\d{6})-[0-9a-f]{7}$`, order: "alphabetical", by: "stamp" },
};
const letters: App = { image, tags: { pattern: "^[0-9A-Za-z]+$", order: "alphabetical" } };
const release: App = {
  image,
  tags: {
    pattern: String.raw`^release-(?<version>v?\d+\.\d+\.\d+(?:-[0-9a-z.]+)?)$`,
    order: "semver",
    by: "version",
  },
};
const looseRelease: App = {
  image,
  tags: { pattern: "^release-(?<version>[0-9.]+)$", order: "semver", by: "version" },
};
const latestPinned: App = { image, tags: { pattern: "^latest$", order: "alphabetical" }, digest: "pin" };
const latestUnpinned: App = { image, tags: { pattern: "^latest$", order: "alphabetical" } };
const branches: App = { image, tags: { pattern: "^(main|develop)$", order: "alphabetical" } };
const anything: App = { image, tags: { pattern: "^.+$", order: "alphabetical" } };
const shortSha: App = { image, tags: { pattern: "^sha-[0-9a-f]{7}$", order: "alphabetical" } };

const update = (tag: string, extra: { digest?: string; note?: string } = {}): TagDecision => ({
  kind: "update",
  tag,
  ...extra,
});
const skip = (code: Extract<TagDecision, { kind: "skip" }>["code"], reason: string): TagDecision => ({
  kind: "skip",
  code,
  reason,
});
const NOT_SEMVER = "is not a semver version like 1.4.0 or v1.4.0";

interface Row {
  readonly rule: string;
  readonly app: App;
  readonly current: TagState;
  readonly candidate: Candidate;
  readonly expected: TagDecision;
}

const rows: Row[] = [
  // semver ranges
  {
    rule: "a release inside the range replaces an older one",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.5.0" },
    expected: update("1.5.0"),
  },
  {
    rule: "a release outside the range is refused",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "2.0.0" },
    expected: skip("outside-policy", "2.0.0 is outside ^1.0.0"),
  },
  {
    rule: "an older release is never a downgrade target",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.3.0" },
    expected: skip("not-newer", "1.3.0 is older than the deployed 1.4.0"),
  },
  {
    rule: "versions compare numerically, not as text",
    app: caret1,
    current: { tag: "1.9.0" },
    candidate: { tag: "1.10.0" },
    expected: update("1.10.0"),
  },
  {
    rule: "the deployed tag itself is already current",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.4.0" },
    expected: skip("already-current", "1.4.0 is already deployed"),
  },
  {
    rule: "a reference without a tag takes any acceptable tag",
    app: caret1,
    current: {},
    candidate: { tag: "1.0.0" },
    expected: update("1.0.0"),
  },
  {
    rule: "no tags policy means any semver release",
    app: anyRelease,
    current: { tag: "1.0.0" },
    candidate: { tag: "7.0.0" },
    expected: update("7.0.0"),
  },
  {
    rule: "no tags policy refuses pre-releases and says how to allow them",
    app: anyRelease,
    current: { tag: "1.0.0" },
    candidate: { tag: "1.5.0-rc.1" },
    expected: skip(
      "prerelease",
      '1.5.0-rc.1 is a pre-release; set tags: { semver: "*", prerelease: true } to allow it',
    ),
  },
  {
    rule: "no tags policy refuses a non-semver tag and points at tags.pattern",
    app: anyRelease,
    current: { tag: "1.0.0" },
    candidate: { tag: "main-42" },
    expected: skip(
      "unreadable",
      `main-42 ${NOT_SEMVER}; set tags.pattern in the app's config to deploy other tags`,
    ),
  },
  {
    rule: "a semver policy refuses a non-semver tag",
    app: caret1,
    current: { tag: "1.0.0" },
    candidate: { tag: "main-42" },
    expected: skip("unreadable", `main-42 ${NOT_SEMVER}`),
  },
  {
    rule: "a version buried in a longer tag is not coerced",
    app: caret1,
    current: { tag: "1.0.0" },
    candidate: { tag: "release-1.5.0" },
    expected: skip("unreadable", `release-1.5.0 ${NOT_SEMVER}`),
  },
  {
    rule: "four-part versions are not semver",
    app: caret1,
    current: { tag: "1.0.0" },
    candidate: { tag: "1.5.0.1" },
    expected: skip("unreadable", `1.5.0.1 ${NOT_SEMVER}`),
  },
  {
    rule: "an uppercase V is not a version prefix",
    app: caret1,
    current: { tag: "1.0.0" },
    candidate: { tag: "V1.5.0" },
    expected: skip("unreadable", `V1.5.0 ${NOT_SEMVER}`),
  },
  {
    rule: "a doubled v prefix is not a version",
    app: caret1,
    current: {},
    candidate: { tag: "vv1.5.0" },
    expected: skip("unreadable", `vv1.5.0 ${NOT_SEMVER}`),
  },
  {
    rule: "a string that is no image tag is refused",
    app: caret1,
    current: {},
    candidate: { tag: "1.5.0 " },
    expected: skip("unreadable", '"1.5.0 " is not a valid image tag'),
  },

  // v streams
  {
    rule: "a v stream moves to a newer v tag",
    app: caret1,
    current: { tag: "v1.2.3" },
    candidate: { tag: "v1.3.0" },
    expected: update("v1.3.0"),
  },
  {
    rule: "a v stream refuses a tag without v",
    app: caret1,
    current: { tag: "v1.2.3" },
    candidate: { tag: "1.3.0" },
    expected: skip("stream", "1.3.0 lacks the v prefix of the deployed v1.2.3; a v stream stays a v stream"),
  },
  {
    rule: "a stream without v refuses a v tag",
    app: caret1,
    current: { tag: "1.2.3" },
    candidate: { tag: "v1.3.0" },
    expected: skip(
      "stream",
      "v1.3.0 has a v prefix that the deployed 1.2.3 lacks; tags without v stay without v",
    ),
  },
  {
    rule: "the stream rule is reported before the downgrade rule",
    app: caret1,
    current: { tag: "v1.4.0" },
    candidate: { tag: "1.3.0" },
    expected: skip("stream", "1.3.0 lacks the v prefix of the deployed v1.4.0; a v stream stays a v stream"),
  },
  {
    rule: "without a deployed tag a v tag is fine",
    app: caret1,
    current: {},
    candidate: { tag: "v1.3.0" },
    expected: update("v1.3.0"),
  },
  {
    rule: "a range written with v admits tags without v",
    app: caretV1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.5.0" },
    expected: update("1.5.0"),
  },
  {
    rule: "a range written with v admits v tags",
    app: caretV1,
    current: { tag: "v1.4.0" },
    candidate: { tag: "v1.5.0" },
    expected: update("v1.5.0"),
  },
  {
    rule: "a range written with v is quoted as written when it refuses",
    app: caretV1,
    current: { tag: "v1.4.0" },
    candidate: { tag: "v2.0.0" },
    expected: skip("outside-policy", "v2.0.0 is outside ^v1.0.0"),
  },

  // pre-releases
  {
    rule: "pre-releases are refused unless the policy allows them",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.5.0-rc.1" },
    expected: skip("prerelease", "1.5.0-rc.1 is a pre-release; set tags.prerelease: true to allow it"),
  },
  {
    rule: "prerelease: true admits a pre-release inside the range",
    app: caret1Pre,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.5.0-rc.1" },
    expected: update("1.5.0-rc.1"),
  },
  {
    rule: "a later release candidate replaces an earlier one",
    app: caret1Pre,
    current: { tag: "1.5.0-rc.1" },
    candidate: { tag: "1.5.0-rc.2" },
    expected: update("1.5.0-rc.2"),
  },
  {
    rule: "an earlier release candidate is older",
    app: caret1Pre,
    current: { tag: "1.5.0-rc.2" },
    candidate: { tag: "1.5.0-rc.1" },
    expected: skip("not-newer", "1.5.0-rc.1 is older than the deployed 1.5.0-rc.2"),
  },
  {
    rule: "the release replaces its own release candidate",
    app: caret1,
    current: { tag: "1.5.0-rc.1" },
    candidate: { tag: "1.5.0" },
    expected: update("1.5.0"),
  },
  {
    rule: "a pre-release of the next major stays outside a caret range",
    app: caret1Pre,
    current: { tag: "1.4.0" },
    candidate: { tag: "2.0.0-rc.1" },
    expected: skip("outside-policy", "2.0.0-rc.1 is outside ^1.0.0"),
  },
  {
    rule: "a pre-release outside the range reports the range, not the pre-release",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "2.0.0-rc.1" },
    expected: skip("outside-policy", "2.0.0-rc.1 is outside ^1.0.0"),
  },

  // loose versions
  {
    rule: "a MAJOR.MINOR tag reads as MAJOR.MINOR.0",
    app: caret1,
    current: { tag: "1.3.0" },
    candidate: { tag: "1.4" },
    expected: update("1.4"),
  },
  {
    rule: "a v-prefixed MAJOR tag reads as MAJOR.0.0",
    app: anyRelease,
    current: { tag: "v1" },
    candidate: { tag: "v2" },
    expected: update("v2"),
  },
  {
    rule: "a short tag is not newer than the full version it stands for",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.4" },
    expected: skip("not-newer", "1.4 is not newer than the deployed 1.4.0"),
  },
  {
    rule: "the full version replaces the short tag that stands for it",
    app: caret1,
    current: { tag: "1.4" },
    candidate: { tag: "1.4.0" },
    expected: update("1.4.0"),
  },
  {
    rule: "a short tag older than the deployed patch release is refused",
    app: caret1,
    current: { tag: "1.4.1" },
    candidate: { tag: "1.4" },
    expected: skip("not-newer", "1.4 is older than the deployed 1.4.1"),
  },
  {
    rule: "a short tag outside the range is refused",
    app: caret1,
    current: { tag: "1.4.1" },
    candidate: { tag: "2" },
    expected: skip("outside-policy", "2 is outside ^1.0.0"),
  },
  {
    rule: "x-ranges are not versions",
    app: caret1,
    current: { tag: "1.4.1" },
    candidate: { tag: "1.4.x" },
    expected: skip("unreadable", `1.4.x ${NOT_SEMVER}`),
  },
  {
    rule: "a leading zero is not a version",
    app: caret1,
    current: { tag: "1.4.1" },
    candidate: { tag: "1.05" },
    expected: skip("unreadable", `1.05 ${NOT_SEMVER}`),
  },

  // deployed tags the policy cannot read, or outside the range
  {
    rule: "a deployed tag above the range still blocks a downgrade",
    app: caret1,
    current: { tag: "2.0.0" },
    candidate: { tag: "1.5.0" },
    expected: skip("not-newer", "1.5.0 is older than the deployed 2.0.0"),
  },
  {
    rule: "a deployed pre-release above the range still blocks a downgrade",
    app: caret1,
    current: { tag: "2.0.0-rc.1" },
    candidate: { tag: "1.9.0" },
    expected: skip("not-newer", "1.9.0 is older than the deployed 2.0.0-rc.1"),
  },
  {
    rule: "a deployed tag below the range is replaced",
    app: caret1,
    current: { tag: "0.9.0" },
    candidate: { tag: "1.0.0" },
    expected: update("1.0.0"),
  },
  {
    rule: "a deployed mutable tag does not block a versioned one",
    app: caret1,
    current: { tag: "latest" },
    candidate: { tag: "1.5.0" },
    expected: update("1.5.0", { note: "replaces the unversioned tag latest" }),
  },
  {
    rule: "a deployed non-semver tag does not block a semver one",
    app: caret1,
    current: { tag: "main-42" },
    candidate: { tag: "v1.5.0" },
    expected: update("v1.5.0", { note: "replaces the unversioned tag main-42" }),
  },
  {
    rule: "a deployed tag outside the pattern does not block a matching one",
    app: build,
    current: { tag: "release-7" },
    candidate: { tag: "main-42-abc1234" },
    expected: update("main-42-abc1234", { note: "replaces the unversioned tag release-7" }),
  },
  {
    rule: "a deployed signature tag does not block an image tag",
    app: caret1,
    current: { tag: `sha256-${HEX64}.sig` },
    candidate: { tag: "1.5.0" },
    expected: update("1.5.0", { note: `replaces the unversioned tag sha256-${HEX64}.sig` }),
  },

  // pattern, numerical
  {
    rule: "a higher build number replaces a lower one",
    app: build,
    current: { tag: "main-41-abc1234" },
    candidate: { tag: "main-42-def5678" },
    expected: update("main-42-def5678"),
  },
  {
    rule: "a lower build number is older, and the reason names the capture",
    app: build,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "main-41-abc1234" },
    expected: skip("not-newer", "main-41-abc1234 is older than the deployed main-42-abc1234 (build 41 < 42)"),
  },
  {
    rule: "numerical order is by value: build 10 follows build 9",
    app: build,
    current: { tag: "main-9-abc1234" },
    candidate: { tag: "main-10-abc1234" },
    expected: update("main-10-abc1234"),
  },
  {
    rule: "20-digit builds beyond 2^53 compare exactly (newer)",
    app: build,
    current: { tag: "main-20240101123456789012-abc1234" },
    candidate: { tag: "main-20240101123456789013-abc1234" },
    expected: update("main-20240101123456789013-abc1234"),
  },
  {
    rule: "20-digit builds beyond 2^53 compare exactly (older)",
    app: build,
    current: { tag: "main-20240101123456789013-abc1234" },
    candidate: { tag: "main-20240101123456789012-abc1234" },
    expected: skip(
      "not-newer",
      "main-20240101123456789012-abc1234 is older than the deployed main-20240101123456789013-abc1234 (build 20240101123456789012 < 20240101123456789013)",
    ),
  },
  {
    rule: "leading zeros do not make a build newer",
    app: build,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "main-042-abc1234" },
    expected: skip(
      "not-newer",
      "main-042-abc1234 is not newer than the deployed main-42-abc1234 (build 042 = 42)",
    ),
  },
  {
    rule: "the same build with another commit is not newer",
    app: build,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "main-42-def5678" },
    expected: skip(
      "not-newer",
      "main-42-def5678 is not newer than the deployed main-42-abc1234 (build 42 = 42)",
    ),
  },
  {
    rule: "a tag that does not match the pattern is refused",
    app: build,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "release-1" },
    expected: skip("outside-policy", `release-1 does not match the pattern ${BUILD_PATTERN}`),
  },
  {
    rule: "the pattern must match the whole tag",
    app: build,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "main-43-abc1234-dirty" },
    expected: skip("outside-policy", `main-43-abc1234-dirty does not match the pattern ${BUILD_PATTERN}`),
  },
  {
    rule: "a non-numeric capture cannot be ordered numerically",
    app: alnumBuild,
    current: { tag: "build-1" },
    candidate: { tag: "build-x1" },
    expected: skip("unreadable", 'build-x1 cannot be ordered numerically: n "x1" is not a whole number'),
  },
  {
    rule: "without by, the first named group orders",
    app: datedBuild,
    current: { tag: "20240102-1" },
    candidate: { tag: "20240101-99" },
    expected: skip(
      "not-newer",
      "20240101-99 is older than the deployed 20240102-1 (date 20240101 < 20240102)",
    ),
  },
  {
    rule: "without named groups, the first numbered group orders",
    app: numberedGroup,
    current: { tag: "build-10" },
    candidate: { tag: "build-9" },
    expected: skip("not-newer", "build-9 is older than the deployed build-10 (group 1: 9 < 10)"),
  },
  {
    rule: "a numbered group orders numerically",
    app: numberedGroup,
    current: { tag: "build-9" },
    candidate: { tag: "build-10" },
    expected: update("build-10"),
  },
  {
    rule: "without groups, the whole tag orders",
    app: wholeNumber,
    current: { tag: "10" },
    candidate: { tag: "9" },
    expected: skip("not-newer", "9 is older than the deployed 10"),
  },
  {
    rule: "a by group that took no part in the match cannot order",
    app: optionalBuild,
    current: { tag: "build-1" },
    candidate: { tag: "build" },
    expected: skip("unreadable", "build has no n capture to order by"),
  },
  {
    rule: "a by naming a group the pattern lacks is reported",
    app: wrongBy,
    current: {},
    candidate: { tag: "build-1" },
    expected: skip(
      "unreadable",
      "build-1 cannot be ordered: the pattern has no capture group named num (tags.by)",
    ),
  },

  // pattern, alphabetical
  {
    rule: "alphabetical order puts a later timestamp after an earlier one",
    app: stamped,
    current: { tag: "20240101T000000-abc1234" },
    candidate: { tag: "20240102T000000-abc1234" },
    expected: update("20240102T000000-abc1234"),
  },
  {
    rule: "alphabetical order refuses an earlier timestamp",
    app: stamped,
    current: { tag: "20240102T000000-abc1234" },
    candidate: { tag: "20240101T235959-abc1234" },
    expected: skip(
      "not-newer",
      "20240101T235959-abc1234 is older than the deployed 20240102T000000-abc1234 (stamp 20240101T235959 < 20240102T000000)",
    ),
  },

  // pattern, semver
  {
    rule: "semver order on a capture is by version, not text",
    app: release,
    current: { tag: "release-1.9.0" },
    candidate: { tag: "release-1.10.0" },
    expected: update("release-1.10.0"),
  },
  {
    rule: "semver order on a capture refuses an older version",
    app: release,
    current: { tag: "release-1.10.0" },
    candidate: { tag: "release-1.9.0" },
    expected: skip(
      "not-newer",
      "release-1.9.0 is older than the deployed release-1.10.0 (version 1.9.0 < 1.10.0)",
    ),
  },
  {
    rule: "a pattern policy admits the pre-releases its pattern matches",
    app: release,
    current: { tag: "release-1.9.0" },
    candidate: { tag: "release-1.10.0-rc.1" },
    expected: update("release-1.10.0-rc.1"),
  },
  {
    rule: "a short version capture is the same version as the full one, not an older one",
    app: looseRelease,
    current: { tag: "release-1.4.0" },
    candidate: { tag: "release-1.4" },
    expected: skip(
      "not-newer",
      "release-1.4 is not newer than the deployed release-1.4.0 (version 1.4 = 1.4.0)",
    ),
  },
  {
    rule: "a capture that is not semver cannot be ordered as semver",
    app: looseRelease,
    current: { tag: "release-1.2.3" },
    candidate: { tag: "release-1.2.3.4" },
    expected: skip(
      "unreadable",
      `release-1.2.3.4 cannot be ordered as semver: version "1.2.3.4" ${NOT_SEMVER}`,
    ),
  },
  {
    rule: "a pattern policy does not apply the v stream rule",
    app: release,
    current: { tag: "release-v1.9.0" },
    candidate: { tag: "release-1.10.0" },
    expected: update("release-1.10.0"),
  },

  // mutable tags
  {
    rule: "a mutable tag is refused without digest pinning",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "latest" },
    expected: skip("mutable", "latest is a mutable tag; set digest: pin to deploy it by digest"),
  },
  {
    rule: "a mutable tag in other letter case is still mutable",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "Main" },
    expected: skip("mutable", "Main is a mutable tag; set digest: pin to deploy it by digest"),
  },
  {
    rule: "a mutable tag carrying a digest still needs the app to pin digests",
    app: latestUnpinned,
    current: { tag: "latest" },
    candidate: { tag: "latest", digest: DB },
    expected: skip("mutable", "latest is a mutable tag; set digest: pin to deploy it by digest"),
  },
  {
    rule: "a pattern that names mutable tags still needs the digest pin",
    app: branches,
    current: {},
    candidate: { tag: "develop" },
    expected: skip("mutable", "develop is a mutable tag; set digest: pin to deploy it by digest"),
  },
  {
    rule: "a pinning app refuses a mutable tag that came without a digest",
    app: latestPinned,
    current: { tag: "latest", digest: DA },
    candidate: { tag: "latest" },
    expected: skip("mutable", "latest is a mutable tag and the event carried no digest to pin it"),
  },
  {
    rule: "a pinned mutable tag follows its new digest",
    app: latestPinned,
    current: { tag: "latest", digest: DA },
    candidate: { tag: "latest", digest: DB },
    expected: update("latest", {
      digest: DB,
      note: "rebuilt image: latest now points to sha256:bbbbbbbbbbbb (was sha256:aaaaaaaaaaaa)",
    }),
  },
  {
    rule: "a pinned mutable tag must still satisfy the policy",
    app: caret1Pinned,
    current: { tag: "1.4.0", digest: DA },
    candidate: { tag: "latest", digest: DB },
    expected: skip("unreadable", `latest ${NOT_SEMVER}`),
  },

  // signatures and attestations
  {
    rule: "a cosign signature tag is ignored",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: `sha256-${HEX64}.sig` },
    expected: skip("signature", "sha256-0123456789ab….sig is a signature or attestation tag, not an image"),
  },
  {
    rule: "an attestation tag is ignored even by a pattern that matches anything",
    app: anything,
    current: { tag: "x" },
    candidate: { tag: `sha256-${HEX64}.att` },
    expected: skip("signature", "sha256-0123456789ab….att is a signature or attestation tag, not an image"),
  },
  {
    rule: "an SBOM tag is ignored",
    app: anything,
    current: {},
    candidate: { tag: `sha256-${HEX64}.sbom` },
    expected: skip("signature", "sha256-0123456789ab….sbom is a signature or attestation tag, not an image"),
  },
  {
    rule: "an OCI referrers fallback tag is ignored",
    app: anything,
    current: {},
    candidate: { tag: `sha256-${HEX64}` },
    expected: skip("signature", "sha256-0123456789ab… is a signature or attestation tag, not an image"),
  },
  {
    rule: "a short-sha tag is an image, not a signature",
    app: shortSha,
    current: {},
    candidate: { tag: "sha-abc1234" },
    expected: update("sha-abc1234"),
  },

  // digests
  {
    rule: "a pinning app follows a rebuilt image under the same tag",
    app: buildPinned,
    current: { tag: "main-42-abc1234", digest: DA },
    candidate: { tag: "main-42-abc1234", digest: DB },
    expected: update("main-42-abc1234", {
      digest: DB,
      note: "rebuilt image: main-42-abc1234 now points to sha256:bbbbbbbbbbbb (was sha256:aaaaaaaaaaaa)",
    }),
  },
  {
    rule: "a reference that carries a digest follows a rebuilt image without pinning config",
    app: caret1,
    current: { tag: "1.4.0", digest: DA },
    candidate: { tag: "1.4.0", digest: DB },
    expected: update("1.4.0", {
      digest: DB,
      note: "rebuilt image: 1.4.0 now points to sha256:bbbbbbbbbbbb (was sha256:aaaaaaaaaaaa)",
    }),
  },
  {
    rule: "a pinning app adds the digest to a reference that lacks it",
    app: buildPinned,
    current: { tag: "main-42-abc1234" },
    candidate: { tag: "main-42-abc1234", digest: DA },
    expected: update("main-42-abc1234", {
      digest: DA,
      note: "pins main-42-abc1234 to its digest sha256:aaaaaaaaaaaa",
    }),
  },
  {
    rule: "a new digest under the same tag is ignored when nothing pins digests",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.4.0", digest: DB },
    expected: skip("already-current", "1.4.0 is already deployed"),
  },
  {
    rule: "the same tag and digest is already current",
    app: buildPinned,
    current: { tag: "main-42-abc1234", digest: DA },
    candidate: { tag: "main-42-abc1234", digest: DA },
    expected: skip("already-current", "main-42-abc1234 is already deployed"),
  },
  {
    rule: "a pinning app writes the new tag with its digest",
    app: buildPinned,
    current: { tag: "main-41-abc1234", digest: DA },
    candidate: { tag: "main-42-abc1234", digest: DB },
    expected: update("main-42-abc1234", { digest: DB }),
  },
  {
    rule: "a pinning app refuses a candidate without a digest",
    app: buildPinned,
    current: { tag: "main-41-abc1234", digest: DA },
    candidate: { tag: "main-42-abc1234" },
    expected: skip("missing-digest", "digest pinning needs the digest; the event carried none"),
  },
  {
    rule: "a pinning app reports the policy before the missing digest",
    app: buildPinned,
    current: { tag: "main-41-abc1234", digest: DA },
    candidate: { tag: "release-1" },
    expected: skip("outside-policy", `release-1 does not match the pattern ${BUILD_PATTERN}`),
  },
  {
    rule: "a reference that carries a digest refuses a new tag without one",
    app: caret1,
    current: { tag: "1.4.0", digest: DA },
    candidate: { tag: "1.5.0" },
    expected: skip(
      "missing-digest",
      "the deployed reference pins a digest, so the new tag needs one; the event carried none",
    ),
  },
  {
    rule: "a reference that carries a digest gets the new tag's digest",
    app: caret1,
    current: { tag: "1.4.0", digest: DA },
    candidate: { tag: "1.5.0", digest: DB },
    expected: update("1.5.0", { digest: DB }),
  },
  {
    rule: "a reference without a digest stays without one when nothing pins digests",
    app: caret1,
    current: { tag: "1.4.0" },
    candidate: { tag: "1.5.0", digest: DB },
    expected: update("1.5.0"),
  },
  {
    rule: "a malformed candidate digest is refused",
    app: buildPinned,
    current: {},
    candidate: { tag: "main-42-abc1234", digest: "sha256:abc" },
    expected: skip("unreadable", 'the digest "sha256:abc" is not sha256: and 64 lowercase hex digits'),
  },
];

describe("decideTag", () => {
  it.each(rows)("$rule", ({ app, current, candidate, expected }) => {
    expect(decideTag(app, current, candidate)).toEqual(expected);
  });

  it.each([...MUTABLE_TAGS])("refuses the mutable tag %s without a digest pin", (tag) => {
    expect(decideTag(caret1, { tag: "1.0.0" }, { tag })).toMatchObject({ kind: "skip", code: "mutable" });
    expect(decideTag(caret1, { tag: "1.0.0" }, { tag: tag.toUpperCase() })).toMatchObject({
      kind: "skip",
      code: "mutable",
    });
  });
});

describe("acceptTag", () => {
  it("accepts a tag inside the policy whatever is deployed", () => {
    expect(acceptTag(caret1, { tag: "1.0.0" })).toEqual({ ok: true });
  });

  it("refuses with the same code and reason as decideTag", () => {
    expect(acceptTag(caret1, { tag: "2.0.0" })).toEqual({
      ok: false,
      code: "outside-policy",
      reason: "2.0.0 is outside ^1.0.0",
    });
  });

  it("needs the digest when the app pins digests", () => {
    expect(acceptTag(buildPinned, { tag: "main-1-abc1234" })).toMatchObject({
      ok: false,
      code: "missing-digest",
    });
    expect(acceptTag(buildPinned, { tag: "main-1-abc1234", digest: DA })).toEqual({ ok: true });
  });
});

describe("isMutableTag and isSignatureTag", () => {
  it.each([
    ["latest", true],
    ["LATEST", true],
    ["trunk", true],
    ["mainline", false],
    ["latest-1", false],
    ["1.0.0", false],
  ])("isMutableTag(%s) is %s", (tag, expected) => {
    expect(isMutableTag(tag)).toBe(expected);
  });

  it.each([
    [`sha256-${HEX64}.sig`, true],
    [`sha256-${HEX64}.att`, true],
    [`sha256-${HEX64}.sbom`, true],
    [`sha256-${HEX64}`, true],
    [`sha256-${HEX64.toUpperCase()}.sig`, true],
    [`sha256-abc.custom`, true],
    [`sha512-${HEX64}${HEX64}`, true],
    ["sha256-abc", false],
    ["sha-abc1234", false],
    ["1.0.0.sig", false],
  ])("isSignatureTag(%s) is %s", (tag, expected) => {
    expect(isSignatureTag(tag)).toBe(expected);
  });
});

describe("compareTags", () => {
  it.each<[string, App, string, string, number | undefined]>([
    ["semver by version", caret1, "1.2.0", "1.10.0", -1],
    ["semver ignoring the range", caret1, "2.0.0", "1.0.0", 1],
    ["a pre-release before its release", caret1, "1.0.0-rc.1", "1.0.0", -1],
    ["v and plain tags of one version as equal", caret1, "v1.2.0", "1.2.0", 0],
    ["a short tag before the full version", caret1, "1.4", "1.4.0", -1],
    ["a MAJOR tag before MAJOR.MINOR", caret1, "1", "1.0", -1],
    ["an unreadable tag as unorderable", caret1, "latest", "1.0.0", undefined],
    ["a signature tag as unorderable", anything, `sha256-${HEX64}.sig`, "a", undefined],
    ["build numbers numerically", build, "main-9-abc1234", "main-10-abc1234", -1],
    [
      "20-digit build numbers exactly",
      build,
      "main-99999999999999999999-abc1234",
      "main-99999999999999999998-abc1234",
      1,
    ],
    ["a tag outside the pattern as unorderable", build, "main-9-abc1234", "release-10", undefined],
    ["alphabetical by code unit: uppercase before lowercase", letters, "B", "a", -1],
    ["alphabetical by code unit: 10 before 9", letters, "10", "9", -1],
    ["alphabetical equal tags as equal", letters, "abc", "abc", 0],
  ])("orders %s", (_what, app, a, b, expected) => {
    const order = compareTags(app, a, b);
    expect(order === undefined ? undefined : Math.sign(order)).toBe(expected);
  });
});

describe("newestTag", () => {
  const mixed = [
    "1.2.0",
    "1.10.0",
    "2.0.0",
    "1.11.0-rc.1",
    "latest",
    `sha256-${HEX64}.sig`,
    "v1.9.0",
    "main-4",
  ];

  it.each<[string, App, readonly string[], string | undefined]>([
    ["the newest release inside the range", caret1, mixed, "1.10.0"],
    ["a newer pre-release when pre-releases are allowed", caret1Pre, mixed, "1.11.0-rc.1"],
    ["the newest of any release by default", anyRelease, mixed, "2.0.0"],
    [
      "the highest build matching the pattern",
      build,
      ["main-9-abc1234", "main-10-abc1234", "release-11"],
      "main-10-abc1234",
    ],
    ["the full version over the short tags published with it", caret1, ["1.5", "1.5.0", "1"], "1.5.0"],
    ["nothing when no tag is acceptable", caret1, ["latest", "main", "3.0.0"], undefined],
    ["nothing from an empty list", caret1, [], undefined],
    ["no mutable tag, since a list carries no digests", latestPinned, ["latest"], undefined],
  ])("picks %s", (_what, app, tags, expected) => {
    expect(newestTag(app, tags)).toBe(expected);
  });

  it("breaks ties the same way whatever the list order", () => {
    expect(newestTag(caret1, ["v1.2.0", "1.2.0"])).toBe("v1.2.0");
    expect(newestTag(caret1, ["1.2.0", "v1.2.0"])).toBe("v1.2.0");
  });
});

describe("describePolicy", () => {
  const long = `^${"a".repeat(70)}$`;
  it.each<[string, App, string]>([
    ["the default policy", anyRelease, "semver * (the default: any release)"],
    ["a semver range", caret1, "semver ^1.0.0"],
    ["a semver range as written", caretV1, "semver ^v1.0.0"],
    ["a semver range with pre-releases", caret1Pre, "semver ^1.0.0 with pre-releases"],
    ["digest pinning", caret1Pinned, "semver ^1.0.0, digest pinned"],
    [
      "a pattern ordered by a named group",
      buildPinned,
      `pattern ${BUILD_PATTERN} by build, numerical, digest pinned`,
    ],
    [
      "the first named group when by is absent",
      datedBuild,
      String.raw`pattern ^(?<date>\d{8})-(?<build>\d+)$ by date, numerical`,
    ],
    ["a pattern without named groups", numberedGroup, String.raw`pattern ^build-(\d+)$, numerical`],
    [
      "semver order on a capture",
      release,
      String.raw`pattern ^release-(?<version>v?\d+\.\d+\.\d+(?:-[0-9a-z.]+)?)$ by version, semver`,
    ],
    [
      "a long pattern, shortened",
      { image, tags: { pattern: long, order: "alphabetical" } },
      `pattern ${long.slice(0, 59)}…, alphabetical`,
    ],
  ])("describes %s", (_what, app, expected) => {
    expect(describePolicy(app)).toEqual(expected);
  });
});
