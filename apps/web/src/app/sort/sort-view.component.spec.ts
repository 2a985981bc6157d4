import { provideZonelessChangeDetection } from '@angular/core';
import { provideRouter } from '@angular/router';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { CdkDragDrop } from '@angular/cdk/drag-drop';
import type { SessionPackage } from '../session/session.models';
import { DescriptionEdit, SortViewComponent } from './sort-view.component';

function pkg(id: string, position: number, change: Partial<SessionPackage> = {}): SessionPackage {
  return {
    id,
    filename: `${id}.zip`,
    title: `Course ${id.toUpperCase()}`,
    position,
    sizeBytes: 2048 * (position + 1),
    scormVersion: '1.2',
    scoCount: position + 1,
    description: `About ${id}.`,
    descriptionSource: 'LOCAL',
    error: null,
    warnings: [],
    ...change,
  };
}

const PACKAGES: SessionPackage[] = [
  pkg('c', 2, {
    scormVersion: '2004 3rd Edition',
    descriptionSource: 'AI',
    warnings: ['Missing schema version'],
  }),
  pkg('a', 0, { descriptionSource: 'MANIFEST' }),
  pkg('bad', 1, { error: 'The file is not a zip archive', scormVersion: null, scoCount: 0 }),
  pkg('b', 3, { descriptionSource: 'CACHE' }),
  pkg('d', 4, { descriptionSource: 'MANUAL' }),
];

describe('SortViewComponent', () => {
  let fixture: ComponentFixture<SortViewComponent>;
  let host: HTMLElement;
  let orders: string[][];
  let removed: string[];
  let edits: DescriptionEdit[];

  const rows = () => Array.from(host.querySelectorAll<HTMLElement>('[data-testid="package-row"]'));
  const titles = () =>
    rows().map((row) => row.querySelector('[data-testid="package-title"]')?.textContent?.trim());
  const button = (row: HTMLElement, selector: string) =>
    row.querySelector<HTMLButtonElement>(selector) as HTMLButtonElement;

  async function render(
    packages: SessionPackage[] = PACKAGES,
    streaming = new Map<string, string>(),
  ): Promise<void> {
    fixture.componentRef.setInput('packages', packages);
    fixture.componentRef.setInput('streaming', streaming);
    await fixture.whenStable();
  }

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [SortViewComponent],
      providers: [provideZonelessChangeDetection(), provideRouter([])],
    }).compileComponents();
    fixture = TestBed.createComponent(SortViewComponent);
    host = fixture.nativeElement as HTMLElement;
    orders = [];
    removed = [];
    edits = [];
    fixture.componentInstance.reorder.subscribe((ids) => orders.push(ids));
    fixture.componentInstance.remove.subscribe((id) => removed.push(id));
    fixture.componentInstance.descriptionSave.subscribe((edit) => edits.push(edit));
    await render();
  });

  it('renders the valid packages in course order with their facts and a source badge', () => {
    expect(titles()).toEqual(['Course A', 'Course C', 'Course B', 'Course D']);
    const positions = rows().map((row) => row.querySelector('[data-testid="position"]')?.textContent?.trim());
    expect(positions).toEqual(['1', '2', '3', '4']);

    const second = rows()[1];
    expect(second.querySelector('[data-testid="version"]')?.textContent).toContain('SCORM 2004 3rd Edition');
    expect(second.querySelector('[data-testid="sco-count"]')?.textContent?.trim()).toBe('3 SCOs');
    expect(second.querySelector('[data-testid="filename"]')?.textContent?.trim()).toBe('c.zip');
    expect(second.querySelector('[data-testid="size"]')?.textContent?.trim()).toBe('6.0 KB');
    expect(second.querySelector('[data-testid="warnings"]')?.textContent).toContain('Missing schema version');
    expect(second.querySelector('[data-testid="description-text"]')?.textContent).toBe('About c.');

    const badges = rows().map((row) =>
      row.querySelector('[data-testid="source-badge"]')?.textContent?.trim(),
    );
    expect(badges).toEqual(['Manifest', 'AI', 'Cached', 'Edited']);
    expect(rows()[0].querySelector('[data-testid="sco-count"]')?.textContent?.trim()).toBe('1 SCO');
  });

  it('shows invalid packages apart, with the reason, outside the order', () => {
    expect(titles()).not.toContain('Course BAD');
    const invalid = host.querySelectorAll('[data-testid="invalid-row"]');
    expect(invalid).toHaveLength(1);
    expect(invalid[0].textContent).toContain('bad.zip');
    expect(invalid[0].querySelector('[data-testid="invalid-reason"]')?.textContent).toBe(
      'The file is not a zip archive',
    );
    expect(host.querySelector('#invalid-title')?.textContent).toContain('Left out of the merge (1)');
  });

  it('moves a package down and up with the buttons, emitting the whole new order each time', async () => {
    const [first] = rows();
    expect(button(first, '[data-move="up"]').disabled).toBe(true);
    button(first, '[data-move="down"]').click();
    await fixture.whenStable();
    expect(orders).toEqual([['c', 'a', 'b', 'd']]);
    expect(titles()).toEqual(['Course C', 'Course A', 'Course B', 'Course D']);

    button(rows()[3], '[data-move="up"]').click();
    await fixture.whenStable();
    expect(orders[1]).toEqual(['c', 'a', 'd', 'b']);
    expect(button(rows()[3], '[data-move="down"]').disabled).toBe(true);
  });

  it('reorders from the keyboard on the drag handle and keeps focus on the moved row', async () => {
    const handle = () =>
      rows()[1].querySelector<HTMLButtonElement>('[data-testid="drag-handle"]') as HTMLButtonElement;
    expect(handle().getAttribute('aria-label')).toBe('Move Course C, position 2 of 4');
    handle().focus();
    handle().dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }),
    );
    await fixture.whenStable();
    expect(orders).toEqual([['a', 'b', 'c', 'd']]);
    const moved = rows()[2];
    expect(moved.dataset['packageId']).toBe('c');
    expect(document.activeElement).toBe(moved.querySelector('[data-testid="drag-handle"]'));

    moved
      .querySelector('[data-testid="drag-handle"]')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true, cancelable: true }));
    await fixture.whenStable();
    expect(orders[1]).toEqual(['c', 'a', 'b', 'd']);
    expect(host.querySelector('[role="status"]')?.textContent).toContain('Course C moved to position 1 of 4');

    // Up from the top does nothing.
    rows()[0]
      .querySelector('[data-testid="drag-handle"]')
      ?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true, cancelable: true }));
    await fixture.whenStable();
    expect(orders).toHaveLength(2);
  });

  it('emits the new order when a row is dropped elsewhere', async () => {
    fixture.componentInstance.onDrop({ previousIndex: 3, currentIndex: 0 } as CdkDragDrop<unknown>);
    await fixture.whenStable();
    expect(orders).toEqual([['d', 'a', 'c', 'b']]);
    expect(titles()[0]).toBe('Course D');
  });

  it('edits a description inline: save emits it, Escape cancels', async () => {
    const row = rows()[0];
    button(row, '[data-action="edit"]').click();
    await fixture.whenStable();
    const input = row.querySelector<HTMLTextAreaElement>(
      '[data-testid="description-input"]',
    ) as HTMLTextAreaElement;
    expect(input.value).toBe('About a.');
    input.value = '  A hand-written summary.  ';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    button(row, '[data-testid="save-description"]').click();
    await fixture.whenStable();
    expect(edits).toEqual([{ packageId: 'a', description: 'A hand-written summary.' }]);
    expect(row.querySelector('[data-testid="description-input"]')).toBeNull();

    button(rows()[1], '[data-action="edit"]').click();
    await fixture.whenStable();
    const other = rows()[1].querySelector('[data-testid="description-input"]') as HTMLTextAreaElement;
    other.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await fixture.whenStable();
    expect(rows()[1].querySelector('[data-testid="description-input"]')).toBeNull();
    expect(edits).toHaveLength(1);
  });

  it('does not save an empty description', async () => {
    const row = rows()[0];
    button(row, '[data-action="edit"]').click();
    await fixture.whenStable();
    const input = row.querySelector('[data-testid="description-input"]') as HTMLTextAreaElement;
    input.value = '   ';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(button(row, '[data-testid="save-description"]').disabled).toBe(true);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    expect(edits).toEqual([]);
  });

  it('removes valid and invalid packages', async () => {
    button(rows()[0], '[data-action="remove"]').click();
    button(
      host.querySelector('[data-testid="invalid-row"]') as HTMLElement,
      '[data-action="remove"]',
    ).click();
    expect(removed).toEqual(['a', 'bad']);
  });

  it('shows the text being written with a "Writing…" badge', async () => {
    await render(PACKAGES, new Map([['b', 'Course B teaches']]));
    const row = rows()[2];
    expect(row.querySelector('[data-testid="source-badge"]')?.textContent?.trim()).toBe('Writing…');
    expect(row.querySelector('[data-testid="description"]')?.textContent).toContain('Course B teaches');
    expect(row.querySelector('[data-testid="description"]')?.getAttribute('aria-busy')).toBe('true');
  });

  it('shows untrusted text as text, never as HTML', async () => {
    await render([pkg('x', 0, { title: '<img src=x onerror=alert(1)>', description: '<b>bold</b>' })]);
    expect(host.querySelector('img')).toBeNull();
    expect(titles()).toEqual(['<img src=x onerror=alert(1)>']);
    expect(host.querySelector('[data-testid="description-text"]')?.textContent).toBe('<b>bold</b>');
  });

  it('takes a new order from the server when the packages change', async () => {
    await render(PACKAGES.map((p) => (p.id === 'd' ? { ...p, position: -1 } : p)));
    expect(titles()[0]).toBe('Course D');
  });
});
