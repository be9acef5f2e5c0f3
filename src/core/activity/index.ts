export { getTeamActivity } from './teamActivity';
export { TimeZoneError, defaultTimeZone, msUntilNextLocalDay } from './days';
export { MAX_STREAK_DAYS } from './types';
export type { DayActivity, MemberActivity, RangeDays, TeamActivity, TeamActivityQuery } from './types';
export { focusMinutesToday, getPersonalActivity } from './personal';
export { HEATMAP_WEEKS } from './personalTypes';
export type { PersonalActivity, PersonalActivityQuery } from './personalTypes';
export { crossedGoal, goalProgressText, goalReachedText, minutesOnDay, sanitizeGoalMinutes } from './goal';
export { localDateToday } from './days';
