import { attachmentDisposition } from './merge-download.controller';

describe('attachmentDisposition', () => {
  it('gives the title as an ASCII fallback and as exact UTF-8', () => {
    expect(attachmentDisposition('Café: "safety"')).toBe(
      `attachment; filename="Cafe safety.zip"; filename*=UTF-8''Caf%C3%A9%3A%20%22safety%22.zip`,
    );
  });

  it('falls back to course.zip when no ASCII letter of the title is left', () => {
    expect(attachmentDisposition('安全培训 2024 - 第3部分')).toMatch(/^attachment; filename="course\.zip"; /);
    expect(attachmentDisposition('高尔夫解说')).toBe(
      `attachment; filename="course.zip"; filename*=UTF-8''${encodeURIComponent('高尔夫解说.zip')}`,
    );
  });
});
