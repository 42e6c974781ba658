import {
  isCollection,
  isPair,
  isScalar,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from "yaml";
import type { KeyPath, YamlSource } from "../core/yaml/source.js";

export type FormatName = "kubernetes" | "kustomize" | "helm" | "marker" | "flux";

/**
 * A scalar that holds part of an image reference: the whole `repo:tag@digest`, only the tag, or only
 * the digest. Edits are splices of this scalar and nothing else.
 */
export interface Slot {
  readonly role: "reference" | "tag" | "digest";
  readonly node: Scalar;
  readonly document: number;
  readonly path: KeyPath;
}

/** Where a missing `digest:` key can be added when pinning (kustomize `images` entries). */
export interface DigestInsertion {
  readonly map: YAMLMap;
  readonly after: Pair;
  readonly key: string;
  readonly document: number;
  readonly path: KeyPath;
}

/** One place in a file that pins an image. */
export interface Occurrence {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly format: FormatName;
  /** For people: "Deployment/api, container api", "kustomization images[ghcr.io/acme/api]". */
  readonly where: string;
  /** Canonical image name, when the text names one. */
  readonly image?: string;
  /** The app a marker comment names explicitly; it wins over image matching. */
  readonly app?: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly slots: readonly Slot[];
  readonly digestInsertion?: DigestInsertion;
  /** The source the slots live in: the file itself, or YAML embedded in one of its block scalars. */
  readonly source: YamlSource;
}

export interface FormatWarning {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface Extraction {
  readonly occurrences: readonly Occurrence[];
  readonly warnings: readonly FormatWarning[];
}

/** Paths of every node of a document, computed once, so slots found through aliases know their home. */
export function nodePaths(document: Document): Map<Node, KeyPath> {
  const paths = new Map<Node, KeyPath>();
  const visit = (node: unknown, path: KeyPath): void => {
    if (isScalar(node)) {
      paths.set(node, path);
    } else if (isCollection(node)) {
      paths.set(node, path);
      node.items.forEach((item, index) => {
        if (isPair(item)) {
          if (isScalar(item.key)) visit(item.value, [...path, String(item.key.value)]);
        } else {
          visit(item, [...path, index]);
        }
      });
    }
  };
  visit(document.contents, []);
  return paths;
}

/** A slot for `node`, with the path where the node is defined. */
export function slotOf(role: Slot["role"], node: Scalar, document: number, paths: Map<Node, KeyPath>): Slot {
  return { role, node, document, path: paths.get(node) ?? [] };
}

export function startOf(source: YamlSource, node: Node): { line: number; col: number } {
  return source.position(node.range?.[0] ?? 0);
}
