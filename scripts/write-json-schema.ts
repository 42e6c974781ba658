import { writeFileSync } from "node:fs";
import { configJsonSchemaText } from "../src/config/json-schema.js";

// Regenerates the committed JSON Schema; a test fails when it is out of date.
writeFileSync(new URL("../schema/stagecoach.schema.json", import.meta.url), configJsonSchemaText());
console.log("wrote schema/stagecoach.schema.json");
