import { ProbotOctokit } from "probot";

const MAX_RATE_LIMIT_RETRIES = 2;
const MAX_SECONDARY_RETRIES = 3;

interface ThrottledRequest {
  readonly method: string;
  readonly url: string;
  readonly request: { readonly retryCount: number };
}

interface Logger {
  warn(message: string): void;
}

/**
 * Probot's Octokit with Stagecoach's throttling rules. Probot's own defaults give up on a secondary
 * rate limit (they only log it); Stagecoach waits the `retry-after` GitHub asks for and tries again, a
 * few times, as GitHub's guidance says. 5xx and dropped connections are retried by the retry plugin.
 * The function form runs after Probot's options, so these rules have the last word.
 */
export const StagecoachOctokit: typeof ProbotOctokit = ProbotOctokit.defaults(
  (options: Record<string, unknown>) => {
    const throttle =
      typeof options["throttle"] === "object" && options["throttle"] !== null ? options["throttle"] : {};
    return {
      ...options,
      throttle: {
        ...throttle,
        onRateLimit: (retryAfter: number, request: ThrottledRequest, octokit: { log: Logger }) => {
          octokit.log.warn(`rate limit hit by ${request.method} ${request.url}; retrying in ${retryAfter}s`);
          return request.request.retryCount < MAX_RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (retryAfter: number, request: ThrottledRequest, octokit: { log: Logger }) => {
          octokit.log.warn(
            `secondary rate limit hit by ${request.method} ${request.url}; retrying in ${retryAfter}s`,
          );
          return request.request.retryCount < MAX_SECONDARY_RETRIES;
        },
      },
    };
  },
);
