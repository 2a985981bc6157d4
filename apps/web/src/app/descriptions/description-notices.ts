/**
 * What the server's task messages say about the AI, for the notices above the list.
 * The runner announces "… locally (no API key)" when it starts and sums up
 * "Described n of m packages: 2 by AI, 1 locally after the AI failed" when it ends.
 */
export function saysNoApiKey(message: string | null | undefined): boolean {
  if (!message) {
    return false;
  }
  if (/no API key/i.test(message)) {
    return true;
  }
  // A summary where every package was described locally, none by the AI or from its cache.
  return (
    /^Described \d+ of \d+ packages:/.test(message) &&
    /\d+ locally(?! after)/.test(message) &&
    !/by AI|from the cache/.test(message)
  );
}

export function saysAiFailed(message: string | null | undefined): boolean {
  return (
    !!message && /after the AI failed|local fallback|Stopped by an error|Could not describe/i.test(message)
  );
}
