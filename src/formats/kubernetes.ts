import { isMap, isSeq, type Document } from "yaml";
import { splitImageRef, tryParseImageRef, imageName } from "../core/image-ref.js";
import { getNode, getScalar, getString, scalarText, type YamlSource } from "../core/yaml/source.js";
import { nodePaths, slotOf, startOf, type Extraction, type Occurrence } from "./types.js";

/** Where the pod spec sits in each workload kind. */
const POD_SPEC: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
  // Argo Rollouts: argoproj.io/v1alpha1 Rollout (a workloadRef Rollout has no template and is skipped).
  Rollout: ["spec", "template", "spec"],
};

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

/** Images of containers in Kubernetes workloads, including items of a `kind: List`, in every document. */
export function extractKubernetes(source: YamlSource): Extraction {
  const occurrences: Occurrence[] = [];
  source.documents.forEach((document, index) => {
    const paths = nodePaths(document);
    const objects: unknown[] = [document.contents];
    if (getString(document, document.contents, "kind") === "List") {
      const items = getNode(document, document.contents, "items");
      if (isSeq(items)) objects.push(...items.items);
    }
    for (const object of objects) {
      occurrences.push(...fromObject(source, document, index, object, paths));
    }
  });
  return { occurrences, warnings: [] };
}

function fromObject(
  source: YamlSource,
  document: Document,
  index: number,
  object: unknown,
  paths: ReturnType<typeof nodePaths>,
): Occurrence[] {
  const kind = getString(document, object, "kind");
  if (kind === undefined) return [];
  const specPath = POD_SPEC[kind];
  if (specPath === undefined) return [];
  if (kind === "Rollout" && !(getString(document, object, "apiVersion") ?? "").startsWith("argoproj.io/"))
    return [];
  let spec: unknown = object;
  for (const key of specPath) spec = getNode(document, spec, key);
  if (!isMap(spec)) return [];
  const objectName = getString(document, getNode(document, object, "metadata"), "name") ?? "(unnamed)";
  const found: Occurrence[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers = getNode(document, spec, list);
    if (!isSeq(containers)) continue;
    for (const container of containers.items) {
      const node = getScalar(document, container, "image");
      if (node === undefined || typeof node.value !== "string") continue;
      const written = scalarText(source, node);
      const ref = tryParseImageRef(written);
      if (ref === undefined) continue;
      const spelled = splitImageRef(written);
      const containerName = getString(document, container, "name") ?? "?";
      found.push({
        file: source.path,
        ...startOf(source, node),
        format: "kubernetes",
        where: `${kind}/${objectName}, ${list === "containers" ? "container" : list.replace(/s$/, "")} ${containerName}`,
        image: imageName(ref),
        ...(spelled.tag !== undefined && { tag: spelled.tag }),
        ...(ref.digest !== undefined && { digest: ref.digest }),
        slots: [slotOf("reference", node, index, paths)],
        source,
      });
    }
  }
  return found;
}
