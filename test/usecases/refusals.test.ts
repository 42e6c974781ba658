import { describe, expect, it } from "vitest";
import { RecentRefusals } from "../../src/usecases/refusals.js";

describe("RecentRefusals", () => {
  it("keeps the newest refusals per repo, once per app and tag, within the limit", () => {
    const refusals = new RecentRefusals(2);
    refusals.add("acme/deploy", { app: "api", tag: "2.0.0", reason: "2.0.0 is outside ^1.0.0" });
    refusals.add("acme/other", { app: "api", tag: "latest", reason: "latest is a mutable tag" });
    refusals.add("acme/deploy", { app: "web", tag: "main", reason: "main is a mutable tag" });
    refusals.add("acme/deploy", { app: "api", tag: "2.0.0", reason: "2.0.0 is outside ^1.0.0" });
    expect(refusals.list("acme/deploy")).toEqual([
      { app: "api", tag: "2.0.0", reason: "2.0.0 is outside ^1.0.0" },
      { app: "web", tag: "main", reason: "main is a mutable tag" },
    ]);
    refusals.add("acme/deploy", { app: "worker", tag: "3.0.0", reason: "3.0.0 is outside ^2.0.0" });
    expect(refusals.list("acme/deploy").map((refusal) => refusal.app)).toEqual(["worker", "api"]);
    expect(refusals.list("acme/other")).toHaveLength(1);
    expect(refusals.list("acme/none")).toEqual([]);
  });
});
