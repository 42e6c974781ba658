import { isMap, isSeq } from "yaml";
import { imageName, isDigest, tryParseImageRef } from "../core/image-ref.js";
import { findPair, getNode, getScalar, getString, scalarText, type YamlSource } from "../core/yaml/source.js";
import {
  nodePaths,
  slotOf,
  startOf,
  type Extraction,
  type FormatWarning,
  type Occurrence,
  type Slot,
} from "./types.js";

const KUSTOMIZATION_FILE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;
const KUSTOMIZE_KINDS = new Set(["Kustomization", "Component"]);

/** `images:` entries of kustomization files: `name`, `newName`, `newTag`, `digest`. */
export function extractKustomize(source: YamlSource): Extraction {
  const occurrences: Occurrence[] = [];
  const warnings: FormatWarning[] = [];
  source.documents.forEach((document, index) => {
    const root = document.contents;
    const kind = getString(document, root, "kind");
    if (!KUSTOMIZATION_FILE.test(source.path) && (kind === undefined || !KUSTOMIZE_KINDS.has(kind))) return;
    const images = getNode(document, root, "images");
    if (!isSeq(images)) return;
    const paths = nodePaths(document);
    for (const entry of images.items) {
      if (!isMap(entry)) continue;
      const name = getString(document, entry, "name");
      const newName = getString(document, entry, "newName");
      const ref = tryParseImageRef(newName ?? name ?? "");
      if (ref === undefined) continue;
      const newTag = getScalar(document, entry, "newTag");
      const digest = getScalar(document, entry, "digest");
      const at = startOf(source, entry);
      const where = `kustomization images[${name ?? newName ?? "?"}]`;
      const slots: Slot[] = [];
      if (newTag !== undefined) slots.push(slotOf("tag", newTag, index, paths));
      if (digest !== undefined) slots.push(slotOf("digest", digest, index, paths));
      if (slots.length === 0) {
        warnings.push({
          file: source.path,
          ...at,
          message: `${where} sets neither newTag nor digest, so this environment does not pin ${imageName(ref)}; add newTag to let Stagecoach bump it`,
        });
        continue;
      }
      const newTagPair = findPair(entry, "newTag");
      const digestText = digest === undefined ? undefined : scalarText(source, digest);
      occurrences.push({
        file: source.path,
        ...at,
        format: "kustomize",
        where,
        image: imageName(ref),
        ...(newTag !== undefined && { tag: scalarText(source, newTag) }),
        ...(digestText !== undefined && isDigest(digestText) && { digest: digestText }),
        slots,
        ...(digest === undefined &&
          newTagPair !== undefined && {
            digestInsertion: {
              map: entry,
              after: newTagPair,
              key: "digest",
              document: index,
              path: [...(paths.get(entry) ?? []), "digest"],
            },
          }),
        source,
      });
    }
  });
  return { occurrences, warnings };
}
