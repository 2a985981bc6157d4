import { crc32 } from 'node:zlib';

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** The table's top bytes are all different, so each names its index. */
const INDEX_OF_TOP_BYTE = new Map(TABLE.map((value, index) => [value >>> 24, index]));

/**
 * Rewrites the last 4 bytes of `data` so that its CRC-32 becomes `target`: what an attacker does to
 * make altered bytes pass a CRC check. CRC-32 detects damage; it authenticates nothing.
 */
export function forgeCrc32(data: Buffer, target: number): Buffer {
  if (data.length < 4) throw new Error('forgeCrc32 needs at least 4 bytes to rewrite');
  const out = Buffer.from(data);
  const start = out.length - 4;
  let register = 0xffffffff;
  for (let i = 0; i < start; i++) register = (register >>> 8) ^ TABLE[(register ^ out[i]) & 0xff];
  // Walk back from the register the target needs, one table index per byte.
  const indexes: number[] = [];
  let wanted = (target ^ 0xffffffff) >>> 0;
  for (let k = 3; k >= 0; k--) {
    const index = INDEX_OF_TOP_BYTE.get(wanted >>> 24) as number;
    indexes[k] = index;
    wanted = ((wanted ^ TABLE[index]) << 8) >>> 0;
  }
  for (let k = 0; k < 4; k++) {
    out[start + k] = (register ^ indexes[k]) & 0xff;
    register = ((register >>> 8) ^ TABLE[indexes[k]]) >>> 0;
  }
  if (crc32(out) >>> 0 !== target >>> 0) throw new Error('forgeCrc32: the forged CRC does not match');
  return out;
}
