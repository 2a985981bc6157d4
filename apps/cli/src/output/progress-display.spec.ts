import { createProgressDisplay } from './progress-display';

function stream(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (text: string) => chunks.push(text) };
}

describe('createProgressDisplay', () => {
  it('redraws one bar line on a terminal and ends it with a newline', () => {
    const out = stream(true, 60);
    const display = createProgressDisplay(out);
    display.update({ step: 'Reading package 1 of 2', progress: 0 });
    display.update({ step: 'Copying “Golf” (1 of 2)', progress: 50 });
    display.finish();
    expect(out.chunks).toHaveLength(3);
    expect(out.chunks[1]).toBe(`\r${'█'.repeat(12)}${'░'.repeat(12)}  50% Copying “Golf” (1 of 2)\x1b[K`);
    expect(out.chunks[2]).toBe('\n');
  });

  it('cuts the bar line to the terminal width, and assumes 80 columns when the terminal says 0', () => {
    const narrow = stream(true, 30);
    createProgressDisplay(narrow).update({ step: 'x'.repeat(100), progress: 10 });
    expect(Array.from(narrow.chunks[0].replace('\r', '').replace('\x1b[K', ''))).toHaveLength(29);
    const unknown = stream(true, 0);
    createProgressDisplay(unknown).update({ step: 'x'.repeat(100), progress: 10 });
    expect(Array.from(unknown.chunks[0].replace('\r', '').replace('\x1b[K', ''))).toHaveLength(79);
  });

  it('writes plain lines elsewhere: one per step, and one per 10% within a step', () => {
    const out = stream(false);
    const display = createProgressDisplay(out);
    for (let progress = 0; progress <= 30; progress++) display.update({ step: 'Copying', progress });
    display.update({ step: 'Finishing the zip', progress: 31 });
    display.finish();
    expect(out.chunks).toEqual([
      '  0% Copying\n',
      ' 10% Copying\n',
      ' 20% Copying\n',
      ' 30% Copying\n',
      ' 31% Finishing the zip\n',
    ]);
  });

  it('writes nothing at the end when nothing was drawn', () => {
    const out = stream(true, 80);
    createProgressDisplay(out).finish();
    expect(out.chunks).toEqual([]);
  });
});
