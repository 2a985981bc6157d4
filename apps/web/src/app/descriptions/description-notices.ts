/**
 * Whether the server's task message says AI calls failed, for the notice above the list: the runner
 * sums up "Described n of m packages: 2 by AI, 1 locally after the AI failed" when it ends.
 */
export function saysAiFailed(message: string | null | undefined): boolean {
  return (
    !!message && /after the AI failed|local fallback|Stopped by an error|Could not describe/i.test(message)
  );
}
