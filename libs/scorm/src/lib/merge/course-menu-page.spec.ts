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
    expect(html).toContain('<span class="number">1.</span> Golf &lt;explained&gt;</h2>');
    expect(html).toContain('<p class="description">Rules &amp; &quot;etiquette&quot;</p>');
    expect(html.indexOf('Golf &lt;explained&gt;')).toBeLessThan(html.indexOf('Putting'));
    expect(html).toContain('data-target="p01_module" aria-describedby="module-1"');
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
