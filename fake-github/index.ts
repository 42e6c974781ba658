export { FakeGitHub, type AppCredentials, type FakeGitHubOptions } from "./fake-github.js";
export { Actor } from "./control/actor.js";
export type { AppOptions, InstallOptions, ProtectionOptions, RepoOptions } from "./control/setup.js";
export type { FaultKind, FaultRule, InjectedFault } from "./http/faults.js";
export type { LoggedRequest } from "./http/request-log.js";
export type { Violation, ViolationKind } from "./violations.js";
export type { Delivery } from "./webhooks/dispatcher.js";
export { signature256, verifySignature256 } from "./webhooks/signature.js";
export { serveProbotApp, type ProbotHarness, type ProbotHarnessOptions } from "./probot-harness.js";
