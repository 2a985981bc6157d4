// A package's sequencing, fitted to life as one module of a SCORM 2004 course. Standalone, the
// package's root is the course: it may end the session (exitAll), trap the learner (choiceExit off),
// or rely on an LMS table of contents (no flow). Inside a merged course the module must hand the
// learner back to the course, and `continue` must flow through it. Everything else is kept as written.
import {
  childElementsOf,
  element,
  getAttribute,
  removeAttribute,
  setAttribute,
  type XElement,
  type XNode,
} from '../xml/xml-tree';

const local = (node: XElement): string => node.name.slice(node.name.indexOf(':') + 1);
const elementsNamed = (node: XElement, name: string): XElement[] =>
  childElementsOf(node).filter((child) => local(child) === name);
const isItem = (node: XElement): boolean => local(node) === 'item';
const isSequencing = (node: XElement): boolean => node.name === 'imsss:sequencing';

/** Child elements of an item that the 2004 schema puts after `imsss:sequencing`. */
const AFTER_SEQUENCING = new Set(['adlnav:presentation', 'adlcp:data']);

/**
 * Rewrites the module's item tree in place (2004 output only) and returns plain-words notes.
 * `collection` holds the package's sequencingCollection entries (already renamed), which an
 * item's IDRef may point at.
 */
export function fitModuleSequencing(wrapper: XElement, collection: XElement[], label: string): string[] {
  const notes = new Set<string>();
  const shared = new Map<string, XElement>();
  for (const entry of collection) {
    const id = getAttribute(entry, 'ID');
    if (id) shared.set(id, entry);
  }

  // Flow down every cluster: the merged course's `continue` and a menu choice of the module
  // (SB.2.9 flows into the chosen cluster) need it at every level down to a SCO.
  let flowAdded = false;
  const stack: XElement[] = [wrapper];
  while (stack.length > 0) {
    const item = stack.pop() as XElement;
    const children = childElementsOf(item).filter(isItem);
    if (children.length === 0) continue;
    stack.push(...children);
    const controlMode = ownControlMode(item, shared);
    if (getAttribute(controlMode, 'flow') !== 'true') {
      setAttribute(controlMode, 'flow', 'true');
      flowAdded = true;
    }
  }
  if (flowAdded)
    notes.add(
      `${label}: "continue" did not flow through all of its clusters; flow was turned on so the course can be followed from start to end.`,
    );

  // The package root is now a module: leaving it for the course menu must stay possible. A chain of
  // only children below it holds the whole package as well, so standalone their choiceExit forbade
  // nothing; in the course it would lock learners in.
  let trap = false;
  for (let node: XElement | undefined = wrapper; node; node = onlyClusterChild(node)) {
    const control = controlModeOf(node, shared);
    if (control && getAttribute(control, 'choiceExit') === 'false') {
      removeAttribute(ownControlMode(node, shared), 'choiceExit');
      trap = true;
    }
  }
  if (trap)
    notes.add(`${label}: it forbade leaving by choice; the module lets learners return to the course menu.`);

  // exitAll ends the whole course: make it end the module instead.
  let exitAllRewritten = false;
  for (const rule of rulesOf(wrapper, shared)) {
    if (actionOf(rule) !== 'exitAll') continue;
    // On the package root: after the module, the course goes on.
    setAction(rule, local(rule) === 'postConditionRule' ? 'continue' : 'exit');
    exitAllRewritten = true;
  }
  for (const child of childElementsOf(wrapper).filter(isItem)) {
    for (const item of [child, ...descendantItems(child)]) {
      for (const rule of rulesOf(item, shared)) {
        if (actionOf(rule) !== 'exitAll') continue;
        // One level below the module, exiting the parent is exiting the module.
        if (item === child) setAction(rule, 'exitParent');
        else exitParentUpTo(item, child, rule, shared);
        exitAllRewritten = true;
      }
    }
  }
  if (exitAllRewritten)
    notes.add(`${label}: its "exit all" rules would end the whole course; they end its module instead.`);
  return [...notes];
}

function onlyClusterChild(item: XElement): XElement | undefined {
  const children = childElementsOf(item).filter(isItem);
  return children.length === 1 && childElementsOf(children[0]).some(isItem) ? children[0] : undefined;
}

/** The controlMode in force on an item: its own, else its collection entry's. */
function controlModeOf(item: XElement, shared: Map<string, XElement>): XElement | undefined {
  const sequencing = childElementsOf(item).find(isSequencing);
  if (!sequencing) return undefined;
  const inline = elementsNamed(sequencing, 'controlMode')[0];
  const ref = getAttribute(sequencing, 'IDRef');
  return (
    inline ??
    (ref && shared.has(ref) ? elementsNamed(shared.get(ref) as XElement, 'controlMode')[0] : undefined)
  );
}

function descendantItems(item: XElement): XElement[] {
  const result: XElement[] = [];
  const stack = childElementsOf(item).filter(isItem).reverse();
  while (stack.length > 0) {
    const next = stack.pop() as XElement;
    result.push(next);
    stack.push(...childElementsOf(next).filter(isItem).reverse());
  }
  return result;
}

/**
 * exitAll deeper down becomes exitParent, and each cluster between it and the module gets a
 * last post-condition "always → exitParent", so the exit climbs to the module. A cluster's post
 * conditions run only when a child exits into it, and the package's own rules come first.
 */
function exitParentUpTo(item: XElement, top: XElement, rule: XElement, shared: Map<string, XElement>): void {
  setAction(rule, 'exitParent');
  for (let parent = parentOf(top, item); parent; parent = parent === top ? null : parentOf(top, parent)) {
    const rules = sequencingRulesOf(parent, shared);
    const post = element('imsss:postConditionRule', {}, [
      element('imsss:ruleConditions', {}, [element('imsss:ruleCondition', { condition: 'always' })]),
      element('imsss:ruleAction', { action: 'exitParent' }),
    ]);
    rules.children.push(post);
  }
}

function parentOf(top: XElement, target: XElement): XElement | null {
  const stack: XElement[] = [top];
  while (stack.length > 0) {
    const node = stack.pop() as XElement;
    const children = childElementsOf(node).filter(isItem);
    if (children.includes(target)) return node;
    stack.push(...children);
  }
  return null;
}

function actionOf(rule: XElement): string | null {
  const action = elementsNamed(rule, 'ruleAction')[0];
  return action ? getAttribute(action, 'action') : null;
}

function setAction(rule: XElement, action: string): void {
  const ruleAction = elementsNamed(rule, 'ruleAction')[0];
  if (ruleAction) setAttribute(ruleAction, 'action', action);
}

/** Exit and post-condition rules of an item, inline or (copied inline first) from its collection entry. */
function rulesOf(item: XElement, shared: Map<string, XElement>): XElement[] {
  const sequencing = childElementsOf(item).find(isSequencing);
  if (!sequencing) return [];
  const inline = elementsNamed(sequencing, 'sequencingRules')[0];
  const ref = getAttribute(sequencing, 'IDRef');
  const sharedRules =
    !inline && ref ? elementsNamed(shared.get(ref) ?? sequencing, 'sequencingRules')[0] : undefined;
  if (!inline && !sharedRules) return [];
  const hasExitAll = childElementsOf(inline ?? (sharedRules as XElement)).some(
    (rule) => actionOf(rule) === 'exitAll',
  );
  if (!hasExitAll) return [];
  // A shared entry may serve items at other depths: rewrite a copy on this item only.
  const rules = inline ?? insertInOrder(sequencing, deepCopy(sharedRules as XElement));
  return childElementsOf(rules).filter((rule) => local(rule) !== 'preConditionRule');
}

/** The item's inline sequencingRules, created (with the collection's rules copied) when absent. */
function sequencingRulesOf(item: XElement, shared: Map<string, XElement>): XElement {
  const sequencing = sequencingOf(item);
  const inline = elementsNamed(sequencing, 'sequencingRules')[0];
  if (inline) return inline;
  const ref = getAttribute(sequencing, 'IDRef');
  const sharedRules = ref ? elementsNamed(shared.get(ref) ?? sequencing, 'sequencingRules')[0] : undefined;
  return insertInOrder(sequencing, sharedRules ? deepCopy(sharedRules) : element('imsss:sequencingRules'));
}

/**
 * The item's inline controlMode, created when absent; one inherited from its collection entry is
 * copied inline first, since an inline controlMode replaces the shared one whole.
 */
function ownControlMode(item: XElement, shared: Map<string, XElement>): XElement {
  const sequencing = sequencingOf(item);
  const inline = elementsNamed(sequencing, 'controlMode')[0];
  if (inline) return inline;
  const ref = getAttribute(sequencing, 'IDRef');
  const sharedControl = ref ? elementsNamed(shared.get(ref) ?? sequencing, 'controlMode')[0] : undefined;
  const controlMode = sharedControl ? deepCopy(sharedControl) : element('imsss:controlMode');
  sequencing.children.unshift(controlMode);
  return controlMode;
}

function sequencingOf(item: XElement): XElement {
  const existing = childElementsOf(item).find(isSequencing);
  if (existing) return existing;
  const sequencing = element('imsss:sequencing');
  const at = item.children.findIndex((node) => node.kind === 'element' && AFTER_SEQUENCING.has(node.name));
  if (at === -1) item.children.push(sequencing);
  else item.children.splice(at, 0, sequencing);
  return sequencing;
}

// imsss:sequencing children in schema order: sequencingRules comes right after controlMode.
function insertInOrder(sequencing: XElement, rules: XElement): XElement {
  const at = sequencing.children.findIndex(
    (node) => node.kind === 'element' && local(node) === 'controlMode',
  );
  sequencing.children.splice(at + 1, 0, rules);
  return rules;
}

function deepCopy(node: XElement): XElement {
  const copy = (n: XNode): XNode =>
    n.kind === 'text'
      ? { ...n }
      : { ...n, attributes: n.attributes.map(([k, v]) => [k, v]), children: n.children.map(copy) };
  return copy(node) as XElement;
}
