import { isMap, isPair, isScalar, parseAllDocuments, type Scalar } from "yaml";
import type { KeyPath, YamlProblem, YamlSource } from "./source.js";

/** Where YAML embedded in a literal block scalar of another file lives. */
export interface Host {
  readonly source: YamlSource;
  readonly node: Scalar;
  readonly document: number;
  readonly path: KeyPath;
  /** Maps an offset in the embedded text to the offset of the same character in the host's text. */
  toHost(offset: number): number;
}

export interface EmbeddedSource extends YamlSource {
  readonly host: Host;
}

export function isEmbedded(source: YamlSource): source is EmbeddedSource {
  return "host" in source;
}

/**
 * Literal block scalars under `helm: { values: | … }` (Argo CD Applications and ApplicationSets) hold a
 * whole Helm values file as a string. They are parsed as YAML of their own, with every offset mapped back
 * to the host file so edits stay splices of the host's bytes.
 */
export function embeddedHelmValues(source: YamlSource): {
  sources: EmbeddedSource[];
  problems: YamlProblem[];
} {
  const sources: EmbeddedSource[] = [];
  const problems: YamlProblem[] = [];
  source.documents.forEach((document, index) => {
    const visit = (node: unknown, path: KeyPath, parentKey: string | undefined): void => {
      if (!isMap(node)) {
        if (node !== null && typeof node === "object" && "items" in node && Array.isArray(node.items)) {
          node.items.forEach((item: unknown, position: number) => {
            visit(item, [...path, position], undefined);
          });
        }
        return;
      }
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const value = pair.value;
        if (parentKey === "helm" && key === "values" && isScalar(value) && value.type === "BLOCK_LITERAL") {
          const embedded = embed(source, value, index, [...path, key]);
          if ("problem" in embedded) problems.push(embedded.problem);
          else sources.push(embedded.source);
        } else {
          visit(value, [...path, key], key);
        }
      }
    };
    visit(document.contents, [], undefined);
  });
  return { sources, problems };
}

function embed(
  host: YamlSource,
  node: Scalar,
  document: number,
  path: KeyPath,
): { source: EmbeddedSource } | { problem: YamlProblem } {
  const [start = 0, end = 0] = node.range ?? [];
  const at = host.position(start);
  const fail = (message: string): { problem: YamlProblem } => ({
    problem: { path: host.path, ...at, message },
  });
  const value = typeof node.value === "string" ? node.value : "";
  const raw = host.text.slice(start, end);
  const headerEnd = raw.indexOf("\n");
  if (headerEnd === -1) return fail("an embedded values block could not be read; left alone");
  const explicit = /^\|[+-]?([1-9])|^\|([1-9])[+-]?/.exec(raw);
  const bodyStart = start + headerEnd + 1;
  const lines = host.text.slice(bodyStart, end).split("\n");
  const firstContent = lines.find((line) => line.replace(/\r$/, "").trim() !== "");
  const indent =
    explicit !== null
      ? Number(explicit[1] ?? explicit[2])
      : (firstContent?.length ?? 0) - (firstContent?.trimStart().length ?? 0);

  // Line by line: where each value line starts in the value and in the host.
  const starts: { value: number; host: number }[] = [];
  let valueOffset = 0;
  let hostOffset = bodyStart;
  let rebuilt = "";
  for (const line of lines) {
    const content = line.replace(/\r$/, "");
    const body = content.length >= indent ? content.slice(indent) : "";
    starts.push({ value: valueOffset, host: hostOffset + Math.min(indent, content.length) });
    rebuilt += `${body}\n`;
    valueOffset += body.length + 1;
    hostOffset += line.length + 1;
  }
  // Chomping decides trailing newlines only; the lines themselves must agree, or the mapping is wrong.
  if (rebuilt.replace(/\n+$/, "") !== value.replace(/\n+$/, "")) {
    return fail("an embedded values block uses indentation Stagecoach cannot map; left alone");
  }
  const toHost = (offset: number): number => {
    let line = starts[0] ?? { value: 0, host: bodyStart };
    for (const candidate of starts) {
      if (candidate.value > offset) break;
      line = candidate;
    }
    return line.host + (offset - line.value);
  };
  const documents = parseAllDocuments(value, { prettyErrors: false });
  if (!Array.isArray(documents)) return fail("an embedded values block is empty");
  const error = documents.flatMap((parsed) => parsed.errors)[0];
  if (error !== undefined) {
    return {
      problem: {
        path: host.path,
        ...host.position(toHost(error.pos[0])),
        message: `embedded values do not parse as YAML: ${error.message.split("\n")[0] ?? ""}`,
      },
    };
  }
  return {
    source: {
      path: host.path,
      text: value,
      documents,
      position: (offset) => host.position(toHost(offset)),
      host: { source: host, node, document, path, toHost },
    },
  };
}
