import type { Scalar } from "yaml";
import { embeddedHelmValues } from "../core/yaml/embedded.js";
import type { YamlSource } from "../core/yaml/source.js";
import { extractHelmValues } from "./helm-values.js";
import { extractKubernetes } from "./kubernetes.js";
import { extractKustomize } from "./kustomize.js";
import { extractMarkers } from "./markers.js";
import type { Extraction, FormatWarning, Occurrence } from "./types.js";

export type { Extraction, FormatName, FormatWarning, Occurrence, Slot } from "./types.js";

/**
 * Every image occurrence in a file, from every format. Markers come first because they name their app
 * explicitly; after them, a scalar already claimed by one format is not claimed again by a later one
 * (a container `image:` is a Kubernetes occurrence, not also a Helm one).
 */
export function extractImages(source: YamlSource): Extraction {
  const embedded = embeddedHelmValues(source);
  const warnings: FormatWarning[] = embedded.problems.map((problem) => ({ ...problem, file: problem.path }));
  const found: Occurrence[] = [];
  const claimed = new Set<Scalar>();
  const add = (extraction: Extraction): void => {
    warnings.push(...extraction.warnings);
    for (const occurrence of extraction.occurrences) {
      if (occurrence.slots.some((slot) => claimed.has(slot.node))) continue;
      for (const slot of occurrence.slots) claimed.add(slot.node);
      found.push(occurrence);
    }
  };
  for (const current of [source, ...embedded.sources]) {
    add(extractMarkers(current));
    add(extractKubernetes(current));
    add(extractKustomize(current));
    add(extractHelmValues(current));
  }
  return { occurrences: found, warnings };
}
