import semver, { type SemVer } from "semver";
import type { App } from "../config/schema.js";
import { isDigest, isTag } from "./image-ref.js";
import { compileUserPattern, type UserRegex } from "./user-regex.js";

/**
 * The tag policy: which image tags Stagecoach may deploy, and whether a published tag should replace the
 * one deployed now. Pure: values in, decisions out, and every refusal carries a reason for the user.
 *
 * Decisions made here where the product rules leave room:
 * - Semver policies read `1.2.3`, `v1.2.3` and, because users really tag that way, `1.4` and `v2` when
 *   they are the whole tag (read as 1.4.0 and 2.0.0). Anything looser (`main-42`, `1.4.x`, `V1.2.3`) is
 *   not a version: `semver.coerce` would read `main-42` as 42.0.0.
 * - A loose tag and the full version it stands for are the same version, but the more precise tag wins
 *   (`1.5` < `1.5.0`): registries publish `1.5.0`, `1.5` and `1` together, in any order, and the
 *   deployment must end on `1.5.0`, not on the floating `1.5`.
 * - The `v` stream rule applies to semver policies; a pattern policy's pattern already says what a tag
 *   looks like. A pattern policy admits pre-releases when its pattern matches them.
 * - A reference that pins a digest keeps pinning one: a new tag without a digest is refused rather than
 *   written beside the old digest (which would keep deploying the old image) or written unpinned.
 * - Strings that are not valid OCI tags are never read as versions (they cannot have come from a registry).
 */

export type SkipCode =
  | "signature"
  | "mutable"
  | "outside-policy"
  | "prerelease"
  | "stream"
  | "not-newer"
  | "already-current"
  | "missing-digest"
  | "unreadable";

export type TagDecision =
  | { readonly kind: "update"; readonly tag: string; readonly digest?: string; readonly note?: string }
  | { readonly kind: "skip"; readonly code: SkipCode; readonly reason: string };

export interface TagState {
  readonly tag?: string;
  readonly digest?: string;
}

export interface Candidate {
  readonly tag: string;
  readonly digest?: string;
}

export interface TagRefusal {
  readonly ok: false;
  readonly code: SkipCode;
  readonly reason: string;
}

export type TagAcceptance = { readonly ok: true } | TagRefusal;

/** Tags that registries move from image to image; deployable only when a digest pins the exact image. */
export const MUTABLE_TAGS: ReadonlySet<string> = new Set([
  "latest",
  "main",
  "master",
  "stable",
  "edge",
  "nightly",
  "dev",
  "develop",
  "head",
  "canary",
  "trunk",
]);

/** Is the tag one that registries move (`latest`, `main`, …), in any letter case? */
export function isMutableTag(tag: string): boolean {
  return MUTABLE_TAGS.has(tag.toLowerCase());
}

// cosign / notation signatures, attestations and SBOMs (`sha256-<hex>.sig|.att|.sbom|…`) and the OCI
// referrers fallback tag (`sha256-<64 hex>`): artefacts about an image, never an image to deploy.
const SIGNATURE_TAG = /^sha(?:256|512)-[0-9a-f]+\..*$|^sha256-[0-9a-f]{64}$|^sha512-[0-9a-f]{128}$/i;

/** Is the tag a signature, attestation or SBOM tag rather than an image? */
export function isSignatureTag(tag: string): boolean {
  return SIGNATURE_TAG.test(tag);
}

// ---------------------------------------------------------------------------------------------------
// Reading policies and tags
// ---------------------------------------------------------------------------------------------------

type Order = "numerical" | "alphabetical" | "semver";

interface SemverPolicy {
  readonly kind: "semver";
  /** The range as the user wrote it, for messages. */
  readonly written: string;
  readonly range: semver.Range;
  readonly prerelease: boolean;
  /** No `tags` in the config: any semver release. */
  readonly isDefault: boolean;
}

interface PatternPolicy {
  readonly kind: "pattern";
  readonly regex: UserRegex;
  readonly order: Order;
  /** The named group that orders tags; `undefined`: the first numbered group, else the whole tag. */
  readonly orderBy: string | undefined;
  /** Why no tag can be ordered (a `by` naming a group the pattern lacks), if so. */
  readonly problem: string | undefined;
}

type Policy = SemverPolicy | PatternPolicy;

type OrderKey =
  | {
      readonly kind: "version";
      readonly version: SemVer;
      readonly precision: number;
      readonly prefix: string;
    }
  | { readonly kind: "number"; readonly value: bigint }
  | { readonly kind: "text"; readonly value: string };

interface Capture {
  /** The named group, or `undefined` for the first numbered group. */
  readonly name: string | undefined;
  readonly text: string;
}

interface ReadTag {
  readonly ok: true;
  readonly key: OrderKey;
  /** The capture that ordered the tag, for messages; absent when the whole tag did. */
  readonly capture: Capture | undefined;
}

const CACHE_LIMIT = 100;
const regexCache = new Map<string, UserRegex>();
const rangeCache = new Map<string, semver.Range>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  // Configs hold a handful of policies; the limit only keeps a long-lived process from growing forever.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, made);
  return made;
}

const DEFAULT_RANGE = "*";

function policyOf(app: App): Policy {
  const tags = app.tags;
  if (tags === undefined || "semver" in tags) {
    const written = tags?.semver ?? DEFAULT_RANGE;
    // Same normalisation as the config schema: `^v1.2`, `>=v2 <v3` are ranges over versions.
    const range = cached(
      rangeCache,
      written,
      () => new semver.Range(written.replace(/(^|\s|[<>=~^])v(?=\d)/g, "$1"), { includePrerelease: true }),
    );
    return {
      kind: "semver",
      written,
      range,
      prerelease: tags?.prerelease ?? false,
      isDefault: tags === undefined,
    };
  }
  const regex = cached(regexCache, tags.pattern, () => compileUserPattern(tags.pattern));
  // Named groups are listed in the order they appear in the pattern, so [0] is the first.
  const orderBy = tags.by ?? regex.groupNames[0];
  const problem =
    orderBy === undefined || regex.groupNames.includes(orderBy)
      ? undefined
      : `the pattern has no capture group named ${orderBy} (tags.by)`;
  return { kind: "pattern", regex, order: tags.order, orderBy, problem };
}

const LOOSE_VERSION = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;

/**
 * Reads `1.2.3`, `1.2.3-rc.1`, `v1.2.3`, and the whole-tag short forms `1.4` (1.4.0) and `v2` (2.0.0).
 * `precision` counts the numbers written, so a full version outranks the short tag that stands for it.
 */
function readVersion(text: string): OrderKey | undefined {
  const prefix = text.startsWith("v") ? "v" : "";
  const body = text.slice(prefix.length);
  // semver.parse would also take a second `v` or surrounding white space; a tag has neither.
  if (!/^\d/.test(body)) return undefined;
  const loose = LOOSE_VERSION.exec(body);
  if (loose !== null) {
    const [, major = "0", minor] = loose;
    const version = semver.parse(`${major}.${minor ?? "0"}.0`);
    return version === null
      ? undefined
      : { kind: "version", version, precision: minor === undefined ? 1 : 2, prefix };
  }
  const version = semver.parse(body);
  return version === null ? undefined : { kind: "version", version, precision: 3, prefix };
}

function refusal(code: SkipCode, reason: string): TagRefusal {
  return { ok: false, code, reason };
}

const VERSION_HINT = "like 1.4.0 or v1.4.0";

/** Reads a tag's order key under the policy, ignoring range, pre-release and mutability rules. */
function readTag(policy: Policy, tag: string): ReadTag | TagRefusal {
  if (!isTag(tag)) return refusal("unreadable", `${JSON.stringify(tag)} is not a valid image tag`);
  if (isSignatureTag(tag)) {
    return refusal("signature", `${abbreviateHex(tag)} is a signature or attestation tag, not an image`);
  }
  if (policy.kind === "semver") {
    const key = readVersion(tag);
    if (key !== undefined) return { ok: true, key, capture: undefined };
    const hint = policy.isDefault ? "; set tags.pattern in the app's config to deploy other tags" : "";
    return refusal("unreadable", `${tag} is not a semver version ${VERSION_HINT}${hint}`);
  }
  const match = policy.regex.match(tag);
  if (match === undefined) {
    return refusal("outside-policy", `${tag} does not match the pattern ${policy.regex.source}`);
  }
  if (policy.problem !== undefined)
    return refusal("unreadable", `${tag} cannot be ordered: ${policy.problem}`);
  let capture: Capture | undefined;
  if (policy.orderBy !== undefined || match.captures.length > 0) {
    const name = policy.orderBy;
    const text = name === undefined ? match.captures[0] : match.groups[name];
    if (text === undefined)
      return refusal("unreadable", `${tag} has no ${name ?? "group 1"} capture to order by`);
    capture = { name, text };
  }
  const text = capture?.text ?? tag;
  const subject = capture === undefined ? "the tag" : `${capture.name ?? "group 1"} ${JSON.stringify(text)}`;
  switch (policy.order) {
    case "numerical":
      // Build numbers outgrow 2^53; BigInt compares them exactly, and `007` is 7.
      if (!/^[0-9]+$/.test(text)) {
        return refusal(
          "unreadable",
          `${tag} cannot be ordered numerically: ${subject} is not a whole number`,
        );
      }
      return { ok: true, key: { kind: "number", value: BigInt(text) }, capture };
    case "alphabetical":
      return { ok: true, key: { kind: "text", value: text }, capture };
    case "semver": {
      const key = readVersion(text);
      if (key === undefined) {
        return refusal(
          "unreadable",
          `${tag} cannot be ordered as semver: ${subject} is not a semver version ${VERSION_HINT}`,
        );
      }
      return { ok: true, key, capture };
    }
  }
}

/** The range and pre-release rules of a semver policy, for a tag `readTag` could read. */
function admit(policy: Policy, tag: string, read: ReadTag): TagRefusal | undefined {
  if (policy.kind !== "semver" || read.key.kind !== "version") return undefined;
  const version = read.key.version;
  if (!policy.range.test(version)) return refusal("outside-policy", `${tag} is outside ${policy.written}`);
  if (version.prerelease.length > 0 && !policy.prerelease) {
    const how = policy.isDefault ? 'tags: { semver: "*", prerelease: true }' : "tags.prerelease: true";
    return refusal("prerelease", `${tag} is a pre-release; set ${how} to allow it`);
  }
  return undefined;
}

/** Everything about a tag that does not depend on what is deployed; `digest` is the candidate's. */
function check(app: App, tag: string, digest: string | undefined): ReadTag | TagRefusal {
  const policy = policyOf(app);
  if (isMutableTag(tag)) {
    // Checked before the policy: "latest is not a semver version" would hide the real problem.
    if (app.digest !== "pin") {
      return refusal("mutable", `${tag} is a mutable tag; set digest: pin to deploy it by digest`);
    }
    if (digest === undefined) {
      return refusal("mutable", `${tag} is a mutable tag and the event carried no digest to pin it`);
    }
  }
  const read = readTag(policy, tag);
  if (!read.ok) return read;
  return admit(policy, tag, read) ?? read;
}

/** Compares what two keys stand for: `1.4` and `1.4.0` are the same version. */
function compareValues(a: OrderKey, b: OrderKey): number {
  if (a.kind === "version" && b.kind === "version") return semver.compare(a.version, b.version);
  if (a.kind === "number" && b.kind === "number") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === "text" && b.kind === "text") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  // One policy gives one kind of key; mixed kinds cannot happen.
  return 0;
}

/** `compareValues`, then the more precisely written version wins (`1.4` < `1.4.0`). */
function compareKeys(a: OrderKey, b: OrderKey): number {
  const precision = a.kind === "version" && b.kind === "version" ? Math.sign(a.precision - b.precision) : 0;
  return compareValues(a, b) || precision;
}

// ---------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------

/** Is this tag deployable at all under the app's policy (ignoring what is deployed now)? */
export function acceptTag(app: App, candidate: Candidate): TagAcceptance {
  if (candidate.digest !== undefined && !isDigest(candidate.digest)) {
    return refusal(
      "unreadable",
      `the digest ${JSON.stringify(candidate.digest)} is not sha256: and 64 lowercase hex digits`,
    );
  }
  const read = check(app, candidate.tag, candidate.digest);
  if (!read.ok) return read;
  if (app.digest === "pin" && candidate.digest === undefined) {
    return refusal("missing-digest", "digest pinning needs the digest; the event carried none");
  }
  return { ok: true };
}

/**
 * Should the reference that currently holds `current` move to `candidate`? An update's `digest` is the
 * digest to write (absent: write the tag alone); it is set when the app pins digests or the reference
 * already carries one.
 */
export function decideTag(app: App, current: TagState, candidate: Candidate): TagDecision {
  const accepted = acceptTag(app, candidate);
  if (!accepted.ok) return { kind: "skip", code: accepted.code, reason: accepted.reason };

  const writesDigest = app.digest === "pin" || current.digest !== undefined;
  const update = (note?: string): TagDecision => ({
    kind: "update",
    tag: candidate.tag,
    ...(writesDigest && candidate.digest !== undefined && { digest: candidate.digest }),
    ...(note !== undefined && { note }),
  });

  if (current.tag === candidate.tag) {
    if (writesDigest && candidate.digest !== undefined && candidate.digest !== current.digest) {
      return update(
        current.digest === undefined
          ? `pins ${candidate.tag} to its digest ${shortDigest(candidate.digest)}`
          : `rebuilt image: ${candidate.tag} now points to ${shortDigest(candidate.digest)} (was ${shortDigest(current.digest)})`,
      );
    }
    return { kind: "skip", code: "already-current", reason: `${candidate.tag} is already deployed` };
  }
  if (writesDigest && candidate.digest === undefined) {
    return {
      kind: "skip",
      code: "missing-digest",
      reason: "the deployed reference pins a digest, so the new tag needs one; the event carried none",
    };
  }
  if (current.tag === undefined) return update();

  const policy = policyOf(app);
  const now = isMutableTag(current.tag) ? undefined : readTag(policy, current.tag);
  // A deployed tag the policy cannot order (latest, a branch build under a semver policy) never blocks.
  if (now === undefined || !now.ok) return update(`replaces the unversioned tag ${current.tag}`);
  const next = readTag(policy, candidate.tag);
  if (!next.ok) return { kind: "skip", code: next.code, reason: next.reason };

  if (policy.kind === "semver" && next.key.kind === "version" && now.key.kind === "version") {
    if (next.key.prefix !== now.key.prefix) {
      return {
        kind: "skip",
        code: "stream",
        reason:
          now.key.prefix === "v"
            ? `${candidate.tag} lacks the v prefix of the deployed ${current.tag}; a v stream stays a v stream`
            : `${candidate.tag} has a v prefix that the deployed ${current.tag} lacks; tags without v stay without v`,
      };
    }
  }
  const order = compareKeys(next.key, now.key);
  if (order > 0) return update();
  // `1.4` sorts below `1.4.0` only so that the precise tag wins; it is the same version, not an older one.
  const older = compareValues(next.key, now.key) < 0;
  const detail = captureDetail(next.capture, now.capture, older ? "<" : "=");
  return {
    kind: "skip",
    code: "not-newer",
    reason: older
      ? `${candidate.tag} is older than the deployed ${current.tag}${detail}`
      : `${candidate.tag} is not newer than the deployed ${current.tag}${detail}`,
  };
}

/**
 * Orders two tags under the policy (negative: `a` is older); `undefined` when either cannot be ordered
 * (not matching / unreadable). Orders by version only: range, pre-release and mutability rules are
 * `acceptTag`'s. Alphabetical order is UTF-16 code-unit order, so `B` < `a` and `10` < `9`.
 */
export function compareTags(app: App, a: string, b: string): number | undefined {
  const policy = policyOf(app);
  const left = readTag(policy, a);
  const right = readTag(policy, b);
  if (!left.ok || !right.ok) return undefined;
  return compareKeys(left.key, right.key);
}

/**
 * The newest acceptable tag of a list (for rollback/status); undefined when none is acceptable. A list
 * of tags carries no digests, so mutable tags (deployable only with a digest) are never chosen, and
 * fetching the chosen tag's digest for a pinning app is the caller's business. Ties (`v1.2.0` and
 * `1.2.0`) go to the later tag in code-unit order, so the answer does not depend on the list's order.
 */
export function newestTag(app: App, tags: readonly string[]): string | undefined {
  let best: { readonly tag: string; readonly key: OrderKey } | undefined;
  for (const tag of tags) {
    const read = check(app, tag, undefined);
    if (!read.ok) continue;
    const order = best === undefined ? 1 : compareKeys(read.key, best.key);
    if (best === undefined || order > 0 || (order === 0 && tag > best.tag)) best = { tag, key: read.key };
  }
  return best?.tag;
}

const DESCRIBED_PATTERN_LIMIT = 60;

/** A short human description of the policy: "semver ^1.0.0", "pattern ^main-(?<build>\d+)… by build, numerical". */
export function describePolicy(app: App): string {
  const policy = policyOf(app);
  const pin = app.digest === "pin" ? ", digest pinned" : "";
  if (policy.kind === "semver") {
    const what = policy.isDefault ? "semver * (the default: any release)" : `semver ${policy.written}`;
    return `${what}${policy.prerelease ? " with pre-releases" : ""}${pin}`;
  }
  const source = policy.regex.source;
  const shown =
    source.length > DESCRIBED_PATTERN_LIMIT ? `${source.slice(0, DESCRIBED_PATTERN_LIMIT - 1)}…` : source;
  // Without a named group the order goes by the first group or, lacking one, the whole tag.
  const by = policy.orderBy === undefined ? "" : ` by ${policy.orderBy}`;
  return `pattern ${shown}${by}, ${policy.order}${pin}`;
}

/** ` (build 41 < 42)`, ` (group 1: 41 < 42)`; nothing when whole tags were compared. */
function captureDetail(next: Capture | undefined, now: Capture | undefined, relation: string): string {
  if (next === undefined || now === undefined) return "";
  const label = next.name ?? "group 1:";
  return ` (${label} ${next.text} ${relation} ${now.text})`;
}

function shortDigest(digest: string): string {
  return digest.slice(0, "sha256:".length + 12);
}

function abbreviateHex(tag: string): string {
  return tag.replace(/^(sha(?:256|512)-[0-9a-f]{12})[0-9a-f]+/i, "$1…");
}
