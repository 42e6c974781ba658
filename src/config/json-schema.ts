import { z } from "zod";
import { Config } from "./schema.js";

/**
 * The JSON Schema of `.github/stagecoach.yml`, generated from the zod schema so editors can complete and
 * check the file. Rules that need code (semver ranges, regex safety, cycles) are only in the zod side.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Config, { io: "input", target: "draft-2020-12" });
  return {
    ...schema,
    title: "Stagecoach configuration (.github/stagecoach.yml)",
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
