/**
 * Registries that cannot send headers (Docker Hub, Quay, Pub/Sub push) authenticate with a `?token=`
 * in the URL, and Probot's HTTP logger writes every request URL. Every log line passes through this
 * before it is written, so a secret never reaches the log.
 */
export function redactSecrets(line: string): string {
  return line.replace(/([?&](?:token|access_token|secret)=)[^&\s"'\\]+/gi, "$1[redacted]");
}
