/**
 * OpenAPI 3.0 schemas → JSON Schema for ajv: `nullable: true` becomes a `null` type (or an `anyOf`
 * with `null` where there is no `type`), and `#/components/schemas/x` points at the shared `github`
 * document the validator registers.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const converted: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    converted[key] =
      key === "$ref" && typeof child === "string" && child.startsWith("#/")
        ? `github${child}`
        : toJsonSchema(child);
  }
  if (converted["nullable"] !== true) return converted;
  delete converted["nullable"];
  const type = converted["type"];
  if (typeof type === "string") {
    converted["type"] = [type, "null"];
    if (Array.isArray(converted["enum"])) converted["enum"] = [...(converted["enum"] as unknown[]), null];
    return converted;
  }
  return { anyOf: [converted, { type: "null" }] };
}
