/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds. */
export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : iso(date);
}
