/** GitHub's page-number pagination with a `Link` header (which Octokit's `paginate` follows). */

export interface PageQuery {
  readonly per_page?: number | undefined;
  readonly page?: number | undefined;
}

export function paginate<T>(
  url: URL,
  query: PageQuery,
  items: readonly T[],
): { body: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(query.per_page ?? 30, 1), 100);
  const page = Math.max(query.page ?? 1, 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number, rel: string): string => {
    const target = new URL(url);
    target.searchParams.set("page", String(n));
    if (query.per_page !== undefined) target.searchParams.set("per_page", String(perPage));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { body, headers: links.length === 0 ? {} : { link: links.join(", ") } };
}
