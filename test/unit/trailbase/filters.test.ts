import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/core/trailbase/errors';
import { appendFilter, type Where } from '../../../src/core/trailbase/filters';

function encode(where: Where): string[] {
  const params = new URLSearchParams();
  appendFilter(params, where);
  return [...params.entries()].map(([k, v]) => `${k}=${v}`);
}

describe('filters in TrailBase query syntax', () => {
  it('writes equality and every comparison operator', () => {
    assert.deepEqual(
      encode({
        team: 'AZMr',
        a: { $eq: 1, $ne: 2 },
        b: { $gt: 3, $gte: 4, $lt: 5, $lte: 6 },
        c: { $like: '%x%', $re: '^a' },
        d: { $is: '!NULL' },
        done: true,
      }),
      [
        'filter[team]=AZMr',
        'filter[a][$eq]=1',
        'filter[a][$ne]=2',
        'filter[b][$gt]=3',
        'filter[b][$gte]=4',
        'filter[b][$lt]=5',
        'filter[b][$lte]=6',
        'filter[c][$like]=%x%',
        'filter[c][$re]=^a',
        'filter[d][$is]=!NULL',
        'filter[done]=true',
      ],
    );
  });

  it('nests $and / $or with indices, splitting multi-column elements into a nested $and', () => {
    assert.deepEqual(encode({ $or: [{ user: 'u1' }, { $and: [{ x: { $gt: 1 } }, { y: 2 }] }, { a: 1, b: 2 }] }), [
      'filter[$or][0][user]=u1',
      'filter[$or][1][$and][0][x][$gt]=1',
      'filter[$or][1][$and][1][y]=2',
      'filter[$or][2][$and][0][a]=1',
      'filter[$or][2][$and][1][b]=2',
    ]);
  });

  it('refuses unknown operators, odd column names and empty groups before sending', () => {
    assert.throws(() => encode({ a: { $between: 1 } as never }), ValidationError);
    assert.throws(() => encode({ 'a]b': 1 }), ValidationError);
    assert.throws(() => encode({ $and: [] }), ValidationError);
  });
});
