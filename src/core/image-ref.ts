import { InvalidImageReference } from "./errors.js";

/**
 * An OCI image reference, `registry[:port]/path/name[:tag][@sha256:<hex>]`, following the grammar of
 * distribution/reference. Names are lowercased and Docker Hub is normalised, so `nginx`,
 * `docker.io/library/nginx` and `index.docker.io/library/nginx` are the same image.
 */
export interface ImageRef {
  /** Canonical registry host, with port when one was given: `ghcr.io`, `docker.io`, `localhost:5000`. */
  readonly registry: string;
  /** Canonical repository path below the registry: `acme/api`, `library/nginx`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const IPV6_HOST = /^\[[a-f0-9:]+\]$/;

/** `sha256:` and 64 lowercase hex digits. */
export function isDigest(text: string): boolean {
  return SHA256_DIGEST.test(text);
}

/** A valid tag per the OCI distribution grammar. */
export function isTag(text: string): boolean {
  return TAG.test(text);
}

/** The parts of a reference as written, before any normalisation: what an edit splices around. */
export interface SpelledImageRef {
  /** The name exactly as written (`nginx`, `GHCR.io/acme/api`). */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits a reference into name, tag and digest as written, without validating the parts. */
export function splitImageRef(text: string): SpelledImageRef {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  // A colon before the last slash belongs to the registry's port, never a tag.
  if (colon !== -1 && colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

function looksLikeRegistry(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

function validateRegistry(input: string, registry: string): void {
  const [host = "", port, ...extra] = registry.startsWith("[") ? splitIpv6(registry) : registry.split(":");
  if (extra.length > 0)
    throw new InvalidImageReference(input, `registry "${registry}" has more than one port`);
  if (port !== undefined && !/^\d{1,5}$/.test(port)) {
    throw new InvalidImageReference(input, `registry port "${port}" is not a number`);
  }
  if (IPV6_HOST.test(host)) return;
  for (const component of host.split(".")) {
    if (!DOMAIN_COMPONENT.test(component)) {
      throw new InvalidImageReference(input, `registry "${registry}" is not a valid host name`);
    }
  }
}

function splitIpv6(registry: string): string[] {
  const close = registry.indexOf("]");
  const host = registry.slice(0, close + 1);
  const after = registry.slice(close + 1);
  if (after === "") return [host];
  if (!after.startsWith(":")) return [host, after];
  return [host, ...after.slice(1).split(":")];
}

/**
 * Parses and normalises a reference. Throws `InvalidImageReference` naming the part that is wrong.
 */
export function parseImageRef(text: string): ImageRef {
  const input = text;
  if (text.trim() !== text || text === "") {
    throw new InvalidImageReference(input, "it is empty or has surrounding white space");
  }
  if (/\s/.test(text)) throw new InvalidImageReference(input, "it contains white space");
  const spelled = splitImageRef(text);

  if (spelled.digest !== undefined) {
    const digest = spelled.digest.toLowerCase();
    if (!digest.startsWith("sha256:")) {
      throw new InvalidImageReference(input, `digest "${spelled.digest}" is not a sha256 digest`);
    }
    if (!isDigest(digest)) {
      throw new InvalidImageReference(input, `digest "${spelled.digest}" must be sha256: and 64 hex digits`);
    }
  }
  if (spelled.tag !== undefined && !isTag(spelled.tag)) {
    throw new InvalidImageReference(
      input,
      spelled.tag === ""
        ? "the tag after ':' is empty"
        : `tag "${spelled.tag}" may hold only letters, digits, '_', '.', '-' (not first) and at most 128 characters`,
    );
  }

  const name = spelled.name.toLowerCase();
  if (name === "") throw new InvalidImageReference(input, "the name is empty");
  const components = name.split("/");
  let registry = DOCKER_HUB;
  const first = components[0] ?? "";
  if (components.length > 1 && looksLikeRegistry(first)) {
    validateRegistry(input, first);
    registry = DOCKER_HUB_ALIASES.has(first) ? DOCKER_HUB : first;
    components.shift();
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidImageReference(
        input,
        component === ""
          ? "the name has an empty path component"
          : `path component "${component}" may hold only lowercase letters, digits and single separators (. _ __ -)`,
      );
    }
  }
  if (registry === DOCKER_HUB && components.length === 1) components.unshift("library");
  const repository = components.join("/");
  if (registry.length + 1 + repository.length > 255) {
    throw new InvalidImageReference(input, "the name is longer than 255 characters");
  }
  return {
    registry,
    repository,
    ...(spelled.tag !== undefined && { tag: spelled.tag }),
    ...(spelled.digest !== undefined && { digest: spelled.digest.toLowerCase() }),
  };
}

/** Like `parseImageRef`, but `undefined` instead of an error. */
export function tryParseImageRef(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch (error) {
    if (error instanceof InvalidImageReference) return undefined;
    throw error;
  }
}

/** The canonical name without tag or digest: `docker.io/library/nginx`, `ghcr.io/acme/api`. */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The canonical full reference. */
export function formatImageRef(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}

/** The canonical name of an image given as text; throws on a malformed name. */
export function normaliseImageName(text: string): string {
  return imageName(parseImageRef(text));
}

/**
 * Rewrites a reference as written with a new tag and digest, keeping the name exactly as the user
 * spelled it (`nginx:1.25` stays short, a registry port stays). `digest: undefined` drops the digest.
 */
export function respellImageRef(written: string, tag: string, digest: string | undefined): string {
  const { name } = splitImageRef(written);
  return `${name}:${tag}${digest === undefined ? "" : `@${digest}`}`;
}
