import type { ScormFamily } from '../manifest/scorm-version';
import { escapeHtml, FIND_API_SCRIPT, scriptJson } from './page-helpers';

export interface CourseMenuModule {
  /** Plain text (untrusted). */
  title: string;
  /** Plain text (untrusted); may be empty. */
  description: string;
  /** Item identifier a 2004 choice request targets. */
  target: string;
  /** The package's LOM language (a BCP 47 tag such as `zh-CN`), set as `lang` on its text. */
  language?: string | null;
  /** The uploaded file name, shown to tell apart modules with the same title. */
  filename?: string;
}

export interface CourseMenuOptions {
  family: ScormFamily;
  /** Plain text (untrusted). */
  courseTitle: string;
  modules: CourseMenuModule[];
}

export const MENU_ITEM_TITLE = 'Course menu';

/**
 * The course-menu SCO: the modules in order with their titles and descriptions (all escaped).
 * In SCORM 2004 each module opens through an `adl.nav.request` choice; in SCORM 1.2, which has
 * no navigation requests, the page points learners to the LMS's course outline.
 * It initialises on load, marks itself completed, and terminates exactly once.
 */
export function renderCourseMenu(options: CourseMenuOptions): string {
  const is2004 = options.family === '2004';
  const title = escapeHtml(options.courseTitle);
  const intro = is2004
    ? 'Choose a module to start it. You can come back to this menu from the course outline at any time.'
    : 'Open the modules from the course outline of your learning platform, in the order shown here.';
  const repeated = repeatedTitles(options.modules);
  const items = options.modules
    .map((module, index) => {
      const number = index + 1;
      const headingId = `module-${number}`;
      const lang = langAttribute(module.language);
      const description = module.description.trim()
        ? `<p class="description"${lang}>${escapeHtml(module.description.trim())}</p>`
        : '';
      // Same titles: position and file name tell the modules apart, on screen and to screen readers.
      const source = repeated.has(titleKey(module.title))
        ? `Module ${number}${module.filename ? `, ${module.filename}` : ''}`
        : '';
      const sourceLine = source ? `<p class="source" id="${headingId}-source">${escapeHtml(source)}</p>` : '';
      const described = source ? `${headingId} ${headingId}-source` : headingId;
      const action = is2004
        ? `<button type="button" class="start" data-target="${escapeHtml(module.target)}" data-feedback="feedback-${number}" aria-describedby="${described}">Start module<span class="visually-hidden">: <span${lang}>${escapeHtml(module.title)}</span></span></button>
        <p class="feedback" id="feedback-${number}" role="status" aria-live="polite"></p>`
        : '';
      return `      <li class="module">
        <h2 id="${headingId}"><span class="number">${number}.</span> <span${lang}>${escapeHtml(module.title)}</span></h2>
        ${sourceLine}
        ${description}
        ${action}
      </li>`;
    })
    .join('\n');

  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} – ${MENU_ITEM_TITLE}</title>
  <style>
    :root { color-scheme: light dark; --accent: #0b57d0; --text: #1f1f1f; --muted: #444746; --card: #ffffff; --bg: #f3f6fc; }
    @media (prefers-color-scheme: dark) { :root { --accent: #a8c7fa; --text: #e3e3e3; --muted: #c4c7c5; --card: #1e1f20; --bg: #131314; } }
    * { box-sizing: border-box; }
    body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: var(--bg); }
    main { max-width: 52rem; margin: 0 auto; padding: clamp(1rem, 4vw, 2.5rem); }
    h1 { font-size: clamp(1.5rem, 4vw, 2.25rem); line-height: 1.2; margin: 0 0 .5rem; overflow-wrap: anywhere; }
    .intro { color: var(--muted); margin: 0 0 1.5rem; }
    ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
    .module { background: var(--card); border-radius: .75rem; padding: 1rem 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / .15); }
    .module h2 { font-size: 1.2rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
    .number { color: var(--muted); }
    .description { margin: 0 0 .75rem; color: var(--muted); overflow-wrap: anywhere; white-space: pre-line; }
    .start { font: inherit; font-weight: 600; color: #fff; background: #0b57d0; border: 0; border-radius: 2rem; padding: .6rem 1.25rem; min-height: 44px; cursor: pointer; }
    .start:hover { background: #0842a0; }
    .start:focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; }
    .start[disabled] { background: #757775; cursor: not-allowed; }
    .status { margin: 0 0 1rem; font-weight: 600; }
    .status:empty, .feedback:empty { display: none; }
    .source { margin: 0 0 .5rem; color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
    .feedback { margin: .75rem 0 0; font-weight: 600; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    @media (prefers-reduced-motion: no-preference) { .start { transition: background .15s; } }
  </style>
</head>
<body>
  <main>
    <h1>${title}</h1>
    <p class="intro">${intro}</p>
    <p class="status" id="status" role="status" aria-live="polite"></p>
    <ol class="modules" aria-label="Modules">
${items}
    </ol>
  </main>
  <script>
  (function () {
    'use strict';
    var FAMILY = ${scriptJson(options.family)};
${FIND_API_SCRIPT}
    var statusLine = document.getElementById('status');
    var api = null;
    var initialized = false;
    var finished = false;
    // Feedback on a module goes next to its card, where the learner is looking.
    function say(text, line) { (line || statusLine).textContent = text; }
    function start() {
      if (FAMILY === '2004') {
        api = findScormApi('API_1484_11');
        if (!api) { say('This menu is not running inside a learning platform, so modules cannot be opened from here.'); return; }
        initialized = String(api.Initialize('')) === 'true';
        if (initialized) { api.SetValue('cmi.completion_status', 'completed'); api.Commit(''); }
      } else {
        api = findScormApi('API');
        if (!api) return;
        initialized = String(api.LMSInitialize('')) === 'true';
        if (initialized) { api.LMSSetValue('cmi.core.lesson_status', 'completed'); api.LMSCommit(''); }
      }
    }
    function finish() {
      if (!initialized || finished) return;
      finished = true;
      if (FAMILY === '2004') api.Terminate('');
      else api.LMSFinish('');
    }
    function choose(event) {
      var button = event.currentTarget;
      var target = button.getAttribute('data-target');
      var line = document.getElementById(button.getAttribute('data-feedback'));
      if (!initialized) { say('Modules cannot be opened from here; use the course outline.', line); return; }
      if (String(api.SetValue('adl.nav.request', '{target=' + target + '}choice')) !== 'true') {
        say('This module cannot be opened right now; use the course outline.', line);
        return;
      }
      say('Opening the module…', line);
      finish();
    }
    start();
    var buttons = document.querySelectorAll('button[data-target]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', choose);
    }
    window.addEventListener('pagehide', finish);
    window.addEventListener('unload', finish);
  })();
  </script>
</body>
</html>
`;
}

/** Titles (compared case- and space-insensitively) that more than one module has. */
function repeatedTitles(modules: readonly CourseMenuModule[]): Set<string> {
  const counts = new Map<string, number>();
  for (const module of modules)
    counts.set(titleKey(module.title), (counts.get(titleKey(module.title)) ?? 0) + 1);
  return new Set([...counts].filter(([, count]) => count > 1).map(([key]) => key));
}

function titleKey(title: string): string {
  return title.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** ` lang="…"` for a well-formed BCP 47 tag; nothing for a missing or malformed one. */
function langAttribute(language: string | null | undefined): string {
  const tag = language?.trim() ?? '';
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? ` lang="${escapeHtml(tag)}"` : '';
}
