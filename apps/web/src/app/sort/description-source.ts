import type { DescriptionSource } from '../session/session.models';

/** The badge beside a description, and what it means (for its tooltip and screen readers). */
export const SOURCE_BADGES: Record<DescriptionSource, { label: string; meaning: string }> = {
  MANIFEST: { label: 'Manifest', meaning: 'Taken from the package manifest' },
  LOCAL: { label: 'Local', meaning: 'Written locally from the package content' },
  AI: { label: 'AI', meaning: 'Written by the AI' },
  CACHE: { label: 'Cached', meaning: 'Written by the AI earlier for the same package' },
  MANUAL: { label: 'Edited', meaning: 'Edited by hand' },
};
