import { saysAiFailed } from './description-notices';

describe('description notices', () => {
  it('knows when AI calls failed', () => {
    expect(saysAiFailed('Described 3 of 3 packages: 2 by AI, 1 locally after the AI failed')).toBe(true);
    expect(saysAiFailed('Described "Golf" (local fallback after 3 attempts)')).toBe(true);
    expect(saysAiFailed('Stopped by an error: disk full')).toBe(true);
    expect(saysAiFailed('Described 3 of 3 packages: 3 by AI')).toBe(false);
    expect(saysAiFailed(undefined)).toBe(false);
  });
});
