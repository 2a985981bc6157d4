import { createHash } from 'node:crypto';

/** Part of the hashed text, so a change of what is hashed never matches an older key. */
const SCHEME = 'scorm-merge description source v1';

/**
 * The description cache's content key: a sha256 over exactly the package bytes a description is
 * written from, the manifest and the sampled launch-page text.
 *
 * Why not the zip's directory (names, sizes, CRC-32s), which costs no read: CRC-32 detects damage but
 * authenticates nothing, so a zip with a real course's directory and other pages could put its
 * description under the real course's key for every other session.
 */
export function descriptionSourceHash(manifestBytes: Buffer, contentSample: string): string {
  return (
    createHash('sha256')
      .update(`${SCHEME}\n${manifestBytes.length}\n`)
      .update(manifestBytes)
      // Length-prefixed above, so no manifest and sample pair can run into another.
      .update(contentSample, 'utf8')
      .digest('hex')
  );
}
