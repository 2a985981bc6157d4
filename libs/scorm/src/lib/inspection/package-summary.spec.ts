import type { PackageFacts } from './package-facts';
import { describePackageLocally } from './package-summary';

function facts(overrides: Partial<PackageFacts>): PackageFacts {
  return {
    title: 'Golf Explained',
    scormVersion: '1.2',
    scormFamily: '1.2',
    schemaVersion: '1.2',
    manifestIdentifier: 'm',
    rootFolder: '',
    scoCount: 1,
    lomDescription: null,
    outline: [],
    warnings: [],
    contentSample: '',
    contentHash: '',
    entryCount: 1,
    uncompressedBytes: 1,
    ...overrides,
  };
}

const GOLF_OUTLINE = [
  ['Playing the Game', 0],
  ['How to Play', 1],
  ['Par', 1],
  ['Playing Golf Quiz', 1],
  ['Etiquette', 0],
  ['Playing Politely', 1],
  ['Etiquette Quiz', 1],
  ['Handicapping', 0],
  ['Calculating a Handicap', 1],
  ['Having Fun', 0],
  ['How to Make Friends Playing Golf', 1],
] as const;

describe('describePackageLocally', () => {
  it('names the top-level parts of a multi-lesson course', () => {
    const text = describePackageLocally(
      facts({
        scoCount: 18,
        outline: GOLF_OUTLINE.map(([title]) => title),
        outlineLevels: GOLF_OUTLINE.map(([, level]) => level),
      }),
    );
    expect(text).toBe(
      'Golf Explained is a SCORM 1.2 course in 18 lessons covering Playing the Game, Etiquette, Handicapping and Having Fun.',
    );
  });

  it('adds an informative sentence from the content sample, skipping navigation junk', () => {
    const text = describePackageLocally(
      facts({
        scoCount: 18,
        outline: ['Playing the Game', 'Etiquette'],
        contentSample:
          'Course Launch Page. Click Next to continue to the following page of this course. Menu. ' +
          'Every round of golf is based on playing a number of holes in a given order. A round has 18 holes.',
      }),
    );
    expect(text).toBe(
      'Golf Explained is a SCORM 1.2 course in 18 lessons covering Playing the Game and Etiquette. ' +
        'Every round of golf is based on playing a number of holes in a given order.',
    );
  });

  it('handles one topic, skipping generic, duplicate and assessment titles', () => {
    const text = describePackageLocally(
      facts({
        scormVersion: '2004 3rd Edition',
        scoCount: 3,
        outline: [
          'Module 1',
          'SCO',
          'Lesson',
          'Module 2: Putting',
          'putting',
          'Final Quiz',
          'Golf Explained',
        ],
      }),
    );
    expect(text).toBe('Golf Explained is a SCORM 2004 3rd Edition course in 3 lessons covering Putting.');
  });

  it('handles no topics and no SCOs', () => {
    expect(describePackageLocally(facts({ scoCount: 1, outline: ['Golf Explained'] }))).toBe(
      'Golf Explained is a SCORM 1.2 course in a single lesson.',
    );
    expect(describePackageLocally(facts({ scoCount: 0, outline: [] }))).toBe(
      'Golf Explained is a SCORM 1.2 course.',
    );
  });

  it('says "and more" when there are many topics, and uses every level without outlineLevels', () => {
    const text = describePackageLocally(
      facts({ scoCount: 6, outline: ['Grip', 'Stance', 'Swing', 'Putting', 'Chipping', 'Bunkers'] }),
    );
    expect(text).toBe(
      'Golf Explained is a SCORM 1.2 course in 6 lessons covering Grip, Stance, Swing, Putting and more.',
    );
  });

  it('skips wrapper items and goes one level deeper', () => {
    const text = describePackageLocally(
      facts({
        scoCount: 6,
        outline: ['Dummy Item', 'Pre Test', 'Content Wrapper', 'Playing the Game', 'Etiquette', 'Post Test'],
        outlineLevels: [0, 1, 1, 2, 2, 1],
      }),
    );
    expect(text).toBe(
      'Golf Explained is a SCORM 1.2 course in 6 lessons covering Playing the Game and Etiquette.',
    );
  });

  it('stays within 300 characters and ends with a period, even with huge titles', () => {
    const long = facts({
      title: 'A'.repeat(290) + '.',
      scoCount: 4,
      outline: ['A very long topic title about swings', 'Another long topic title about putting'],
      contentSample: 'Every round of golf is based on playing a number of holes in a given order.',
    });
    const text = describePackageLocally(long);
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.endsWith('.')).toBe(true);
    expect(text).toMatch(/… is a SCORM 1\.2 course in 4 lessons\.$/);
  });

  it('keeps literal HTML and non-Latin titles as they are', () => {
    expect(describePackageLocally(facts({ title: '<script>alert(1)</script>', scoCount: 0 }))).toBe(
      '<script>alert(1)</script> is a SCORM 1.2 course.',
    );
    expect(
      describePackageLocally(facts({ title: 'ゴルフの説明', scoCount: 2, outline: ['基本', 'マナー'] })),
    ).toBe('ゴルフの説明 is a SCORM 1.2 course in 2 lessons covering 基本 and マナー.');
  });

  it('does not repeat the title as a sentence or take shouting fragments', () => {
    const text = describePackageLocally(
      facts({
        contentSample: 'Golf Explained. 1234 5678 9999 0000 1111 2222 3333 4444 5555 6666 7777 8888. ok.',
      }),
    );
    expect(text).toBe('Golf Explained is a SCORM 1.2 course in a single lesson.');
  });
});
