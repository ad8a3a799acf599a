import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadBudget, readGapMs } from '../../src/core/adapters/whiterabbit/readBudget';
import { FlowscopeError } from '../../src/core/errors';

/** One turn of the event loop: long enough for a freed slot to start the next read. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads through `budget` that record their start by name and end when the test calls `finish.get(name)`. */
function scriptedReads(budget: ReadBudget) {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const read = (name: string, signal?: AbortSignal, urgent?: boolean): Promise<string> =>
    budget.read(
      () =>
        new Promise<string>((resolve) => {
          started.push(name);
          finish.set(name, () => resolve(name));
        }),
      signal,
      urgent,
    );
  return { read, started, finish };
}

/**
 * The run-detail read budget of one White Rabbit connection: the gap between two reads of a run
 * widens with the runs followed (100 reads a second at most, 250 ms at least), and reads beyond
 * the in-flight maximum wait, unsigned, in arrival order (a run's final read first). The reads
 * here are promises the test settles by hand (no server, no clock): only the order of events is
 * checked.
 */
describe('ReadBudget', () => {
  it('keeps 250 ms between reads of a run up to 25 runs, then shares 100 reads a second among them', () => {
    assert.deepEqual([0, 1, 25, 26, 100, 1000].map(readGapMs), [250, 250, 250, 260, 1000, 10000]);
  });

  it('counts each follow once until it ends', () => {
    const budget = new ReadBudget();
    const ends = Array.from({ length: 100 }, () => budget.follow());
    assert.equal(budget.gapMs(), 1000);
    ends[0]?.();
    ends[0]?.();
    assert.equal(budget.gapMs(), 990, 'ending a follow twice counts once');
    for (const end of ends) end();
    assert.equal(budget.gapMs(), 250);
  });

  it('starts reads beyond the maximum only as earlier ones end, in arrival order; an aborted wait takes no turn', async () => {
    const { read, started, finish } = scriptedReads(new ReadBudget(2));

    const a = read('a');
    const b = read('b');
    const gone = new AbortController();
    const c = read('c', gone.signal);
    const d = read('d');
    await turn();
    assert.deepEqual(started, ['a', 'b'], 'two in flight, the others wait');
    gone.abort();
    await assert.rejects(c, (e: unknown) => FlowscopeError.is(e, 'aborted'));
    finish.get('a')?.();
    assert.equal(await a, 'a');
    await turn();
    assert.deepEqual(started, ['a', 'b', 'd'], 'the aborted read never starts; the next in line takes the slot');
    finish.get('b')?.();
    finish.get('d')?.();
    assert.deepEqual(await Promise.all([b, d]), ['b', 'd']);
    // Every slot is free again: two more start at once.
    void read('e');
    void read('f');
    await turn();
    assert.deepEqual(started, ['a', 'b', 'd', 'e', 'f']);
  });

  it("starts a run's final (urgent) read before the ordinary reads already waiting", async () => {
    const { read, started, finish } = scriptedReads(new ReadBudget(2));
    const reads = [read('a'), read('b'), read('c'), read('d'), read('end', undefined, true), read('e')];
    await turn();
    assert.deepEqual(started, ['a', 'b'], 'both slots taken; c, d, end and e wait');
    finish.get('a')?.();
    await turn();
    assert.deepEqual(started, ['a', 'b', 'end'], 'the freed slot goes to the urgent read, not to c');
    for (const name of ['b', 'end', 'c', 'd']) {
      finish.get(name)?.();
      await turn();
    }
    assert.deepEqual(started, ['a', 'b', 'end', 'c', 'd', 'e'], 'the ordinary reads keep their arrival order');
    finish.get('e')?.();
    assert.deepEqual(await Promise.all(reads), ['a', 'b', 'c', 'd', 'end', 'e']);
  });
});
