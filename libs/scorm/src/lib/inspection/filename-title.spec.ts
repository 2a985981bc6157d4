import { titleFromFilename } from './filename-title';

describe('titleFromFilename', () => {
  it.each([
    ['golf-cp-singlesco-12.zip', 'Golf cp singlesco 12'],
    ['My_Course.v2.ZIP', 'My Course v2'],
    ['C:\\uploads\\über-kurs.zip', 'Über kurs'],
    ['.zip', 'Untitled package'],
    ['ゴルフ.zip', 'ゴルフ'],
  ])('%s → %s', (filename, title) => {
    expect(titleFromFilename(filename)).toBe(title);
  });
});
