import { SCORM12_ADAPTER_SCRIPT } from '@scorm-merge/scorm';
import { readFileSync } from 'node:fs';

/**
 * The bridge served from the content origin: scorm-again's CrossFrameAPI as `window.API_1484_11`,
 * posting every call to the top window (the player, which answers with scorm-again's CrossFrameLMS)
 * and only to the app origin named on its script tag. `window.API` (1.2) is the same CrossFrameAPI
 * in a 1.2 course; in a 2004 course it is the merge's 1.2 → 2004 adapter over it, as the merged
 * course's adapter page would give a 1.2 SCO (which, framed in a sandbox, cannot reach that page).
 */
export function bridgeScript(crossFrameApiScript: string): string {
  const crossFrameApi = readFileSync(crossFrameApiScript, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
  return `${crossFrameApi}
${SCORM12_ADAPTER_SCRIPT}
;(function () {
  'use strict';
  var script = document.currentScript;
  var appOrigin = (script && script.getAttribute('data-app-origin')) || '';
  var family = script && script.getAttribute('data-scorm-family');
  if (!appOrigin || window.top === window || typeof CrossFrameAPI !== 'function') return;
  var api = new CrossFrameAPI(appOrigin, window.top);
  window.API_1484_11 = api;
  window.API = family === '2004' ? createScorm12Adapter(function () { return api; }) : api;
})();
`;
}
