// Add Connection numbers its steps to the end of each service's flow (issue 13): the total is
// that service's, the same in every step, and the last step is N/N. Pure function.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addConnectionSteps, stepNumber } from '../../src/core/connectionSteps';

describe('Add Connection steps', () => {
  it('White Rabbit: ids and names, then the key and its signing secret', () => {
    assert.deepEqual(addConnectionSteps('whiterabbit'), ['service', 'name', 'url', 'workflows', 'protection', 'key', 'secret']);
    assert.equal(stepNumber('whiterabbit', 'url'), '3/7');
    assert.equal(stepNumber('whiterabbit', 'secret'), '7/7');
  });
  it('Powabase lists its own workflows: five steps', () => {
    assert.deepEqual(addConnectionSteps('powabase'), ['service', 'name', 'url', 'protection', 'key']);
    assert.equal(stepNumber('powabase', 'key'), '5/5');
  });
  it('Supervity: the organisation before the workflows', () => {
    assert.deepEqual(addConnectionSteps('supervity'), ['service', 'name', 'url', 'org', 'workflows', 'protection', 'key']);
    assert.equal(stepNumber('supervity', 'workflows'), '5/7');
  });
  it('before the service is chosen, the total is not promised', () => {
    assert.equal(stepNumber(undefined, 'service'), '1/…');
  });
});
