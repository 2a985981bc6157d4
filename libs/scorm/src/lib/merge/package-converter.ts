import { cleanTitle, normalizeText } from '../plain-text';
import { NS, type ScormFamily } from '../manifest/scorm-version';
import { attributeValue, childElements, firstChildNamed, textOf, xmlBase } from '../xml/xml-elements';
import type { XmlElement, XmlAttribute } from '../xml/xml-reader';
import { MergeError } from './merge-types';
import { isPackagingMetadata, metadataRecordProblem } from '../manifest/metadata-conformance';
import {
  masteryScoreToMeasure,
  rewritePrerequisiteIds,
  TIME_LIMIT_ACTIONS,
  timespanToIsoDuration,
} from './scorm12-conversion';
import { parsePrerequisiteExpression } from './prerequisite-expression';
import {
  LESSON_STATUS_OBJECTIVE,
  lessonStatusCompletionWrite,
  lessonStatusWriteMap,
  MAX_ANY_ALTERNATIVES,
  prerequisiteCompletionRead,
  prerequisiteDisabledRules,
  prerequisiteObjectiveId,
  prerequisiteReadObjective,
  type PrerequisiteLink,
} from './prerequisite-sequencing';
import {
  childElementsOf,
  element,
  getAttribute,
  serializeXml,
  textElement,
  textNode,
  type XElement,
  type XNode,
} from '../xml/xml-tree';

export const LOM_NS = 'http://ltsc.ieee.org/xsd/LOM';
export const IMSMD12_NS = 'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** Where generated support files live in the merged zip (package folders start with digits). */
export const SUPPORT_FOLDER = 'scorm-merge/';
export const ADAPTER_PAGE = `${SUPPORT_FOLDER}scorm12-adapter.html`;

/** The output manifest's namespaces, each with one fixed prefix (`adlcp` literally). */
export class NamespaceTable {
  private readonly prefixes = new Map<string, string>();
  private readonly extra: Array<[string, string]> = [];

  constructor(readonly family: ScormFamily) {
    const known: Array<[string, string]> =
      family === '1.2'
        ? [
            [NS.imscp12, ''],
            [NS.adlcp12, 'adlcp'],
            [IMSMD12_NS, 'imsmd'],
            [XSI_NS, 'xsi'],
          ]
        : [
            [NS.imscp2004, ''],
            [NS.adlcp2004, 'adlcp'],
            [NS.adlseq, 'adlseq'],
            [NS.adlnav, 'adlnav'],
            [NS.imsss, 'imsss'],
            [LOM_NS, 'lom'],
            [XSI_NS, 'xsi'],
          ];
    for (const [uri, prefix] of known) this.prefixes.set(uri, prefix);
    this.prefixes.set(XML_NS, 'xml');
  }

  get cp(): string {
    return this.family === '1.2' ? NS.imscp12 : NS.imscp2004;
  }

  get adlcp(): string {
    return this.family === '1.2' ? NS.adlcp12 : NS.adlcp2004;
  }

  /** `adlcp:scormtype` in 1.2, `adlcp:scormType` in 2004: LMSs read these as literal strings. */
  get scormTypeAttribute(): string {
    return this.family === '1.2' ? 'adlcp:scormtype' : 'adlcp:scormType';
  }

  qualify(namespace: string, localName: string): string {
    let prefix = this.prefixes.get(namespace);
    if (prefix === undefined) {
      prefix = `ns${this.extra.length + 1}`;
      this.prefixes.set(namespace, prefix);
      this.extra.push([namespace, prefix]);
    }
    return prefix ? `${prefix}:${localName}` : localName;
  }

  /** xmlns attributes for the root element. */
  declarations(): Array<[string, string]> {
    const result: Array<[string, string]> = [];
    for (const [uri, prefix] of this.prefixes) {
      if (prefix === 'xml') continue;
      result.push([prefix ? `xmlns:${prefix}` : 'xmlns', uri]);
    }
    return result;
  }
}

/** Hands out identifiers that are unique across the whole merged manifest. */
export class IdentifierRegistry {
  private readonly used = new Set<string>();

  claim(preferred: string): string {
    const base = toNcName(preferred);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/** An XML NCName (what xs:ID needs): letters, digits, `.`, `-`, `_`, not starting with a digit. */
export function toNcName(text: string): string {
  const cleaned = text.replace(/[^\p{L}\p{N}._-]/gu, '_');
  return /^[\p{L}_]/u.test(cleaned) ? cleaned : `_${cleaned}`;
}

export interface PackageSource {
  /** Plain-text module title (untrusted; escaped on output). */
  title: string;
  /** Module folder in the merged zip, e.g. `01-golf/`. */
  folder: string;
  /** Identifier prefix, e.g. `p01`. */
  prefix: string;
  family: ScormFamily;
  /** The package's manifest root element. */
  root: XmlElement;
  /** For messages. */
  label: string;
  /** Names of the package's files in the merged zip (`01-golf/shared/a.html`). */
  files: ReadonlySet<string>;
}

export interface ConvertContext {
  ns: NamespaceTable;
  ids: IdentifierRegistry;
  /** Identifier of the adapter asset resource (2004 output with 1.2 packages). */
  adapterResourceId: string;
  warnings: string[];
}

export interface ScoItem {
  identifier: string;
  title: string;
}

export interface ConvertedPackage {
  wrapper: XElement;
  resources: XElement[];
  sequencingCollection: XElement[];
  generatedFiles: Array<{ name: string; data: Buffer }>;
  scoItems: ScoItem[];
  /** Item a course menu launches through a choice request. */
  menuTarget: string;
  /** 1.2 SCO launch URLs (relative to the zip root) that the adapter page may load, by resource id. */
  adapterLaunches: Map<string, string>;
}

const isCp = (ns: string | null): boolean => !ns || /imscp/i.test(ns);
const isAdlcp = (ns: string | null): boolean => !!ns && /adlcp/i.test(ns);
const isImsss = (ns: string | null): boolean => ns === NS.imsss;

/** imscp_rootv1p1p2.xsd bounds <title> at 200 characters. */
export const MAX_SCORM12_TITLE_CHARS = 200;

/** Deeper than any real course; recursion below stays well inside the stack. */
const MAX_ITEM_DEPTH = 1000;

/**
 * Turns one package's manifest into its part of the merged manifest: an aggregation item
 * holding the package's item tree, its resources and its sequencing collection, with every
 * identifier prefixed and every reference and path rewritten.
 */
export function convertPackage(source: PackageSource, context: ConvertContext): ConvertedPackage {
  return new PackageConverter(source, context).convert();
}

class PackageConverter {
  private readonly out: ScormFamily;
  private readonly ns: NamespaceTable;
  /** Old identifier → new identifier (first declaration wins). */
  /** Old → new ids, one map per kind: an id reused across kinds (invalid, yet seen) must not cross-resolve. */
  private readonly idMaps = {
    item: new Map<string, string>(),
    resource: new Map<string, string>(),
    sequencing: new Map<string, string>(),
  };
  private readonly elementIds = new Map<XmlElement, string>();
  private readonly scoResources = new Set<string>();
  private readonly scoItems: ScoItem[] = [];
  private readonly generatedFiles: Array<{ name: string; data: Buffer }> = [];
  private readonly adapterLaunches = new Map<string, string>();
  private readonly notes = new Set<string>();
  private readonly upgrade: boolean;
  /** Inline metadata moved into files: how many records, and why. */
  private readonly moved = { count: 0, reasons: new Set<string>() };
  private readonly missingLocations = new Set<string>();
  /** Old resource identifier → launch href as written, for naming untitled items. */
  private readonly resourceHrefs = new Map<string, string>();
  private untitled = 0;
  /** 1.2 prerequisites in 2004 output: items others wait for, and what each dependent item needs. */
  private readonly prerequisiteTargets = new Set<string>();
  private readonly prerequisiteRequirements = new Map<
    string,
    { kind: 'all' | 'any'; links: PrerequisiteLink[] }
  >();

  constructor(
    private readonly source: PackageSource,
    private readonly context: ConvertContext,
  ) {
    this.ns = context.ns;
    this.out = context.ns.family;
    this.upgrade = source.family === '1.2' && this.out === '2004';
  }

  convert(): ConvertedPackage {
    const root = this.source.root;
    const organization = this.chooseOrganization();
    const resourcesElement = firstChildNamed(root, 'resources', isCp);
    const resources = resourcesElement
      ? childElements(resourcesElement).filter((el) => this.isCpNamed(el, 'resource'))
      : [];
    const collections = childElements(root).filter(
      (el) => el.localName === 'sequencingCollection' && isImsss(el.namespaceURI),
    );
    const collected = collections.flatMap((collection) =>
      childElements(collection).filter((el) => el.localName === 'sequencing' && isImsss(el.namespaceURI)),
    );

    // Identifiers first: items refer to resources and collections that come later.
    const topItems = childElements(organization).filter((el) => this.isCpNamed(el, 'item'));
    if (topItems.length === 0) {
      throw new MergeError(
        `The package ${this.source.label} has no items to launch, so it cannot be merged.`,
        'PACKAGE_INVALID',
      );
    }
    this.assignIdentifiers(topItems, 'item');
    this.assignIdentifiers(resources, 'resource');
    for (const sequencing of collected)
      this.assignId(sequencing, sequencing.getAttribute('ID') ?? '', 'sequencing');
    for (const resource of resources) {
      const href = resource.getAttribute('href');
      const key = normalizeText(resource.getAttribute('identifier') ?? '');
      if (href && !this.resourceHrefs.has(key)) this.resourceHrefs.set(key, href);
      const type = attributeValue(resource, 'scormtype', true);
      if (type?.trim().toLowerCase() === 'sco') {
        const id = resource.getAttribute('identifier') ?? '';
        if (!this.scoResources.has(id)) this.scoResources.add(id);
      }
    }

    if (this.upgrade) this.planPrerequisites();

    const manifestBase = joinBase('', xmlBase(root));
    const resourcesBase = joinBase(manifestBase, resourcesElement ? xmlBase(resourcesElement) : '');
    const convertedResources = resources.map((resource) => this.convertResource(resource, resourcesBase));
    const items = topItems.flatMap((item) => this.convertItem(item, 1));
    const sequencingCollection = collected.map((sequencing) => this.cloneGeneric(sequencing));

    const wrapper = this.buildWrapper(organization, items);
    this.noteMetadataChanges();
    for (const note of this.notes) this.context.warnings.push(note);
    return {
      wrapper,
      resources: convertedResources,
      sequencingCollection,
      generatedFiles: this.generatedFiles,
      scoItems: this.scoItems,
      menuTarget: this.menuTarget(wrapper),
      adapterLaunches: this.adapterLaunches,
    };
  }

  // ── organization and wrapper ──────────────────────────────────────────────

  private chooseOrganization(): XmlElement {
    const organizations = firstChildNamed(this.source.root, 'organizations', isCp);
    const all = organizations
      ? childElements(organizations).filter((el) => this.isCpNamed(el, 'organization'))
      : [];
    if (all.length === 0) {
      throw new MergeError(
        `The package ${this.source.label} has no organization (course structure), so it cannot be merged.`,
        'PACKAGE_INVALID',
      );
    }
    const wanted = normalizeText(organizations?.getAttribute('default') ?? '');
    const chosen = all.find((org) => normalizeText(org.getAttribute('identifier') ?? '') === wanted);
    if (wanted && !chosen) {
      this.notes.add(
        `${this.source.label}: the default organization "${wanted}" does not exist; the first organization was used.`,
      );
    }
    if (all.length > 1) {
      this.notes.add(`${this.source.label}: only one of its ${all.length} organizations was merged.`);
    }
    return chosen ?? all[0];
  }

  private buildWrapper(organization: XmlElement, items: XElement[]): XElement {
    const id = this.context.ids.claim(`${this.source.prefix}_module`);
    const children: XNode[] = [this.titleElement(cleanTitle(this.source.title) || 'Module'), ...items];
    const metadata = this.wrapperMetadata(organization);
    if (metadata) children.push(metadata);
    if (this.out === '2004') {
      const sequencing = childElements(organization).find(
        (el) => el.localName === 'sequencing' && isImsss(el.namespaceURI),
      );
      children.push(
        sequencing
          ? this.cloneGeneric(sequencing)
          : // Lets "Continue" flow through the module and a menu choice land in it.
            element('imsss:sequencing', {}, [element('imsss:controlMode', { choice: 'true', flow: 'true' })]),
      );
    }
    return element(this.ns.qualify(this.ns.cp, 'item'), { identifier: id }, children);
  }

  /** Manifest-level and organization-level metadata of the package, kept on its module item. */
  private wrapperMetadata(organization: XmlElement): XElement | null {
    const blocks = [this.source.root, organization].flatMap((parent) =>
      childElements(parent).filter((el) => this.isCpNamed(el, 'metadata')),
    );
    return this.convertMetadata(blocks, true);
  }

  private menuTarget(wrapper: XElement): string {
    const sequencing = childElementsOf(wrapper, 'imsss:sequencing')[0];
    const control = sequencing ? childElementsOf(sequencing, 'imsss:controlMode')[0] : undefined;
    const flows = control ? getAttribute(control, 'flow') === 'true' : false;
    if (flows || this.out === '1.2') return getAttribute(wrapper, 'identifier') as string;
    return this.scoItems[0]?.identifier ?? (getAttribute(wrapper, 'identifier') as string);
  }

  // ── identifiers ───────────────────────────────────────────────────────────

  private assignIdentifiers(elements: XmlElement[], what: 'item' | 'resource'): void {
    const stack = [...elements].reverse();
    while (stack.length > 0) {
      const el = stack.pop() as XmlElement;
      this.assignId(el, el.getAttribute('identifier') ?? '', what);
      if (what === 'item') {
        const children = childElements(el).filter((child) => this.isCpNamed(child, 'item'));
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      }
    }
  }

  private assignId(el: XmlElement, rawId: string, kind: keyof PackageConverter['idMaps']): void {
    const old = normalizeText(rawId);
    const id = this.context.ids.claim(`${this.source.prefix}_${old || 'id'}`);
    this.elementIds.set(el, id);
    const map = this.idMaps[kind];
    if (old && !map.has(old)) map.set(old, id);
  }

  private reference(
    value: string,
    what: 'resource' | 'sequencing collection entry',
    owner: string,
  ): string | null {
    const id = (what === 'resource' ? this.idMaps.resource : this.idMaps.sequencing).get(
      normalizeText(value),
    );
    if (!id) {
      this.notes.add(
        `${this.source.label}: ${owner} refers to the ${what} "${value}", which does not exist; the reference was left out.`,
      );
      return null;
    }
    return id;
  }

  private globalId(value: string): string {
    return `${this.source.prefix}.${value.trim()}`;
  }

  // ── items ─────────────────────────────────────────────────────────────────

  private convertItem(item: XmlElement, depth: number): XElement[] {
    if (depth > MAX_ITEM_DEPTH) {
      throw new MergeError(
        `The package ${this.source.label} nests its items too deeply to merge.`,
        'PACKAGE_INVALID',
      );
    }
    const id = this.elementIds.get(item) as string;
    const attributes: Array<[string, string]> = [['identifier', id]];
    let resourceRef: string | null = null;
    let parameters: string | null = null;
    for (const attribute of item.attributes) {
      const local = attribute.localName;
      if (!attribute.namespaceURI && local === 'identifier') continue;
      if (!attribute.namespaceURI && local === 'identifierref') {
        const value = attribute.value.trim();
        if (value)
          resourceRef = this.reference(
            value,
            'resource',
            `the item "${normalizeText(item.getAttribute('identifier') ?? '')}"`,
          );
        continue;
      }
      if (!attribute.namespaceURI && local === 'parameters') {
        parameters = attribute.value;
        continue;
      }
      const converted = this.convertAttribute(attribute);
      if (converted) attributes.push(converted);
    }

    const titleElement = firstChildNamed(item, 'title', isCp);
    const title = (titleElement ? cleanTitle(textOf(titleElement)) : '') || this.untitledItemTitle(item);
    const launchesSco = resourceRef !== null && this.isScoResource(item);
    const hasChildItems = childElements(item).some((child) => this.isCpNamed(child, 'item'));
    // SCORM 2004 lets only leaf items launch: the content becomes the cluster's first child.
    const splitLeaf = this.out === '2004' && resourceRef !== null && hasChildItems;
    const leafId = splitLeaf ? this.context.ids.claim(`${id}_content`) : null;
    // Listed before the children, in the order an LMS shows them.
    if (launchesSco) this.scoItems.push({ identifier: leafId ?? id, title });

    const childItems: XElement[] = [];
    const others: XNode[] = [];
    let titleNode: XElement | null = null;
    const metadataBlocks: XmlElement[] = [];
    const scorm12: Record<string, string> = {};
    for (const child of childElements(item)) {
      if (this.isCpNamed(child, 'title'))
        titleNode = this.fitsTitle(textOf(child)) ? this.cloneGeneric(child) : this.titleElement(title);
      else if (this.isCpNamed(child, 'item')) childItems.push(...this.convertItem(child, depth + 1));
      else if (this.isCpNamed(child, 'metadata')) metadataBlocks.push(child);
      else if (isAdlcp(child.namespaceURI) && this.source.family === '1.2') {
        const local = child.localName.toLowerCase();
        if (this.upgrade) scorm12[local] = textOf(child).trim();
        else if (local === 'prerequisites') {
          const clone = this.cloneGeneric(child);
          clone.children = [textNode(rewritePrerequisiteIds(textOf(child), this.idMaps.item))];
          others.push(clone);
        } else others.push(this.cloneGeneric(child));
      } else others.push(this.cloneGeneric(child));
    }
    if (this.upgrade) others.unshift(...this.scorm12ItemExtensions(scorm12, id));

    if (leafId !== null) {
      const leafChildren: XNode[] = [this.cp('title', [textNode(title || 'Content')])];
      // Converted 1.2 settings belong to the content, not the cluster.
      if (this.upgrade) leafChildren.push(...others.splice(0));
      const leafAttributes: Array<[string, string]> = [
        ['identifier', leafId],
        ['identifierref', resourceRef as string],
      ];
      if (parameters !== null) leafAttributes.push(['parameters', parameters]);
      childItems.unshift(element(this.ns.qualify(this.ns.cp, 'item'), leafAttributes, leafChildren));
    } else {
      if (resourceRef !== null) attributes.push(['identifierref', resourceRef]);
      if (parameters !== null) attributes.push(['parameters', parameters]);
    }

    const children: XNode[] = [];
    children.push(titleNode ?? this.titleElement(title));
    children.push(...childItems);
    // The schemas allow one <metadata>, after the child items: several or misplaced ones become one.
    const metadataNode = this.convertMetadata(metadataBlocks, false);
    if (metadataNode) children.push(metadataNode);
    children.push(...others);
    return [element(this.ns.qualify(this.ns.cp, 'item'), attributes, children)];
  }

  /** A title kept as written: not empty, and within SCORM 1.2's 200 characters in 1.2 output. */
  private fitsTitle(text: string): boolean {
    return (
      cleanTitle(text) !== '' && (this.out !== '1.2' || Array.from(text).length <= MAX_SCORM12_TITLE_CHARS)
    );
  }

  private titleElement(text: string): XElement {
    return this.cp('title', [
      textNode(this.out === '1.2' ? cleanTitle(text, MAX_SCORM12_TITLE_CHARS) : text),
    ]);
  }

  /** A title for an item whose own is empty: its launch file's name, else "Untitled item N". */
  private untitledItemTitle(item: XmlElement): string {
    const href = this.resourceHrefs.get(normalizeText(item.getAttribute('identifierref') ?? ''));
    const file =
      href
        ?.replace(/[?#].*$/, '')
        .split(/[\\/]/)
        .pop() ?? '';
    const name = cleanTitle(
      safeDecode(file)
        .replace(/\.[^.]*$/, '')
        .replace(/[_-]+/g, ' '),
    );
    if (name) return name;
    this.untitled++;
    return `Untitled item ${this.untitled}`;
  }

  private isScoResource(item: XmlElement): boolean {
    return this.scoResources.has(normalizeText(item.getAttribute('identifierref') ?? ''));
  }

  /** SCORM 1.2 item extensions in their SCORM 2004 form, in the order ADL lists them. */
  private scorm12ItemExtensions(values: Record<string, string>, itemId: string): XElement[] {
    const result: XElement[] = [];
    const action = values['timelimitaction'];
    if (action !== undefined) {
      if (TIME_LIMIT_ACTIONS.has(action)) result.push(textElement('adlcp:timeLimitAction', action));
      else
        this.notes.add(
          `${this.source.label}: the item "${itemId}" has an unknown timelimitaction "${action}"; it was left out.`,
        );
    }
    if (values['datafromlms'] !== undefined)
      result.push(textElement('adlcp:dataFromLMS', values['datafromlms']));
    const sequencing: XElement[] = [];
    const requirement = this.prerequisiteRequirements.get(itemId);
    if (requirement) {
      sequencing.push(
        element('imsss:sequencingRules', {}, prerequisiteDisabledRules(requirement.kind, requirement.links)),
      );
    }
    if (values['maxtimeallowed'] !== undefined) {
      const duration = timespanToIsoDuration(values['maxtimeallowed']);
      if (duration)
        sequencing.push(element('imsss:limitConditions', { attemptAbsoluteDurationLimit: duration }));
      else
        this.notes.add(
          `${this.source.label}: the item "${itemId}" has an unreadable maxtimeallowed; it was left out.`,
        );
    }
    let primaryObjective: XElement | null = null;
    if (values['masteryscore'] !== undefined) {
      const measure = masteryScoreToMeasure(values['masteryscore']);
      if (measure) {
        primaryObjective = element('imsss:primaryObjective', { satisfiedByMeasure: 'true' }, [
          textElement('imsss:minNormalizedMeasure', measure),
        ]);
      } else {
        this.notes.add(
          `${this.source.label}: the item "${itemId}" has an unreadable masteryscore; it was left out.`,
        );
      }
    }
    const writesLessonStatus = this.prerequisiteTargets.has(itemId);
    if (writesLessonStatus) {
      primaryObjective ??= element('imsss:primaryObjective');
      primaryObjective.attributes.unshift(['objectiveID', LESSON_STATUS_OBJECTIVE]);
      primaryObjective.children.push(lessonStatusWriteMap(this.lessonStatusGlobalId(itemId)));
    }
    const readObjectives = requirement?.links.map(prerequisiteReadObjective) ?? [];
    if (primaryObjective || readObjectives.length > 0) {
      sequencing.push(
        element('imsss:objectives', {}, [
          primaryObjective ?? element('imsss:primaryObjective'),
          ...readObjectives,
        ]),
      );
    }
    // 4th Edition's objective extensions come after every imsss element.
    const completionMaps = [
      ...(writesLessonStatus ? [lessonStatusCompletionWrite(this.lessonStatusGlobalId(itemId))] : []),
      ...(requirement?.links.map(prerequisiteCompletionRead) ?? []),
    ];
    if (completionMaps.length > 0) sequencing.push(element('adlseq:objectives', {}, completionMaps));
    if (sequencing.length > 0) result.push(element('imsss:sequencing', {}, sequencing));
    return result;
  }

  /** The global objective holding a prerequisite item's status: prefixed, so modules never share it. */
  private lessonStatusGlobalId(itemId: string): string {
    return this.globalId(`lesson-status.${itemId}`);
  }

  /**
   * Reads every item's 1.2 prerequisites before any item is converted: a prerequisite item needs
   * its status written, wherever it sits in the tree. What sequencing cannot express keeps a warning.
   */
  private planPrerequisites(): void {
    const items = new Map<string, XmlElement>();
    for (const [el, id] of this.elementIds) if (this.isCpNamed(el, 'item')) items.set(id, el);
    for (const [id, item] of items) {
      const prerequisites = childElements(item).find(
        (child) => isAdlcp(child.namespaceURI) && child.localName.toLowerCase() === 'prerequisites',
      );
      if (!prerequisites) continue;
      const text = textOf(prerequisites).trim();
      const parsed = parsePrerequisiteExpression(text);
      if (parsed.kind === 'none') continue;
      let problem = parsed.kind === 'unsupported' ? parsed.reason : null;
      if (parsed.kind === 'any' && parsed.identifiers.length > MAX_ANY_ALTERNATIVES)
        problem = `it offers ${parsed.identifiers.length} alternatives joined by |, more than the ${MAX_ANY_ALTERNATIVES} the merge converts`;
      const targets: string[] = [];
      if (parsed.kind === 'all' || parsed.kind === 'any') {
        for (const identifier of parsed.identifiers) {
          const target = this.idMaps.item.get(normalizeText(identifier));
          const targetItem = target === undefined ? undefined : items.get(target);
          if (!target || !targetItem) problem ??= `"${identifier}" is not an item of the package`;
          else if (!this.isScoResource(targetItem))
            problem ??= `"${identifier}" does not launch a SCO, so it has no lesson status`;
          else targets.push(target);
        }
      }
      const itemLabel = normalizeText(item.getAttribute('identifier') ?? '');
      if (problem !== null || parsed.kind === 'unsupported') {
        this.notes.add(
          `${this.source.label}: the item "${itemLabel}" has SCORM 1.2 prerequisites ("${normalizeText(text).slice(0, 200)}") that the merge cannot turn into SCORM 2004 sequencing, because ${problem}; they were left out, so the item can be taken before them.`,
        );
        continue;
      }
      for (const target of targets) this.prerequisiteTargets.add(target);
      this.prerequisiteRequirements.set(id, {
        kind: parsed.kind,
        links: targets.map((target) => ({
          objectiveId: prerequisiteObjectiveId(target),
          globalObjectiveId: this.lessonStatusGlobalId(target),
        })),
      });
    }
  }

  // ── resources ─────────────────────────────────────────────────────────────

  private convertResource(resource: XmlElement, resourcesBase: string): XElement {
    const base = joinBase(resourcesBase, xmlBase(resource));
    const id = this.elementIds.get(resource) as string;
    const isSco = attributeValue(resource, 'scormtype', true)?.trim().toLowerCase() === 'sco';
    const throughAdapter = this.upgrade && isSco;
    const attributes: Array<[string, string]> = [['identifier', id]];
    let scormTypeWritten = false;
    for (const attribute of resource.attributes) {
      const local = attribute.localName;
      if (!attribute.namespaceURI && local === 'identifier') continue;
      if (!attribute.namespaceURI && local === 'href') {
        const href = relocate(this.source.folder, base, attribute.value);
        if (throughAdapter) {
          this.adapterLaunches.set(id, href);
          attributes.push(['href', `${ADAPTER_PAGE}?sco=${encodeURIComponent(id)}`]);
        } else {
          attributes.push(['href', href]);
        }
        continue;
      }
      if (local.toLowerCase() === 'scormtype') {
        if (!scormTypeWritten)
          attributes.push([this.ns.scormTypeAttribute, attribute.value.trim().toLowerCase()]);
        scormTypeWritten = true;
        continue;
      }
      const converted = this.convertAttribute(attribute);
      if (converted) attributes.push(converted);
    }
    const children: XNode[] = [];
    // One <metadata>, first, as the schemas require wherever the package put it.
    const metadata = this.convertMetadata(
      childElements(resource).filter((el) => this.isCpNamed(el, 'metadata')),
      false,
    );
    if (metadata) children.push(metadata);
    for (const child of childElements(resource)) {
      if (this.isCpNamed(child, 'metadata')) continue;
      else if (this.isCpNamed(child, 'file')) {
        // Children left out: only its metadata is kept, converted below.
        const file = this.cloneGeneric(
          child,
          { href: (value) => relocate(this.source.folder, base, value) },
          false,
        );
        const fileMetadata = this.convertMetadata(
          childElements(child).filter((el) => this.isCpNamed(el, 'metadata')),
          false,
        );
        file.children = fileMetadata ? [fileMetadata] : [];
        children.push(file);
      } else if (this.isCpNamed(child, 'dependency')) {
        const ref = this.reference(
          child.getAttribute('identifierref') ?? '',
          'resource',
          `the resource "${normalizeText(resource.getAttribute('identifier') ?? '')}"`,
        );
        if (ref) children.push(this.cp('dependency', [], { identifierref: ref }));
      } else children.push(this.cloneGeneric(child));
    }
    if (throughAdapter) {
      const firstOther = children.findIndex(
        (child) => child.kind === 'element' && !['file', 'dependency', 'metadata'].includes(child.name),
      );
      const dependency = this.cp('dependency', [], { identifierref: this.context.adapterResourceId });
      if (firstOther === -1) children.push(dependency);
      else children.splice(firstOther, 0, dependency);
    }
    return element(this.ns.qualify(this.ns.cp, 'resource'), attributes, children);
  }

  // ── metadata ──────────────────────────────────────────────────────────────

  /**
   * One `<metadata>` from the package's blocks at one place, made valid in the output's schemas:
   * - schema/schemaversion: dropped at package level (they described the old package), and
   *   elsewhere whenever the version contradicts the output's;
   * - adlcp:location: follows its file; dropped when the file is not in the package; once each;
   * - records (LOM…) that might not validate in the output's schemas (another namespace, markup in
   *   a string, parts the merge cannot check) move into a file that an adlcp:location points at:
   *   LMSs schema-check the manifest, not the files it names.
   * Null when nothing is left.
   */
  private convertMetadata(blocks: readonly XmlElement[], packageLevel: boolean): XElement | null {
    let schemaLine: XElement | null = null;
    let versionLine: XElement | null = null;
    const rest: XNode[] = [];
    const locations = new Set<string>();
    const outputVersion = this.out === '1.2' ? '1.2' : '2004 4th Edition';
    const addLocation = (path: string) => {
      if (locations.has(path)) return;
      locations.add(path);
      rest.push(textElement(this.ns.qualify(this.ns.adlcp, 'location'), path));
    };
    for (const metadata of blocks) {
      const children = childElements(metadata);
      const version = children.find((el) => isCp(el.namespaceURI) && el.localName === 'schemaversion');
      const keepVersion =
        !packageLevel && version !== undefined && normalizeText(textOf(version)) === outputVersion;
      for (const child of children) {
        const local = child.localName;
        if (isPackagingMetadata(child) && isCp(child.namespaceURI)) {
          const text = normalizeText(textOf(child));
          // 1.2 bounds schema at 100 characters.
          if (keepVersion && local === 'schema' && !schemaLine && text.length <= 100)
            schemaLine = this.cp('schema', [textNode(text)]);
          if (keepVersion && local === 'schemaversion' && !versionLine)
            versionLine = this.cp('schemaversion', [textNode(text)]);
          continue;
        }
        if (isPackagingMetadata(child)) {
          const path = textOf(child).trim();
          if (!path) continue;
          const relocated = relocate(this.source.folder, '', path);
          if (EXTERNAL.test(relocated) || this.source.files.has(safeDecode(relocated)))
            addLocation(relocated);
          else this.missingLocations.add(path);
          continue;
        }
        const problem = metadataRecordProblem(child, this.out);
        if (problem === null) {
          rest.push(this.cloneGeneric(child));
          continue;
        }
        this.moved.count++;
        this.moved.reasons.add(problem);
        const name = this.movedMetadataName();
        this.generatedFiles.push({ name, data: Buffer.from(standaloneXml(child), 'utf8') });
        addLocation(name);
      }
    }
    // schema, then schemaversion, then everything else: the order both schemas require.
    const children: XNode[] = [];
    if (schemaLine) children.push(schemaLine);
    if (versionLine) children.push(versionLine);
    children.push(...rest);
    return children.length > 0 ? this.cp('metadata', children) : null;
  }

  /** A file name in the package's folder that none of its own files has. */
  private movedMetadataName(): string {
    const taken = new Set(this.generatedFiles.map((file) => file.name));
    for (let n = this.generatedFiles.length + 1; ; n++) {
      const name = `${this.source.folder}imsmanifest-metadata-${n}.xml`;
      if (!this.source.files.has(name) && !taken.has(name)) return name;
    }
  }

  private noteMetadataChanges(): void {
    const label = this.source.label;
    if (this.moved.count > 0) {
      const records = this.moved.count === 1 ? 'record was' : 'records were';
      this.notes.add(
        `${label}: ${this.moved.count} inline metadata ${records} moved into files in the module's folder, because the SCORM ${this.out} schemas could reject them (${[...this.moved.reasons].slice(0, 3).join('; ')}).`,
      );
    }
    if (this.missingLocations.size > 0) {
      const names = [...this.missingLocations].slice(0, 5).map((name) => `"${name}"`);
      this.notes.add(
        `${label}: metadata files named in the manifest are not in the package and were left out: ${names.join(', ')}.`,
      );
    }
  }

  // ── generic copy ──────────────────────────────────────────────────────────

  /**
   * Copies an element with output prefixes, rewriting the references SCORM defines:
   * sequencing IDs/IDRefs, global objective ids and shared-data target ids.
   */
  private cloneGeneric(
    source: XmlElement,
    attributeRewrites: Record<string, (value: string) => string> = {},
    withChildren = true,
  ): XElement {
    const attributes: Array<[string, string]> = [];
    const ns = source.namespaceURI;
    const local = source.localName;
    for (const attribute of source.attributes) {
      const name = attribute.localName;
      if (!attribute.namespaceURI && attributeRewrites[name]) {
        attributes.push([name, attributeRewrites[name](attribute.value)]);
        continue;
      }
      if (isImsss(ns) && local === 'sequencing' && !attribute.namespaceURI && name === 'ID') {
        attributes.push([
          'ID',
          this.elementIds.get(source) ?? this.context.ids.claim(`${this.source.prefix}_${attribute.value}`),
        ]);
        continue;
      }
      if (isImsss(ns) && local === 'sequencing' && !attribute.namespaceURI && name === 'IDRef') {
        const ref = this.reference(attribute.value, 'sequencing collection entry', 'a sequencing element');
        if (ref) attributes.push(['IDRef', ref]);
        continue;
      }
      if (!attribute.namespaceURI && name === 'targetObjectiveID' && (isImsss(ns) || ns === NS.adlseq)) {
        attributes.push([name, this.globalId(attribute.value)]);
        continue;
      }
      if (!attribute.namespaceURI && name === 'targetID' && isAdlcp(ns)) {
        attributes.push([name, this.globalId(attribute.value)]);
        continue;
      }
      const converted = this.convertAttribute(attribute);
      if (converted) attributes.push(converted);
    }
    const children: XNode[] = [];
    for (const node of withChildren ? source.children : []) {
      children.push(node.kind === 'element' ? this.cloneGeneric(node) : textNode(node.text));
    }
    return element(this.qualifyElement(source), attributes, children);
  }

  private qualifyElement(source: XmlElement): string {
    const ns = source.namespaceURI;
    const local = source.localName;
    if (isCp(ns)) return this.ns.qualify(this.ns.cp, local);
    if (isAdlcp(ns)) return this.ns.qualify(this.ns.adlcp, local);
    return this.ns.qualify(ns as string, local);
  }

  private convertAttribute(attribute: XmlAttribute): [string, string] | null {
    const local = attribute.localName;
    const ns = attribute.namespaceURI;
    if (ns === XMLNS_NS || attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:')) return null;
    if (ns === XML_NS && local === 'base') return null; // folded into the hrefs
    if (!ns) return [local, attribute.value];
    if (isAdlcp(ns)) return [this.ns.qualify(this.ns.adlcp, local), attribute.value];
    return [this.ns.qualify(ns, local), attribute.value];
  }

  private isCpNamed(el: XmlElement, localName: string): boolean {
    return el.localName === localName && isCp(el.namespaceURI);
  }

  private cp(localName: string, children: XNode[], attributes: Record<string, string> = {}): XElement {
    return element(this.ns.qualify(this.ns.cp, localName), attributes, children);
  }
}

/** Appends an xml:base; authors forget its trailing slash, but always mean a folder. */
export function joinBase(outer: string, inner: string): string {
  const trimmed = inner.trim();
  if (!trimmed) return outer;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('/'))
    return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
  return outer + (trimmed.endsWith('/') ? trimmed : `${trimmed}/`);
}

const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** %-decoded, or the text as is when it is not valid percent-encoding. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A package-relative href (with its xml:base chain) as a path from the merged zip's root:
 * `folder/` + base + href, with `.` and `x/..` segments folded and the query and fragment kept.
 * URLs and server-absolute paths are left as they are.
 */
export function relocate(folder: string, base: string, href: string): string {
  const trimmed = href.trim();
  if (EXTERNAL.test(trimmed) || trimmed.startsWith('/')) return trimmed;
  if (EXTERNAL.test(base) || base.startsWith('/')) return base + trimmed;
  const split = /[?#]/.exec(trimmed);
  const path = split ? trimmed.slice(0, split.index) : trimmed;
  const tail = split ? trimmed.slice(split.index) : '';
  const segments: string[] = [];
  let climbs = 0;
  for (const segment of (base + path).replace(/\\/g, '/').split('/')) {
    if (segment === '.' || (segment === '' && segments.length > 0)) continue;
    if (segment === '') continue;
    if (segment === '..') {
      if (segments.length > 0) segments.pop();
      else climbs++;
      continue;
    }
    segments.push(segment);
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return folder + '../'.repeat(climbs) + segments.join('/') + trailing + tail;
}

/** An element from the source as its own small XML document (namespaces declared on it). */
function standaloneXml(source: XmlElement): string {
  const table = new Map<string, string>();
  const convert = (el: XmlElement): XElement => {
    const qualify = (ns: string | null, local: string): string => {
      if (!ns) return local;
      if (ns === XML_NS) return `xml:${local}`;
      let prefix = table.get(ns);
      if (prefix === undefined) {
        prefix = table.size === 0 ? '' : `ns${table.size}`;
        table.set(ns, prefix);
      }
      return prefix ? `${prefix}:${local}` : local;
    };
    const attributes: Array<[string, string]> = [];
    for (const attribute of el.attributes) {
      if (
        attribute.namespaceURI === XMLNS_NS ||
        attribute.name === 'xmlns' ||
        attribute.name.startsWith('xmlns:')
      )
        continue;
      attributes.push([qualify(attribute.namespaceURI, attribute.localName), attribute.value]);
    }
    const name = qualify(el.namespaceURI, el.localName);
    const children: XNode[] = [];
    for (const node of el.children)
      children.push(node.kind === 'element' ? convert(node) : textNode(node.text));
    return element(name, attributes, children);
  };
  const root = convert(source);
  for (const [uri, prefix] of table) root.attributes.unshift([prefix ? `xmlns:${prefix}` : 'xmlns', uri]);
  return serializeXml(root);
}
