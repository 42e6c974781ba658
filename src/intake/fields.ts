import { z } from "zod";
import { BadInput, InvalidImageReference } from "../core/errors.js";
import { isDigest, isTag, normaliseImageName, splitImageRef } from "../core/image-ref.js";

/**
 * Field checks shared by every intake source. Whatever leaves this module ends up in branch names, commit
 * messages and Markdown, so every string is length-capped and free of control characters, and names,
 * tags and digests are held to the OCI grammar. Each check names the payload field it rejects.
 */

/** Caps, in characters. */
export const MAX = {
  text: 256,
  imageReference: 600,
  tag: 128,
  digest: 71,
  url: 2048,
  /** A registry's own event id (uuids, Pub/Sub message ids). */
  eventId: 100,
  /** A delivery id: an event id, or an event id and a tag. */
  deliveryId: 240,
} as const;

/** C0/C1 controls, line/paragraph separators and bidi controls (which disguise text in Markdown). */
export function hasControlCharacters(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
    if (code === 0x200e || code === 0x200f || code === 0x2028 || code === 0x2029) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}

/** Quotes untrusted text for an error message: JSON-escaped and shortened. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** Throws `BadInput` naming the field: `client_payload.tag: …`. */
export function badField(path: string, problem: string, cause?: unknown): never {
  throw new BadInput(`${path}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** A check turns raw text into a trusted value or says what is wrong with it. */
type Check = (
  raw: string,
) => { readonly value: string } | { readonly problem: string; readonly cause?: unknown };

const imageName: Check = (raw) => {
  try {
    return { value: normaliseImageName(raw) };
  } catch (error) {
    if (error instanceof InvalidImageReference) return { problem: error.message, cause: error };
    throw error;
  }
};

const tag: Check = (raw) =>
  isTag(raw)
    ? { value: raw }
    : {
        problem:
          raw === ""
            ? "the tag is empty"
            : `tag ${quote(raw)} is not a valid tag (letters, digits, '_', '.', '-', not first, at most 128)`,
      };

const digest: Check = (raw) => {
  const lower = raw.toLowerCase();
  return isDigest(lower)
    ? { value: lower }
    : { problem: `digest ${quote(raw)} is not sha256: and 64 hex digits` };
};

const GIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const sourceSha: Check = (raw) => {
  const lower = raw.toLowerCase();
  return GIT_SHA.test(lower) ? { value: lower } : { problem: `${quote(raw)} is not a full commit sha` };
};

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const sourceRepo: Check = (raw) => {
  const [owner = "", name = "", ...rest] = raw.split("/");
  return rest.length === 0 && OWNER.test(owner) && REPO.test(name) && name !== "." && name !== ".."
    ? { value: raw }
    : { problem: `${quote(raw)} is not a GitHub repository "owner/name"` };
};

const ENV = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const envName: Check = (raw) =>
  ENV.test(raw) ? { value: raw } : { problem: `${quote(raw)} is not an environment name` };

const link: Check = (raw) => {
  if (raw.length > MAX.url || hasControlCharacters(raw) || /\s/.test(raw)) {
    return { problem: `${quote(raw)} is not a link (too long, or white space or control characters)` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    return { problem: `${quote(raw)} is not a URL`, cause: error };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { problem: `${quote(raw)} is not an http(s) URL` };
  }
  if (url.username !== "" || url.password !== "") return { problem: "the URL must not carry credentials" };
  return { value: url.href };
};

const PRINTABLE = /^[\x21-\x7e]+$/;
function idOfAtMost(max: number): Check {
  return (raw) =>
    PRINTABLE.test(raw) && raw.length <= max
      ? { value: raw }
      : { problem: `${quote(raw)} is not an id (1 to ${max} printable ASCII characters, no spaces)` };
}
const eventId = idOfAtMost(MAX.eventId);
const deliveryId = idOfAtMost(MAX.deliveryId);

export const checks = {
  imageName,
  tag,
  digest,
  sourceSha,
  sourceRepo,
  envName,
  link,
  eventId,
  deliveryId,
} as const;

/** Runs a check on a field the caller picked out by hand; throws `BadInput` naming `path`. */
export function validated(check: Check, raw: string, path: string): string {
  const result = check(raw);
  if ("problem" in result) badField(path, result.problem, result.cause);
  return result.value;
}

/** Bounded text without control characters. */
export function text(max: number = MAX.text) {
  return z
    .string()
    .max(max, `is longer than ${max} characters`)
    .refine((value) => !hasControlCharacters(value), "contains control characters");
}

/** A zod field that runs a check, so the issue carries the payload path. */
function field(check: Check, max: number) {
  return text(max).transform((raw, ctx) => {
    const result = check(raw);
    if ("problem" in result) {
      ctx.issues.push({ code: "custom", message: result.problem, input: raw });
      return z.NEVER;
    }
    return result.value;
  });
}

/** Canonical image name (`ghcr.io/acme/api`). */
export const ImageName = field(imageName, MAX.imageReference);
export const Digest = field(digest, MAX.digest);
export const SourceSha = field(sourceSha, 64);
export const SourceRepo = field(sourceRepo, 140);
export const EnvName = field(envName, 63);
export const Link = field(link, MAX.url);
export const EventId = field(eventId, MAX.eventId);

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "body" : out;
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    return issue.input === undefined ? "is missing" : `must be ${issue.expected}`;
  }
  return issue.message;
}

/**
 * Parses a payload with a schema that reads only the fields the source uses. A mismatch becomes
 * `BadInput` naming each offending field: `event_data.resources[0].digest: …`.
 */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(payload, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const path = formatPath([...(prefix === "" ? [] : [prefix]), ...issue.path]);
    return `${path}: ${describe(issue)}`;
  });
  throw new BadInput(problems.join("; "), { cause: result.error });
}

/**
 * Cosign signature/attestation/SBOM tags (`sha256-<hex>.sig`) and OCI referrers fallback tags
 * (`sha256-<hex>`): artifacts attached to an image, never something to deploy.
 */
const ATTACHED_ARTIFACT_TAG = /^sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?$/;
export function isAttachedArtifactTag(tagText: string): boolean {
  return ATTACHED_ARTIFACT_TAG.test(tagText);
}

/** Splits `name[:tag][@digest]` and normalises the name; throws `BadInput` naming `path`. */
export function splitReference(
  raw: string,
  path: string,
): { readonly image: string; readonly tag?: string; readonly digest?: string } {
  const spelled = splitImageRef(raw);
  const image = validated(imageName, spelled.name, path);
  return {
    image,
    ...(spelled.tag !== undefined && { tag: spelled.tag }),
    ...(spelled.digest !== undefined && { digest: validated(digest, spelled.digest, path) }),
  };
}
