/** Cuts by code points, so no emoji or other astral character is ever split into a lone surrogate. */
export function truncateCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}
