const HOUR_MS = 60 * 60 * 1000;

/**
 * Whether a member has been in the server long enough for their votes and reactions to count. A member whose
 * join time is unknown is trusted only when no minimum age is configured: an unknown age must not open the door.
 */
export function memberOldEnough(joinedAt: number | null | undefined, minAgeHours: number, now = Date.now()): boolean {
  if (minAgeHours <= 0) return true;
  if (joinedAt === null || joinedAt === undefined) return false;
  return now - joinedAt >= minAgeHours * HOUR_MS;
}
