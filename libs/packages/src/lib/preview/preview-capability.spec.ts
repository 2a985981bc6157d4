import { randomBytes } from 'node:crypto';
import { PreviewCapability } from './preview-capability';

describe('preview capabilities', () => {
  const capability = new PreviewCapability(randomBytes(32));
  const claim = {
    kind: 'packages' as const,
    id: '0f8c6f7e-5a43-4c39-9a4e-2d1c7c1f00aa',
    appOrigin: 'http://localhost:3000',
  };
  const session = 'AAAAAAAAAAAAAAAAAAAAAA';

  it('reads back what it signed, and verifies it only for the same session and claim', () => {
    const segment = capability.sign(session, claim);
    expect(segment).not.toContain(session);
    const read = capability.read('packages', segment);
    expect(read).toMatchObject(claim);
    expect(capability.verify(session, claim, read?.mac ?? '')).toBe(true);
    expect(capability.verify('BBBBBBBBBBBBBBBBBBBBBB', claim, read?.mac ?? '')).toBe(false);
    expect(capability.verify(session, { ...claim, kind: 'merges' }, read?.mac ?? '')).toBe(false);
    expect(capability.verify(session, { ...claim, appOrigin: 'http://evil.example' }, read?.mac ?? '')).toBe(
      false,
    );
    expect(new PreviewCapability(randomBytes(32)).verify(session, claim, read?.mac ?? '')).toBe(false);
  });

  it('reads nothing from malformed segments or origins that are not web origins', () => {
    const mac = 'A'.repeat(43);
    const origin = (text: string) => Buffer.from(text).toString('base64url');
    for (const segment of [
      '',
      'id',
      `id.${origin('http://localhost:3000')}`,
      `../x.${origin('http://localhost:3000')}.${mac}`,
      `id.${origin('javascript:alert(1)')}.${mac}`,
      `id.${origin('http://localhost:3000/path')}.${mac}`,
      `id.${origin('http://localhost:3000')}.${mac}A`,
    ]) {
      expect([segment, capability.read('packages', segment)]).toEqual([segment, null]);
    }
  });
});
