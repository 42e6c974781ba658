import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { z } from "zod";
import { toJsonSchema } from "./json-schema.js";
import type { OpenApiSubset, SubsetOperation } from "./subset.js";

/**
 * Validates requests against GitHub's OpenAPI operations (path params, query params, JSON body),
 * with the committed subset of the description. Validators compile lazily, once per operation.
 */

export const SUBSET_FILE = new URL("./github-operations.json", import.meta.url);

const Subset = z.object({
  source: z.string(),
  operations: z.record(
    z.string(),
    z.object({
      operationId: z.string(),
      parameters: z.array(
        z.object({
          name: z.string(),
          in: z.enum(["path", "query"]),
          required: z.boolean(),
          schema: z.unknown(),
          multiSegment: z.boolean(),
        }),
      ),
      requestBody: z.object({ required: z.boolean(), schema: z.unknown() }).nullable(),
    }),
  ),
  schemas: z.record(z.string(), z.unknown()),
  githubOperations: z.array(z.string()),
});

export function loadSubset(): OpenApiSubset {
  return Subset.parse(JSON.parse(readFileSync(SUBSET_FILE, "utf8")));
}

export interface ValidationProblem {
  /** Where: `path`, `query` or `body`. */
  readonly part: "path" | "query" | "body";
  readonly message: string;
}

export interface ValidatedRequest {
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  readonly problems: readonly ValidationProblem[];
  readonly unknownQuery: readonly string[];
}

interface Compiled {
  readonly path: ValidateFunction;
  readonly query: ValidateFunction;
  readonly body: ValidateFunction | undefined;
}

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function newAjv(coerce: boolean, schemas: Readonly<Record<string, unknown>>): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes: coerce,
    useDefaults: false,
    discriminator: false,
  });
  addFormats(ajv);
  // GitHub's own format: a repository's `owner/name`.
  ajv.addFormat("repo.nwo", /^[\w.-]+\/[\w.-]+$/);
  ajv.addSchema({ $id: "github", components: { schemas: rebase(schemas) } });
  return ajv;
}

function rebase(value: unknown): Record<string, unknown> {
  const result = toJsonSchema(value);
  return typeof result === "object" && result !== null ? (result as Record<string, unknown>) : {};
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map(
      (error) =>
        `${error.instancePath === "" ? "(root)" : error.instancePath} ${error.message ?? "is invalid"}`,
    )
    .join("; ");
}

export class RequestValidator {
  readonly subset: OpenApiSubset;
  readonly #compiled = new Map<string, Compiled>();
  #paramsAjv: Ajv | undefined;
  #bodyAjv: Ajv | undefined;

  constructor(subset: OpenApiSubset = loadSubset()) {
    this.subset = subset;
  }

  operation(key: string): SubsetOperation | undefined {
    return this.subset.operations[key];
  }

  validate(
    key: string,
    input: { params: Record<string, string>; query: Record<string, string>; body: unknown },
  ): ValidatedRequest {
    const operation = this.operation(key);
    if (operation === undefined)
      throw new Error(`no OpenAPI operation ${key} in the subset; run scripts/generate-openapi-subset.ts`);
    const compiled = this.#compile(key, operation);
    const params: Record<string, unknown> = { ...input.params };
    const query: Record<string, unknown> = { ...input.query };
    const problems: ValidationProblem[] = [];
    if (!compiled.path(params)) problems.push({ part: "path", message: describe(compiled.path.errors) });
    if (!compiled.query(query)) problems.push({ part: "query", message: describe(compiled.query.errors) });
    const known = new Set(operation.parameters.filter((p) => p.in === "query").map((p) => p.name));
    const unknownQuery = Object.keys(input.query).filter((name) => !known.has(name));
    if (compiled.body === undefined) {
      if (input.body !== undefined && operation.requestBody === null && isNonEmpty(input.body)) {
        problems.push({ part: "body", message: "this operation takes no request body" });
      }
    } else if (input.body === undefined) {
      if (operation.requestBody?.required === true)
        problems.push({ part: "body", message: "a request body is required" });
    } else if (!compiled.body(input.body)) {
      problems.push({ part: "body", message: describe(compiled.body.errors) });
    }
    return { params, query, body: input.body, problems, unknownQuery };
  }

  #compile(key: string, operation: SubsetOperation): Compiled {
    const existing = this.#compiled.get(key);
    if (existing !== undefined) return existing;
    this.#paramsAjv ??= newAjv(true, this.subset.schemas);
    this.#bodyAjv ??= newAjv(false, this.subset.schemas);
    const objectOf = (where: "path" | "query"): Record<string, unknown> => {
      const parameters = operation.parameters.filter((p) => p.in === where);
      return rebase({
        type: "object",
        properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
        required: parameters.filter((p) => p.required).map((p) => p.name),
      });
    };
    const compiled: Compiled = {
      path: this.#paramsAjv.compile(objectOf("path")),
      query: this.#paramsAjv.compile(objectOf("query")),
      body:
        operation.requestBody === null
          ? undefined
          : this.#bodyAjv.compile(rebase({ schema: operation.requestBody.schema })["schema"] ?? {}),
    };
    this.#compiled.set(key, compiled);
    return compiled;
  }
}

function isNonEmpty(body: unknown): boolean {
  return !(typeof body === "object" && body !== null && Object.keys(body).length === 0);
}
