// The config.textproto reader: the kit's own file, and the other spellings of protobuf text format a
// team's hand-edited config may use, read to the same record API settings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configFromMessage, loadServerConfig } from '../server/config';
import { parseTextproto } from '../server/textproto';

describe('local server: config.textproto', function () {
  it('reads the kit\'s config: every API, its ACLs, rules and switches', () => {
    const config = loadServerConfig(join(__dirname, '..', '..', 'trailbase', 'traildepot', 'config.textproto'));
    assert.equal(config.enableRecordTransactions, true);
    const names = config.recordApis.map((a) => a.name);
    for (const name of ['teams', 'members', 'join_requests', 'shared_sessions', 'team_activity']) assert.ok(names.includes(name), name);
    const sessions = config.recordApis.find((a) => a.name === 'shared_sessions');
    assert.equal(sessions?.conflictResolution, 'REPLACE');
    assert.equal(sessions?.enableSubscriptions, true);
    assert.deepEqual([...(sessions?.aclAuthenticated ?? [])], ['CREATE', 'READ', 'UPDATE', 'DELETE']);
    assert.match(String(sessions?.rules.create), /^_REQ_\.user = _USER_\.id AND EXISTS/);
    const members = config.recordApis.find((a) => a.name === 'members');
    assert.equal(members?.aclAuthenticated.has('CREATE'), false);
  });

  it('treats repeated blocks, list syntax, `<>` messages, comments and escapes alike', () => {
    const a = configFromMessage(parseTextproto(`
      # comment
      server: { enable_record_transactions: true }
      record_apis { name: "x" table_name: 'x' acl_world: READ acl_world: CREATE read_access_rule: "a = 'b'" }
      record_apis < name: "y" acl_authenticated: [READ, DELETE] create_access_rule: "_REQ_.n = \\"q\\"" "  AND 1" >
    `));
    assert.deepEqual(a.recordApis.map((r) => [r.name, r.tableName, [...r.aclWorld], [...r.aclAuthenticated]]), [
      ['x', 'x', ['READ', 'CREATE'], []],
      ['y', 'y', [], ['READ', 'DELETE']],
    ]);
    assert.equal(a.recordApis[0].rules.read, "a = 'b'");
    assert.equal(a.recordApis[1].rules.create, '_REQ_.n = "q"  AND 1');
  });

  it('refuses what it does not understand instead of silently ignoring it', () => {
    assert.throws(() => configFromMessage(parseTextproto('record_apis { name: "x" expand: ["a"] }')), /expand/);
    assert.throws(() => configFromMessage(parseTextproto('record_apis { name: "x" acl_world: [READ, FLY] }')), /FLY/);
    assert.throws(() => parseTextproto('record_apis { name: "x" '), /missing/);
    assert.throws(() => parseTextproto('name: "unterminated'), /unterminated/);
  });
});
