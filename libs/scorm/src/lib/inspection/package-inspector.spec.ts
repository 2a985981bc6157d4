import { deflateRawSync } from 'node:zlib';
import {
  buildScorm12Package,
  buildScorm2004Package,
  buildScormManifest,
  buildZip,
  encodeManifest,
  removeTempFiles,
  writeTempFile,
  type ZipEntrySpec,
} from '../../testing';
import { PackageError } from '../package-error';
import type { PackageFacts } from './package-facts';
import { inspectPackage } from './package-inspector';
import type { PackageLimits } from '../package-limits';

afterAll(() => removeTempFiles());

const CP12 = 'http://www.imsproject.org/xsd/imscp_rootv1p1p2';
const ADLCP12 = 'http://www.adlnet.org/xsd/adlcp_rootv1p2';

function inspect(
  zip: Buffer,
  filename = 'course.zip',
  limits?: Partial<PackageLimits>,
): Promise<PackageFacts> {
  return inspectPackage(writeTempFile(zip, filename), { filename, limits });
}

async function rejection(zip: Buffer, limits?: Partial<PackageLimits>): Promise<PackageError> {
  const error = await inspect(zip, 'course.zip', limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

/** A minimal valid 1.2 package with one SCO, plus extra entries. */
function packageWith(extra: ZipEntrySpec[], manifest = buildScormManifest('1.2')): Buffer {
  return buildZip([
    { name: 'imsmanifest.xml', data: manifest },
    { name: 'sco1/index.html', data: '<p>Lesson page.</p>' },
    ...extra,
  ]);
}

describe('inspectPackage: good packages', () => {
  it('reads a SCORM 1.2 package', async () => {
    const facts = await inspect(
      buildScorm12Package({
        title: 'Golf Org',
        scos: [
          {
            title: 'Playing the Game',
            text: '<h1>Playing</h1><p>Every round of golf is played over eighteen holes in order.</p>',
          },
          { title: 'Etiquette', text: '<p>Golfers stay quiet while another player takes a shot.</p>' },
        ],
      }),
    );
    expect(facts).toMatchObject({
      title: 'Golf Org',
      scormVersion: '1.2',
      scormFamily: '1.2',
      schemaVersion: '1.2',
      manifestIdentifier: 'com.example.test',
      rootFolder: '',
      scoCount: 2,
      lomDescription: null,
      outline: ['Playing the Game', 'Etiquette'],
      outlineLevels: [0, 0],
      warnings: [],
      entryCount: 3,
    });
    expect(facts.contentSample).toBe(
      'Playing the Game. Playing. Every round of golf is played over eighteen holes in order. Etiquette. Golfers stay quiet while another player takes a shot.',
    );
    expect(facts.uncompressedBytes).toBeGreaterThan(0);
  });

  it('reads a SCORM 2004 package with LOM title and description', async () => {
    const facts = await inspect(
      buildScorm2004Package({
        title: 'Org title',
        lomTitle: 'Golf Explained',
        lomDescription: '  A high level\n overview. ',
      }),
    );
    expect(facts).toMatchObject({
      title: 'Golf Explained',
      lomDescription: 'A high level overview.',
      scormVersion: '2004 3rd Edition',
      scormFamily: '2004',
      scoCount: 1,
    });
  });

  it('reads the LOM title from the adlcp:location metadata file', async () => {
    const manifest = buildScormManifest('2004').replace(
      '</metadata>',
      '<adlcp:location>meta/course.xml</adlcp:location></metadata>',
    );
    const metadata = `<?xml version="1.0"?><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
      <title><string language="es">Explicó Golf</string><string language="en-US">Golf Explained</string></title>
      <description><string language="en-US">All about golf.</string></description></general></lom>`;
    const facts = await inspect(packageWith([{ name: 'meta/course.xml', data: metadata }], manifest));
    expect(facts.title).toBe('Golf Explained');
    expect(facts.lomDescription).toBe('All about golf.');
    expect(facts.warnings).toEqual([]);
  });

  it('warns when the adlcp:location file is missing or unsafe, and keeps going', async () => {
    const missing = buildScormManifest('1.2').replace(
      '</metadata>',
      '<adlcp:location>imslrm.xml</adlcp:location></metadata>',
    );
    const facts = await inspect(packageWith([], missing));
    expect(facts.warnings).toEqual([
      'The metadata file "imslrm.xml" named in the manifest is not in the zip.',
    ]);

    const hostile =
      '<!DOCTYPE lom [<!ENTITY x SYSTEM "file:///etc/passwd">]><lom><general><title>&x;</title></general></lom>';
    const withBadFile = buildScormManifest('1.2').replace(
      '</metadata>',
      '<adlcp:location>meta.xml</adlcp:location></metadata>',
    );
    const facts2 = await inspect(packageWith([{ name: 'meta.xml', data: hostile }], withBadFile));
    expect(facts2.title).toBe('Test Course');
    expect(facts2.warnings[0]).toMatch(
      /^The metadata file "meta.xml" declares XML entities.*; its metadata was ignored\.$/,
    );
  });

  it('falls back to a friendly name from the filename when there is no title', async () => {
    const manifest = buildScormManifest('1.2').replace(/<title>Test Course<\/title>/, '');
    const facts = await inspect(packageWith([], manifest), 'golf-cp-singlesco-12.zip');
    expect(facts.title).toBe('Golf cp singlesco 12');
  });

  it('accepts a package wrapped in one top-level folder and says so', async () => {
    const facts = await inspect(
      buildScorm12Package({
        wrapperFolder: 'my-course/',
        scos: [{ title: 'A', text: '<p>Inside the folder.</p>' }],
      }),
    );
    expect(facts.rootFolder).toBe('my-course/');
    expect(facts.scoCount).toBe(1);
    expect(facts.contentSample).toBe('A. Inside the folder.');
    expect(facts.warnings).toHaveLength(1);
    expect(facts.warnings[0]).toMatch(/wrapped in the folder "my-course\/"/);
  });

  it.each(['utf8-bom', 'utf16le', 'utf16be'] as const)('accepts a %s manifest', async (encoding) => {
    const manifest = buildScormManifest('2004', { title: 'Объяснение гольфа' }).replace(
      'encoding="UTF-8"',
      'encoding="UTF-16"',
    );
    const zip = buildZip([
      { name: 'imsmanifest.xml', data: encodeManifest(manifest, encoding) },
      { name: 'sco1/index.html', data: '<p>x</p>' },
    ]);
    const facts = await inspect(zip);
    expect(facts.title).toBe('Объяснение гольфа');
    expect(facts.scoCount).toBe(1);
  });

  it('accepts items nested 500 deep and counts SCOs right', async () => {
    const chain = { title: 'Level 1', children: [] as Array<{ title: string; children: unknown[] }> };
    let current = chain;
    for (let level = 2; level <= 500; level++) {
      const next = { title: `Level ${level}`, children: [] };
      current.children.push(next);
      current = next;
    }
    const facts = await inspect(buildScorm12Package({ scos: [chain as never], nestDepth: 3 }));
    expect(facts.scoCount).toBe(500);
    expect(facts.outline).toHaveLength(503);
    expect(facts.outlineLevels?.[502]).toBe(502);
  });

  it.each([
    ['HTML and script', '<script>alert(1)</script><b>Golf</b>'],
    ['Japanese', 'ゴルフの説明 — 初心者向け'],
    ['Arabic', 'شرح رياضة الجولف'],
    ['Cyrillic', 'Объяснение гольфа'],
  ])('keeps a title with %s exactly as literal text', async (_label, title) => {
    for (const build of [buildScorm12Package, buildScorm2004Package]) {
      expect((await inspect(build({ lomTitle: title }))).title).toBe(title);
      expect((await inspect(build({ title }))).title).toBe(title);
    }
  });

  it('cleans and bounds titles', async () => {
    const facts = await inspect(
      buildScorm12Package({ title: `  Golf\n\n  ${'very '.repeat(100)}long\u0007 ` }),
    );
    expect(facts.title.startsWith('Golf very very')).toBe(true);
    expect(Array.from(facts.title).length).toBeLessThanOrEqual(300);
    expect(facts.title).not.toMatch(/\n|\s{2}/);
    expect(facts.title).not.toContain('\u0007');
  });

  it('reads the version from namespaces when schemaversion is missing', async () => {
    const facts = await inspect(
      packageWith([], buildScormManifest('2004', { schemaVersion: null, edition: '3rd' })),
    );
    expect(facts.schemaVersion).toBeNull();
    expect(facts.scormVersion).toBe('2004 3rd Edition');
    expect(facts.warnings).toEqual([]);
  });

  it('normalises backslash names with a warning', async () => {
    const manifest = buildScormManifest('1.2', { scos: [{ title: 'A', href: 'dir/page.html' }] });
    const facts = await inspect(
      buildZip([
        { name: 'imsmanifest.xml', data: manifest },
        { name: 'dir\\page.html', data: '<p>Backslash page text.</p>' },
      ]),
    );
    expect(facts.contentSample).toBe('Backslash page text.');
    expect(facts.warnings).toEqual([
      '1 zip entry name uses backslashes as folder separators and was read with slashes (for example "dir/page.html").',
    ]);
  });
});

describe('inspectPackage: manifest consistency warnings', () => {
  const manifest = (organizations: string, resources: string) =>
    `<manifest identifier="m" xmlns="${CP12}" xmlns:adlcp="${ADLCP12}"><metadata><schemaversion>1.2</schemaversion></metadata>
     <organizations ${organizations}</organizations><resources>${resources}</resources></manifest>`;

  it('uses the first organization when the default is dangling', async () => {
    const xml = manifest(
      'default="missing"><organization identifier="first"><title>First</title><item identifier="i" identifierref="r"><title>A</title></item></organization>',
      '<resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="a.html"/>',
    );
    const facts = await inspect(
      buildZip([
        { name: 'imsmanifest.xml', data: xml },
        { name: 'a.html', data: 'x' },
      ]),
    );
    expect(facts.title).toBe('First');
    expect(facts.scoCount).toBe(1);
    expect(facts.warnings).toEqual([
      'The default organization "missing" does not exist; the first organization "first" is used instead.',
    ]);
  });

  it('warns about inline metadata its own schemas would reject, and not about valid LOM', async () => {
    const org = (metadata: string) =>
      `default="o"><organization identifier="o"><title>T</title><item identifier="i" identifierref="r"><title>A</title>${metadata}</item></organization>`;
    const resource = '<resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="a.html"/>';
    const zip = (metadata: string) =>
      buildZip([
        { name: 'imsmanifest.xml', data: manifest(org(metadata), resource) },
        { name: 'a.html', data: 'x' },
      ]);
    const wrong = await inspect(
      zip(
        '<metadata><lom xmlns="http://www.imsglobal.org/xsd/ims_lom_v1p0"/><imsmd:lom xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><imsmd:general><imsmd:description><imsmd:langstring>A <b>bold</b> claim</imsmd:langstring></imsmd:description></imsmd:general></imsmd:lom></metadata>',
      ),
    );
    expect(wrong.warnings).toEqual([
      'Some inline metadata does not follow the SCORM 1.2 schemas (LOM in the namespace http://www.imsglobal.org/xsd/ims_lom_v1p0, not http://www.imsglobal.org/xsd/imsmd_rootv1p2p1; markup inside the LOM text "langstring"); a merge moves it into a file so the merged course still validates.',
    ]);
    const valid = await inspect(
      zip(
        '<metadata><imsmd:lom xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><imsmd:general><imsmd:title><imsmd:langstring xml:lang="en">A</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom></metadata>',
      ),
    );
    expect(valid.warnings).toEqual([]);
  });

  it('warns about metadata files named below the manifest level that are not in the zip', async () => {
    const xml = manifest(
      'default="o"><organization identifier="o"><title>T</title><item identifier="i" identifierref="r"><title>A</title><metadata><adlcp:location>meta/item.xml</adlcp:location><adlcp:location>http://example.com/lom.xml</adlcp:location></metadata></item></organization>',
      '<resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="a.html"><metadata><adlcp:location>meta/gone.xml</adlcp:location></metadata></resource>',
    );
    const facts = await inspect(
      buildZip([
        { name: 'imsmanifest.xml', data: xml },
        { name: 'a.html', data: 'x' },
        { name: 'meta/item.xml', data: '<lom/>' },
      ]),
    );
    expect(facts.warnings).toEqual([
      'The manifest names metadata files that are not in the zip: "meta/gone.xml"; a merge leaves them out.',
    ]);
  });

  it('warns about dangling item and dependency references and missing files', async () => {
    const xml = manifest(
      'default="o"><organization identifier="o"><title>T</title><item identifier="i1" identifierref="nope"><title>A</title></item><item identifier="i2" identifierref="r"><title>B</title></item></organization>',
      `<resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="a.html?x=1#top">
         <file href="a.html"/><file href="img/missing.png"/><file href="https://example.com/x.js"/><file href="../outside.js"/>
         <dependency identifierref="gone"/></resource>
       <resource identifier="s" type="webcontent" adlcp:scormtype="asset" href="gone.html"/>`,
    );
    const facts = await inspect(
      buildZip([
        { name: 'imsmanifest.xml', data: xml },
        { name: 'a.html', data: 'x' },
      ]),
    );
    expect(facts.scoCount).toBe(1);
    expect(facts.warnings).toEqual([
      'The item "i1" refers to the resource "nope", which does not exist.',
      'The resource "r" depends on the resource "gone", which does not exist.',
      'The manifest lists 2 files that are not in the zip: "img/missing.png", "gone.html".',
      'The manifest refers to files outside the package, which are ignored: "../outside.js".',
    ]);
  });

  it('honours xml:base when checking files and reading launch pages', async () => {
    const xml = `<manifest identifier="m" xmlns="${CP12}" xmlns:adlcp="${ADLCP12}" xml:base="content/">
      <organizations default="o"><organization identifier="o"><title>T</title><item identifier="i" identifierref="r"><title>A</title></item></organization></organizations>
      <resources xml:base="lessons/"><resource identifier="r" type="webcontent" adlcp:scormtype="sco" xml:base="one" href="page%20one.html?x=1">
        <file href="page%20one.html"/></resource></resources></manifest>`;
    const facts = await inspect(
      buildZip([
        { name: 'imsmanifest.xml', data: xml },
        { name: 'content/lessons/one/page one.html', data: '<p>Found through xml:base.</p>' },
      ]),
    );
    expect(facts.warnings).toEqual([]);
    expect(facts.contentSample).toBe('Found through xml:base.');
  });

  it('bounds the content sample and skips repeated pages', async () => {
    const long = '<p>' + 'Golf is a precise club and ball sport played on a course. '.repeat(200) + '</p>';
    const facts = await inspect(
      buildScorm12Package({
        scos: [
          { title: 'A', href: 'same.html', text: '<p>First page text.</p>' },
          { title: 'B', href: 'same.html' },
          { title: 'A', href: 'copy.html', text: '<p>First page text.</p>' },
          { title: 'D', href: 'long.html', text: long },
        ],
      }),
      'c.zip',
      { contentSampleChars: 500 },
    );
    expect(facts.scoCount).toBe(4);
    expect(facts.contentSample.startsWith('A. First page text. D. Golf is a precise')).toBe(true);
    expect(facts.contentSample.match(/First page text/g)).toHaveLength(1);
    expect(Array.from(facts.contentSample).length).toBeLessThanOrEqual(500);
  });
});

describe('inspectPackage: bad input', () => {
  it.each([
    ['not a zip', Buffer.from('%PDF-1.4 not a zip'), 'The file is not a zip archive.'],
    ['an empty file', Buffer.alloc(0), 'The file is empty.'],
  ])('rejects %s', async (_label, bytes, message) => {
    expect((await rejection(bytes)).message).toBe(message);
  });

  it('rejects a truncated zip', async () => {
    const zip = buildScorm12Package();
    expect((await rejection(zip.subarray(0, zip.length - 30))).message).toBe(
      'The zip archive is truncated or damaged.',
    );
  });

  it('rejects encrypted entries', async () => {
    const error = await rejection(packageWith([{ name: 'secret.html', data: 'x', encrypted: true }]));
    expect(error.message).toBe('The zip is encrypted (password-protected); SCORM packages must not be.');
  });

  it('rejects a zip without a manifest, and explains a manifest in the wrong place', async () => {
    expect((await rejection(buildZip([{ name: 'index.html', data: 'x' }]))).message).toBe(
      'The zip has no imsmanifest.xml, so it is not a SCORM package.',
    );
    expect(
      (await rejection(buildZip([{ name: 'a/b/imsmanifest.xml', data: '<manifest/>' }]))).message,
    ).toMatch(/no imsmanifest.xml at its root \(there is one at "a\/b\/imsmanifest.xml"\)/);
    expect(
      (
        await rejection(
          buildZip([
            { name: 'one/imsmanifest.xml', data: '<manifest/>' },
            { name: 'two/imsmanifest.xml', data: '<manifest/>' },
          ]),
        )
      ).message,
    ).toMatch(/several packages \("one\/", "two\/"\)/);
  });

  it('rejects malformed XML, naming the problem', async () => {
    const error = await rejection(packageWith([], '<manifest><organizations></manifest>'));
    expect(error.message).toMatch(
      /^The manifest \(imsmanifest.xml\) is not well-formed XML: <organizations> \(opened on line 1\) is closed by <\/manifest>/,
    );
  });

  it('rejects external entities (XXE) without reading the file', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
      <manifest identifier="m" xmlns="${CP12}"><organizations default="o"><organization identifier="o"><title>&xxe;</title></organization></organizations></manifest>`;
    const error = await rejection(packageWith([], xxe));
    expect(error.message).toBe(
      'The manifest (imsmanifest.xml) declares XML entities (<!ENTITY>), which are not allowed for security reasons.',
    );
    expect(error.message).not.toMatch(/root:/);
  });

  it('rejects billion laughs quickly', async () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "lol">${Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`,
    ).join('')}]><manifest>&j;</manifest>`;
    const started = Date.now();
    expect((await rejection(packageWith([], lol))).message).toMatch(/declares XML entities/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['../../evil.html', /leaves the package folder \("\.\.\/\.\.\/evil\.html"\)/],
    ['/etc/x', /absolute path \("\/etc\/x"\)/],
    ['C:/x', /absolute path \("C:\/x"\)/],
    ['..\\..\\x', /leaves the package folder/],
  ])('rejects the unsafe entry %j', async (name, message) => {
    expect((await rejection(packageWith([{ name, data: 'x' }]))).message).toMatch(message);
  });

  it('rejects huge declared sizes', async () => {
    const error = await rejection(
      packageWith([{ name: 'video.mp4', data: 'x', declaredUncompressedSize: 3_000_000_000 }]),
    );
    expect(error.message).toMatch(/^The zip would unpack to 2\.8 GiB; at most 2 GiB are allowed\.$/);
  });

  it('rejects an extreme compression ratio (a real deflated bomb)', async () => {
    const error = await rejection(packageWith([{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024) }]));
    expect(error.message).toMatch(
      /compressed \d+ to 1, more than the 100 to 1 allowed; it looks like a zip bomb/,
    );
  });

  it('does not apply the ratio check to small packages', async () => {
    const facts = await inspect(packageWith([{ name: 'zeros.bin', data: Buffer.alloc(512 * 1024) }]));
    expect(facts.entryCount).toBe(3);
  });

  it('rejects a manifest whose header lies about its size', async () => {
    const padded = buildScormManifest('1.2').replace(
      '<organizations',
      `<!-- ${'x'.repeat(200_000)} --><organizations`,
    );
    const zip = buildZip([
      { name: 'imsmanifest.xml', data: padded, declaredUncompressedSize: 200 },
      { name: 'sco1/index.html', data: 'x' },
    ]);
    expect((await rejection(zip)).message).toBe(
      'The zip archive is damaged: the size recorded for "imsmanifest.xml" does not match its data.',
    );
  });

  it('rejects a launch page whose header lies about its size', async () => {
    const zip = buildZip([
      { name: 'imsmanifest.xml', data: buildScormManifest('1.2') },
      { name: 'sco1/index.html', data: Buffer.alloc(1024 * 1024, 0x61), declaredUncompressedSize: 10 },
    ]);
    expect((await rejection(zip)).message).toMatch(/size recorded for "sco1\/index.html" does not match/);
  });

  it('rejects a manifest over maxManifestBytes', async () => {
    const error = await rejection(packageWith([]), { maxManifestBytes: 100 });
    expect(error.message).toMatch(/^The manifest is .* at most 100 bytes are allowed\.$/);
  });

  it('rejects 30000 entries quickly', async () => {
    const entries: ZipEntrySpec[] = Array.from({ length: 30_000 }, (_, i) => ({
      name: `f/${i}.txt`,
      data: '',
      method: 'store',
    }));
    const zip = packageWith(entries);
    const started = Date.now();
    expect((await rejection(zip)).message).toBe('The zip has 30002 entries; at most 10000 are allowed.');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects duplicate entry names, naming the entry', async () => {
    const error = await rejection(packageWith([{ name: 'sco1/index.html', data: 'evil twin' }]));
    expect(error.message).toBe(
      'The zip contains "sco1/index.html" more than once; each file may appear only once.',
    );
  });

  it('rejects absurdly deep nesting', async () => {
    const depth = 6000;
    const xml = `<manifest identifier="m" xmlns="${CP12}"><organizations><organization identifier="o">${'<item identifier="i">'.repeat(depth)}${'</item>'.repeat(depth)}</organization></organizations></manifest>`;
    expect((await rejection(packageWith([], xml))).message).toMatch(/more than 5000 levels deep/);
  });

  it('accepts an unsupported compression method on an entry it never reads', async () => {
    const zip = packageWith([{ name: 'a.bin', data: 'x', method: 'store' }]);
    // Patch the central directory record of the last entry to method 12 (bzip2).
    const central = zip.lastIndexOf(Buffer.from('PK\u0001\u0002', 'latin1'));
    zip.writeUInt16LE(12, central + 10);
    const facts = await inspect(zip);
    // It is never read during inspection, so it is accepted; reading it would fail clearly.
    expect(facts.entryCount).toBe(3);
  });

  it('only ever throws PackageError for bad bytes (fuzzed truncations and flips)', async () => {
    const zip = buildScorm12Package({ scos: [{ title: 'A' }, { title: 'B' }] });
    const variants: Buffer[] = [];
    for (let cut = 1; cut < zip.length; cut += Math.ceil(zip.length / 25))
      variants.push(zip.subarray(0, cut));
    for (let at = 0; at < zip.length; at += Math.ceil(zip.length / 40)) {
      const flipped = Buffer.from(zip);
      flipped[at] ^= 0x5a;
      variants.push(flipped);
    }
    variants.push(Buffer.concat([zip, deflateRawSync(Buffer.from('trailing junk'))]));
    for (const bytes of variants) {
      await inspect(bytes).catch((error: unknown) => expect(error).toBeInstanceOf(PackageError));
    }
  });
});
