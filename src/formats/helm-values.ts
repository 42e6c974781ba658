import { isMap, isScalar, type Document, type YAMLMap } from "yaml";
import { imageName, isDigest, splitImageRef, tryParseImageRef } from "../core/image-ref.js";
import { getNode, getScalar, getString, scalarText, walkMaps, type YamlSource } from "../core/yaml/source.js";
import { nodePaths, slotOf, startOf, type Extraction, type Occurrence, type Slot } from "./types.js";

/**
 * Helm values at any depth: `image: repo:tag` strings and `image: { registry?, repository, tag, digest? }`
 * maps. This also covers values embedded in a Flux HelmRelease (`spec.values`) or an Argo CD
 * Application (`helm.valuesObject`); Argo's `helm.values: |` strings are handled as embedded YAML.
 */
export function extractHelmValues(source: YamlSource): Extraction {
  const occurrences: Occurrence[] = [];
  source.documents.forEach((document, index) => {
    const paths = nodePaths(document);
    walkMaps(document.contents, [], (map) => {
      const pair = map.items.find((item) => isScalar(item.key) && item.key.value === "image");
      if (pair === undefined) return;
      const value = getNode(document, map, "image");
      if (isScalar(value)) {
        const found = fromString(source, document, index, value, paths);
        if (found !== undefined) occurrences.push(found);
      } else if (isMap(value)) {
        const found = fromMap(source, document, index, value, paths);
        if (found !== undefined) occurrences.push(found);
      }
    });
  });
  return { occurrences, warnings: [] };
}

function fromString(
  source: YamlSource,
  _document: Document,
  index: number,
  node: Parameters<typeof slotOf>[1],
  paths: ReturnType<typeof nodePaths>,
): Occurrence | undefined {
  if (typeof node.value !== "string") return undefined;
  const written = scalarText(source, node);
  const ref = tryParseImageRef(written);
  // An `image:` without tag or digest pins nothing here (the chart decides); nothing to bump.
  if (ref === undefined || (ref.tag === undefined && ref.digest === undefined)) return undefined;
  const spelled = splitImageRef(written);
  return {
    file: source.path,
    ...startOf(source, node),
    format: "helm",
    where: `image ${written}`,
    image: imageName(ref),
    ...(spelled.tag !== undefined && { tag: spelled.tag }),
    ...(ref.digest !== undefined && { digest: ref.digest }),
    slots: [slotOf("reference", node, index, paths)],
    source,
  };
}

function fromMap(
  source: YamlSource,
  document: Document,
  index: number,
  map: YAMLMap,
  paths: ReturnType<typeof nodePaths>,
): Occurrence | undefined {
  const repository = getString(document, map, "repository") ?? getString(document, map, "name");
  if (repository === undefined) return undefined;
  const registry = getString(document, map, "registry");
  const ref = tryParseImageRef(
    registry === undefined || registry === "" ? repository : `${registry}/${repository}`,
  );
  if (ref === undefined || ref.tag !== undefined) return undefined;
  const tagNode = getScalar(document, map, "tag");
  const digestNode = getScalar(document, map, "digest");
  const slots: Slot[] = [];
  if (tagNode !== undefined) slots.push(slotOf("tag", tagNode, index, paths));
  if (digestNode !== undefined) slots.push(slotOf("digest", digestNode, index, paths));
  if (slots.length === 0) return undefined;
  // Charts that take no `digest` key still accept `tag: 1.2.3@sha256:…`: the tag slot may carry both.
  const tagText = tagNode === undefined ? undefined : scalarText(source, tagNode);
  const tagParts = tagText === undefined ? undefined : splitTagAndDigest(tagText);
  const digestText = digestNode === undefined ? undefined : scalarText(source, digestNode);
  const digest = digestText !== undefined && isDigest(digestText) ? digestText : tagParts?.digest;
  return {
    file: source.path,
    ...startOf(source, map),
    format: "helm",
    where: `image ${imageName(ref)} (repository/tag)`,
    image: imageName(ref),
    ...(tagParts?.tag !== undefined && tagParts.tag !== "" && { tag: tagParts.tag }),
    ...(digest !== undefined && { digest }),
    slots,
    source,
  };
}

/** `1.2.3@sha256:…` → tag and digest. */
export function splitTagAndDigest(text: string): { tag: string; digest?: string } {
  const at = text.indexOf("@");
  if (at === -1) return { tag: text };
  const digest = text.slice(at + 1);
  return isDigest(digest) ? { tag: text.slice(0, at), digest } : { tag: text };
}
