import { describeLocally, toPackageFacts } from './local-description-provider';

const stored = {
  id: 'p1',
  title: 'Forklift Safety',
  filename: 'forklift.zip',
  scormVersion: '2004 3rd Edition',
  scoCount: 2,
  lomDescription: null,
  contentSample: '',
  outline: ['Checking the truck', 'Lifting loads'],
  contentHash: 'abc',
};

describe('describeLocally', () => {
  it('describes a stored package from its facts, with no network', () => {
    const text = describeLocally(stored);
    expect(text).toContain('Forklift Safety');
    expect(text).toContain('SCORM 2004 3rd Edition');
    expect(text).toContain('Checking the truck');
    expect(text.length).toBeLessThanOrEqual(300);
  });

  it('derives the SCORM family from the stored version', () => {
    expect(toPackageFacts(stored).scormFamily).toBe('2004');
    expect(toPackageFacts({ ...stored, scormVersion: '1.2' }).scormFamily).toBe('1.2');
  });
});
