import { EntityRegistry } from '../entities/registry';
import { memberDefinition } from './member';
import { sharedSessionDefinition } from './sharedSession';
import { teamDefinition } from './team';

/** Every syncable entity type. A new type is its model file plus one line here. */
export function createEntityRegistry(): EntityRegistry {
  return new EntityRegistry().register(teamDefinition).register(memberDefinition).register(sharedSessionDefinition);
}

export { Team, type TeamRecord, type RemoteTeam } from './team';
export { Member, type MemberRecord, type MemberRole, type RemoteMember } from './member';
export { SharedSession, type SharedSessionRecord, type RemoteSharedSession, type SyncStatus } from './sharedSession';
