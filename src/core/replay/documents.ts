import type { Document } from "yaml";
import { extractImages } from "../../formats/index.js";
import { isEmbedded } from "../yaml/embedded.js";
import { getNode, getString, parseYaml, type YamlSource } from "../yaml/source.js";
import { sameData, type Side } from "./diff.js";

/** The documents of a file as sides, with the image scalars to mask (none when images are replayed). */
export function sidesOf(source: YamlSource, ignoreImages: boolean): Side[] {
  const images = new Set<unknown>();
  const embedded = new Map<unknown, { side: Side }>();
  if (ignoreImages) {
    const inner = new Map<YamlSource, Set<unknown>>();
    for (const occurrence of extractImages(source).occurrences) {
      const nodes =
        occurrence.source === source ? images : (inner.get(occurrence.source) ?? new Set<unknown>());
      for (const slot of occurrence.slots) nodes.add(slot.node);
      if (occurrence.source !== source) inner.set(occurrence.source, nodes);
    }
    for (const [embeddedSource, nodes] of inner) {
      const document = embeddedSource.documents[0];
      if (!isEmbedded(embeddedSource) || document === undefined || embeddedSource.documents.length !== 1)
        continue;
      embedded.set(embeddedSource.host.node, {
        side: { source: embeddedSource, document, images: nodes, embedded: new Map() },
      });
    }
  }
  return source.documents.map((document) => ({ source, document, images, embedded }));
}

/*
 * Documents are matched by identity: apiVersion, kind, metadata.name and metadata.namespace; then kind
 * and name alone, since environments often differ in namespace (or apiVersion during a migration).
 * Documents without a kind and name match by position. A file of one document on each side is the same
 * document whatever its name, so renaming it is a change like any other.
 */

interface Identity {
  readonly full: string | undefined;
  readonly short: string | undefined;
  readonly kind: string | undefined;
}

function identity(document: Document.Parsed): Identity {
  const root = document.contents;
  const kind = getString(document, root, "kind");
  const metadata = getNode(document, root, "metadata");
  const name = getString(document, metadata, "name");
  if (kind === undefined || name === undefined) return { full: undefined, short: undefined, kind };
  const apiVersion = getString(document, root, "apiVersion") ?? "";
  const namespace = getString(document, metadata, "namespace") ?? "";
  return {
    full: [apiVersion, kind, namespace, name].join("\u0000"),
    short: [kind, name].join("\u0000"),
    kind,
  };
}

/** `Deployment/web`, or `document 2` for a document without kind and name. */
export function documentLabel(side: Side, index: number): string {
  const root = side.document.contents;
  const kind = getString(side.document, root, "kind");
  const name = getString(side.document, getNode(side.document, root, "metadata"), "name");
  return kind !== undefined && name !== undefined ? `${kind}/${name}` : `document ${index + 1}`;
}

/**
 * For each document of `from`, the index of its match in `to`, if any; no document is matched twice.
 * With `renames`, a document left over is matched to the one of the same kind at its position, so a
 * renamed resource is a change of its name rather than a removed and an added document.
 */
export function matchDocuments(
  from: readonly Side[],
  to: readonly Side[],
  renames = false,
): (number | undefined)[] {
  if (from.length === 1 && to.length === 1) return [0];
  const fromIds = from.map((side) => identity(side.document));
  const toIds = to.map((side) => identity(side.document));
  const taken = new Set<number>();
  const result: (number | undefined)[] = from.map(() => undefined);
  for (const field of ["full", "short"] as const) {
    fromIds.forEach((id, index) => {
      const key = id[field];
      if (result[index] !== undefined || key === undefined) return;
      const candidates = toIds.flatMap((other, at) => (other[field] === key && !taken.has(at) ? [at] : []));
      const only = candidates[0];
      if (only !== undefined && candidates.length === 1) {
        result[index] = only;
        taken.add(only);
      }
    });
  }
  fromIds.forEach((id, index) => {
    const other = toIds[index];
    if (result[index] !== undefined || other === undefined || taken.has(index)) return;
    const samePlace = id.short === undefined ? other.short === undefined : renames && other.kind === id.kind;
    if (samePlace) {
      result[index] = index;
      taken.add(index);
    }
  });
  return result;
}

/** The target document a new source document would be: same identity, or the same data. */
export function findDocument(
  side: Side,
  candidates: readonly Side[],
  taken: ReadonlySet<number>,
): number | undefined {
  const id = identity(side.document);
  for (const field of ["full", "short"] as const) {
    const key = id[field];
    if (key === undefined) continue;
    const found = candidates.findIndex(
      (other, at) => !taken.has(at) && identity(other.document)[field] === key,
    );
    if (found !== -1) return found;
  }
  if (id.short !== undefined) return undefined;
  const same = candidates.findIndex(
    (other, at) => !taken.has(at) && sameData(side.document.contents, side, other.document.contents, other),
  );
  return same === -1 ? undefined : same;
}

function sameDocuments(a: readonly Side[], b: readonly Side[]): boolean {
  if (a.length !== b.length) return false;
  const matched = matchDocuments(a, b);
  return a.every((side, index) => {
    const other = b[matched[index] ?? -1];
    return other !== undefined && sameData(side.document.contents, side, other.document.contents, other);
  });
}

/** Do two texts hold the same data (image versions aside)? False when either does not parse. */
export function sameFile(path: string, a: string, b: string, ignoreImages: boolean): boolean {
  if (a === b) return true;
  const left = parseYaml(path, a);
  const right = parseYaml(path, b);
  if (!left.ok || !right.ok) return false;
  return sameDocuments(sidesOf(left.source, ignoreImages), sidesOf(right.source, ignoreImages));
}
