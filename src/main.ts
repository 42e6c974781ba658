import { getTransformStream } from "@probot/pino";
import { pino } from "pino";
import { run } from "probot";
import { z } from "zod";
import { createStagecoach } from "./app.js";
import { StagecoachOctokit } from "./octokit.js";
import { redactSecrets } from "./redact.js";
import { settingsFromEnv } from "./settings.js";

/**
 * The production entry point: Probot's own runner (what `probot run` does) with Probot's usual logger
 * plus one hook that redacts URL tokens from every line.
 */
const LogEnv = z.object({
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  LOG_LEVEL_IN_STRING: z.enum(["true", "false"]).optional(),
  SENTRY_DSN: z.url().optional(),
});
const env = LogEnv.parse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));
const transform = await getTransformStream({
  ...(env.LOG_FORMAT !== undefined && { logFormat: env.LOG_FORMAT }),
  ...(env.LOG_LEVEL_IN_STRING === "true" && { logLevelInString: true }),
  ...(env.SENTRY_DSN !== undefined && { sentryDsn: env.SENTRY_DSN }),
});
transform.pipe(process.stdout);
const log = pino({ level: env.LOG_LEVEL, name: "probot", hooks: { streamWrite: redactSecrets } }, transform);

await run(createStagecoach(settingsFromEnv(process.env)), { log, Octokit: StagecoachOctokit });
