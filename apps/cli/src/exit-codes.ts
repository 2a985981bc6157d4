export const EXIT = {
  OK: 0,
  /** A package is invalid, or the merge failed; the reason is printed. */
  INVALID: 1,
  USAGE: 2,
  /** 128 + SIGINT, as shells report it. */
  INTERRUPTED: 130,
} as const;
