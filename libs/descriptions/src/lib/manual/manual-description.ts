/** Longest hand-written description accepted; AI ones are at most 300 characters. */
export const MAX_MANUAL_DESCRIPTION_LENGTH = 1000;

export type ManualDescription = { ok: true; text: string } | { ok: false; message: string };

/** A hand-written description as stored: one paragraph of plain text, trimmed, bounded, not empty. */
export function normalizeManualDescription(raw: string): ManualDescription {
  const text = raw
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return { ok: false, message: 'The description must not be empty' };
  if (text.length > MAX_MANUAL_DESCRIPTION_LENGTH) {
    return {
      ok: false,
      message: `The description is ${text.length} characters long; at most ${MAX_MANUAL_DESCRIPTION_LENGTH} are allowed`,
    };
  }
  return { ok: true, text };
}
