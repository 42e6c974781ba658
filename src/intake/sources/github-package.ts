import { z } from "zod";
import { eventsFrom, ignored, type IntakeResult } from "../event.js";
import {
  badField,
  checks,
  Digest,
  parsePayload,
  SourceRepo,
  splitReference,
  text,
  validated,
} from "../fields.js";

/**
 * GitHub `registry_package.published` (what a GitHub App receives for GHCR) and `package.published`.
 *
 * Payload: https://docs.github.com/en/webhooks/webhook-events-and-payloads#registry_package and #package;
 * the fields and their nullability follow GitHub's OpenAPI description
 * (`@octokit/openapi`, webhooks `registry-package-published` / `package-published`) and the examples in
 * `@octokit/webhooks-examples` / octokit/webhooks `payload-examples/api.github.com/registry_package/`.
 * The image's tag is `package_version.container_metadata.tag.name` (empty for a digest-only push),
 * its name `package_version.package_url` (`ghcr.io/Owner/name:tag`, or `ghcr.io/Owner/name:` untagged).
 */

const PackageVersion = z.object({
  package_url: text().optional(),
  html_url: text(2048).optional(),
  target_commitish: text().optional(),
  container_metadata: z
    .object({
      tag: z.object({ name: text(200).optional(), digest: Digest.optional() }).nullish(),
    })
    .nullish(),
});

const Package = z.object({
  name: text(),
  package_type: text(),
  owner: z.object({ login: text(100) }).nullish(),
  package_version: PackageVersion.nullish(),
});

export const GitHubPackagePayload = z.object({
  action: text(),
  registry_package: Package.optional(),
  package: Package.optional(),
  repository: z.object({ full_name: SourceRepo }).nullish(),
});
export type GitHubPackagePayload = z.infer<typeof GitHubPackagePayload>;

const CONTAINER_TYPES = new Set(["container", "docker"]);
const FULL_SHA = /^[0-9a-fA-F]{40}$/;

/** Parses a `registry_package` or `package` webhook payload; `deliveryId` is the `X-GitHub-Delivery` GUID. */
export function parseGitHubPackageEvent(payload: unknown, deliveryId: string): IntakeResult {
  const id = validated(checks.eventId, deliveryId, "deliveryId");
  const parsed = parsePayload(GitHubPackagePayload, payload);
  const key = parsed.registry_package !== undefined ? "registry_package" : "package";
  const pkg = parsed.registry_package ?? parsed.package;
  if (pkg === undefined) return badField("registry_package", "is missing, and so is package");
  if (parsed.action !== "published") return ignored(`${key}.${parsed.action} is not a publication`);
  if (!CONTAINER_TYPES.has(pkg.package_type.toLowerCase())) {
    return ignored(`package type ${pkg.package_type} is not a container`);
  }
  const version = pkg.package_version;
  const tag = version?.container_metadata?.tag?.name ?? "";
  if (version === undefined || version === null || tag === "") {
    return ignored("the container version was published without a tag");
  }
  const tagPath = `${key}.package_version.container_metadata.tag.name`;
  return eventsFrom([
    {
      source: "ghcr",
      image: imageOf(pkg, key),
      tag: validated(checks.tag, tag, tagPath),
      digest: version.container_metadata?.tag?.digest,
      eventId: id,
      sourceRepo: parsed.repository?.full_name,
      // `target_commitish` is usually a branch name; only a full sha says which commit was built.
      sourceSha:
        version.target_commitish !== undefined && FULL_SHA.test(version.target_commitish)
          ? version.target_commitish.toLowerCase()
          : undefined,
      sourceUrl:
        version.html_url === undefined
          ? undefined
          : validated(checks.link, version.html_url, `${key}.package_version.html_url`),
    },
  ]);
}

function imageOf(pkg: z.infer<typeof Package>, key: string): string {
  const url = pkg.package_version?.package_url ?? "";
  // `ghcr.io/Codertocat/hello-world:` (untagged) or `…:1.4.0`: the name is what precedes the tag.
  if (url !== "") return splitReference(url, `${key}.package_version.package_url`).image;
  const owner = pkg.owner?.login ?? "";
  if (owner === "") {
    return badField(
      `${key}.package_version.package_url`,
      "is missing, and there is no owner.login to fall back on",
    );
  }
  return validated(checks.imageName, `ghcr.io/${owner}/${pkg.name}`, `${key}.name`);
}
