import { selectTaskTargets, type CandidatePackage } from './task-targets';
import { progressPercent } from './task-progress';

const pkg = (id: string, position: number, extra: Partial<CandidatePackage> = {}): CandidatePackage => ({
  id,
  filename: `${id}.zip`,
  position,
  error: null,
  descriptionSource: 'LOCAL',
  ...extra,
});

describe('selectTaskTargets', () => {
  const packages = [
    pkg('c', 2),
    pkg('a', 0),
    pkg('bad', 1, { error: 'No imsmanifest.xml' }),
    pkg('m', 3, { descriptionSource: 'MANUAL' }),
  ];

  it('takes every valid package in course order, leaving hand-written ones alone', () => {
    expect(selectTaskTargets('s', packages, null, false)).toEqual({
      ok: true,
      packageIds: ['a', 'c'],
      skippedManual: 1,
    });
    expect(selectTaskTargets('s', packages, undefined, true)).toEqual({
      ok: true,
      packageIds: ['a', 'c', 'm'],
      skippedManual: 0,
    });
  });

  it('takes only the listed packages, still in course order', () => {
    expect(selectTaskTargets('s', packages, ['c', 'a'], false)).toEqual({
      ok: true,
      packageIds: ['a', 'c'],
      skippedManual: 0,
    });
  });

  it('names unknown, repeated and invalid packages', () => {
    expect(selectTaskTargets('s', packages, ['a', 'x', 'y'], false)).toEqual({
      ok: false,
      problem: 'not-found',
      message: 'Not packages of session s: x, y',
    });
    expect(selectTaskTargets('s', packages, ['a', 'a'], false)).toMatchObject({
      ok: false,
      problem: 'bad-request',
    });
    expect(selectTaskTargets('s', packages, [], false)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/empty/),
    });
    expect(selectTaskTargets('s', packages, ['bad'], false)).toEqual({
      ok: false,
      problem: 'bad-request',
      message: 'Invalid packages cannot be described: bad.zip (No imsmanifest.xml)',
    });
  });

  it('refuses a session with no valid package', () => {
    expect(selectTaskTargets('s', [pkg('bad', 0, { error: 'broken' })], null, false)).toEqual({
      ok: false,
      problem: 'bad-request',
      message: 'Session s has no valid package to describe',
    });
    expect(selectTaskTargets('s', [], null, false)).toMatchObject({ ok: false });
  });

  it('makes an empty selection when every valid package was written by hand', () => {
    expect(selectTaskTargets('s', [pkg('m', 0, { descriptionSource: 'MANUAL' })], null, false)).toEqual({
      ok: true,
      packageIds: [],
      skippedManual: 1,
    });
  });
});

describe('progressPercent', () => {
  it('rounds down, so 100 means every package is finished', () => {
    expect(progressPercent(0, 3)).toBe(0);
    expect(progressPercent(2, 3)).toBe(66);
    expect(progressPercent(199, 200)).toBe(99);
    expect(progressPercent(3, 3)).toBe(100);
    expect(progressPercent(0, 0)).toBe(100);
  });
});
