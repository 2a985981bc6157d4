import { MAX_MANUAL_DESCRIPTION_LENGTH, normalizeManualDescription } from './manual-description';

describe('normalizeManualDescription', () => {
  it('keeps the text as one trimmed paragraph, markup and all (it is shown as text)', () => {
    expect(normalizeManualDescription('  Learn <b>safety</b>\n\tat work.\u0007 ')).toEqual({
      ok: true,
      text: 'Learn <b>safety</b> at work.',
    });
  });

  it('refuses empty and over-long text', () => {
    expect(normalizeManualDescription(' \n\t ')).toEqual({
      ok: false,
      message: 'The description must not be empty',
    });
    expect(normalizeManualDescription('x'.repeat(MAX_MANUAL_DESCRIPTION_LENGTH))).toMatchObject({ ok: true });
    expect(normalizeManualDescription('x'.repeat(MAX_MANUAL_DESCRIPTION_LENGTH + 1))).toMatchObject({
      ok: false,
    });
  });
});
