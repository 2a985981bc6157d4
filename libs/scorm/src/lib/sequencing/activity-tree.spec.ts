import { sequencedManifest } from '../../testing/sequenced-manifest';
import { launchableLeaves, sequencingSettingsFromManifest, withParameters } from './activity-tree';

describe('sequencingSettingsFromManifest', () => {
  it('builds the default organization as the root, items as children, ids and titles from the manifest', () => {
    const xml = sequencedManifest({
      title: 'Course',
      items: [
        { id: 'm1', title: 'Module', children: [{ id: 's1', title: 'One' }, { id: 's2' }] },
        { id: 's3' },
      ],
    });
    const tree = sequencingSettingsFromManifest(xml).activityTree;
    expect(tree.id).toBe('org');
    expect(tree.title).toBe('Course');
    expect(tree.children?.map((c) => c.id)).toEqual(['m1', 's3']);
    expect(tree.children?.[0].children?.map((c) => [c.id, c.title])).toEqual([
      ['s1', 'One'],
      ['s2', 's2'],
    ]);
    expect(tree.children?.[1].children).toBeUndefined();
  });

  it('writes the schema defaults where the manifest is silent: flow off, choice and choiceExit on', () => {
    const tree = sequencingSettingsFromManifest(sequencedManifest({ items: [{ id: 's1' }] })).activityTree;
    for (const activity of [tree, tree.children?.[0]]) {
      expect(activity?.sequencingControls).toMatchObject({
        choice: true,
        choiceExit: true,
        flow: false,
        forwardOnly: false,
        useCurrentAttemptObjectiveInfo: true,
        useCurrentAttemptProgressInfo: true,
        rollupObjectiveSatisfied: true,
        rollupProgressCompletion: true,
        objectiveMeasureWeight: 1,
        preventActivation: false,
        constrainChoice: false,
      });
      expect(activity?.deliveryControls).toEqual({
        tracked: true,
        completionSetByContent: false,
        objectiveSetByContent: false,
      });
      expect(activity?.rollupConsiderations).toEqual({
        requiredForSatisfied: 'always',
        requiredForNotSatisfied: 'always',
        requiredForCompleted: 'always',
        requiredForIncomplete: 'always',
        measureSatisfactionIfActive: true,
      });
      expect(activity?.attemptLimit).toBeNull();
    }
  });

  it('reads control modes, rules, limits and rollup rules as written', () => {
    const xml = sequencedManifest({
      sequencing: '<imsss:controlMode choice="false" flow="true" forwardOnly="true" choiceExit="false"/>',
      items: [
        {
          id: 's1',
          sequencing: `<imsss:sequencingRules>
              <imsss:preConditionRule><imsss:ruleConditions conditionCombination="any">
                <imsss:ruleCondition referencedObjective="obj" condition="satisfied" operator="not"/>
                <imsss:ruleCondition condition="objectiveMeasureGreaterThan" measureThreshold="0.5"/>
              </imsss:ruleConditions><imsss:ruleAction action="disabled"/></imsss:preConditionRule>
              <imsss:postConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="always"/></imsss:ruleConditions>
                <imsss:ruleAction action="exitAll"/></imsss:postConditionRule>
            </imsss:sequencingRules>
            <imsss:limitConditions attemptLimit="2"/>
            <imsss:rollupRules rollupObjectiveSatisfied="false" objectiveMeasureWeight="0.5">
              <imsss:rollupRule childActivitySet="atLeastPercent" minimumPercent="0.75">
                <imsss:rollupConditions conditionCombination="all"><imsss:rollupCondition condition="activityProgressKnown" operator="not"/></imsss:rollupConditions>
                <imsss:rollupAction action="incomplete"/></imsss:rollupRule>
            </imsss:rollupRules>
            <imsss:objectives><imsss:primaryObjective objectiveID="obj"/></imsss:objectives>`,
        },
      ],
    });
    const tree = sequencingSettingsFromManifest(xml).activityTree;
    expect(tree.sequencingControls).toMatchObject({
      choice: false,
      flow: true,
      forwardOnly: true,
      choiceExit: false,
    });
    const sco = tree.children?.[0];
    expect(sco?.attemptLimit).toBe(2);
    expect(sco?.sequencingRules.preConditionRules).toEqual([
      {
        action: 'disabled',
        conditionCombination: 'any',
        conditions: [
          {
            condition: 'satisfied',
            operator: 'not',
            referencedObjective: 'obj',
            parameters: { threshold: 0 },
          },
          { condition: 'objectiveMeasureGreaterThan', operator: 'noOp', parameters: { threshold: 0.5 } },
        ],
      },
    ]);
    expect(sco?.sequencingRules.postConditionRules[0].action).toBe('exitAll');
    expect(sco?.sequencingControls).toMatchObject({
      rollupObjectiveSatisfied: false,
      objectiveMeasureWeight: 0.5,
    });
    expect(sco?.rollupRules.rules).toEqual([
      {
        action: 'incomplete',
        conditionCombination: 'all',
        consideration: 'atLeastPercent',
        minimumCount: 0,
        minimumPercent: 75,
        conditions: [{ condition: 'progressKnown', operator: 'not' }],
      },
    ]);
  });

  it('turns on only the mapInfo flags the manifest gives, joining imsss and adlseq maps of one target', () => {
    const xml = sequencedManifest({
      items: [
        {
          id: 's1',
          sequencing: `<imsss:objectives>
              <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
                <imsss:mapInfo targetObjectiveID="g1" writeSatisfiedStatus="true" readNormalizedMeasure="false"/>
              </imsss:primaryObjective>
              <imsss:objective objectiveID="o2"/>
            </imsss:objectives>
            <adlseq:objectives><adlseq:objective objectiveID="p">
              <adlseq:mapInfo targetObjectiveID="g1" writeCompletionStatus="true" readRawScore="false"/>
              <adlseq:mapInfo targetObjectiveID="g2"/>
            </adlseq:objective></adlseq:objectives>`,
        },
      ],
    });
    const sco = sequencingSettingsFromManifest(xml).activityTree.children?.[0];
    expect(sco?.primaryObjective).toMatchObject({
      objectiveID: 'p',
      satisfiedByMeasure: true,
      minNormalizedMeasure: 0.8,
    });
    expect(sco?.primaryObjective?.mapInfo).toEqual([
      expect.objectContaining({
        targetObjectiveID: 'g1',
        readSatisfiedStatus: true,
        readNormalizedMeasure: false,
        writeSatisfiedStatus: true,
        readCompletionStatus: true,
        writeCompletionStatus: true,
        readRawScore: false,
        readMinScore: true,
      }),
      expect.objectContaining({
        targetObjectiveID: 'g2',
        readSatisfiedStatus: false,
        readNormalizedMeasure: false,
        readCompletionStatus: true,
        writeSatisfiedStatus: false,
      }),
    ]);
    expect(sco?.objectives).toEqual([
      {
        objectiveID: 'o2',
        isPrimary: false,
        satisfiedByMeasure: false,
        minNormalizedMeasure: null,
        mapInfo: [],
      },
    ]);
  });

  it('resolves an IDRef into the sequencing collection, elements of the item replacing the shared ones', () => {
    const xml = sequencedManifest({
      collection: `<imsss:sequencing ID="common"><imsss:controlMode flow="true" forwardOnly="true"/>
        <imsss:limitConditions attemptLimit="3"/></imsss:sequencing>`,
      items: [
        { id: 'a', sequencingAttributes: 'IDRef="common"' },
        {
          id: 'b',
          sequencingAttributes: 'IDRef="common"',
          sequencing: '<imsss:controlMode choice="false"/>',
        },
      ],
    });
    const [a, b] = sequencingSettingsFromManifest(xml).activityTree.children ?? [];
    expect(a.sequencingControls).toMatchObject({ flow: true, forwardOnly: true, choice: true });
    expect(a.attemptLimit).toBe(3);
    expect(b.sequencingControls).toMatchObject({ flow: false, forwardOnly: false, choice: false });
    expect(b.attemptLimit).toBe(3);
  });

  it('builds the organization named in the options', () => {
    const xml = sequencedManifest({ items: [{ id: 's1' }] }).replace(
      '</organizations>',
      '<organization identifier="other"><title>Other</title><item identifier="x" identifierref="r_s1"><title>X</title></item></organization></organizations>',
    );
    expect(
      sequencingSettingsFromManifest(xml, { organizationId: 'other' }).activityTree.children?.[0].id,
    ).toBe('x');
    expect(() => sequencingSettingsFromManifest(xml, { organizationId: 'missing' })).toThrow(/missing/);
  });
});

describe('launchableLeaves', () => {
  it('lists leaves in tree order with resource href and item parameters', () => {
    const xml = sequencedManifest({
      items: [
        {
          id: 'm',
          children: [
            { id: 'a', parameters: '?page=2' },
            { id: 'b', parameters: '#intro' },
          ],
        },
        { id: 'c' },
      ],
    });
    expect(launchableLeaves(xml).map((leaf) => [leaf.id, leaf.href])).toEqual([
      ['a', 'a/index.html?page=2'],
      ['b', 'b/index.html#intro'],
      ['c', 'c/index.html'],
    ]);
  });

  it('joins parameters to an href that already has a query with &', () => {
    expect(withParameters('x.html?a=1', 'b=2')).toBe('x.html?a=1&b=2');
    expect(withParameters('x.html', '  ')).toBe('x.html');
  });
});
