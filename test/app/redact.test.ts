import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/redact.js";

describe("redactSecrets", () => {
  it.each([
    [
      '{"msg":"POST /stagecoach/registry/dockerhub?token=s3cr3t-value-123456 202 - 4ms"}',
      '{"msg":"POST /stagecoach/registry/dockerhub?token=[redacted] 202 - 4ms"}',
    ],
    [
      '"url":"/stagecoach/registry/gar?x=1&token=abc&y=2"',
      '"url":"/stagecoach/registry/gar?x=1&token=[redacted]&y=2"',
    ],
    ["GET /x?TOKEN=abc", "GET /x?TOKEN=[redacted]"],
    ["POST /api/github/webhooks 200", "POST /api/github/webhooks 200"],
  ])("redacts URL tokens in %s", (line, expected) => {
    expect(redactSecrets(line)).toBe(expected);
  });
});
