// The stage list and its moves: promote one step, roll back one step, and how far apart two stages are.
import { isSafeMethod, isStage, nextStage, previousStage, STAGE_PLAN, STAGES, stageDistance } from '../../src/core/stages';

describe('stages', () => {
  it('lists the six LaunchDarkly migration stages in migration order', () => {
    expect(STAGES).toEqual(['off', 'dualwrite', 'shadow', 'live', 'rampdown', 'complete']);
  });

  it.each([
    ['off', 'dualwrite'], ['dualwrite', 'shadow'], ['shadow', 'live'],
    ['live', 'rampdown'], ['rampdown', 'complete'], ['complete', null],
  ] as const)('promoting from %s goes to %s', (stage, next) => {
    expect(nextStage(stage)).toBe(next);
  });

  it.each([
    ['off', null], ['dualwrite', 'off'], ['shadow', 'dualwrite'],
    ['live', 'shadow'], ['rampdown', 'live'], ['complete', 'rampdown'],
  ] as const)('rolling back from %s goes to %s', (stage, previous) => {
    expect(previousStage(stage)).toBe(previous);
  });

  it.each([
    ['off', 'dualwrite', 1], ['off', 'complete', 5], ['live', 'shadow', -1], ['shadow', 'shadow', 0], ['complete', 'off', -5],
  ] as const)('from %s to %s is %i steps', (from, to, steps) => {
    expect(stageDistance(from, to)).toBe(steps);
  });

  it.each([
    ['live', true], ['complete', true], ['LIVE', false], ['promote', false], [3, false], [null, false],
  ] as const)('isStage(%p) is %p', (value, expected) => {
    expect(isStage(value)).toBe(expected);
  });

  it.each([
    ['GET', true], ['HEAD', true], ['OPTIONS', true],
    ['POST', false], ['PUT', false], ['PATCH', false], ['DELETE', false], ['get', false],
  ])('%s is safe: %p', (method, safe) => {
    expect(isSafeMethod(method)).toBe(safe);
  });

  it('keeps the stage plan frozen so no caller can rewrite who answers', () => {
    expect(Object.isFrozen(STAGE_PLAN)).toBe(true);
    expect(Object.isFrozen(STAGE_PLAN.live.read)).toBe(true);
  });
});
