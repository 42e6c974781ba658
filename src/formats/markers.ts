import { isMap, isPair, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { imageName, isDigest, splitImageRef, tryParseImageRef } from "../core/image-ref.js";
import { scalarText, type KeyPath, type YamlSource } from "../core/yaml/source.js";
import { splitTagAndDigest } from "./helm-values.js";
import {
  nodePaths,
  slotOf,
  type Extraction,
  type FormatWarning,
  type Occurrence,
  type Slot,
} from "./types.js";

/**
 * Marker comments bind the value on their line to an app, for places no format knows (docker-compose,
 * Argo CD helm parameters, CRDs):
 *   image: ghcr.io/acme/api:1.4.0  # stagecoach: api          (the value is a full reference)
 *   tag: 1.4.0                     # stagecoach: api:tag      (the value is only the tag)
 *   digest: sha256:…               # stagecoach: api:digest
 * and Flux's image-automation markers, so Flux users can switch without editing their repo:
 *   image: ghcr.io/acme/api:1.4.0  # {"$imagepolicy": "flux-system:api"}
 *   tag: 1.4.0                     # {"$imagepolicy": "flux-system:api:tag"}
 * Flux's policy name is the app name; `:name` markers name only the repository and are left alone.
 */
const STAGECOACH_MARKER = /#\s*stagecoach:\s*([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)(?::(tag|digest))?\s*$/i;
const FLUX_MARKER = /#\s*\{\s*"\$imagepolicy"\s*:\s*"([^"\s]+)"\s*\}\s*$/;

type Role = Slot["role"] | "name";

interface Marker {
  readonly line: number;
  readonly commentAt: number;
  readonly app: string;
  readonly role: Role;
  readonly format: "marker" | "flux";
  readonly text: string;
}

interface ValueScalar {
  readonly node: Scalar;
  readonly parent: Node;
  readonly document: number;
}

export function extractMarkers(source: YamlSource): Extraction {
  const warnings: FormatWarning[] = [];
  const markers = findMarkers(source);
  if (markers.length === 0) return { occurrences: [], warnings };

  const values = valueScalars(source);
  const groups = new Map<string, { app: string; format: Marker["format"]; slots: Slot[]; first: Marker }>();
  const pathsByDocument = source.documents.map((document) => nodePaths(document));
  for (const marker of markers) {
    const target = values
      .filter(({ node }) => {
        const end = node.range?.[1] ?? 0;
        return end <= marker.commentAt && source.position(end).line === marker.line;
      })
      .sort((a, b) => (b.node.range?.[1] ?? 0) - (a.node.range?.[1] ?? 0))[0];
    if (target === undefined) {
      warnings.push({
        file: source.path,
        line: marker.line,
        col: 1,
        message: `marker "${marker.text}" has no value on its line; left alone`,
      });
      continue;
    }
    if (marker.role === "name") continue;
    // Tag and digest markers inside one mapping describe one image: edit them together.
    const key = `${marker.app}\u0000${target.document}\u0000${marker.role === "reference" ? String(target.node.range?.[0]) : String(target.parent.range?.[0])}`;
    const group = groups.get(key) ?? { app: marker.app, format: marker.format, slots: [], first: marker };
    group.slots.push(
      slotOf(
        marker.role,
        target.node,
        target.document,
        pathsByDocument[target.document] ?? new Map<Node, KeyPath>(),
      ),
    );
    groups.set(key, group);
  }

  const occurrences: Occurrence[] = [];
  for (const group of groups.values()) {
    const occurrence = toOccurrence(source, group.app, group.format, group.slots, group.first);
    if (typeof occurrence === "string") {
      warnings.push({ file: source.path, line: group.first.line, col: 1, message: occurrence });
    } else {
      occurrences.push(occurrence);
    }
  }
  return { occurrences, warnings };
}

function toOccurrence(
  source: YamlSource,
  app: string,
  format: Marker["format"],
  slots: readonly Slot[],
  marker: Marker,
): Occurrence | string {
  let tag: string | undefined;
  let digest: string | undefined;
  let image: string | undefined;
  for (const slot of slots) {
    const text = scalarText(source, slot.node);
    if (slot.role === "reference") {
      const ref = tryParseImageRef(text);
      if (ref === undefined)
        return `marker "${marker.text}" is on "${text}", which is not an image reference; left alone`;
      image = imageName(ref);
      tag = splitImageRef(text).tag;
      digest = ref.digest;
    } else if (slot.role === "tag") {
      const parts = splitTagAndDigest(text);
      tag = parts.tag;
      digest ??= parts.digest;
    } else if (isDigest(text)) {
      digest = text;
    }
  }
  const first = slots[0];
  const at = source.position(first?.node.range?.[0] ?? 0);
  return {
    file: source.path,
    ...at,
    format,
    where: `marker ${marker.text}`,
    app,
    ...(image !== undefined && { image }),
    ...(tag !== undefined && tag !== "" && { tag }),
    ...(digest !== undefined && { digest }),
    slots,
    source,
  };
}

function findMarkers(source: YamlSource): Marker[] {
  const markers: Marker[] = [];
  const scalarRanges = valueAndKeyRanges(source);
  let offset = 0;
  source.text.split("\n").forEach((line, index) => {
    const lineStart = offset;
    offset += line.length + 1;
    const content = line.endsWith("\r") ? line.slice(0, -1) : line;
    const hash = content.indexOf("#");
    if (hash === -1) return;
    for (let at = hash; at !== -1; at = content.indexOf("#", at + 1)) {
      const absolute = lineStart + at;
      // A '#' is a comment only at line start or after white space, and never inside a scalar.
      if (at > 0 && !/\s/.test(content[at - 1] ?? "")) continue;
      if (scalarRanges.some(([start, end]) => absolute >= start && absolute < end)) continue;
      const comment = content.slice(at);
      const own = STAGECOACH_MARKER.exec(comment);
      if (own !== null) {
        const app = (own[1] ?? "").toLowerCase();
        const role: Role = own[2] === undefined ? "reference" : (own[2].toLowerCase() as "tag" | "digest");
        markers.push({
          line: index + 1,
          commentAt: absolute,
          app,
          role,
          format: "marker",
          text: comment.trim(),
        });
      }
      const flux = FLUX_MARKER.exec(comment);
      if (flux !== null) {
        const parts = (flux[1] ?? "").split(":");
        const suffix = parts.length >= 3 ? parts[2] : undefined;
        const role: Role | undefined =
          suffix === undefined
            ? "reference"
            : suffix === "tag"
              ? "tag"
              : suffix === "digest"
                ? "digest"
                : suffix === "name"
                  ? "name"
                  : undefined;
        if (role !== undefined && parts[1] !== undefined) {
          markers.push({
            line: index + 1,
            commentAt: absolute,
            app: parts[1].toLowerCase(),
            role,
            format: "flux",
            text: comment.trim(),
          });
        }
      }
      break;
    }
  });
  return markers;
}

function valueScalars(source: YamlSource): ValueScalar[] {
  const found: ValueScalar[] = [];
  source.documents.forEach((document, index) => {
    const visit = (node: unknown): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          if (isScalar(pair.value)) found.push({ node: pair.value, parent: node, document: index });
          else visit(pair.value);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) {
          if (isScalar(item)) found.push({ node: item, parent: node, document: index });
          else visit(item);
        }
      }
    };
    if (isScalar(document.contents))
      found.push({ node: document.contents, parent: document.contents, document: index });
    visit(document.contents);
  });
  return found;
}

function valueAndKeyRanges(source: YamlSource): [number, number][] {
  const ranges: [number, number][] = [];
  for (const document of source.documents) {
    const visit = (node: unknown): void => {
      if (isScalar(node) && node.range !== undefined && node.range !== null) {
        ranges.push([node.range[0], node.range[1]]);
      } else if (isMap(node)) {
        for (const pair of node.items) {
          visit(pair.key);
          visit(pair.value);
        }
      } else if (isSeq(node)) {
        node.items.forEach(visit);
      }
    };
    visit(document.contents);
  }
  return ranges;
}
