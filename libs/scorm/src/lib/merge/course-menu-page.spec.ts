import { renderCourseMenu } from './course-menu-page';

describe('renderCourseMenu', () => {
  const modules = [
    { title: 'Golf <explained>', description: 'Rules & "etiquette"', target: 'p01_module' },
    { title: 'Putting', description: '', target: 'p02_item' },
  ];

  it('lists modules in order with escaped text and a choice button per module (2004)', () => {
    const html = renderCourseMenu({ family: '2004', courseTitle: 'My <course>', modules });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<h1>My &lt;course&gt;</h1>');
    expect(html).toContain('<span class="number">1.</span> <span>Golf &lt;explained&gt;</span></h2>');
    expect(html).toContain('<p class="description">Rules &amp; &quot;etiquette&quot;</p>');
    expect(html.indexOf('Golf &lt;explained&gt;')).toBeLessThan(html.indexOf('Putting'));
    expect(html).toContain('data-target="p01_module" data-feedback="feedback-1" aria-describedby="module-1"');
    expect(html).toContain('data-target="p02_item"');
    expect(html).toContain("api.SetValue('adl.nav.request', '{target=' + target + '}choice')");
    expect(html).toContain("api.Terminate('')");
    expect(html).toContain('role="status" aria-live="polite"');
  });

  it('points to the course outline and has no buttons in SCORM 1.2', () => {
    const html = renderCourseMenu({ family: '1.2', courseTitle: 'C', modules });
    expect(html).not.toContain('<button');
    expect(html).toContain('course outline');
    expect(html).toContain("api.LMSFinish('')");
  });
});

describe('renderCourseMenu: telling modules apart, languages and feedback', () => {
  const golf = (target: string, filename: string) => ({
    title: 'Golf Explained - CP Single SCO',
    description: '',
    target,
    filename,
  });

  it('adds position and file name under titles that several modules share, and only there', () => {
    const html = renderCourseMenu({
      family: '2004',
      courseTitle: 'C',
      modules: [
        golf('p01_module', 'golf-cp-singlesco-12.zip'),
        { title: 'Putting', description: '', target: 'p02_module', filename: 'putting.zip' },
        golf('p03_module', 'golf-cp-singlesco-2004-3rd.zip'),
        { ...golf('p04_module', 'a<b>.zip'), title: ' golf explained -  CP single SCO ' },
      ],
    });
    expect(html).toContain('<p class="source" id="module-1-source">Module 1, golf-cp-singlesco-12.zip</p>');
    expect(html).toContain(
      '<p class="source" id="module-3-source">Module 3, golf-cp-singlesco-2004-3rd.zip</p>',
    );
    expect(html).toContain('<p class="source" id="module-4-source">Module 4, a&lt;b&gt;.zip</p>');
    expect(html).not.toContain('module-2-source');
    expect(html).toContain('aria-describedby="module-3 module-3-source"');
    expect(html).toContain('data-target="p02_module" data-feedback="feedback-2" aria-describedby="module-2"');
  });

  it('marks titles and descriptions with the LOM language, escaped, and ignores malformed tags', () => {
    const html = renderCourseMenu({
      family: '2004',
      courseTitle: 'C',
      modules: [
        { title: '高尔夫<解说>', description: '规则 & 礼仪', target: 'p01_module', language: 'zh-CN' },
        { title: 'Putting', description: 'x', target: 'p02_module', language: 'en" onclick="x' },
      ],
    });
    expect(html).toContain(
      '<span class="number">1.</span> <span lang="zh-CN">高尔夫&lt;解说&gt;</span></h2>',
    );
    expect(html).toContain('<p class="description" lang="zh-CN">规则 &amp; 礼仪</p>');
    expect(html).toContain('<span class="number">2.</span> <span>Putting</span></h2>');
    expect(html).not.toContain('onclick');
  });

  it("answers a refused choice next to the clicked card, in that card's live region", () => {
    const html = renderCourseMenu({
      family: '2004',
      courseTitle: 'C',
      modules: [golf('p01_module', 'a.zip'), golf('p02_module', 'b.zip')],
    });
    const card = html.slice(html.indexOf('<li class="module">'), html.indexOf('</li>'));
    expect(card).toContain('data-feedback="feedback-1"');
    expect(card).toContain('<p class="feedback" id="feedback-1" role="status" aria-live="polite"></p>');
    expect(html).toContain("var line = document.getElementById(button.getAttribute('data-feedback'));");
    expect(html).toContain("say('This module cannot be opened right now; use the course outline.', line);");
  });
});
