/**
 * Markdown for text that came from outside (tags, paths, logins, reasons), so nothing a user or a
 * registry controls can inject links, HTML, mentions or table breaks into what Stagecoach writes.
 */

const ZERO_WIDTH_SPACE = "\u200B";

/** A code span showing `text` literally, whatever backticks it holds; a mention in code does not notify. */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Plain text with Markdown and HTML punctuation escaped. A zero-width space after `@`, inside `://` and
 * after `www` keeps mentions and bare URLs from becoming pings or links.
 */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\s+/g, " ")
      // `#` is left alone: text is always placed after other words, where it makes no heading, and #12
      // must still link to the PR.
      .replace(/[\\`*_[\]<>+!|~&]/g, "\\$&")
      .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
      .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
      .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
  );
}

/** A table cell: escaped text with pipes and line breaks neutralised. */
export function cell(text: string): string {
  return escapeText(text);
}

/** A GitHub login shown as a mention (`@alice`) — only for people who should be notified. */
export function mention(login: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(login) ? `@${login}` : escapeText(login);
}

/** A login shown without notifying its owner. */
export function person(login: string): string {
  return code(login);
}

/** A link whose target is an http(s) URL; anything else is rendered as text. */
export function link(label: string, url: string | undefined): string {
  if (url === undefined || !/^https?:\/\/[^\s()<>]+$/.test(url)) return escapeText(label);
  return `[${escapeText(label)}](${url})`;
}
