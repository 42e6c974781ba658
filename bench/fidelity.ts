import { diffLines } from "diff";
import { yamlPatch } from "yaml-diff-patch";
import { respellImageRef } from "../src/core/image-ref.js";
import { extractImages } from "../src/formats/index.js";
import { applySplices, replaceScalar } from "../src/core/yaml/splice.js";
import { parseYaml, scalarText } from "../src/core/yaml/source.js";

export interface FidelityResult {
  readonly edits: number;
  readonly oursEditsWithExtraLines: number;
  readonly oursExtraLines: number;
  readonly theirsEditsWithExtraLines: number;
  readonly theirsExtraLines: number;
  /** Edits yaml-diff-patch could not make at all (multi-document files). */
  readonly theirsImpossible: number;
}

/** Lines that differ between two texts, beyond `intended`. */
function extraLines(before: string, after: string, intended: number): number {
  let changed = 0;
  for (const part of diffLines(before, after)) if (part.removed) changed += part.count;
  return Math.max(0, changed - intended);
}

/**
 * Bumps every image reference of every file once, with Stagecoach's splice and with yaml-diff-patch
 * (re-serialising the document), and counts the lines each changed beyond the one that holds the tag.
 */
export function measureFidelity(files: ReadonlyMap<string, string>): FidelityResult {
  const result = {
    edits: 0,
    oursEditsWithExtraLines: 0,
    oursExtraLines: 0,
    theirsEditsWithExtraLines: 0,
    theirsExtraLines: 0,
    theirsImpossible: 0,
  };
  for (const [path, text] of files) {
    if (!/\.ya?ml$/i.test(path)) continue;
    const parsed = parseYaml(path, text);
    if (!parsed.ok) continue;
    for (const occurrence of extractImages(parsed.source).occurrences) {
      if (occurrence.source !== parsed.source) continue;
      for (const slot of occurrence.slots) {
        if (slot.role === "digest") continue;
        const written = scalarText(parsed.source, slot.node);
        const value = slot.role === "reference" ? respellImageRef(written, "9.9.9", undefined) : "9.9.9";
        const edit = replaceScalar(parsed.source, slot.node, value);
        if (!edit.ok) continue;
        result.edits++;
        const ours = extraLines(text, applySplices(text, [edit.splice]), 1);
        result.oursExtraLines += ours;
        if (ours > 0) result.oursEditsWithExtraLines++;
        if (parsed.source.documents.length !== 1) {
          result.theirsImpossible++;
          continue;
        }
        const pointer = `/${slot.path.map((part) => String(part).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
        const theirs = extraLines(text, yamlPatch(text, [{ op: "replace", path: pointer, value }]), 1);
        result.theirsExtraLines += theirs;
        if (theirs > 0) result.theirsEditsWithExtraLines++;
      }
    }
  }
  return result;
}
