import { z } from "zod";

/**
 * The slice of GitHub's OpenAPI description the fake needs: for each implemented operation, its
 * path and query parameters and its JSON request body schema, plus the component schemas those
 * reference — and the list of every GitHub operation, so an unimplemented call can be named.
 * `scripts/generate-openapi-subset.ts` writes it; a test fails when the committed copy is stale.
 */

export interface SubsetParameter {
  readonly name: string;
  readonly in: "path" | "query";
  readonly required: boolean;
  readonly schema: unknown;
  /** May contain slashes (`x-multi-segment`), like `{path}` or `{ref}`. */
  readonly multiSegment: boolean;
}

export interface SubsetOperation {
  readonly operationId: string;
  readonly parameters: readonly SubsetParameter[];
  readonly requestBody: { readonly required: boolean; readonly schema: unknown } | null;
}

export interface OpenApiSubset {
  readonly source: string;
  readonly operations: Readonly<Record<string, SubsetOperation>>;
  readonly schemas: Readonly<Record<string, unknown>>;
  /** `METHOD /template` of every operation GitHub has. */
  readonly githubOperations: readonly string[];
}

const RawParameter = z.looseObject({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  schema: z.unknown().optional(),
  "x-multi-segment": z.boolean().optional(),
});
const Ref = z.object({ $ref: z.string() });
const RawOperation = z.looseObject({
  operationId: z.string(),
  parameters: z.array(z.union([Ref, RawParameter])).optional(),
  requestBody: z
    .looseObject({
      required: z.boolean().optional(),
      content: z.record(z.string(), z.looseObject({ schema: z.unknown().optional() })),
    })
    .optional(),
});
const Spec = z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({
    schemas: z.record(z.string(), z.unknown()),
    parameters: z.record(z.string(), RawParameter),
  }),
});

const METHODS = ["get", "post", "put", "patch", "delete"];

export function buildSubset(specJson: unknown, keys: readonly string[], source: string): OpenApiSubset {
  const spec = Spec.parse(specJson);
  const operations: Record<string, SubsetOperation> = {};
  for (const key of [...keys].sort()) {
    const [method = "", path = ""] = key.split(" ");
    const raw = spec.paths[path]?.[method.toLowerCase()];
    if (raw === undefined) throw new Error(`GitHub's OpenAPI description has no operation ${key}`);
    operations[key] = extractOperation(spec, RawOperation.parse(raw));
  }
  const schemas: Record<string, unknown> = {};
  collectSchemas(spec.components.schemas, operations, schemas);
  const githubOperations = Object.entries(spec.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
  return { source, operations, schemas: sortKeys(schemas), githubOperations };
}

function extractOperation(spec: z.infer<typeof Spec>, raw: z.infer<typeof RawOperation>): SubsetOperation {
  const parameters = (raw.parameters ?? []).flatMap((parameter): SubsetParameter[] => {
    const ref = "$ref" in parameter && typeof parameter.$ref === "string" ? parameter.$ref : undefined;
    const resolved =
      ref === undefined
        ? RawParameter.parse(parameter)
        : spec.components.parameters[ref.split("/").pop() ?? ""];
    if (resolved === undefined) throw new Error(`unresolved parameter ${JSON.stringify(parameter)}`);
    if (resolved.in !== "path" && resolved.in !== "query") return [];
    return [
      {
        name: resolved.name,
        in: resolved.in,
        required: resolved.required ?? false,
        schema: resolved.schema ?? {},
        multiSegment: resolved["x-multi-segment"] ?? false,
      },
    ];
  });
  const json = raw.requestBody?.content["application/json"];
  const requestBody =
    json === undefined ? null : { required: raw.requestBody?.required ?? false, schema: json.schema ?? {} };
  return { operationId: raw.operationId, parameters, requestBody };
}

function collectSchemas(
  all: Readonly<Record<string, unknown>>,
  roots: unknown,
  into: Record<string, unknown>,
): void {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith("#/components/schemas/")) {
        const name = child.slice("#/components/schemas/".length);
        if (!(name in into)) {
          into[name] = all[name];
          visit(all[name]);
        }
      } else {
        visit(child);
      }
    }
  };
  visit(roots);
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
