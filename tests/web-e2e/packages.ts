import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDir } from '../support/workspace';

/** Real packages from the shared corpus, with distinct titles and both SCORM families. */
const CORPUS_PICKS = [
  'golf-cp-singlesco-12.zip',
  'golf-runtime-minimumcalls-multisco-2004-3rd.zip',
  'golf-seq-simpleremediation-2004-3rd.zip',
];

/**
 * Paths of three valid SCORM zips (the shared corpus when present, else built ones written to
 * a temp folder) and of one broken file.
 */
export function uploadFiles(): { valid: string[]; broken: string } {
  const dir = mkdtempSync(join(tmpdir(), 'web-e2e-files-'));
  const corpus = corpusDir();
  const picks = corpus ? CORPUS_PICKS.map((name) => join(corpus, name)) : [];
  const valid = picks.length && picks.every((path) => existsSync(path)) ? picks : builtPackages(dir);
  const broken = join(dir, 'broken-upload.zip');
  writeFileSync(broken, 'this is plain text, not a zip archive\n');
  return { valid, broken };
}

function builtPackages(dir: string): string[] {
  const files: Array<[string, Buffer]> = [
    ['safety-basics-12.zip', buildScorm12Package({ title: 'Safety Basics' })],
    ['forklift-driving-2004.zip', buildScorm2004Package({ title: 'Forklift Driving' })],
    ['first-aid-at-work-12.zip', buildScorm12Package({ title: 'First Aid at Work' })],
  ];
  return files.map(([name, data]) => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  });
}

/** The slug part of a module folder name, as the merge writes it (accents folded, dashes). */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
