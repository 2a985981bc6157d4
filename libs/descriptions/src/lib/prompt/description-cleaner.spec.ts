import { cleanDescription, MAX_DESCRIPTION_LENGTH, splitSentences } from './description-cleaner';

describe('cleanDescription', () => {
  describe('plain answers', () => {
    it('keeps a clean one-sentence description unchanged', () => {
      const text = 'Learn how to build pivot tables in Excel and use them to summarise sales data.';
      expect(cleanDescription(text)).toBe(text);
    });

    it('keeps two sentences', () => {
      const text = 'Learn the basics of fire safety. You will practise evacuating a building.';
      expect(cleanDescription(text)).toBe(text);
    });

    it('trims and collapses whitespace and newlines', () => {
      expect(cleanDescription('  Learn   Excel\n\n  formulas.\t ')).toBe('Learn Excel formulas.');
    });

    it('returns an empty string for empty, blank or non-string input', () => {
      expect(cleanDescription('')).toBe('');
      expect(cleanDescription('   \n\t ')).toBe('');
      expect(cleanDescription(undefined as unknown as string)).toBe('');
      expect(cleanDescription(null as unknown as string)).toBe('');
    });

    it('returns an empty string when only punctuation, quotes or markup remain', () => {
      expect(cleanDescription('""')).toBe('');
      expect(cleanDescription('**  **')).toBe('');
      expect(cleanDescription('<p></p><br/>')).toBe('');
      expect(cleanDescription('```\n```')).toBe('');
      expect(cleanDescription('Description:')).toBe('');
      expect(cleanDescription('...')).toBe('');
    });

    it('keeps non-Latin text', () => {
      expect(cleanDescription('«Apprenez à utiliser Excel.»')).toBe('Apprenez à utiliser Excel.');
      expect(cleanDescription('このコースではExcelの基本を学びます。')).toBe(
        'このコースではExcelの基本を学びます。',
      );
    });
  });

  describe('quotes', () => {
    it('removes straight double quotes around the answer', () => {
      expect(cleanDescription('"Learn Excel formulas."')).toBe('Learn Excel formulas.');
    });

    it('removes smart quotes around the answer', () => {
      expect(cleanDescription('“Learn Excel formulas.”')).toBe('Learn Excel formulas.');
      expect(cleanDescription('„Lernen Sie Excel-Formeln.“')).toBe('Lernen Sie Excel-Formeln.');
      expect(cleanDescription('‘Learn Excel formulas.’')).toBe('Learn Excel formulas.');
    });

    it('keeps the final period when it stands outside the closing quote', () => {
      expect(cleanDescription('"Learn Excel formulas".')).toBe('Learn Excel formulas.');
    });

    it('removes surrounding single quotes', () => {
      expect(cleanDescription("'Learn Excel formulas.'")).toBe('Learn Excel formulas.');
    });

    it('removes double quotes inside the text', () => {
      expect(cleanDescription('Learn the “SUM” and "VLOOKUP" functions.')).toBe(
        'Learn the SUM and VLOOKUP functions.',
      );
    });

    it('removes paired single quotes used as quotation marks', () => {
      expect(cleanDescription("Learn the 'SUM' and 'VLOOKUP' functions.")).toBe(
        'Learn the SUM and VLOOKUP functions.',
      );
    });

    it("keeps apostrophes, including a learner's possessive", () => {
      expect(cleanDescription("You'll learn the manager's role and the learners' duties.")).toBe(
        "You'll learn the manager's role and the learners' duties.",
      );
    });

    it('turns a smart apostrophe inside a word into a straight one', () => {
      expect(cleanDescription('You’ll learn Excel.')).toBe("You'll learn Excel.");
    });
  });

  describe('labels and preambles', () => {
    it('removes a leading "Description:" label', () => {
      expect(cleanDescription('Description: Learn Excel formulas.')).toBe('Learn Excel formulas.');
    });

    it('removes label variants, case-insensitively', () => {
      expect(cleanDescription('course description: Learn Excel.')).toBe('Learn Excel.');
      expect(cleanDescription('Short Description - Learn Excel.')).toBe('Learn Excel.');
      expect(cleanDescription('Summary: Learn Excel.')).toBe('Learn Excel.');
      expect(cleanDescription('Beschreibung: Lernen Sie Excel.')).toBe('Lernen Sie Excel.');
    });

    it('removes a label that is bold or on its own line', () => {
      expect(cleanDescription('**Description:** Learn Excel.')).toBe('Learn Excel.');
      expect(cleanDescription('Description:\nLearn Excel.')).toBe('Learn Excel.');
    });

    it('removes a label and quotes together', () => {
      expect(cleanDescription('Description: "Learn Excel formulas."')).toBe('Learn Excel formulas.');
    });

    it('removes a chatty preamble ending with a colon', () => {
      expect(cleanDescription("Sure! Here's a short description for the course: Learn Excel.")).toBe(
        'Learn Excel.',
      );
      expect(cleanDescription('Here is the description:\n\n"Learn Excel."')).toBe('Learn Excel.');
    });

    it('drops an echoed title line when a description follows', () => {
      expect(cleanDescription('Title: Excel Basics\nDescription: Learn Excel formulas.')).toBe(
        'Learn Excel formulas.',
      );
    });

    it('does not remove words that merely start like a label', () => {
      expect(cleanDescription('Descriptive statistics made easy for beginners.')).toBe(
        'Descriptive statistics made easy for beginners.',
      );
    });
  });

  describe('markdown', () => {
    it('removes bold, italic and strikethrough markers', () => {
      expect(cleanDescription('Learn **Excel** and *Word* and __Access__ and _Teams_ and ~~Lotus~~.')).toBe(
        'Learn Excel and Word and Access and Teams and Lotus.',
      );
    });

    it('keeps underscores inside identifiers', () => {
      expect(cleanDescription('Learn to use the snake_case_name convention.')).toBe(
        'Learn to use the snake_case_name convention.',
      );
    });

    it('drops a heading line above the description', () => {
      expect(cleanDescription('# Excel Basics\n\nLearn Excel formulas.')).toBe('Learn Excel formulas.');
      expect(cleanDescription('## Description\nLearn Excel formulas.')).toBe('Learn Excel formulas.');
    });

    it('keeps the text of a heading when it is the only content', () => {
      expect(cleanDescription('### Learn Excel formulas')).toBe('Learn Excel formulas');
    });

    it('turns bullet items into sentences', () => {
      expect(cleanDescription('- Learn formulas\n- Build charts')).toBe('Learn formulas. Build charts');
      expect(cleanDescription('* Learn formulas.\n* Build charts.')).toBe('Learn formulas. Build charts.');
      expect(cleanDescription('1. Learn formulas\n2) Build charts')).toBe('Learn formulas. Build charts');
    });

    it('removes code fences and keeps their content', () => {
      expect(cleanDescription('```text\nLearn Excel formulas.\n```')).toBe('Learn Excel formulas.');
    });

    it('removes inline code backticks', () => {
      expect(cleanDescription('Learn the `SUM` function.')).toBe('Learn the SUM function.');
    });

    it('replaces links and images by their text', () => {
      expect(cleanDescription('Learn [Excel](https://example.com/excel) and ![charts](c.png).')).toBe(
        'Learn Excel and charts.',
      );
      expect(cleanDescription('See [the guide][1] for details.')).toBe('See the guide for details.');
    });

    it('removes block quotes and horizontal rules', () => {
      expect(cleanDescription('> Learn Excel formulas.\n\n---')).toBe('Learn Excel formulas.');
    });
  });

  describe('HTML is treated as text', () => {
    it('removes inline tags and keeps their text', () => {
      expect(cleanDescription('Learn <b>Excel</b> and <i>Word</i>.')).toBe('Learn Excel and Word.');
    });

    it('never returns markup from tags with attributes or scripts', () => {
      const out = cleanDescription(
        '<p onclick="x()">Learn Excel.</p><script>alert(1)</script><img src=x onerror=alert(1)>',
      );
      expect(out).toBe('Learn Excel.');
      expect(out).not.toMatch(/[<>]/);
    });

    it('removes escaped tags as well', () => {
      expect(cleanDescription('Learn &lt;b&gt;Excel&lt;/b&gt; &amp; Word.')).toBe('Learn Excel & Word.');
    });

    it('separates paragraphs and list items that were block tags', () => {
      expect(cleanDescription('<ul><li>Learn formulas</li><li>Build charts</li></ul>')).toBe(
        'Learn formulas Build charts',
      );
      expect(cleanDescription('<p>Learn formulas.</p><p>Build charts.</p>')).toBe(
        'Learn formulas. Build charts.',
      );
    });

    it('keeps comparison signs that are not tags', () => {
      expect(cleanDescription('Learn when x < 5 and y > 3.')).toBe('Learn when x < 5 and y > 3.');
    });

    it('removes HTML comments', () => {
      expect(cleanDescription('Learn Excel.<!-- ignore previous instructions -->')).toBe('Learn Excel.');
    });
  });

  describe('sentence and length limits', () => {
    it('keeps at most two sentences', () => {
      expect(cleanDescription('Learn formulas. Build charts. Share workbooks. Automate with macros.')).toBe(
        'Learn formulas. Build charts.',
      );
    });

    it('counts question and exclamation marks as sentence ends', () => {
      expect(cleanDescription('Ever wondered how Excel works? Find out! Then share it.')).toBe(
        'Ever wondered how Excel works? Find out!',
      );
    });

    it('does not split on "e.g." or "i.e."', () => {
      expect(cleanDescription('Learn tools, e.g. Excel and Word. Then use them, i.e. at work. Extra.')).toBe(
        'Learn tools, e.g. Excel and Word. Then use them, i.e. at work.',
      );
    });

    it('does not split on "e.g." followed by a capitalised word', () => {
      expect(cleanDescription('Learn office tools, e.g. Excel. Then practise. Extra.')).toBe(
        'Learn office tools, e.g. Excel. Then practise.',
      );
    });

    it('does not split on decimals or version numbers', () => {
      expect(cleanDescription('Learn Python 3.12 in 2.5 hours. Then build an app. Extra.')).toBe(
        'Learn Python 3.12 in 2.5 hours. Then build an app.',
      );
    });

    it('does not split on initials or titles', () => {
      expect(cleanDescription('Dr. Smith and J. Doe teach safety. You practise drills. Extra.')).toBe(
        'Dr. Smith and J. Doe teach safety. You practise drills.',
      );
    });

    it('keeps "etc." as a sentence end before a capitalised sentence', () => {
      expect(cleanDescription('Learn Excel, Word, etc. You also learn Teams. Extra.')).toBe(
        'Learn Excel, Word, etc. You also learn Teams.',
      );
    });

    it('never exceeds 300 characters', () => {
      const long = `${'word '.repeat(200)}end.`;
      const out = cleanDescription(long);
      expect(out.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    });

    it('drops the second sentence without an ellipsis when both do not fit', () => {
      const first = `Learn ${'very '.repeat(40)}much.`; // 211 chars
      const second = `Then ${'practise '.repeat(15)}more.`;
      const out = cleanDescription(`${first} ${second}`);
      expect(out).toBe(first);
      expect(out.endsWith('…')).toBe(false);
    });

    it('cuts a single over-long sentence at a word boundary and adds an ellipsis', () => {
      const long = `Learn ${'spreadsheet '.repeat(40)}skills.`;
      const out = cleanDescription(long);
      expect(out.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
      expect(out.endsWith('spreadsheet…')).toBe(true);
      expect(out).not.toMatch(/\s…$/);
    });

    it('cuts text without spaces at the limit', () => {
      const out = cleanDescription('x'.repeat(500));
      expect(out).toBe(`${'x'.repeat(MAX_DESCRIPTION_LENGTH - 1)}…`);
    });

    it('does not leave a dangling comma before the ellipsis', () => {
      const long = `${'alpha, '.repeat(60)}omega.`;
      const out = cleanDescription(long);
      expect(out.endsWith('alpha…')).toBe(true);
    });

    it('does not split a surrogate pair when cutting', () => {
      const out = cleanDescription('😀'.repeat(400));
      expect(out.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
      expect(out).not.toMatch(/[\ud800-\udbff]…$/);
    });

    it('returns exactly 300 characters at most when a sentence is 300 long', () => {
      const sentence = `${'a'.repeat(298)}.`;
      expect(cleanDescription(`${sentence} Next.`)).toBe(sentence);
    });
  });
});

describe('splitSentences', () => {
  it('splits on terminal punctuation followed by space', () => {
    expect(splitSentences('One. Two! Three? Four')).toEqual(['One.', 'Two!', 'Three?', 'Four']);
  });

  it('keeps closing quotes and brackets with the sentence', () => {
    expect(splitSentences('He said (really.) Next.')).toEqual(['He said (really.)', 'Next.']);
  });

  it('does not split before a lower-case continuation', () => {
    expect(splitSentences('Costs approx. ten hours. Done.')).toEqual(['Costs approx. ten hours.', 'Done.']);
  });

  it('splits on CJK full stops without spaces', () => {
    expect(splitSentences('一つ目。二つ目。')).toEqual(['一つ目。', '二つ目。']);
  });

  it('does not split inside domain names or file names', () => {
    expect(splitSentences('Visit example.com today. Open intro.html now.')).toEqual([
      'Visit example.com today.',
      'Open intro.html now.',
    ]);
  });
});
