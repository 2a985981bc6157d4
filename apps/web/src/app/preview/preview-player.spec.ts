import { PreviewPlayer } from './preview-player';
import { PreviewTrackingStore } from './preview-tracking-store';
import type { CoursePreview, PreviewItem } from './preview.operations';

function item(id: string, depth: number, parentId: string | null, launch = true): PreviewItem {
  return {
    id,
    title: id.replace(/^./, (c) => c.toUpperCase()).replace('-', ' '),
    depth,
    parentId,
    launchUrl: launch ? `/content/${id}.html` : null,
    scormType: launch ? 'sco' : null,
    prerequisites: null,
    isVisible: true,
  };
}

/** A course with a free module and a forced-sequential one (flow on, choice off), as scorm-again settings. */
const SEQUENCING = {
  activityTree: {
    id: 'course',
    title: 'Course',
    sequencingControls: { choice: true, flow: true },
    children: [
      {
        id: 'intro',
        title: 'Intro',
        sequencingControls: { choice: true, flow: true },
        children: [{ id: 'welcome', title: 'Welcome' }],
      },
      {
        id: 'golf',
        title: 'Golf',
        sequencingControls: { choice: false, flow: true },
        children: [
          { id: 'lesson-1', title: 'Lesson 1' },
          { id: 'lesson-2', title: 'Lesson 2' },
          { id: 'lesson-3', title: 'Lesson 3' },
        ],
      },
    ],
  },
};

const COURSE_2004: CoursePreview = {
  title: 'Course',
  scormVersion: '2004 4th Edition',
  family: '2004',
  contentOrigin: 'null',
  sequencing: JSON.stringify(SEQUENCING),
  items: [
    item('intro', 0, null, false),
    item('welcome', 1, 'intro'),
    item('golf', 0, null, false),
    item('lesson-1', 1, 'golf'),
    item('lesson-2', 1, 'golf'),
    item('lesson-3', 1, 'golf'),
  ],
};

const COURSE_12: CoursePreview = {
  title: 'Old course',
  scormVersion: '1.2',
  family: '1.2',
  contentOrigin: 'null',
  sequencing: null,
  items: [item('part', 0, null, false), item('sco-a', 1, 'part'), item('sco-b', 1, 'part')],
};

/** A frame whose messages reach the player as a sandboxed SCO's bridge would send them. */
class FrameSco {
  private count = 0;
  readonly frame = document.createElement('iframe');

  constructor() {
    document.body.appendChild(this.frame);
  }

  /** Posts a SCORM call the way scorm-again's CrossFrameAPI does and waits for CrossFrameLMS's answer. */
  async call(method: string, ...params: string[]): Promise<unknown> {
    const frameWindow = this.frame.contentWindow as Window;
    const messageId = `test-${++this.count}`;
    const answer = new Promise<unknown>((resolve) => {
      const onAnswer = (event: MessageEvent) => {
        if ((event.data as { messageId?: string }).messageId !== messageId) return;
        frameWindow.removeEventListener('message', onAnswer);
        resolve((event.data as { result?: unknown }).result);
      };
      frameWindow.addEventListener('message', onAnswer);
    });
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { messageId, method, params },
        origin: 'null',
        source: frameWindow,
      }),
    );
    return answer;
  }

  remove(): void {
    this.frame.remove();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PreviewPlayer', () => {
  let player: PreviewPlayer;
  let sco: FrameSco;

  beforeEach(() => {
    sessionStorage.clear();
    sco = new FrameSco();
  });

  afterEach(() => {
    player?.destroy();
    sco.remove();
  });

  async function open(course: CoursePreview, id = 'merge-1'): Promise<PreviewPlayer> {
    const opened = new PreviewPlayer(course, new PreviewTrackingStore('session-1', 'merge', id));
    opened.start();
    await settle();
    // As the page does once the delivered item's frame is in the document.
    opened.attachFrame(sco.frame);
    return opened;
  }

  describe('SCORM 2004, through the sequencing engine', () => {
    it('starts on the first lesson the engine delivers', async () => {
      player = await open(COURSE_2004);
      expect(player.current()?.item.id).toBe('welcome');
    });

    it('Continue walks to the next lesson, across modules', async () => {
      player = await open(COURSE_2004);
      player.navigate('continue');
      await settle();
      expect(player.current()?.item.id).toBe('lesson-1');
      player.navigate('continue');
      await settle();
      expect(player.current()?.item.id).toBe('lesson-2');
      expect(player.message()).toBeNull();
    });

    it('refuses a choice inside a forced-sequential module and says why', async () => {
      player = await open(COURSE_2004);
      player.choose('lesson-3');
      await settle();
      expect(player.current()?.item.id).toBe('welcome');
      expect(player.message()).toMatch(/^Lesson 3 is not available yet: .+\([A-Z]{2}\.\d/);
    });

    it('follows the SCO’s own navigation request on Terminate', async () => {
      player = await open(COURSE_2004);
      await sco.call('Initialize', '');
      await sco.call('SetValue', 'adl.nav.request', 'continue');
      await sco.call('Terminate', '');
      await settle();
      expect(player.current()?.item.id).toBe('lesson-1');
    });

    it('logs each SCO call with its element, value, return and error code, and shows the status live', async () => {
      player = await open(COURSE_2004);
      await sco.call('Initialize', '');
      await sco.call('SetValue', 'cmi.completion_status', 'completed');
      await sco.call('SetValue', 'cmi.score.scaled', '0.8');
      await sco.call('SetValue', 'cmi.success_status', 'passed');
      await sco.call('GetValue', 'cmi.no_such_element');
      const calls = player.calls();
      expect(calls.map((call) => call.method)).toEqual([
        'Initialize',
        'SetValue',
        'SetValue',
        'SetValue',
        'GetValue',
      ]);
      expect(calls[1]).toMatchObject({
        element: 'cmi.completion_status',
        value: 'completed',
        result: 'true',
        errorCode: '0',
        itemId: 'welcome',
      });
      expect(calls[4].result).toBe('');
      expect(calls[4].errorCode).not.toBe('0');
      expect(player.trackingOf('welcome')).toEqual({ status: 'passed', score: '80%' });
    });

    it('leaves an open SCO on Continue: the SCO reports while unloading, then the next lesson opens', async () => {
      player = await open(COURSE_2004);
      await sco.call('Initialize', '');
      player.navigate('continue');
      expect(sco.frame.getAttribute('src')).toBe('about:blank');
      await sco.call('SetValue', 'cmi.completion_status', 'completed');
      await sco.call('Terminate', '');
      await settle();
      expect(player.current()?.item.id).toBe('lesson-1');
      // Completed by the SCO; the engine also counts its objective satisfied (objectiveSetByContent is off).
      expect(player.trackingOf('welcome').status).toMatch(/^(completed|passed)$/);
    });

    it('refuses a choice out of order while a lesson is open, and leaves that lesson running', async () => {
      player = await open(COURSE_2004);
      player.navigate('continue');
      await settle();
      player.attachFrame(sco.frame);
      sco.frame.setAttribute('src', '/content/lesson-1.html');
      await sco.call('Initialize', '');
      player.choose('lesson-3');
      await settle();
      expect(player.message()).toMatch(/^Lesson 3 is not available yet: .+/);
      expect(sco.frame.getAttribute('src')).toBe('/content/lesson-1.html');
      expect(await sco.call('GetValue', 'cmi.completion_status')).toBe('unknown');
    });

    it('opens a module chosen from the outline at its first lesson, leaving the open one', async () => {
      player = await open(COURSE_2004);
      await sco.call('Initialize', '');
      player.choose('golf');
      await sco.call('Terminate', '');
      await settle();
      expect(player.current()?.item.id).toBe('lesson-1');
    });

    it('drops messages from any window other than the current frame', async () => {
      player = await open(COURSE_2004);
      const stranger = new FrameSco();
      const answer = stranger.call('Initialize', '');
      const outcome = await Promise.race([answer.then(() => 'answered'), settle().then(() => 'ignored')]);
      stranger.remove();
      expect(outcome).toBe('ignored');
      expect(player.calls()).toEqual([]);
    });

    it('keeps the tracking in the tab, and Reset attempt clears it', async () => {
      player = await open(COURSE_2004);
      await sco.call('Initialize', '');
      await sco.call('SetValue', 'cmi.completion_status', 'completed');
      player.destroy();

      player = await open(COURSE_2004);
      expect(player.trackingOf('welcome').status).toBe('completed');
      expect(player.calls().length).toBe(2);

      player.resetAttempt();
      await settle();
      expect(player.trackingOf('welcome').status).toBe('not attempted');
      expect(player.calls()).toEqual([]);
      expect(player.current()?.item.id).toBe('welcome');
    });
  });

  describe('SCORM 1.2, in tree order', () => {
    it('walks the SCOs in document order and says when there is no further one', async () => {
      player = await open(COURSE_12, 'pkg-12');
      expect(player.current()?.item.id).toBe('sco-a');
      player.navigate('continue');
      expect(player.current()?.item.id).toBe('sco-b');
      player.navigate('continue');
      expect(player.current()?.item.id).toBe('sco-b');
      expect(player.message()).toBe('This is the last lesson.');
      player.navigate('previous');
      expect(player.current()?.item.id).toBe('sco-a');
    });

    it('lets an open SCO finish while it unloads, keeps its status, and gives it back at its next launch', async () => {
      player = await open(COURSE_12, 'pkg-12');
      await sco.call('LMSInitialize', '');
      await sco.call('LMSSetValue', 'cmi.core.lesson_status', 'passed');
      await sco.call('LMSSetValue', 'cmi.core.score.raw', '90');
      expect(player.trackingOf('sco-a')).toEqual({ status: 'passed', score: '90' });
      player.navigate('continue');
      // The SCO is unloaded first; its unload handler finishes, then the player moves on.
      expect(sco.frame.getAttribute('src')).toBe('about:blank');
      expect(player.current()?.item.id).toBe('sco-a');
      await sco.call('LMSFinish', '');
      expect(player.current()?.item.id).toBe('sco-b');
      player.attachFrame(sco.frame);
      player.choose('sco-a');
      player.attachFrame(sco.frame);
      expect(await sco.call('LMSInitialize', '')).toBe('true');
      expect(await sco.call('LMSGetValue', 'cmi.core.lesson_status')).toBe('passed');
    });

    it('finishes a SCO for it when it does not while unloading', async () => {
      player = await open(COURSE_12, 'pkg-12');
      await sco.call('LMSInitialize', '');
      player.navigate('continue');
      await new Promise((resolve) => setTimeout(resolve, 1700));
      expect(player.calls().at(-1)).toMatchObject({ caller: 'player', method: 'LMSFinish', result: 'true' });
      expect(player.current()?.item.id).toBe('sco-b');
    });
  });
});
