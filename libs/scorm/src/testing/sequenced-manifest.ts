import { buildZip } from './zip-builder';

/** An item of a generated SCORM 2004 4th Edition manifest; a leaf gets a resource and a page. */
export interface SequencedItem {
  id: string;
  title?: string;
  /** Raw `imsss:sequencing` children, e.g. `<imsss:controlMode flow="true"/>`. */
  sequencing?: string;
  /** Attributes of the item's `imsss:sequencing` (e.g. `IDRef="common"`). */
  sequencingAttributes?: string;
  parameters?: string;
  children?: SequencedItem[];
}

export interface SequencedManifestOptions {
  title?: string;
  identifier?: string;
  /** Raw `imsss:sequencing` children of the organization. */
  sequencing?: string;
  /** Raw `imsss:sequencing` elements (with ID) for the manifest's sequencingCollection. */
  collection?: string;
  items: SequencedItem[];
}

const attr = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A 2004 4th Edition manifest with the given tree and raw sequencing markup. */
export function sequencedManifest(options: SequencedManifestOptions): string {
  const leaves: SequencedItem[] = [];
  const item = (spec: SequencedItem): string => {
    const isLeaf = !spec.children?.length;
    if (isLeaf) leaves.push(spec);
    const ref = isLeaf ? ` identifierref="r_${attr(spec.id)}"` : '';
    const parameters = spec.parameters ? ` parameters="${attr(spec.parameters)}"` : '';
    const sequencing =
      spec.sequencing !== undefined || spec.sequencingAttributes
        ? `<imsss:sequencing ${spec.sequencingAttributes ?? ''}>${spec.sequencing ?? ''}</imsss:sequencing>`
        : '';
    const children = (spec.children ?? []).map(item).join('');
    return `<item identifier="${attr(spec.id)}"${ref}${parameters}><title>${attr(spec.title ?? spec.id)}</title>${children}${sequencing}</item>`;
  };
  const items = options.items.map(item).join('');
  const resources = leaves
    .map(
      (leaf) =>
        `<resource identifier="r_${attr(leaf.id)}" type="webcontent" adlcp:scormType="sco" href="${attr(leaf.id)}/index.html"><file href="${attr(leaf.id)}/index.html"/></resource>`,
    )
    .join('');
  const organizationSequencing =
    options.sequencing !== undefined ? `<imsss:sequencing>${options.sequencing}</imsss:sequencing>` : '';
  const collection = options.collection
    ? `<imsss:sequencingCollection>${options.collection}</imsss:sequencingCollection>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="${attr(options.identifier ?? 'generated')}" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
<metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
<organizations default="org"><organization identifier="org"><title>${attr(options.title ?? 'Generated course')}</title>${items}${organizationSequencing}</organization></organizations>
<resources>${resources}</resources>${collection}
</manifest>`;
}

/** The manifest zipped with a small page per leaf. */
export function sequencedPackage(options: SequencedManifestOptions): Buffer {
  const manifest = sequencedManifest(options);
  const pages: string[] = [];
  const collect = (items: SequencedItem[]) => {
    for (const item of items) {
      if (item.children?.length) collect(item.children);
      else pages.push(item.id);
    }
  };
  collect(options.items);
  return buildZip([
    { name: 'imsmanifest.xml', data: manifest },
    ...pages.map((id) => ({
      name: `${id}/index.html`,
      data: `<!DOCTYPE html><title>${id}</title><p>${id}</p>`,
    })),
  ]);
}
