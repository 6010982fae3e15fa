import { UserFacingError } from '../errors.js';

/**
 * Stateless component ids: `sty:<action>:<compositionId>[:slot]`. Everything else lives in the stored
 * composition, so a button works after a restart and on any replica. The slot is the task index of a select, or
 * the composition revision a weights modal was opened on.
 */
export const CUSTOM_ID_PREFIX = 'sty';
export const MAX_CUSTOM_ID_LENGTH = 100;

export const COMPONENT_ACTIONS = [
  'swap',
  'render',
  'export',
  'reroll',
  'variations',
  'weights',
  'wsave',
  'cancel',
] as const;
export type ComponentAction = (typeof COMPONENT_ACTIONS)[number];

export interface ComponentId {
  action: ComponentAction;
  compositionId: string;
  slot?: number;
}

const COMPOSITION_ID = /^[\w-]{8,32}$/;
const MAX_SLOT = 1_000_000;

export function encodeCustomId(id: ComponentId): string {
  if (!COMPOSITION_ID.test(id.compositionId)) throw new Error(`invalid composition id: ${id.compositionId}`);
  const parts = [CUSTOM_ID_PREFIX, id.action, id.compositionId];
  if (id.slot !== undefined) {
    if (!Number.isInteger(id.slot) || id.slot < 0 || id.slot > MAX_SLOT) throw new Error(`invalid slot: ${id.slot}`);
    parts.push(String(id.slot));
  }
  const encoded = parts.join(':');
  if (encoded.length > MAX_CUSTOM_ID_LENGTH) throw new Error(`custom_id longer than ${MAX_CUSTOM_ID_LENGTH}`);
  return encoded;
}

export function isOurCustomId(raw: string): boolean {
  return raw.startsWith(`${CUSTOM_ID_PREFIX}:`);
}

/** Parses one of our ids; a forged or damaged one is a user-facing error that says the control is not valid. */
export function decodeCustomId(raw: string): ComponentId {
  const invalid = () =>
    new UserFacingError('That control is not valid (it may be from an old version of the bot).', 'bad_custom_id');
  const parts = raw.split(':');
  if (raw.length > MAX_CUSTOM_ID_LENGTH || parts.length < 3 || parts.length > 4 || parts[0] !== CUSTOM_ID_PREFIX)
    throw invalid();
  const [, action, compositionId, slotText] = parts;
  if (!(COMPONENT_ACTIONS as readonly string[]).includes(action ?? '')) throw invalid();
  if (!compositionId || !COMPOSITION_ID.test(compositionId)) throw invalid();
  let slot: number | undefined;
  if (slotText !== undefined) {
    if (!/^\d{1,7}$/.test(slotText)) throw invalid();
    slot = Number(slotText);
    if (slot > MAX_SLOT) throw invalid();
  }
  const needsSlot = action === 'swap' || action === 'wsave';
  if (needsSlot !== (slot !== undefined)) throw invalid();
  return { action: action as ComponentAction, compositionId, ...(slot !== undefined ? { slot } : {}) };
}
