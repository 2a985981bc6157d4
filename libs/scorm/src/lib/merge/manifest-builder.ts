import { NS } from '../manifest/scorm-version';
import { cleanTitle } from '../plain-text';
import {
  IMSMD12_NS,
  LOM_NS,
  MAX_SCORM12_TITLE_CHARS,
  type ConvertedPackage,
  type NamespaceTable,
} from './package-converter';
import { element, serializeXml, textElement, textNode, type XElement, type XNode } from '../xml/xml-tree';

export interface MenuEntry {
  itemId: string;
  resourceId: string;
  /** Launch page, relative to the zip root. */
  href: string;
  title: string;
}

export interface MergedManifestPlan {
  ns: NamespaceTable;
  identifier: string;
  organizationId: string;
  /** 1.2 only: the non-launchable item everything hangs from. */
  rootItemId: string;
  title: string;
  description: string;
  menu: MenuEntry | null;
  /** Set when 1.2 SCOs launch through the adapter page (2004 output). */
  adapter: { resourceId: string; href: string } | null;
  packages: ConvertedPackage[];
}

const SCHEMA_LOCATIONS = {
  '1.2': [
    [NS.imscp12, 'imscp_rootv1p1p2.xsd'],
    [IMSMD12_NS, 'imsmd_rootv1p2p1.xsd'],
    [NS.adlcp12, 'adlcp_rootv1p2.xsd'],
  ],
  '2004': [
    [NS.imscp2004, 'imscp_v1p1.xsd'],
    [NS.adlcp2004, 'adlcp_v1p3.xsd'],
    [NS.adlseq, 'adlseq_v1p3.xsd'],
    [NS.adlnav, 'adlnav_v1p3.xsd'],
    [NS.imsss, 'imsss_v1p0.xsd'],
    [LOM_NS, 'lom.xsd'],
  ],
} as const;

/** The merged imsmanifest.xml text. */
export function buildMergedManifest(plan: MergedManifestPlan): string {
  const { ns } = plan;
  const is12 = ns.family === '1.2';
  const cp = (name: string, attributes: Record<string, string> = {}, children: XNode[] = []) =>
    element(ns.qualify(ns.cp, name), attributes, children);

  const metadata = cp('metadata', {}, [
    textElement('schema', 'ADL SCORM'),
    textElement('schemaversion', is12 ? '1.2' : '2004 4th Edition'),
    is12 ? lom12(plan.title, plan.description) : lom2004(plan.title, plan.description),
  ]);

  const moduleItems: XElement[] = [];
  if (plan.menu) {
    const menuChildren: XNode[] = [cp('title', {}, [textNode(plan.menu.title)])];
    if (!is12) {
      // The menu is navigation, not learning: it never counts towards the course's status.
      menuChildren.push(
        element('imsss:sequencing', {}, [
          element('imsss:rollupRules', {
            rollupObjectiveSatisfied: 'false',
            rollupProgressCompletion: 'false',
            objectiveMeasureWeight: '0',
          }),
        ]),
      );
    }
    moduleItems.push(
      cp('item', { identifier: plan.menu.itemId, identifierref: plan.menu.resourceId }, menuChildren),
    );
  }
  for (const pkg of plan.packages) moduleItems.push(pkg.wrapper);

  // SCORM 1.2 bounds titles at 200 characters; the LOM title keeps the whole course title.
  const title = is12 ? cleanTitle(plan.title, MAX_SCORM12_TITLE_CHARS) : plan.title;
  const organizationChildren: XNode[] = [cp('title', {}, [textNode(title)])];
  if (is12) {
    // Moodle marks 1.2 SCOs complete only when they hang from a non-launchable root item.
    organizationChildren.push(
      cp('item', { identifier: plan.rootItemId }, [cp('title', {}, [textNode(title)]), ...moduleItems]),
    );
  } else {
    organizationChildren.push(...moduleItems);
    organizationChildren.push(
      element('imsss:sequencing', {}, [element('imsss:controlMode', { choice: 'true', flow: 'true' })]),
    );
  }
  const organizationAttributes: Record<string, string> = { identifier: plan.organizationId };
  if (!is12) {
    // Global objectives and shared data stay inside this course; their ids are prefixed per module.
    organizationAttributes['adlseq:objectivesGlobalToSystem'] = 'false';
    organizationAttributes['adlcp:sharedDataGlobalToSystem'] = 'false';
  }
  const organizations = cp('organizations', { default: plan.organizationId }, [
    cp('organization', organizationAttributes, organizationChildren),
  ]);

  const resources: XElement[] = [];
  if (plan.menu) {
    resources.push(
      cp(
        'resource',
        {
          identifier: plan.menu.resourceId,
          type: 'webcontent',
          [ns.scormTypeAttribute]: 'sco',
          href: plan.menu.href,
        },
        [cp('file', { href: plan.menu.href })],
      ),
    );
  }
  if (plan.adapter) {
    resources.push(
      cp(
        'resource',
        { identifier: plan.adapter.resourceId, type: 'webcontent', [ns.scormTypeAttribute]: 'asset' },
        [cp('file', { href: plan.adapter.href })],
      ),
    );
  }
  for (const pkg of plan.packages) resources.push(...pkg.resources);

  const body: XElement[] = [metadata, organizations, cp('resources', {}, resources)];
  const collection = plan.packages.flatMap((pkg) => pkg.sequencingCollection);
  if (!is12 && collection.length > 0) body.push(element('imsss:sequencingCollection', {}, collection));

  // Declarations last: converting the packages may have met namespaces of their own.
  const locations = SCHEMA_LOCATIONS[ns.family].map(([uri, file]) => `${uri} ${file}`).join(' ');
  const root = cp('manifest', {}, body);
  root.attributes = [
    ['identifier', plan.identifier],
    ['version', '1'],
    ...ns.declarations(),
    ['xsi:schemaLocation', locations],
  ];
  return serializeXml(root);
}

function lom12(title: string, description: string): XElement {
  const lang = (text: string) => element('imsmd:langstring', {}, [textNode(text)]);
  return element('imsmd:lom', {}, [
    element('imsmd:general', {}, [
      element('imsmd:title', {}, [lang(title)]),
      element('imsmd:description', {}, [lang(description)]),
    ]),
  ]);
}

function lom2004(title: string, description: string): XElement {
  const string = (text: string) => element('lom:string', {}, [textNode(text)]);
  return element('lom:lom', {}, [
    element('lom:general', {}, [
      element('lom:title', {}, [string(title)]),
      element('lom:description', {}, [string(description)]),
    ]),
  ]);
}
