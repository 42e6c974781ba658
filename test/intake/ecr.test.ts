import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { parseEcr } from "../../src/intake/sources/ecr.js";
import { fixture, patched } from "./helpers.js";

const PUSH = "ecr-push.json";

describe("Amazon ECR pushes through EventBridge", () => {
  it("turns the documented push event into one ecr event with the EventBridge id", () => {
    expect(parseEcr(fixture(PUSH))).toEqual({
      events: [
        {
          image: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name",
          tag: "latest",
          digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678",
          source: "ecr",
          deliveryId: "13cde686-328b-6117-af20-0e5566167482",
        },
      ],
    });
  });

  it("uses the .com.cn host in the China regions", () => {
    expect(parseEcr(patched(fixture(PUSH), { region: "cn-north-1" }))).toMatchObject({
      events: [{ image: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/my-repository-name" }],
    });
  });

  it.each([
    ["a delete", { "detail.action-type": "DELETE" }, "ECR action DELETE is not a push"],
    ["a failed push", { "detail.result": "FAILURE" }, "the ECR push did not succeed (FAILURE)"],
    [
      "a push by digest",
      { "detail.image-tag": undefined },
      "the push carries no tag (an image pushed by digest)",
    ],
    [
      "another ECR event",
      { "detail-type": "ECR Image Scan" },
      "EventBridge event ECR Image Scan is not an ECR image action",
    ],
  ])("ignores %s with a reason", (_case, changes, reason) => {
    expect(parseEcr(patched(fixture(PUSH), changes))).toEqual({ ignored: reason });
  });

  it.each([
    ["an account that is not 12 digits", { account: "1234" }, "account: is not a 12-digit AWS account id"],
    ["a region with a slash", { region: "us-west-2/x" }, "region"],
    ["no repository name", { "detail.repository-name": undefined }, "detail.repository-name: is missing"],
    ["a malformed digest", { "detail.image-digest": "sha256:7f5b" }, "detail.image-digest"],
    ["a malformed tag", { "detail.image-tag": ".hidden" }, "detail.image-tag"],
  ])("rejects %s, naming the field", (_case, changes, field) => {
    const payload = patched(fixture(PUSH), changes);
    expect(() => parseEcr(payload)).toThrow(BadInput);
    expect(() => parseEcr(payload)).toThrow(field);
  });
});
