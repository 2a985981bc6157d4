export interface PreviewOptions {
  /**
   * The origin package content is served from (`https://content.example.com`), a second host name of
   * this server; empty: the app's own origin, with content sandboxed to an opaque origin.
   */
  origin: string;
  /** Key of the content URLs' HMAC, the same on every instance; empty: one kept in DATA_DIR. */
  secret: string;
  /** scorm-again's cross-frame-api.min.js, which the bridge script wraps. */
  crossFrameApiScript: string;
}

export const PREVIEW_OPTIONS = Symbol('PREVIEW_OPTIONS');
