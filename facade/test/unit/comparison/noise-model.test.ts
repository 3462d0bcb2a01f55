import { decided, judgeField, settled, type FieldEvidence } from '../../../src/core/comparison';

const e = (over: Partial<FieldEvidence>): FieldEvidence => ({ comparisons: 10, shadowDiffs: 10, reasks: 5, selfDiffs: 0, confirmed: 0, primaryValues: 1, ...over });

describe('judgeField', () => {
  it.each([
    ['a field the primary disagreed with itself on is noise, with its evidence', e({ selfDiffs: 5 }), 'noise', /the primary disagreed with itself 5 of 5 times/],
    ['a field where the primary agreed with itself and the shadow differed is real', e({ confirmed: 3 }), 'real', /answered the same when asked again/],
    ['a random-order set (primaries agree by chance once) stays noise', e({ selfDiffs: 4, confirmed: 1 }), 'noise', /disagreed with itself 4 of 5/],
    ['one or two agreeing re-asks are not enough: a value of a few may repeat by chance', e({ confirmed: 2 }), 'unjudged', /asked again 2 of 2 times: 3 tell/],
    ['a field where the shadow only gave values the primary gives too needs five agreeing re-asks', e({ confirmed: 4, sharedVocabulary: true }), 'unjudged', /5 \(the shadow only gave values the primary gives too\)/],
    ['five agreeing re-asks call even such a field real', e({ confirmed: 5, sharedVocabulary: true }), 'real', /5 of 5 times/],
    ['each side naming its own instances: the shadow always differs, the primary often disagrees with itself: noise', e({ comparisons: 100, shadowDiffs: 100, reasks: 5, selfDiffs: 2, confirmed: 3 }), 'noise', /disagreed with itself 2 of 5/],
    ['a rarely noisy field the shadow always gets wrong is real', e({ comparisons: 200, shadowDiffs: 200, reasks: 200, selfDiffs: 2, confirmed: 198 }), 'real', /clearly more than the noise/],
    ['no re-ask evidence and a changing primary value is unjudged, never a mismatch', e({ reasks: 0, primaryValues: 4 }), 'unjudged', /not enough evidence/],
    ['no re-ask evidence but one stable primary value over three differing comparisons is real', e({ reasks: 0, shadowDiffs: 3, primaryValues: 1 }), 'real', /same value in all 3/],
    ['two differing comparisons with one primary value are not enough', e({ reasks: 0, shadowDiffs: 2, primaryValues: 1 }), 'unjudged', /not enough evidence/],
    ['a body compared only by its hash that differs from itself (a PDF\'s creation date) is unjudged, never noise: nothing inside it was compared', e({ selfDiffs: 5, opaque: true }), 'unjudged', /compared only by its hash.*ignore body#sha256/],
    ['a field the primary repeated three times but the shadow did not repeat (a value of a few drawn per answer) is unjudged', e({ confirmed: 3, shadowSelfDiffs: 1, shadowDiffs: 2 }), 'unjudged', /the shadow disagreed with itself when asked again 1 time: a value of a few/],
    ['a 90/10 cache field stays unjudged while it differs seldom, however steady the primary', e({ comparisons: 100, shadowDiffs: 12, confirmed: 12, shadowSelfDiffs: 3 }), 'unjudged', /not told apart yet/],
    ['a shadow wrong half the time, the primary steady in 20 re-asks, is real', e({ comparisons: 40, shadowDiffs: 20, confirmed: 20, shadowSelfDiffs: 8 }), 'real', /clearly more than chance/],
    ['a shadow that repeats its value when asked again leaves the three-confirmation rule as it was', e({ confirmed: 3, shadowSelfDiffs: 0 }), 'real', /answered the same when asked again \(3 of 3 times\)/],
    ['noise seen on another endpoint of the route carries over when this one cannot be re-asked', e({ reasks: 0, primaryValues: 4, noiseElsewhere: 'GET /a/:id (the primary disagreed with itself 3 of 3 times)' }), 'noise', /noise on GET \/a\/:id/],
    ['a stable primary value here outweighs noise of the same field elsewhere (a price bug on a write, a random quote on a read)', e({ reasks: 0, shadowDiffs: 3, primaryValues: 1, noiseElsewhere: 'GET /quote (the primary disagreed with itself 3 of 3 times)' }), 'real', /same value in all 3/],
  ] as const)('%s', (_name, evidence, expected, why) => {
    const j = judgeField(evidence);
    expect(j.class).toBe(expected);
    expect(j.why).toMatch(why);
  });
});

describe('decided and settled (whether re-asking the primary still teaches something)', () => {
  it('a field the shadow did not repeat is not decided by three agreeing re-asks: the primary is asked again first', () => {
    expect(decided(e({ confirmed: 3 }))).toBe(true);
    expect(decided(e({ confirmed: 3, shadowSelfDiffs: 1, shadowDiffs: 2 }))).toBe(false);
    expect(settled(e({ confirmed: 9, shadowSelfDiffs: 1, shadowDiffs: 2 }), 5)).toBe(false);
  });
  it('a field the primary changed now and then while the shadow always differs is asked about until rule 1 can tell, up to a ceiling', () => {
    const live = e({ comparisons: 20, shadowDiffs: 20, reasks: 6, selfDiffs: 1, confirmed: 5 });
    expect(judgeField(live).class).toBe('noise');
    expect(settled(live, 5)).toBe(false);
    const later = e({ comparisons: 40, shadowDiffs: 40, reasks: 16, selfDiffs: 2, confirmed: 14 });
    expect(judgeField(later).class).toBe('real');
    expect(settled(later, 5)).toBe(true);
    expect(settled(e({ comparisons: 60, shadowDiffs: 60, reasks: 30, selfDiffs: 14, confirmed: 16 }), 5)).toBe(true); // the ceiling
    // A cache HIT/MISS: the shadow differs about as often as the primary disagrees with itself.
    expect(settled(e({ comparisons: 40, shadowDiffs: 8, reasks: 20, selfDiffs: 5, confirmed: 4 }), 5)).toBe(true);
    // A random value: the primary disagrees with itself most of the time.
    expect(settled(e({ comparisons: 10, shadowDiffs: 10, reasks: 6, selfDiffs: 5, confirmed: 1 }), 5)).toBe(true);
  });

  it('is decided once the shadow differs clearly more often than the steady primary could', () => {
    expect(decided(e({ comparisons: 40, shadowDiffs: 20, confirmed: 20, shadowSelfDiffs: 8 }))).toBe(true);
  });
});
